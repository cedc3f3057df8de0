package analysis

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/policykb/policykb"
)

// DocumentAttributes returns the attributes a PMC rule can name, as strings
// (numbers in decimal); an attribute the document does not have is absent:
//   - issuerLevel: IssuerLevel(d.Issuer), absent without an issuer;
//   - docType: d.DocType as given, absent when empty;
//   - issueYear: the year of d.IssuedOn, absent without a date;
//   - validityYears: ValidityYears(d.Text, issue year), absent unless stated;
//   - horizonYears: HorizonYears(d.Text, issue year), absent without a date.
func DocumentAttributes(d policykb.Document) map[string]string {
	out := map[string]string{}
	if l := IssuerLevel(d.Issuer); l != "" {
		out[policykb.AttrIssuerLevel] = l
	}
	if t := strings.TrimSpace(d.DocType); t != "" {
		out[policykb.AttrDocType] = t
	}
	if d.IssuedOn.IsZero() {
		return out
	}
	year := d.IssuedOn.Year()
	out[policykb.AttrIssueYear] = strconv.Itoa(year)
	if v, ok := ValidityYears(d.Text, year); ok {
		out[policykb.AttrValidityYears] = strconv.Itoa(v)
	}
	out[policykb.AttrHorizonYears] = strconv.Itoa(HorizonYears(d.Text, year))
	return out
}

// IssuerLevel classifies an issuer by its name. When the issuer names
// several bodies (separated by 、，, ; or spaces) the first, the lead
// issuer, counts. The name's ending decides:
//   - 人民政府办公室, 人民政府办公厅, 政府办公室, 政府办公厅, 国务院办公厅 →
//     government-office (the government's general office);
//   - 人民政府, 政府, 国务院 → government;
//   - 局, 委员会, 委, 厅, 部, 办公室, 办, 管委会 → department (a government
//     department, commission or bureau, e.g. 市教育局, 市教育体育局);
//   - anything else → other; "" for an empty issuer.
func IssuerLevel(issuer string) string {
	name := strings.TrimSpace(issuer)
	if i := strings.IndexAny(name, "、，,; ；\u3000"); i >= 0 {
		name = strings.TrimSpace(name[:i])
	}
	if name == "" {
		return ""
	}
	ends := func(suffixes ...string) bool {
		for _, s := range suffixes {
			if strings.HasSuffix(name, s) {
				return true
			}
		}
		return false
	}
	switch {
	case ends("政府办公室", "政府办公厅", "国务院办公厅"):
		return policykb.IssuerGovernmentOffice
	case ends("政府", "国务院"):
		return policykb.IssuerGovernment
	case ends("局", "委员会", "委", "厅", "部", "办公室", "办", "管委会"):
		return policykb.IssuerDepartment
	}
	return policykb.IssuerOther
}

var (
	validityFor   = regexp.MustCompile(`有效期(?:为)?([0-9０-９]+|[一二两三四五六七八九十]+)年`)
	validityUntil = regexp.MustCompile(`有效期(?:至|到)((?:19|20)[0-9]{2})年`)
	yearNamed     = regexp.MustCompile(`((?:19|20)[0-9]{2})年`)
	bookTitle     = regexp.MustCompile(`《[^》]*》`)
)

// ValidityYears returns the validity period a text states: N for 有效期N年
// (有效期5年, 有效期为五年; Arabic, full-width or Chinese numerals up to
// 十), or Y − issueYear for 有效期至Y年 (有效期至2028年12月31日 issued in
// 2023: 5). The first statement in the text counts; false when there is none.
func ValidityYears(text string, issueYear int) (int, bool) {
	a := validityFor.FindStringSubmatchIndex(text)
	b := validityUntil.FindStringSubmatchIndex(text)
	switch {
	case a != nil && (b == nil || a[0] < b[0]):
		return parseSmallNumber(text[a[2]:a[3]])
	case b != nil:
		y, _ := strconv.Atoi(text[b[2]:b[3]])
		return y - issueYear, true
	}
	return 0, false
}

// HorizonYears returns how many years past its issue year a text reaches:
// the larger of its validity period (ValidityYears) and the latest year it
// names (any 19YY年 or 20YY年 outside titles in 《》, so "到2025年" in a text
// of 2023 reaches 2) minus issueYear; never below 0.
func HorizonYears(text string, issueYear int) int {
	h := 0
	if v, ok := ValidityYears(text, issueYear); ok {
		h = max(h, v)
	}
	for _, m := range yearNamed.FindAllStringSubmatch(bookTitle.ReplaceAllString(text, ""), -1) {
		y, _ := strconv.Atoi(m[1])
		h = max(h, y-issueYear)
	}
	return h
}

// parseSmallNumber reads Arabic or full-width digits, or a Chinese numeral
// from 一 to 十 (with 两 for 二).
func parseSmallNumber(s string) (int, bool) {
	var b strings.Builder
	for _, r := range s {
		if r >= '０' && r <= '９' {
			r = '0' + (r - '０')
		}
		b.WriteRune(r)
	}
	if n, err := strconv.Atoi(b.String()); err == nil {
		return n, true
	}
	for i, r := range []rune("一二三四五六七八九十") {
		if s == string(r) || (r == '二' && s == "两") {
			return i + 1, true
		}
	}
	return 0, false
}
