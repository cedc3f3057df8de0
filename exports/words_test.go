package exports_test

import (
	"context"
	"errors"
	"math"
	"net/url"
	"strconv"
	"testing"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/analysis"
	"github.com/policykb/policykb/exports"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/testneo4j"
	"github.com/policykb/policykb/loaders"
	"github.com/policykb/policykb/words"
)

// The word tables hold the numbers of Store.Words, Keywords and Coword
// (whose own numbers are checked against a recount in package words).
func TestWordTables(t *testing.T) {
	testneo4j.EmptyStore(t, 0)
	ctx := context.Background()
	seg, err := words.New(words.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	s, err := graph.Open(ctx, graph.Config{URI: testneo4j.URI(t), CatalogMaxAge: -1, Words: seg}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	if _, err := loaders.Load(ctx, s, loaders.SampleInput("../data/sample"), loaders.Options{}); err != nil {
		t.Fatal(err)
	}
	for _, f := range exports.Formats {
		t.Run(string(f), func(t *testing.T) {
			tb := runExport(t, s, "words", "top=7&city=Linlan", f)
			want, err := s.Words(ctx, graph.WordQuery{Filter: policykb.CorpusFilter{Cities: []string{"Linlan"}}, Top: 7, MinLength: 2})
			if err != nil {
				t.Fatal(err)
			}
			if len(tb.rows) != 7 {
				t.Fatalf("%d word rows", len(tb.rows))
			}
			for i, r := range tb.rows {
				w := want.Words[i]
				if r["word"] != w.Word || r["frequency"] != strconv.Itoa(w.Frequency) || r["documents"] != strconv.Itoa(w.Documents) ||
					r["sentences"] != strconv.Itoa(w.Sentences) || r["rank"] != strconv.Itoa(i+1) {
					t.Errorf("row %d %v, want %+v", i, r, w)
				}
			}

			tb = runExport(t, s, "coword", "top=6&measure=cosine&scope=document", f)
			cw, err := s.Coword(ctx, graph.CowordQuery{Top: 6, MinLength: 2, Scope: policykb.ScopeDocument})
			if err != nil {
				t.Fatal(err)
			}
			m := cw.Counts.Matrix(analysis.CowordCosine)
			if len(tb.rows) != 6 || f != exports.JSON && len(tb.header) != 3+6 {
				t.Fatalf("coword %d rows, header %v", len(tb.rows), tb.header)
			}
			for i, r := range tb.rows {
				if r["word"] != cw.Words[i].Word || f != exports.JSON && tb.header[3+i] != cw.Words[i].Word {
					t.Errorf("row %d is %q, want %q (header %v)", i, r["word"], cw.Words[i].Word, tb.header)
				}
				for j, w := range cw.Words {
					got, err := strconv.ParseFloat(r[w.Word], 64)
					if err != nil || !near(got, m[i][j]) {
						t.Errorf("cell %s × %s = %q, want %g", cw.Words[i].Word, w.Word, r[w.Word], m[i][j])
					}
				}
			}

			tb = runExport(t, s, "keywords", "of=code&level=MAIN_CATEGORY&unit=main-10&unit=main-11&top=3", f)
			kw, err := s.Keywords(ctx, graph.KeywordQuery{Of: graph.KeywordsOfCode, Level: policykb.LevelMainCategory,
				Units: []string{"main-10", "main-11"}, Top: 3, MinLength: 2})
			if err != nil {
				t.Fatal(err)
			}
			k := 0
			for _, tab := range kw {
				for i, w := range tab.Keywords {
					r := tb.rows[k]
					if r["unit"] != tab.Unit || r["word"] != w.Word || r["rank"] != strconv.Itoa(i+1) || r["unit_name"] == "" {
						t.Errorf("keyword row %d %v, want %s %+v", k, r, tab.Unit, w)
					}
					k++
				}
			}
			if k != len(tb.rows) || k != 6 {
				t.Errorf("%d keyword rows, want %d", len(tb.rows), k)
			}
		})
	}
	for _, c := range []struct{ table, query, arg string }{
		{"keywords", "top=3", "of"},
		{"keywords", "of=town", "of"},
		{"coword", "top=1", "top"},
		{"coword", "measure=dice", "measure"},
		{"words", "min_length=0", "min_length"},
		{"words", "measure=ochiai", "measure"},
		{"words", "automatic=perhaps", "automatic"},
	} {
		q, _ := url.ParseQuery(c.query)
		_, err := exports.ParseRequest(c.table, q)
		var pe *policykb.Error
		if !asError(err, &pe) || pe.Argument != c.arg {
			t.Errorf("%s?%s: error %v, want one naming %s", c.table, c.query, err, c.arg)
		}
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func asError(err error, target **policykb.Error) bool { return errors.As(err, target) }
