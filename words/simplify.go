package words

import (
	"bufio"
	"fmt"
	"strings"
	"unicode/utf8"
)

// t2s maps traditional characters to simplified ones. It is a character
// table (data/words/t2s.txt, from ICU's Traditional-Simplified transform):
// phrase-level choices (著 as 着 or 著) are left alone, which for counting
// words of policy texts costs little.
type t2s map[rune]rune

// parseT2S reads "traditional simplified" pairs, one a line (# comments).
func parseT2S(name, text string) (t2s, error) {
	m := t2s{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for line := 1; sc.Scan(); line++ {
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		f := strings.Fields(l)
		if len(f) != 2 || utf8.RuneCountInString(f[0]) != 1 || utf8.RuneCountInString(f[1]) != 1 {
			return nil, fmt.Errorf("%s:%d: expected a traditional and a simplified character, got %q", name, line, l)
		}
		from, _ := utf8.DecodeRuneInString(f[0])
		to, _ := utf8.DecodeRuneInString(f[1])
		m[from] = to
	}
	return m, sc.Err()
}

// convert returns s with every mapped character replaced; s itself when
// none is (the common case costs one pass and no allocation). Characters
// map one to one, so offsets in code points are the same in both.
func (m t2s) convert(s string) string {
	first := -1
	for i, r := range s {
		if r >= 0x3400 {
			if _, ok := m[r]; ok {
				first = i
				break
			}
		}
	}
	if first < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:first])
	for _, r := range s[first:] {
		if to, ok := m[r]; ok {
			r = to
		}
		b.WriteRune(r)
	}
	return b.String()
}
