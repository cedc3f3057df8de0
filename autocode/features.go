package autocode

import (
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/policykb/policykb"
)

// Unit is one sentence as the coders see it: its text, its words as the
// store keeps them (stop words included), and where it stands in its
// document.
type Unit struct {
	Sentence policykb.Sentence
	// Simplified is the text in the form words are counted on
	// (graph.Words.Simplify): what dictionaries match against.
	Simplified string
	Words      []string
	// Section and Subsection are the texts of the nearest headings above
	// the sentence at the first and second level of the document's
	// numbering (一、… and （一）…), "" when there is none.
	Section, Subsection string
	// Lead is the list lead (a unit ending in a colon: 第N条　…下列条件：)
	// when the unit is an item of its list ((一)…, 1.…), else "".
	Lead string
	// common are the words and character pairs of the unit's document
	// that stand in so many of its sentences that they say what the
	// document is about, not what the sentence does (see commonFeatures).
	common *common
}

var (
	topHeading = regexp.MustCompile(`^\s*(第[一二三四五六七八九十百零〇]+[章部节篇]|[一二三四五六七八九十]+[、.．])`)
	subHeading = regexp.MustCompile(`^\s*[（(][一二三四五六七八九十]+[)）]`)
	listItem   = regexp.MustCompile(`^\s*([（(][一二三四五六七八九十0-9]+[)）]|[0-9]+[.．、])`)
)

// Units builds the units of one document's sentences (in index order),
// with their words (one list per sentence) and simplified texts.
func Units(sentences []policykb.Sentence, words [][]string, simplified []string) []Unit {
	out := make([]Unit, len(sentences))
	section, sub, lead := "", "", ""
	for i, st := range sentences {
		if st.Kind == policykb.KindHeading {
			switch {
			case topHeading.MatchString(simplified[i]):
				section, sub = simplified[i], ""
			case subHeading.MatchString(simplified[i]):
				sub = simplified[i]
			}
		}
		out[i] = Unit{Sentence: st, Simplified: simplified[i], Words: words[i], Section: section, Subsection: sub}
		switch {
		case listItem.MatchString(simplified[i]):
			out[i].Lead = lead
		case strings.HasSuffix(strings.TrimSpace(simplified[i]), "：") || strings.HasSuffix(strings.TrimSpace(simplified[i]), ":"):
			lead = simplified[i]
		default:
			lead = ""
		}
		if st.Kind == policykb.KindHeading {
			// A heading is not under itself.
			out[i].Section, out[i].Subsection = "", ""
		}
	}
	common := commonFeatures(out)
	for i := range out {
		out[i].common = common
	}
	return out
}

// commonShare and commonMin say when a word or a character pair is
// common in a document: when it stands in at least commonShare of the
// document's sentences and in commonMin of them at least.
const (
	commonShare = 0.3
	commonMin   = 6
)

// commonFeatures are the words and character pairs common in a document's
// units: a law on technology transfer says 科技成果转化 in most of its
// sentences, a plan for industry–education alliances 联合体. Such a term
// tells what the document is about and nothing about what one sentence of
// it does, yet a coder trained on other documents reads it as a sign of
// whichever code it stood for there. The learned coder leaves them out.
// Headings are not counted.
func commonFeatures(units []Unit) *common {
	type tally struct{ count, last int32 }
	size, nw := 0, 0
	for _, u := range units {
		size += len(u.Simplified) / 3 // about one pair per character
		nw += len(u.Words)
	}
	words := make(map[string]tally, nw/2)
	pairs := make(map[uint64]tally, size/2)
	n := 0
	for i, u := range units {
		if u.Sentence.Kind == policykb.KindHeading {
			continue
		}
		n++
		at := int32(i + 1)
		for _, w := range u.Words {
			if t := words[w]; t.last != at {
				words[w] = tally{t.count + 1, at}
			}
		}
		eachHanPair(u.Simplified, func(a, b rune) {
			k := pairKey(a, b)
			if t := pairs[k]; t.last != at {
				pairs[k] = tally{t.count + 1, at}
			}
		})
	}
	enough := func(c int32) bool { return c >= commonMin && float64(c) >= commonShare*float64(n) }
	out := &common{words: map[string]bool{}, pairs: map[uint64]bool{}, phrases: map[string]bool{}}
	for _, u := range units {
		if u.Sentence.Kind != policykb.KindHeading {
			out.texts = append(out.texts, strings.ToLower(u.Simplified))
		}
	}
	for w, t := range words {
		if enough(t.count) {
			out.words[w] = true
		}
	}
	for k, t := range pairs {
		if enough(t.count) {
			out.pairs[k] = true
		}
	}
	return out
}

