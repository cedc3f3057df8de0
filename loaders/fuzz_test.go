package loaders

import (
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseCodebook: any bytes give problems or codes, never a panic, and
// every problem names the file.
func FuzzParseCodebook(f *testing.F) {
	for _, p := range []string{"testdata/load/codebook.yaml", "testdata/codebook/errors.yaml", "testdata/codebook/cycle.yaml", "testdata/codebook/shape.yaml"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var c collector
		_, entries := parseCodebook("cb.yaml", data, &c)
		checkCodebook("cb.yaml", entries, nil, &c)
		for _, p := range c.problems {
			if p.File != "cb.yaml" || p.Message == "" {
				t.Fatalf("problem %+v", p)
			}
		}
	})
}

// FuzzParseCodings: any bytes give problems or rows, never a panic; rows
// carry their line and the required fields.
func FuzzParseCodings(f *testing.F) {
	for _, p := range []string{"testdata/load/codings.csv", "testdata/load/codings_errors.csv", "testdata/load/codings_occurrence.csv", "testdata/codings/gbk.csv"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var c collector
		for _, e := range parseCodings("c.csv", data, &c) {
			if e.line < 2 || e.docID == "" || e.quote == "" || e.codeID == "" || e.occurrence < 0 {
				t.Fatalf("row %+v", e)
			}
		}
	})
}

// FuzzLocate: a passage found for a quote is, white space aside, the quote.
func FuzzLocate(f *testing.F) {
	f.Add("推动产教\n融合。推动产教融合。", "产教融合", 2)
	f.Add("坚持需求　导向。", "需求导向", 0)
	f.Fuzz(func(t *testing.T, text, quote string, occurrence int) {
		if !utf8.ValidString(text) || !utf8.ValidString(quote) || occurrence < 0 {
			return
		}
		start, end, err := locate(text, quote, occurrence)
		if err != nil {
			return
		}
		rs := []rune(text)
		if start < 0 || start >= end || end > len(rs) {
			t.Fatalf("span [%d,%d) of %d", start, end, len(rs))
		}
		strip := func(s string) string { return strings.Join(strings.FieldsFunc(s, isSpace), "") }
		if got := string(rs[start:end]); got != quote && strip(got) != strip(quote) {
			t.Fatalf("found %q for %q", got, quote)
		}
	})
}
