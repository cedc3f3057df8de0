package loaders

import (
	"fmt"
	"index/suffixarray"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/policykb/policykb"
)

// codingColumns are the columns of a codings CSV. confidence, code_name and
// note are read and ignored: a review file of automatic codings (policykb
// autocode review) carries them for the reviewer, and loads as it is.
var codingColumns = columns{
	known:    []string{"document_id", "quote", "code_id", "coder", "occurrence", "confidence", "code_name", "note"},
	aliases:  map[string]string{"concept_id": "code_id"},
	required: []string{"document_id", "quote", "code_id"},
}

// codingEntry is one row of a codings CSV.
type codingEntry struct {
	file       string
	line       int
	docID      string
	quote      string
	codeID     string
	coder      string
	occurrence int // 1-based; 0 when not given
}

// parseCodings reads a codings CSV: document_id, quote, code_id (or
// concept_id), and optionally coder and occurrence.
func parseCodings(file string, data []byte, c *collector) []codingEntry {
	t, ok := readTable(file, data, codingColumns, c)
	if !ok {
		return nil
	}
	var out []codingEntry
	for _, r := range t.rows {
		if e, ok := codingRowOf(t, r, c); ok {
			out = append(out, e)
		}
	}
	return out
}

// codingRowOf checks one row of a codings table; ok is false when it has
// a problem (reported to c).
func codingRowOf(t *table, r row, c *collector) (codingEntry, bool) {
	file := t.file
	e := codingEntry{file: file, line: r.line, docID: t.get(r, "document_id"),
		quote: strings.TrimFunc(t.raw(r, "quote"), isSpace), codeID: t.get(r, "code_id"), coder: t.get(r, "coder")}
	bad := false
	for _, f := range []struct{ col, val string }{{"document_id", e.docID}, {"quote", e.quote}, {"code_id", e.codeID}} {
		if f.val == "" {
			c.add(file, r.line, f.col, "empty: every coding needs a document_id, a quote and a code_id")
			bad = true
			break
		}
	}
	if s := t.get(r, "occurrence"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			c.add(file, r.line, "occurrence", "%q: expected a whole number from 1 (which occurrence of the quote in the document)", s)
			bad = true
		}
		e.occurrence = n
	}
	return e, !bad
}

// locate finds the passage a quote designates in a document's text and
// returns its code-point span. An exact match is tried first; failing that,
// a match that ignores white space on both sides (NVivo's copies lose hard
// line breaks), mapped back to the original offsets. occurrence (1-based)
// picks among several matches; 0 requires the quote to be unique.
func locate(text, quote string, occurrence int) (start, end int, err error) {
	return (&locator{text: text}).locate(quote, occurrence)
}

// locator locates the quotes of one document's text (see locate). The
// first search indexes the text, a suffix array and the code-point offset
// of every byte, so that each further quote costs a binary search instead
// of a scan of the whole text. A locator is not safe for concurrent use.
type locator struct {
	text   string
	index  *suffixarray.Index
	runeAt []int32 // runeAt[i] is the code-point offset of byte i, at the start of each code point, and of len(text)
}

// locate is the package's locate on l's text.
func (l *locator) locate(quote string, occurrence int) (start, end int, err error) {
	if strings.TrimFunc(quote, isSpace) == "" {
		return 0, 0, fmt.Errorf("empty quote")
	}
	starts, n := l.exactMatches(quote)
	if len(starts) == 0 {
		starts, n = looseMatches(l.text, quote)
	}
	switch {
	case len(starts) == 0:
		return 0, 0, fmt.Errorf("not found in the document text: %q", preview(quote))
	case occurrence > len(starts):
		return 0, 0, fmt.Errorf("occurrence %d, but the quote occurs %s: %q", occurrence, times(len(starts)), preview(quote))
	case occurrence == 0 && len(starts) > 1:
		return 0, 0, fmt.Errorf("ambiguous: occurs %d times; add an occurrence column (1 to %d) to say which: %q", len(starts), len(starts), preview(quote))
	}
	k := max(occurrence, 1) - 1
	return starts[k], starts[k] + n[k], nil
}

func times(n int) string {
	if n == 1 {
		return "once"
	}
	return strconv.Itoa(n) + " times"
}

// exactMatches returns the code-point start of every non-overlapping
// occurrence of quote in l's text, leftmost first, and each one's length
// in code points.
func (l *locator) exactMatches(quote string) ([]int, []int) {
	if l.index == nil {
		l.index = suffixarray.New([]byte(l.text))
		l.runeAt = make([]int32, len(l.text)+1)
		n := int32(0)
		for i := range l.text {
			l.runeAt[i] = n
			n++
		}
		l.runeAt[len(l.text)] = n
	}
	at := l.index.Lookup([]byte(quote), -1) // every occurrence, overlapping ones included, in no order
	slices.Sort(at)
	var starts []int
	var lens []int
	qn := utf8.RuneCountInString(quote)
	next := 0 // the first byte a further match may start at
	for _, i := range at {
		if i < next {
			continue
		}
		starts = append(starts, int(l.runeAt[i]))
		lens = append(lens, qn)
		next = i + len(quote)
	}
	return starts, lens
}

// looseMatches matches with all white space removed from both sides.
func looseMatches(text, quote string) ([]int, []int) {
	var q []rune
	for _, r := range quote {
		if !isSpace(r) {
			q = append(q, r)
		}
	}
	if len(q) == 0 {
		return nil, nil
	}
	var compact []rune
	var at []int // compact index → code-point offset in text
	i := 0
	for _, r := range text {
		if !isSpace(r) {
			compact = append(compact, r)
			at = append(at, i)
		}
		i++
	}
	var starts []int
	var lens []int
	cs, qs := string(compact), string(q)
	pos, runePos := 0, 0
	for {
		k := strings.Index(cs[pos:], qs)
		if k < 0 {
			return starts, lens
		}
		runePos += utf8.RuneCountInString(cs[pos : pos+k])
		first, last := at[runePos], at[runePos+len(q)-1]
		starts = append(starts, first)
		lens = append(lens, last+1-first)
		runePos += len(q)
		pos += k + len(qs)
	}
}

func preview(s string) string {
	const n = 24
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// passageCodings returns the codings of a passage [start, end): a copy of
// k on every unit the passage codes (see coveredUnits), in unit order, with
// the passage's span kept unless it is exactly one whole unit.
func passageCodings(units []policykb.Sentence, start, end int, k policykb.Coding) []policykb.Coding {
	covered := coveredUnits(units, start, end)
	whole := len(covered) == 1 && units[covered[0]].Start == start && units[covered[0]].End == end
	out := make([]policykb.Coding, 0, len(covered))
	for _, i := range covered {
		c := k
		c.SentenceID = units[i].ID
		c.Start, c.End = nil, nil
		if !whole {
			s, e := start, end
			c.Start, c.End = &s, &e
		}
		out = append(out, c)
	}
	return out
}

// coveredUnits returns the indexes of the units a passage [start, end)
// codes: every SENTENCE it overlaps; a HEADING only when the passage lies
// inside it; and, when the passage overlaps only headings, those headings.
func coveredUnits(units []policykb.Sentence, start, end int) []int {
	var out, headings []int
	for i, u := range units {
		if u.End <= start {
			continue
		}
		if u.Start >= end {
			break
		}
		if u.Kind == policykb.KindHeading {
			if start >= u.Start && end <= u.End {
				return []int{i}
			}
			headings = append(headings, i)
			continue
		}
		out = append(out, i)
	}
	if len(out) == 0 {
		return headings
	}
	return out
}
