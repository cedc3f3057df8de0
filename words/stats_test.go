package words_test

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-ego/gse"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/data"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/testneo4j"
	"github.com/policykb/policykb/loaders"
)

// The numbers of word statistics are checked against a recount written
// here without package words or the index: gse run directly on every
// stored sentence text (with the shipped user dictionary and stop words
// read line by line), and the counting rules counted by hand.

var (
	direct     gse.Segmenter
	directStop map[string]bool
	directOnce sync.Once
)

// directWords cuts text with gse itself (its shortest-path dictionary
// segmentation, Slice): the user terms first, then gse's simplified
// dictionary; words are the tokens with a letter (lower-cased Latin), as
// the README defines them. The sample has no traditional
// characters nor full-width letters, so no further normalisation applies.
func directWords(t testing.TB, text string) []string {
	t.Helper()
	directOnce.Do(func() {
		read := func(name string) []string {
			b, err := fs.ReadFile(data.Words, name)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			sc := bufio.NewScanner(strings.NewReader(string(b)))
			for sc.Scan() {
				if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
					out = append(out, l)
				}
			}
			return out
		}
		var dict strings.Builder
		for _, term := range read("words/userdict.txt") {
			fmt.Fprintf(&dict, "%s 20000 n\n", strings.Fields(term)[0])
		}
		direct.SkipLog, direct.NotLoadHMM = true, true
		if err := direct.LoadDictStr(dict.String()); err != nil {
			t.Fatal(err)
		}
		if err := direct.LoadDictEmbed("zh_s"); err != nil {
			t.Fatal(err)
		}
		directStop = map[string]bool{}
		for _, w := range read("words/stopwords.txt") {
			directStop[w] = true
		}
	})
	var out []string
	for _, w := range direct.Slice(strings.ToLower(text)) {
		if strings.IndexFunc(w, unicode.IsLetter) >= 0 {
			out = append(out, w)
		}
	}
	return out
}

// sentenceRow is one stored sentence with its words counted by hand.
type sentenceRow struct {
	st    policykb.Sentence
	doc   policykb.Document
	words []string // not stop words
}

