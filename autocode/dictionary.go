package autocode

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/policykb/policykb"
)

// Dictionary is a coder that codes by word lists, MAXDictio's way: each
// entry names a code (of any level) and the words, phrases and patterns
// that point to it, and what rules it out. A YAML file:
//
//	name: funding                # the coder becomes auto:dict:funding
//	codes:
//	  - code: main-10            # a code id, or its English or Chinese name
//	    words: [经费, 资金]        # whole words, as the segmenter cuts them
//	    phrases: [专项资金, 以奖代补] # any run of the text
//	    patterns: ['奖补.{0,6}资金'] # regular expressions (Go's RE2 syntax)
//	    exclude: [资金链]          # a sentence holding one is not coded here
//
// Everything is matched on the simplified text (a traditional-script
// dictionary works on simplified and traditional texts alike). A
// sentence is coded at every entry it matches and no exclusion of which
// it holds; the confidence is h / (h + 1) for h distinct items matched
// (one: 0.5, two: 0.67, three: 0.75). Page furniture and metadata lines
// (boilerplate) are never coded.
type Dictionary struct {
	Name    string
	Entries []Entry

	once sync.Once
	ix   *dictIndex // built on first use
}

// Entry is one code of a dictionary.
type Entry struct {
	CodeID   string
	Words    []string
	Phrases  []string
	Patterns []*regexp.Regexp
	Exclude  []string
}

var dictionaryName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)

// ParseDictionary reads a dictionary file. codes is the coding scheme (an
// entry's code may be an id or a name, English or Chinese, of any case);
// simplify maps text to its simplified form. Every problem is reported,
// each as file:line:column and what was expected.
func ParseDictionary(file string, data []byte, codes []policykb.Code, simplify func(string) string) (*Dictionary, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%s: not YAML: %v", file, err)
	}
	var probs []string
	bad := func(n *yaml.Node, format string, args ...any) {
		probs = append(probs, fmt.Sprintf("%s:%d:%d: %s", file, n.Line, n.Column, fmt.Sprintf(format, args...)))
	}
	d := &Dictionary{}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: expected a mapping with name and codes", file)
	}
	top := root.Content[0]
	var entries *yaml.Node
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		switch k.Value {
		case "name":
			if v.Kind != yaml.ScalarNode || !dictionaryName.MatchString(v.Value) {
				bad(v, "name: expected letters, digits, '.', '_' or '-' (it names the coder auto:dict:NAME), got %q", v.Value)
				continue
			}
			d.Name = v.Value
		case "codes":
			entries = v
		default:
			bad(k, "unknown key %q: a dictionary has name and codes", k.Value)
		}
	}
	if d.Name == "" && !slices.ContainsFunc(probs, func(p string) bool { return strings.Contains(p, "name:") }) {
		bad(top, "name: missing (it names the coder auto:dict:NAME)")
	}
	if entries == nil || entries.Kind != yaml.SequenceNode || len(entries.Content) == 0 {
		n := top
		if entries != nil {
			n = entries
		}
		bad(n, "codes: expected a list of entries, each with a code and words, phrases or patterns")
	} else {
		resolve := codeResolver(codes)
		seen := map[string]int{}
		for i, en := range entries.Content {
			e, ok := parseEntry(en, i, resolve, simplify, bad)
			if !ok {
				continue
			}
			if prev, dup := seen[e.CodeID]; dup {
				bad(en, "codes[%d]: code %s already has an entry (codes[%d]): put its items in one entry", i, e.CodeID, prev)
				continue
			}
			seen[e.CodeID] = i
			d.Entries = append(d.Entries, e)
		}
	}
	if len(probs) > 0 {
		return nil, policykb.InvalidArgument("dictionary", "%s", strings.Join(probs, "\n"))
	}
	return d, nil
}

