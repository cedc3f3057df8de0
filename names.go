package policykb

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The one rule for the names users type: a city is named by its English or
// its Chinese name, a province, a code name or a coder by theirs, and names
// compare trimmed of white space and without regard to case. The graph
// queries, the GraphQL resolvers and the exports all match names through
// NameKey and City.Called.

// NameKey is the form in which names compare: trimmed of white space and
// lower-cased.
func NameKey(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Keys returns the keys a city is called by: its English and its Chinese
// name as NameKey, without empty or repeated ones. Indexes of cities by
// name are built from them.
func (c City) Keys() []string {
	keys := make([]string, 0, 2)
	for _, n := range []string{c.Name, c.NameZh} {
		if k := NameKey(n); k != "" && !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	return keys
}

// Called reports whether name is the city's English or Chinese name,
// compared as NameKey. An empty name calls no city.
func (c City) Called(name string) bool {
	name = strings.TrimSpace(name)
	if name == "" {
		return false
	}
	ascii := isASCII(name)
	return sameKey(name, ascii, c.Name) || sameKey(name, ascii, c.NameZh)
}

// sameKey reports whether NameKey(b) is NameKey(a), for a trimmed a
// (asciiA: whether a is ASCII). It lower-cases nothing when both are
// ASCII or when b starts with a letter whose small form is not ASCII (a
// Chinese name against an English one): filters match their names
// against every city, for every request.
func sameKey(a string, asciiA bool, b string) bool {
	if a == b {
		return true
	}
	if asciiA && b != "" && b[0] >= utf8.RuneSelf {
		if r, _ := utf8.DecodeRuneInString(b); !unicode.IsSpace(r) && unicode.ToLower(r) >= utf8.RuneSelf {
			return false // b's key starts with a rune that is not ASCII, a's key is ASCII
		}
	}
	b = strings.TrimSpace(b)
	if a == b {
		return true
	}
	asciiB := isASCII(b)
	switch {
	case asciiA && asciiB:
		return strings.EqualFold(a, b)
	case asciiA:
		return lowersToASCII(b) && strings.EqualFold(a, strings.ToLower(b))
	case asciiB:
		return lowersToASCII(a) && strings.EqualFold(strings.ToLower(a), b)
	}
	return NameKey(a) == NameKey(b) // not EqualFold: ſ folds to s, but is its own small letter
}

// lowersToASCII reports whether strings.ToLower(s) is ASCII: whether
// every rune of s lower-cases to an ASCII one (the Kelvin sign does).
func lowersToASCII(s string) bool {
	for _, r := range s {
		if r >= utf8.RuneSelf && unicode.ToLower(r) >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// InProvince reports whether the city's province is called name, compared
// as NameKey. A city without a province is in none.
func (c City) InProvince(name string) bool {
	k := NameKey(c.Province)
	return k != "" && k == NameKey(name)
}

// NamesCity reports whether the filter's cities and provinces, where it
// names any, admit the city: one of its cities calls it (City.Called) and
// it is in one of its provinces (City.InProvince).
func (f CorpusFilter) NamesCity(c City) bool {
	return (len(f.Cities) == 0 || slices.ContainsFunc(f.Cities, c.Called)) &&
		(len(f.Provinces) == 0 || slices.ContainsFunc(f.Provinces, c.InProvince))
}

// maxSuggestions is how many known names an unknown one is answered with.
const maxSuggestions = 3

// Nearest returns up to n of the known names nearest to name, nearest
// first: those equal to it as NameKey, then those that contain it or that
// it contains (南京 for 南京市; both at least two characters long), then
// those within a small edit distance of it (a third of its length rounded,
// at least 1: Nanjng and Nanjign for Nanjing, P3 for P1, not zz for a1). Ties
// keep the order of known; duplicates and empty names are left out.
func Nearest(name string, known []string, n int) []string {
	k := NameKey(name)
	if k == "" || n <= 0 {
		return nil
	}
	klen := utf8.RuneCountInString(k)
	limit := max(1, (klen+1)/3)
	type cand struct {
		name string
		rank int // 0 equal, 1 containment, 2+d edit distance d
		at   int
	}
	var cands []cand
	seen := map[string]bool{}
	for i, s := range known {
		ks := NameKey(s)
		if ks == "" || seen[s] {
			continue
		}
		seen[s] = true
		switch d := editDistance(k, ks); {
		case d == 0:
			cands = append(cands, cand{s, 0, i})
		case min(klen, utf8.RuneCountInString(ks)) >= 2 && (strings.Contains(ks, k) || strings.Contains(k, ks)):
			cands = append(cands, cand{s, 1, i})
		case d <= limit:
			cands = append(cands, cand{s, 2 + d, i})
		}
	}
	slices.SortStableFunc(cands, func(a, b cand) int { return a.rank - b.rank })
	out := make([]string, 0, min(n, len(cands)))
	for _, c := range cands[:min(n, len(cands))] {
		out = append(out, c.name)
	}
	return out
}

// editDistance is the Levenshtein distance between a and b in code points.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// UnknownNames returns the BAD_USER_INPUT error for names that name nothing
// known: it names the argument, each value, and the known names nearest to
// it, as in
//
//	no city is called "Nanjng" (nearest: "Nanjing"); no city is called "Xx"
//
// what says what a value should have named ("no city is called", "no
// document has the id"). It returns nil when unknown is empty.
func UnknownNames(arg, what string, unknown, known []string) *Error {
	if len(unknown) == 0 {
		return nil
	}
	parts := make([]string, len(unknown))
	for i, u := range unknown {
		parts[i] = fmt.Sprintf("%s %q", what, u)
		if near := Nearest(u, known, maxSuggestions); len(near) > 0 {
			quoted := make([]string, len(near))
			for j, s := range near {
				quoted[j] = fmt.Sprintf("%q", s)
			}
			parts[i] += " (nearest: " + strings.Join(quoted, ", ") + ")"
		}
	}
	return InvalidArgument(arg, "%s", strings.Join(parts, "; "))
}
