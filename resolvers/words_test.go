package resolvers_test

import (
	"context"
	"math"
	"net/http"
	"sync"
	"testing"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/analysis"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/testneo4j"
	"github.com/policykb/policykb/loaders"
	"github.com/policykb/policykb/words"
)

var (
	segmenter     *words.Segmenter
	segmenterOnce sync.Once
)

// wordStore is the test database, emptied, opened with the shipped word
// segmenter and loaded with the sample study.
func wordStore(t *testing.T) *graph.Store {
	t.Helper()
	segmenterOnce.Do(func() {
		s, err := words.New(words.DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		segmenter = s
	})
	testneo4j.EmptyStore(t, 0)
	ctx := context.Background()
	s, err := graph.Open(ctx, graph.Config{URI: testneo4j.URI(t), CatalogMaxAge: -1, Words: segmenter}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(ctx) })
	if _, err := loaders.Load(ctx, s, loaders.SampleInput("../data/sample"), loaders.Options{}); err != nil {
		t.Fatal(err)
	}
	return s
}

// The GraphQL answers carry the store's numbers: the numbers themselves
// are checked against a recount of the texts in package words.
func TestWordQueries(t *testing.T) {
	s := wordStore(t)
	e := newEnv(t, s, nil)
	ctx := context.Background()

	t.Run("words, per city and sentences", func(t *testing.T) {
		var got struct {
			Words struct {
				Words []struct {
					Word                                string
					Frequency, Documents, SentenceCount int
					Cities                              []struct {
						City                 struct{ Name string }
						Frequency, Documents int
						SentenceCount        int
						Sentences            struct{ TotalCount int }
					}
					Sentences struct {
						TotalCount int
						Edges      []struct{ Node struct{ ID string } }
					}
				}
				Tokens, Vocabulary, Documents, Sentences int
			}
		}
		unmarshal(t, e.ok(t, `{ words(top: 3, filter: {cities: ["Linlan", "溪川市"]}) {
			words { word frequency documents sentenceCount
			        cities { city { name } frequency documents sentenceCount sentences(first: 1) { totalCount } }
			        sentences(first: 2) { totalCount edges { node { id } } } }
			tokens vocabulary documents sentences } }`, nil), &got)
		f := policykb.CorpusFilter{Cities: []string{"Linlan", "溪川市"}}
		want, err := s.Words(ctx, graph.WordQuery{Filter: f, Top: 3, MinLength: 2})
		if err != nil {
			t.Fatal(err)
		}
		w := got.Words
		if len(w.Words) != 3 || w.Tokens != want.Tokens || w.Vocabulary != want.Vocabulary || w.Documents != 2 || w.Sentences != want.Sentences {
			t.Fatalf("words %+v, the store says %+v", w, want)
		}
		byCity, err := s.WordsByCity(ctx, []string{w.Words[0].Word}, f)
		if err != nil {
			t.Fatal(err)
		}
		for i, x := range w.Words {
			if x.Word != want.Words[i].Word || x.Frequency != want.Words[i].Frequency || x.SentenceCount != want.Words[i].Sentences ||
				x.Sentences.TotalCount != x.SentenceCount || len(x.Sentences.Edges) != 2 {
				t.Errorf("word %d: %+v, the store says %+v", i, x, want.Words[i])
			}
			sum := 0
			for _, c := range x.Cities {
				sum += c.Frequency
				if c.Sentences.TotalCount != c.SentenceCount {
					t.Errorf("%s in %s: %d sentences listed, count %d", x.Word, c.City.Name, c.Sentences.TotalCount, c.SentenceCount)
				}
				if i == 0 && c.Frequency != byCity[c.City.Name][x.Word].Frequency {
					t.Errorf("%s in %s: %d, the store says %d", x.Word, c.City.Name, c.Frequency, byCity[c.City.Name][x.Word].Frequency)
				}
			}
			if sum != x.Frequency || len(x.Cities) != 2 {
				t.Errorf("%s: per city %+v does not add up to %d", x.Word, x.Cities, x.Frequency)
			}
		}
	})

	t.Run("coword", func(t *testing.T) {
		var got struct {
			Coword struct {
				Measure, Scope string
				Units          int
				Words          []struct {
					Index int
					Word  string
					Units int
				}
				Pairs []struct {
					A, B      struct{ Index int }
					Count     int
					Value     float64
					Sentences struct{ TotalCount int }
				}
				Matrix   [][]float64
				Clusters []struct {
					Left     int `json:"a"`
					Right    int `json:"b"`
					Size     int
					Distance float64 `json:"height"`
				}
			}
		}
		unmarshal(t, e.ok(t, `{ coword(top: 8, measure: JACCARD) { measure scope units words { index word units }
			pairs { a { index } b { index } count value sentences(first: 1) { totalCount } }
			matrix clusters { a b height size } } }`, nil), &got)
		cw, err := s.Coword(ctx, graph.CowordQuery{Top: 8, MinLength: 2, Scope: policykb.ScopeSentence})
		if err != nil {
			t.Fatal(err)
		}
		c := got.Coword
		if c.Measure != "JACCARD" || c.Scope != "SENTENCE" || c.Units != cw.Units || len(c.Words) != 8 || len(c.Matrix) != 8 || len(c.Clusters) != 7 {
			t.Fatalf("coword %+v", c)
		}
		for _, p := range c.Pairs {
			i, j := p.A.Index, p.B.Index
			n := cw.Counts.Count[i][j]
			want := float64(n) / float64(cw.Counts.Units[i]+cw.Counts.Units[j]-n)
			if p.Count != n || math.Abs(p.Value-want) > 1e-12 || math.Abs(c.Matrix[i][j]-want) > 1e-12 || p.Sentences.TotalCount != n {
				t.Errorf("pair %d-%d: %+v, want count %d value %g", i, j, p, n, want)
			}
		}
		for k := 1; k < len(c.Pairs); k++ {
			if c.Pairs[k].Value > c.Pairs[k-1].Value {
				t.Errorf("pairs not by value: %g after %g", c.Pairs[k].Value, c.Pairs[k-1].Value)
			}
		}
		d, err := analysis.Cluster(cw.Counts.Distances(analysis.CowordJaccard))
		if err != nil {
			t.Fatal(err)
		}
		for k, m := range d.Merges {
			g := c.Clusters[k]
			if g.Left != m.A || g.Right != m.B || g.Size != m.Size || math.Abs(g.Distance-m.Height) > 1e-12 {
				t.Errorf("merge %d: %+v, want %+v", k, g, m)
			}
		}
		if c.Clusters[6].Size != 8 {
			t.Errorf("the last merge holds %d words, want 8", c.Clusters[6].Size)
		}
	})

	t.Run("keywords", func(t *testing.T) {
		var got struct {
			Keywords []struct {
				Unit     string
				Document *struct{ ID string }
				Code     *struct{ ID string }
				Keywords []struct {
					Word          string
					SentenceCount int
					Tfidf         float64
					Sentences     struct{ TotalCount int }
				}
			}
		}
		unmarshal(t, e.ok(t, `{ keywords(of: CODE, level: MAIN_CATEGORY, units: ["main-10"], top: 3) {
			unit document { id } code { id } keywords { word sentenceCount tfidf sentences { totalCount } } } }`, nil), &got)
		want, err := s.Keywords(ctx, graph.KeywordQuery{Of: graph.KeywordsOfCode, Level: policykb.LevelMainCategory, Units: []string{"main-10"}, Top: 3, MinLength: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Keywords) != 1 || got.Keywords[0].Code == nil || got.Keywords[0].Code.ID != "main-10" || got.Keywords[0].Document != nil {
			t.Fatalf("keywords %+v", got.Keywords)
		}
		for i, k := range got.Keywords[0].Keywords {
			w := want[0].Keywords[i]
			if k.Word != w.Word || k.Tfidf != w.Score || k.Sentences.TotalCount != k.SentenceCount {
				t.Errorf("keyword %d: %+v, the store says %+v", i, k, w)
			}
		}
	})

	t.Run("concordance", func(t *testing.T) {
		var got struct {
			Concordance struct {
				TotalCount int
				Edges      []struct {
					Node struct {
						Sentence          struct{ ID, Text string }
						Start             int
						Left, Word, Right string
					}
				}
				PageInfo struct{ HasNextPage bool }
			}
		}
		unmarshal(t, e.ok(t, `{ concordance(word: "联合体", window: 4, first: 5) { totalCount
			edges { node { sentence { id text } start left word right } } pageInfo { hasNextPage } } }`, nil), &got)
		c := got.Concordance
		if c.TotalCount < 5 || len(c.Edges) != 5 || !c.PageInfo.HasNextPage {
			t.Fatalf("concordance %+v", c)
		}
		for _, ed := range c.Edges {
			n := ed.Node
			text := []rune(n.Sentence.Text)
			if n.Word != "联合体" || string(text[n.Start:n.Start+3]) != "联合体" || len([]rune(n.Left)) > 4 {
				t.Errorf("line %+v", n)
			}
		}
	})

	t.Run("bad arguments", func(t *testing.T) {
		for _, c := range []struct{ query, arg string }{
			{`{ words(top: 0) { tokens } }`, "top"},
			{`{ words(minLength: 0) { tokens } }`, "minLength"},
			{`{ coword(top: 1) { units } }`, "top"},
			{`{ coword(top: 501) { units } }`, "top"},
			{`{ coword(minCount: 0) { units } }`, "minCount"},
			{`{ concordance(word: "的") { totalCount } }`, "word"},
			{`{ concordance(word: "联合体", window: 500) { totalCount } }`, "window"},
		} {
			r := e.post(t, c.query, nil)
			assertError(t, r, http.StatusOK, "BAD_USER_INPUT", c.arg)
		}
	})
}
