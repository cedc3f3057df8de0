package analysis

import (
	"reflect"
	"testing"
	"time"

	"github.com/policykb/policykb"
)

func TestIssuerLevel(t *testing.T) {
	for issuer, want := range map[string]string{
		"临澜市人民政府办公室":      "government-office",
		"溪川市人民政府":         "government",
		"汀阳市教育局":          "department",
		"砚溪市教育体育局":        "department",
		"国务院办公厅":          "government-office",
		"国务院":             "government",
		"某省教育厅":           "department",
		"教育部":             "department",
		"市发展改革委":          "department",
		"某市教育局、某市财政局":     "department", // the lead issuer counts
		"某市人民政府办公室 某市教育局": "government-office",
		" 某市人民政府 ":        "government",
		"某市职业教育集团":        "other",
		"":                "",
	} {
		if got := IssuerLevel(issuer); got != want {
			t.Errorf("IssuerLevel(%q) = %q, want %q", issuer, got, want)
		}
	}
}

func TestValidityAndHorizon(t *testing.T) {
	tests := []struct {
		text     string
		validity int
		stated   bool
		horizon  int
	}{
		{"本意见自印发之日起施行，有效期5年。", 5, true, 5},
		{"有效期为五年。到2025年建成3家。", 5, true, 5},
		{"有效期３年。", 3, true, 3},
		{"本意见自印发之日起施行，有效期至2028年12月31日。", 5, true, 5},
		{"到2025年，全市建成3家联合体。2023年7月2日", 0, false, 2},
		{"执行《职业教育产教融合赋能提升行动实施方案（2023—2027年）》。到2024年完成。", 0, false, 1}, // titles do not count
		{"较2020年翻一番。", 0, false, 0},                                   // never below 0
		{"有效期十二年。", 0, false, 0},                                      // beyond 十: not read
		{"", 0, false, 0},
	}
	for _, tt := range tests {
		v, ok := ValidityYears(tt.text, 2023)
		if v != tt.validity || ok != tt.stated {
			t.Errorf("ValidityYears(%q) = %d, %v; want %d, %v", tt.text, v, ok, tt.validity, tt.stated)
		}
		if h := HorizonYears(tt.text, 2023); h != tt.horizon {
			t.Errorf("HorizonYears(%q) = %d, want %d", tt.text, h, tt.horizon)
		}
	}
}

func TestDocumentAttributes(t *testing.T) {
	d := policykb.Document{Issuer: "岑阳市人民政府办公室", DocType: "implementation opinions",
		IssuedOn: time.Date(2023, 11, 18, 0, 0, 0, 0, time.UTC), Text: "到2025年……本意见自2023年12月1日起施行，有效期5年。"}
	want := map[string]string{"issuerLevel": "government-office", "docType": "implementation opinions",
		"issueYear": "2023", "validityYears": "5", "horizonYears": "5"}
	if got := DocumentAttributes(d); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	// Without a date, nothing that needs the issue year.
	if got := DocumentAttributes(policykb.Document{Issuer: "某市教育局", Text: "有效期5年。"}); !reflect.DeepEqual(got, map[string]string{"issuerLevel": "department"}) {
		t.Errorf("undated: %v", got)
	}
}
