package loaders

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// scanMatches is the plain definition exactMatches must agree with: scan
// for the quote from the left, resuming after each match.
func scanMatches(text, quote string) []int {
	var starts []int
	for pos := 0; ; {
		i := strings.Index(text[pos:], quote)
		if i < 0 {
			return starts
		}
		starts = append(starts, utf8.RuneCountInString(text[:pos+i]))
		pos += i + len(quote)
	}
}

// FuzzExactMatches: the indexed search finds exactly the non-overlapping
// occurrences a left-to-right scan finds, at the same code-point offsets,
// also when one locator answers several quotes.
func FuzzExactMatches(f *testing.F) {
	f.Add("推动产教\n融合。推动产教融合。", "产教融合", "推动")
	f.Add("aaaaa", "aa", "a")     // overlapping occurrences: 0, 2 (not 1, 3)
	f.Add("ééaéa", "éa", "a")     // multi-byte runes before the matches
	f.Add("坚持需求导向。", "导向。坚", "。") // no match, a match at the end
	f.Fuzz(func(t *testing.T, text, q1, q2 string) {
		if !utf8.ValidString(text) || !utf8.ValidString(q1) || !utf8.ValidString(q2) || q1 == "" || q2 == "" {
			return
		}
		l := &locator{text: text}
		for _, q := range []string{q1, q2} {
			got, lens := l.exactMatches(q)
			want := scanMatches(text, q)
			if len(got) != len(want) {
				t.Fatalf("%q in %q: got %v, want %v", q, text, got, want)
			}
			for i := range want {
				if got[i] != want[i] || lens[i] != utf8.RuneCountInString(q) {
					t.Fatalf("%q in %q: got %v %v, want %v", q, text, got, lens, want)
				}
			}
		}
	})
}