// common holds a document's common words and character pairs, and its
// sentences' texts (lower case) for the dictionaries' terms (phrase).
type common struct {
	words map[string]bool
	pairs map[uint64]bool

	texts   []string
	mu      sync.Mutex
	phrases map[string]bool // phrase → common; filled as asked
}

// dictShare is commonShare for a dictionary's terms: a term standing in a
// fifth of a document's sentences (and commonMin at least) says what the
// document is about (职业培训机构 in a law on vocational education, 培训
// with it), and a dictionary does not code by it there.
const dictShare = 0.2

// phrase tells whether a dictionary term (lower case, simplified) is
// common in the document.
func (c *common) phrase(p string) bool {
	if c == nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.phrases[p]; ok {
		return v
	}
	n := 0
	for _, t := range c.texts {
		if strings.Contains(t, p) {
			n++
		}
	}
	v := n >= commonMin && float64(n) >= dictShare*float64(len(c.texts))
	c.phrases[p] = v
	return v
}

func (c *common) word(w string) bool  { return c != nil && c.words[w] }
func (c *common) pair(a, b rune) bool { return c != nil && c.pairs[pairKey(a, b)] }
func pairKey(a, b rune) uint64        { return uint64(uint32(a))<<32 | uint64(uint32(b)) }

// eachHanPair calls f with each pair of adjacent Chinese characters of a
// text.
func eachHanPair(s string, f func(a, b rune)) {
	var prev rune
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			if prev != 0 {
				f(prev, r)
			}
			prev = r
		} else {
			prev = 0
		}
	}
}

// features lists the features of a unit for the learned coder: its words
// (not stop words), the pairs of adjacent Chinese characters of its text,
// the words of its section and subsection headings, whether it is a
// heading, and its length. Boilerplate that the training texts lack (page
// furniture, metadata lines, reposting sites' notices) shares few of these
// with coded sentences, which is what lets the coder abstain on it.
func features(u Unit, stop func(string) bool, buf []string) []string {
	out := buf[:0]
	for _, w := range u.Words {
		if !stop(w) && !u.common.word(w) {
			out = append(out, "w:"+w)
		}
	}
	eachHanPair(u.Simplified, func(a, b rune) {
		if !u.common.pair(a, b) {
			out = append(out, "b:"+string(a)+string(b))
		}
	})
	for _, h := range []struct{ prefix, text string }{{"h1:", u.Section}, {"h2:", u.Subsection}} {
		if h.text == "" {
			continue
		}
		for _, w := range headingWords(h.text) {
			out = append(out, h.prefix+w)
		}
	}
	if u.Sentence.Kind == policykb.KindHeading {
		out = append(out, "kind:heading")
	}
	n := utf8.RuneCountInString(u.Simplified)
	out = append(out, "len:"+strconv.Itoa(lengthBucket(n)))
	return out
}

// headingWords are the pairs of adjacent Chinese characters of a heading,
// its numbering left out: 二、基本原则 → 基本 本原 原则.
func headingWords(h string) []string {
	h = subHeading.ReplaceAllString(topHeading.ReplaceAllString(h, ""), "")
	var out []string
	eachHanPair(h, func(a, b rune) { out = append(out, string(a)+string(b)) })
	return out
}

func lengthBucket(n int) int {
	switch {
	case n < 8:
		return 0
	case n < 16:
		return 1
	case n < 32:
		return 2
	case n < 64:
		return 3
	}
	return 4
}

// hanShare is the share of a text's characters that are Chinese.
func hanShare(s string) float64 {
	han, all := 0, 0
	for _, r := range s {
		if unicode.IsSpace(r) {
			continue
		}
		all++
		if unicode.Is(unicode.Han, r) {
			han++
		}
	}
	if all == 0 {
		return 0
	}
	return float64(han) / float64(all)
}