// recount reads every stored sentence and cuts it with gse directly.
func recount(t *testing.T, s *graph.Store) []sentenceRow {
	t.Helper()
	var rows []sentenceRow
	err := s.EachDocument(context.Background(), 50, func(d graph.ExportDocument) error {
		for _, st := range d.Sentences {
			var ws []string
			for _, w := range directWords(t, st.Text) {
				if !directStop[w] {
					ws = append(ws, w)
				}
			}
			rows = append(rows, sentenceRow{st: st, doc: d.Document, words: ws})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Document order: city, issue date, id; then sentence order.
	slices.SortStableFunc(rows, func(a, b sentenceRow) int {
		return cmp.Or(strings.Compare(a.doc.City, b.doc.City), a.doc.IssuedOn.Compare(b.doc.IssuedOn),
			strings.Compare(a.doc.ID, b.doc.ID), cmp.Compare(a.st.Index, b.st.Index))
	})
	return rows
}

type count struct{ tf, sf, df int }

// countWords counts the words of minLength characters or more over rows.
func countWords(rows []sentenceRow, minLength int) map[string]*count {
	out := map[string]*count{}
	docs := map[string]map[string]bool{}
	for _, r := range rows {
		seen := map[string]bool{}
		for _, w := range r.words {
			if utf8.RuneCountInString(w) < minLength {
				continue
			}
			c := out[w]
			if c == nil {
				c = &count{}
				out[w] = c
			}
			c.tf++
			if !seen[w] {
				seen[w] = true
				c.sf++
			}
			if docs[w] == nil {
				docs[w] = map[string]bool{}
			}
			if !docs[w][r.doc.ID] {
				docs[w][r.doc.ID] = true
				c.df++
			}
		}
	}
	return out
}

// openWords opens the test database with the shipped segmenter, empty.
func openWords(t *testing.T) *graph.Store {
	t.Helper()
	testneo4j.EmptyStore(t, 0) // wipes
	s, err := graph.Open(context.Background(), graph.Config{URI: testneo4j.URI(t), CatalogMaxAge: -1, Words: defaultSegmenter(t)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	if err := s.EnsureSchema(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

func loadSampleWith(t *testing.T, s *graph.Store, extra ...string) {
	t.Helper()
	in := loaders.SampleInput("../data/sample")
	in.Codings = append(in.Codings, extra...)
	if _, err := loaders.Load(context.Background(), s, in, loaders.Options{}); err != nil {
		t.Fatal(err)
	}
}

func TestWordCountsEqualARecountOfTheTexts(t *testing.T) {
	s := openWords(t)
	loadSampleWith(t, s, "../data/sample/second-coder.csv")
	ctx := context.Background()
	all := recount(t, s)
	coded, err := s.CodingsBySentence(ctx, sentenceIDs(all))
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		f    policykb.CorpusFilter
		keep func(sentenceRow) bool
	}{
		"everything": {policykb.CorpusFilter{}, func(sentenceRow) bool { return true }},
		"two cities": {policykb.CorpusFilter{Cities: []string{"linlan", "溪川市"}}, func(r sentenceRow) bool { return r.doc.City == "Linlan" || r.doc.City == "Xichuan" }},
		"a province": {policykb.CorpusFilter{Provinces: []string{"Zhejiang"}}, nil},
		"issued dates": {policykb.CorpusFilter{IssuedFrom: day("2023-09-01"), IssuedTo: day("2023-12-31")}, func(r sentenceRow) bool {
			return !r.doc.IssuedOn.Before(*day("2023-09-01")) && !r.doc.IssuedOn.After(*day("2023-12-31"))
		}},
		"documents": {policykb.CorpusFilter{Documents: []string{"d03", "d11"}}, func(r sentenceRow) bool { return r.doc.ID == "d03" || r.doc.ID == "d11" }},
		"coder B": {policykb.CorpusFilter{Coders: []string{"B"}}, func(r sentenceRow) bool {
			return slices.ContainsFunc(coded[r.st.ID], func(k policykb.Coding) bool { return k.Coder == "B" })
		}},
	} {
		t.Run(name, func(t *testing.T) {
			if c.keep == nil {
				cities, err := s.Cities(ctx)
				if err != nil {
					t.Fatal(err)
				}
				zhejiang := map[string]bool{}
				for _, ci := range cities {
					zhejiang[ci.Name] = ci.Province == "Zhejiang"
				}
				c.keep = func(r sentenceRow) bool { return zhejiang[r.doc.City] }
			}
			var rows []sentenceRow
			docs := map[string]bool{}
			for _, r := range all {
				if c.keep(r) {
					rows = append(rows, r)
					docs[r.doc.ID] = true
				}
			}
			for _, minLength := range []int{1, 2, 3} {
				want := countWords(rows, minLength)
				got, err := s.Words(ctx, graph.WordQuery{Filter: c.f, Top: 100000, MinLength: minLength})
				if err != nil {
					t.Fatal(err)
				}
				if len(got.Words) != len(want) || got.Vocabulary != len(want) {
					t.Fatalf("minLength %d: %d words (vocabulary %d), the recount finds %d", minLength, len(got.Words), got.Vocabulary, len(want))
				}
				tokens := 0
				for _, w := range got.Words {
					c := want[w.Word]
					if c == nil || w.Frequency != c.tf || w.Sentences != c.sf || w.Documents != c.df {
						t.Fatalf("minLength %d: %+v, the recount says %+v", minLength, w, c)
					}
					tokens += w.Frequency
				}
				if got.Tokens != tokens || got.Sentences != len(rows) || got.Documents != len(docs) && c.f.Coders == nil {
					t.Errorf("totals %d tokens, %d sentences, %d documents; want %d, %d, %d", got.Tokens, got.Sentences, got.Documents, tokens, len(rows), len(docs))
				}
				// Ranked by frequency, then documents, then word.
				if !slices.IsSortedFunc(got.Words, func(a, b graph.WordCount) int {
					return cmp.Or(cmp.Compare(b.Frequency, a.Frequency), cmp.Compare(b.Documents, a.Documents), strings.Compare(a.Word, b.Word))
				}) {
					t.Error("words are not ranked by frequency, documents, word")
				}
			}
			// A word's sentences are exactly those holding it.
			top, err := s.Words(ctx, graph.WordQuery{Filter: c.f, Top: 5, MinLength: 2})
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range top.Words {
				want := holding(rows, w.Word)
				got := wordSentences(t, s, graph.WordSentenceQuery{Filter: c.f, Words: []string{w.Word}})
				if !slices.Equal(got, want) || len(got) != w.Sentences {
					t.Errorf("%s: sentences %v, want %v (count %d)", w.Word, got, want, w.Sentences)
				}
			}
		})
	}
}

func day(s string) *time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return &d
}

func sentenceIDs(rows []sentenceRow) []string {
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.st.ID
	}
	return ids
}

// holding returns the ids of the rows holding every word, in order.
func holding(rows []sentenceRow, words ...string) []string {
	var out []string
	for _, r := range rows {
		if !slices.ContainsFunc(words, func(w string) bool { return !slices.Contains(r.words, w) }) {
			out = append(out, r.st.ID)
		}
	}
	return out
}

// wordSentences pages through every sentence of a query, checking the total.
func wordSentences(t *testing.T, s *graph.Store, q graph.WordSentenceQuery) []string {
	t.Helper()
	var ids []string
	total := -1
	for off := 0; ; off += 7 {
		page, n, err := s.WordSentences(context.Background(), q, graph.Page{Offset: off, Limit: 7})
		if err != nil {
			t.Fatal(err)
		}
		if total >= 0 && n != total {
			t.Fatalf("total changed from %d to %d between pages", total, n)
		}
		total = n
		for _, st := range page {
			ids = append(ids, st.ID)
		}
		if off+7 >= n {
			break
		}
	}
	if len(ids) != total {
		t.Fatalf("pages hold %d sentences, the total says %d", len(ids), total)
	}
	return ids
}
