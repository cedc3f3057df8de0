package words

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// Term is one entry of a user dictionary.
type Term struct {
	Text string
	Freq float64 // the weight gse gives the term; defaultFreq when the line gives none
	Pos  string  // part of speech, may be empty
}

// defaultFreq is the weight of a user term given without one: enough to
// win over the pieces the general dictionary would cut it into.
const defaultFreq = 20000

// parseDictionary reads a user dictionary: one term a line, optionally
// followed by a frequency and a part of speech, separated by spaces; blank
// lines and lines starting with # are skipped. A bad line is an error
// naming the file, the line and what was expected.
func parseDictionary(name, text string) ([]Term, error) {
	var terms []Term
	seen := map[string]int{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for line := 1; sc.Scan(); line++ {
		l := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\uFEFF"))
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		f := strings.Fields(l)
		if len(f) > 3 {
			return nil, fmt.Errorf("%s:%d: expected a term, then optionally a frequency and a part of speech, got %d fields in %q (a term holds no space)", name, line, len(f), l)
		}
		t := Term{Text: strings.ToLower(f[0]), Freq: defaultFreq}
		if !hasLetter(t.Text) {
			return nil, fmt.Errorf("%s:%d: term %q has no letter or Chinese character", name, line, f[0])
		}
		if len(f) > 1 {
			v, err := strconv.ParseFloat(f[1], 64)
			if err != nil || v < 1 {
				return nil, fmt.Errorf("%s:%d: frequency %q of %q: expected a number of at least 1", name, line, f[1], f[0])
			}
			t.Freq = v
		}
		if len(f) > 2 {
			t.Pos = f[2]
		}
		if prev, dup := seen[t.Text]; dup {
			return nil, fmt.Errorf("%s:%d: term %q is already on line %d", name, line, f[0], prev)
		}
		seen[t.Text] = line
		terms = append(terms, t)
	}
	return terms, sc.Err()
}

// parseStopWords reads a stop-word list: one word a line, # comments.
func parseStopWords(name, text string) (map[string]bool, error) {
	stop := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for line := 1; sc.Scan(); line++ {
		l := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\uFEFF"))
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		if strings.ContainsFunc(l, unicode.IsSpace) {
			return nil, fmt.Errorf("%s:%d: expected one word, got %q", name, line, l)
		}
		stop[strings.ToLower(l)] = true
	}
	return stop, sc.Err()
}

func hasLetter(s string) bool { return strings.ContainsFunc(s, unicode.IsLetter) }