func parseEntry(n *yaml.Node, i int, resolve func(string) (string, error), simplify func(string) string, bad func(*yaml.Node, string, ...any)) (Entry, bool) {
	var e Entry
	if n.Kind != yaml.MappingNode {
		bad(n, "codes[%d]: expected an entry with code and words, phrases, patterns or exclude", i)
		return e, false
	}
	ok := true
	var codeNode *yaml.Node
	for j := 0; j+1 < len(n.Content); j += 2 {
		k, v := n.Content[j], n.Content[j+1]
		if k.Value == "code" {
			codeNode = v
			if v.Kind != yaml.ScalarNode || strings.TrimSpace(v.Value) == "" {
				bad(v, "codes[%d].code: expected a code id or name", i)
				ok = false
				continue
			}
			id, err := resolve(v.Value)
			if err != nil {
				bad(v, "codes[%d].code: %v", i, err)
				ok = false
				continue
			}
			e.CodeID = id
			continue
		}
		var list *[]string
		switch k.Value {
		case "words":
			list = &e.Words
		case "phrases":
			list = &e.Phrases
		case "exclude":
			list = &e.Exclude
		case "patterns":
		default:
			bad(k, "codes[%d]: unknown key %q: an entry has code, words, phrases, patterns and exclude", i, k.Value)
			ok = false
			continue
		}
		if v.Kind != yaml.SequenceNode {
			bad(v, "codes[%d].%s: expected a list of strings", i, k.Value)
			ok = false
			continue
		}
		for _, item := range v.Content {
			s := strings.TrimSpace(item.Value)
			if item.Kind != yaml.ScalarNode || s == "" {
				bad(item, "codes[%d].%s: expected a non-empty string", i, k.Value)
				ok = false
				continue
			}
			if k.Value == "patterns" {
				re, err := regexp.Compile(simplify(s))
				if err != nil {
					bad(item, "codes[%d].patterns: %q is not a regular expression: %v", i, s, err)
					ok = false
					continue
				}
				e.Patterns = append(e.Patterns, re)
				continue
			}
			if k.Value == "words" && strings.ContainsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' }) {
				bad(item, "codes[%d].words: %q holds a space: a word is one word (use phrases for longer runs)", i, s)
				ok = false
				continue
			}
			*list = append(*list, strings.ToLower(simplify(s)))
		}
	}
	if codeNode == nil {
		bad(n, "codes[%d]: no code", i)
		return e, false
	}
	if ok && len(e.Words)+len(e.Phrases)+len(e.Patterns) == 0 {
		bad(n, "codes[%d]: code %s has no words, phrases or patterns to find it by", i, e.CodeID)
		ok = false
	}
	return e, ok
}

// codeResolver finds a code by id, or by English or Chinese name, case
// aside; a name several codes share is an error listing them.
func codeResolver(codes []policykb.Code) func(string) (string, error) {
	byID := map[string]string{}
	byName := map[string][]policykb.Code{}
	for _, c := range codes {
		byID[strings.ToLower(c.ID)] = c.ID
		for _, n := range []string{c.Name, c.NameZh} {
			if n != "" {
				byName[strings.ToLower(n)] = append(byName[strings.ToLower(n)], c)
			}
		}
	}
	return func(ref string) (string, error) {
		key := strings.ToLower(strings.TrimSpace(ref))
		if id, ok := byID[key]; ok {
			return id, nil
		}
		switch cs := byName[key]; len(cs) {
		case 0:
			return "", fmt.Errorf("unknown code %q: no code has this id or name", ref)
		case 1:
			return cs[0].ID, nil
		default:
			var ids []string
			for _, c := range cs {
				ids = append(ids, c.ID+" ("+c.Level.String()+")")
			}
			return "", fmt.Errorf("code %q is ambiguous: %s; give the id", ref, strings.Join(ids, ", "))
		}
	}
}

// Coder returns the coder name of the dictionary: auto:dict:<name>.
func (d *Dictionary) Coder() string { return policykb.AutoCoderPrefix + "dict:" + d.Name }

// Predict codes a unit at every entry it matches.
func (d *Dictionary) Predict(u Unit) []Suggestion {
	if boilerplate(u) {
		return nil
	}
	return d.match(u, true)
}

// match is Predict without the boilerplate check. Words are looked up in
// a map and phrases by their first character, so a sentence costs a pass
// over its words and characters, not one search per phrase.
//
// When it codes (ownTopic), a term common in the unit's document (see
// common.phrase) is not counted; as the learned coder's hints, every term
// is (the model's own features leave out what is common).
func (d *Dictionary) match(u Unit, ownTopic bool) []Suggestion {
	ix := d.index()
	text := strings.ToLower(u.Simplified)
	hits := make(map[int]map[string]bool) // entry → distinct items found
	found := func(e int, item string) {
		if hits[e] == nil {
			hits[e] = map[string]bool{}
		}
		hits[e][item] = true
	}
	for _, w := range u.Words {
		for _, e := range ix.words[w] {
			if !ownTopic || !u.common.phrase(strings.ToLower(w)) {
				found(e, "w:"+w)
			}
		}
	}
	for i, r := range text {
		for _, p := range ix.phrases[r] {
			if strings.HasPrefix(text[i:], p.text) && (!ownTopic || !u.common.phrase(p.text)) {
				found(p.entry, "p:"+p.text)
			}
		}
	}
	for _, e := range ix.patterned {
		for k, re := range d.Entries[e].Patterns {
			if re.MatchString(text) {
				found(e, "r:"+strconv.Itoa(k))
			}
		}
	}
	var out []Suggestion
	for e, entry := range d.Entries {
		h := len(hits[e])
		if h == 0 || slices.ContainsFunc(entry.Exclude, func(x string) bool { return strings.Contains(text, x) }) {
			continue
		}
		out = append(out, Suggestion{CodeID: entry.CodeID, Confidence: float64(h) / float64(h+1)})
	}
	return out
}

