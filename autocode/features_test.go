package autocode

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/policykb/policykb"
)

// doc builds a document's units from sentences whose words are separated
// by spaces; a line starting with "#" is a heading.
func doc(lines ...string) []Unit {
	var sentences []policykb.Sentence
	var words [][]string
	var texts []string
	for i, l := range lines {
		kind := policykb.KindSentence
		if strings.HasPrefix(l, "#") {
			kind, l = policykb.KindHeading, l[1:]
		}
		sentences = append(sentences, policykb.Sentence{ID: "d#" + string(rune('a'+i)), Index: i, Kind: kind, Text: strings.ReplaceAll(l, " ", "")})
		words = append(words, strings.Fields(l))
		texts = append(texts, strings.ReplaceAll(l, " ", ""))
	}
	return Units(sentences, words, texts)
}

func noStop(string) bool { return false }

func TestCommonWordsOfADocumentAreNotFeatures(t *testing.T) {
	// Ten sentences: 成果 stands in six (60 %, at least commonMin), 资金 in
	// five (under commonMin), 奖励 in two. The heading's 成果 is not
	// counted, and the heading counts in no share.
	units := doc(
		"#成果 总则",
		"成果 资金 甲", "成果 资金 乙", "成果 资金 丙", "成果 资金 丁", "成果 资金 戊",
		"成果 奖励 己", "奖励 庚", "辛", "壬", "癸",
	)
	c := units[0].common
	if !c.word("成果") || !c.pair('成', '果') {
		t.Errorf("成果 is not common: %+v", c)
	}
	for _, not := range []string{"资金", "奖励", "甲", "总则"} {
		if c.word(not) || c.pair([]rune(not)[0], []rune(not + "x")[1]) {
			t.Errorf("%s is common", not)
		}
	}
	for i := range units {
		if units[i].common != c {
			t.Errorf("unit %d has other common words", i)
		}
	}
	fs := features(units[1], noStop, nil)
	if slices.Contains(fs, "w:成果") || slices.Contains(fs, "b:成果") {
		t.Errorf("features of %q keep the common word: %v", units[1].Simplified, fs)
	}
	for _, want := range []string{"w:资金", "b:资金", "w:甲", "b:金甲"} {
		if !slices.Contains(fs, want) {
			t.Errorf("features of %q lack %s: %v", units[1].Simplified, want, fs)
		}
	}

	// Six sentences of twenty-one (29 %) are under commonShare.
	lines := []string{"成果 甲", "成果 乙", "成果 丙", "成果 丁", "成果 戊", "成果 己"}
	for range 15 {
		lines = append(lines, "其他")
	}
	if c := doc(lines...)[0].common; c.word("成果") || c.pair('成', '果') {
		t.Errorf("成果 in 6 of 21 sentences is common")
	}
}

func TestSeedExamplesAreTheCodebooksNames(t *testing.T) {
	codes := []policykb.Code{
		{ID: "L1", Level: policykb.LevelLayer, NameZh: "理念引导层"},
		{ID: "M1", Level: policykb.LevelMainCategory, Parent: "L1", NameZh: "資金支持"},
		{ID: "C1", Level: policykb.LevelCategory, Parent: "M1", Name: "no Chinese name"},
		{ID: "K1", Level: policykb.LevelConcept, Parent: "C1", NameZh: "加大财政支持力度"},
	}
	cut := func(s string) []string { return []string{s[:6], s[6:]} }
	simplify := func(s string) string { return strings.ReplaceAll(s, "資", "资") }
	got := SeedExamples(codes, cut, simplify)
	if len(got) != 2*seedRepeat {
		t.Fatalf("%d examples, want %d (M1 and K1, %d times each)", len(got), 2*seedRepeat, seedRepeat)
	}
	for i, want := range []struct{ code, text, first string }{{"M1", "资金支持", "资金"}, {"K1", "加大财政支持力度", "加大"}} {
		ex := got[i*seedRepeat]
		if !slices.Equal(ex.Codes, []string{want.code}) || ex.Unit.Simplified != want.text || ex.Unit.Words[0] != want.first ||
			ex.Unit.Sentence.Kind != policykb.KindSentence {
			t.Errorf("example %d: %+v, want %s coded %s", i, ex, want.text, want.code)
		}
	}
}

func TestDictionaryExamplesAreItsTerms(t *testing.T) {
	d := &Dictionary{Name: "d", Entries: []Entry{
		{CodeID: "M4", Words: []string{"津贴"}, Phrases: []string{"绩效工资"}, Patterns: []*regexp.Regexp{regexp.MustCompile(`奖补.{0,6}资金`)}, Exclude: []string{"工资条"}},
		{CodeID: "M10", Phrases: []string{"奖学金"}},
	}}
	cut := func(s string) []string { return []string{s} }
	got := DictionaryExamples(d, cut, func(s string) string { return s })
	if len(got) != 3*seedRepeat {
		t.Fatalf("%d examples, want %d (three terms, %d times each; no pattern, no exclusion)", len(got), 3*seedRepeat, seedRepeat)
	}
	for i, want := range []struct{ code, text string }{{"M4", "绩效工资"}, {"M4", "津贴"}, {"M10", "奖学金"}} {
		for j := range seedRepeat {
			ex := got[i*seedRepeat+j]
			if !slices.Equal(ex.Codes, []string{want.code}) || ex.Unit.Simplified != want.text || !slices.Equal(ex.Unit.Words, []string{want.text}) ||
				ex.Unit.Sentence.Kind != policykb.KindSentence {
				t.Errorf("example %d: %+v, want %s coded %s", i*seedRepeat+j, ex, want.text, want.code)
			}
		}
	}
	if len(d.Entries[0].Phrases) != 1 {
		t.Errorf("the entry's phrases changed: %v", d.Entries[0].Phrases)
	}
}
