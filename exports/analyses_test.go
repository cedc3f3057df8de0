package exports

import (
	"errors"
	"net/url"
	"testing"

	"github.com/policykb/policykb"
)

// The analyses' tables' parameters: defaults, and each bad one named.
func TestParseAnalysisRequests(t *testing.T) {
	for _, tt := range []struct {
		table, query string
		want         Request
		wantArg      string
	}{
		{table: "similarity", query: "level=main_category&doctype=work+plan,notice",
			want: Request{Table: Similarity, Level: policykb.LevelMainCategory, Filter: policykb.CorpusFilter{DocTypes: []string{"work plan", "notice"}}}},
		{table: "cooccurrence", query: "level=CATEGORY",
			want: Request{Table: Cooccurrence, Level: policykb.LevelCategory, Scope: policykb.ScopeSentence, MinCount: 1}},
		{table: "cooccurrence", query: "level=CATEGORY&scope=document&min=4",
			want: Request{Table: Cooccurrence, Level: policykb.LevelCategory, Scope: policykb.ScopeDocument, MinCount: 4}},
		{table: "saturation", query: "", want: Request{Table: Saturation, Level: policykb.LevelCategory}},
		{table: "agreement", query: "a=A&b=B", want: Request{Table: Agreement, Level: policykb.LevelConcept, CoderA: "A", CoderB: "B"}},
		{table: "similarity", query: "", wantArg: "level"},
		{table: "cooccurrence", query: "level=CATEGORY&min=0", wantArg: "min"},
		{table: "cooccurrence", query: "level=CATEGORY&scope=CITY", wantArg: "scope"},
		{table: "agreement", query: "a=A", wantArg: "b"},
		{table: "agreement", query: "a=A&b=B&coder=A", wantArg: "coder"},
		{table: "saturation", query: "min=2", wantArg: "min"},
		{table: "counts", query: "level=LAYER&a=A", wantArg: "a"},
	} {
		q, err := url.ParseQuery(tt.query)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseRequest(tt.table, q)
		if tt.wantArg != "" {
			var pe *policykb.Error
			if !errors.As(err, &pe) || pe.Code != policykb.EInvalid || pe.Argument != tt.wantArg {
				t.Errorf("%s?%s: error %v, want BAD_USER_INPUT naming %s", tt.table, tt.query, err, tt.wantArg)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s?%s: %v", tt.table, tt.query, err)
			continue
		}
		if got.Table != tt.want.Table || got.Level != tt.want.Level || got.Scope != tt.want.Scope || got.MinCount != tt.want.MinCount ||
			got.CoderA != tt.want.CoderA || got.CoderB != tt.want.CoderB || len(got.Filter.DocTypes) != len(tt.want.Filter.DocTypes) {
			t.Errorf("%s?%s: %+v, want %+v", tt.table, tt.query, got, tt.want)
		}
	}
}