type dictIndex struct {
	words     map[string][]int
	phrases   map[rune][]phraseRef
	patterned []int
}

type phraseRef struct {
	entry int
	text  string
}

func (d *Dictionary) index() *dictIndex {
	d.once.Do(func() {
		ix := &dictIndex{words: map[string][]int{}, phrases: map[rune][]phraseRef{}}
		for e, entry := range d.Entries {
			for _, w := range entry.Words {
				if !slices.Contains(ix.words[w], e) {
					ix.words[w] = append(ix.words[w], e)
				}
			}
			for _, p := range entry.Phrases {
				r, _ := utf8.DecodeRuneInString(p)
				ix.phrases[r] = append(ix.phrases[r], phraseRef{e, p})
			}
			if len(entry.Patterns) > 0 {
				ix.patterned = append(ix.patterned, e)
			}
		}
		d.ix = ix
	})
	return d.ix
}

// Seeds is a dictionary made of the coding scheme's own names: each code
// with a Chinese name is found by that name as a phrase, and by the words
// of the name (as seg cuts them) that are two characters or more and not
// stop words. The learned coder uses it as features, a prior that holds
// for texts unlike its training texts.
func Seeds(codes []policykb.Code, cut func(string) []string, simplify func(string) string, stop func(string) bool) *Dictionary {
	d := &Dictionary{Name: "codebook"}
	for _, c := range codes {
		if c.NameZh == "" {
			continue
		}
		name := strings.ToLower(simplify(c.NameZh))
		e := Entry{CodeID: c.ID, Phrases: []string{name}}
		for _, w := range cut(name) {
			if utf8.RuneCountInString(w) >= 2 && !stop(w) && w != name && !slices.Contains(e.Words, w) {
				e.Words = append(e.Words, w)
			}
		}
		d.Entries = append(d.Entries, e)
	}
	return d
}

// seedRepeat is how many times SeedExamples gives each name and
// DictionaryExamples each term.
const seedRepeat = 3

// SeedExamples are the codebook's own names as training examples: each
// code below the layers with a Chinese name, as a sentence of its own,
// coded at that code (seedRepeat times over). A study's human codings
// teach the learned coder the wording of the study's documents; the
// names teach it the codebook's vocabulary (表彰奖励, 税收减免, 责任追究 …),
// which holds in texts of another kind too.
func SeedExamples(codes []policykb.Code, cut func(string) []string, simplify func(string) string) []Example {
	var out []Example
	for _, c := range codes {
		if c.NameZh == "" || c.Level == policykb.LevelLayer {
			continue
		}
		name := simplify(c.NameZh)
		u := Units([]policykb.Sentence{{ID: "codebook#" + c.ID, Text: c.NameZh, Kind: policykb.KindSentence}},
			[][]string{cut(name)}, []string{name})[0]
		for range seedRepeat {
			out = append(out, Example{Unit: u, Codes: []string{c.ID}})
		}
	}
	return out
}

// DictionaryExamples are a dictionary's words and phrases as training
// examples: each term, as a sentence of its own, coded at its entry's code
// (seedRepeat times over; patterns and exclusions are left out). A coder
// learned from them knows the dictionary's vocabulary (工资, 津贴, 罚款,
// 奖学金 …) where no training document used it, and still decides by the
// whole sentence: a term is one feature among the sentence's others, not a
// rule.
func DictionaryExamples(d *Dictionary, cut func(string) []string, simplify func(string) string) []Example {
	var out []Example
	for _, e := range d.Entries {
		for _, term := range append(slices.Clip(e.Phrases), e.Words...) {
			text := simplify(term)
			u := Units([]policykb.Sentence{{ID: "dictionary#" + e.CodeID + "#" + term, Text: term, Kind: policykb.KindSentence}},
				[][]string{cut(text)}, []string{text})[0]
			for range seedRepeat {
				out = append(out, Example{Unit: u, Codes: []string{e.CodeID}})
			}
		}
	}
	return out
}
