package graph_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
)

func TestSearchQuery(t *testing.T) {
	tests := []struct{ in, want string }{
		{"资金", `"资金"`},
		{"  专项资金  支持 ", `"专项资金" AND "支持"`},
		{`"special fund" grows`, `"special fund" AND "grows"`},
		{"资金（专项）", `"资金（专项）"`},
		{"a+b", `"a+b"`},
		{`a\b "c`, `"a\\b" AND "c"`},
		{"(资金 OR *)", `"(资金" AND "OR" AND "*)"`},
		{`""`, ""},
		{" \t", ""},
	}
	for _, tt := range tests {
		if got := graph.SearchQuery(tt.in); got != tt.want {
			t.Errorf("SearchQuery(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestSearch(t *testing.T) {
	s := loadAgrFixture(t)
	ctx := context.Background()
	ids := func(ss []policykb.Sentence) []string {
		var out []string
		for _, st := range ss {
			out = append(out, st.ID)
		}
		return out
	}
	all := graph.Page{Limit: 50}
	tests := []struct {
		name  string
		text  string
		f     policykb.CorpusFilter
		first []string // the best matches, in order
		want  []string // every match, in any order (nil: same as first)
	}{
		// p1#1 holds 资金 three times: it ranks first.
		{"ranked by occurrences", "资金", policykb.CorpusFilter{}, []string{"p1#1"},
			[]string{"p1#1", "p1#0", "p1#3", "p2#0", "p3#0"}},
		// A phrase: 专项 and 资金 apart (p3#0, p1#3) do not match.
		{"phrase", "专项资金", policykb.CorpusFilter{}, []string{"p1#0"}, nil},
		// Every term must occur.
		{"all terms", "资金 投入", policykb.CorpusFilter{}, []string{"p2#0"}, nil},
		{"filter", "资金", policykb.CorpusFilter{Cities: []string{"Beta"}}, []string{"p3#0"}, nil},
		// Sentences coded by B: p1#0 p1#1 p1#3 p2#0.
		{"coder filter", "资金", policykb.CorpusFilter{Coders: []string{"B"}}, []string{"p1#1"},
			[]string{"p1#1", "p1#0", "p1#3", "p2#0"}},
		// Lucene syntax is text: the analyzer keeps 资金 and 专项.
		{"parentheses", "资金（专项）", policykb.CorpusFilter{}, []string{"p1#3"}, nil},
		{"plus", "a+b", policykb.CorpusFilter{}, []string{"p1#3"}, nil},
		// Terms the analyzer drops entirely (punctuation, the stop words
		// and, or) do not restrict.
		{"operators", "资金 AND (OR * ~ ^ : [ ] { } ! \\", policykb.CorpusFilter{}, []string{"p1#1"},
			[]string{"p1#1", "p1#0", "p1#3", "p2#0", "p3#0"}},
		{"English, case-insensitive", "SPECIAL Fund", policykb.CorpusFilter{}, []string{"p2#1"}, nil},
		{"quoted phrase", `"fund grows"`, policykb.CorpusFilter{}, []string{"p2#1"}, nil},
		{"quoted phrase, wrong order", `"grows fund"`, policykb.CorpusFilter{}, nil, nil},
		{"nothing", "不存在的词", policykb.CorpusFilter{}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, total, err := s.Search(ctx, tt.text, tt.f, all)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.want
			if want == nil {
				want = tt.first
			}
			if total != len(want) || len(got) != len(want) {
				t.Fatalf("%d results (total %d): %v, want %v", len(got), total, ids(got), want)
			}
			if g := ids(got[:len(tt.first)]); !reflect.DeepEqual(g, tt.first) && len(tt.first) > 0 {
				t.Errorf("best %v, want %v (all: %v)", g, tt.first, ids(got))
			}
			gotSet := map[string]bool{}
			for _, id := range ids(got) {
				gotSet[id] = true
			}
			for _, id := range want {
				if !gotSet[id] {
					t.Errorf("%s missing from %v", id, ids(got))
				}
			}
		})
	}

	t.Run("pagination", func(t *testing.T) {
		whole, _, err := s.Search(ctx, "资金", policykb.CorpusFilter{}, all)
		if err != nil {
			t.Fatal(err)
		}
		var paged []policykb.Sentence
		for off := 0; off < 5; off += 2 {
			page, total, err := s.Search(ctx, "资金", policykb.CorpusFilter{}, graph.Page{Offset: off, Limit: 2})
			if err != nil {
				t.Fatal(err)
			}
			if total != 5 {
				t.Errorf("total %d, want 5", total)
			}
			paged = append(paged, page...)
		}
		if !reflect.DeepEqual(ids(paged), ids(whole)) {
			t.Errorf("pages %v, whole %v", ids(paged), ids(whole))
		}
	})

	t.Run("empty text", func(t *testing.T) {
		_, _, err := s.Search(ctx, "  ", policykb.CorpusFilter{}, all)
		var pe *policykb.Error
		if !errors.As(err, &pe) || pe.Code != policykb.EInvalid || pe.Argument != "text" {
			t.Errorf("got %v, want BAD_USER_INPUT naming text", err)
		}
	})
}
