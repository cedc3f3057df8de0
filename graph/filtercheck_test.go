package graph_test

import (
	"context"
	"errors"
	"testing"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
)

// TestCheckFilter: every name a filter gives that the knowledge base does
// not hold is BAD_USER_INPUT naming the filter field, the value and the
// nearest known names; known names, in any of the ways they may be given,
// pass; and the names the check accepts are the ones the counts match.
func TestCheckFilter(t *testing.T) {
	s := openTestStore(t)
	loadFixture(t, s)
	ctx := context.Background()
	ok := []policykb.CorpusFilter{
		{},
		{Cities: []string{"Alpha"}},
		{Cities: []string{" alpha ", "阿尔法市", "BETA"}},
		{Provinces: []string{"p1", "P2"}},
		{Documents: []string{"a1", "b1"}},
		{Coders: []string{"x", "y"}},
	}
	for _, f := range ok {
		if err := s.CheckFilter(ctx, f); err != nil {
			t.Errorf("CheckFilter(%+v) = %v, want nil", f, err)
		}
	}
	bad := []struct {
		f        policykb.CorpusFilter
		arg, msg string
	}{
		{policykb.CorpusFilter{Cities: []string{"Alpah"}}, graph.FilterCities, `no city is called "Alpah" (nearest: "Alpha")`},
		{policykb.CorpusFilter{Cities: []string{"Alpha", "Nowhere", "阿尔法"}}, graph.FilterCities,
			`no city is called "Nowhere"; no city is called "阿尔法" (nearest: "阿尔法市")`},
		{policykb.CorpusFilter{Provinces: []string{"P3"}}, graph.FilterProvinces, `no city is in the province "P3" (nearest: "P1", "P2")`},
		{policykb.CorpusFilter{Documents: []string{"a1", "a3"}}, graph.FilterDocuments, `no document has the id "a3" (nearest: "a1", "a2")`},
		{policykb.CorpusFilter{Documents: []string{"A1"}}, graph.FilterDocuments, `no document has the id "A1" (nearest: "a1", "a2", "b1")`},
		{policykb.CorpusFilter{Coders: []string{"X"}}, graph.FilterCoders, `no coding is by the coder "X" (nearest: "x", "y")`},
		// the first field with an unknown value is reported
		{policykb.CorpusFilter{Cities: []string{"Alpha"}, Coders: []string{"z"}, Documents: []string{"zz"}}, graph.FilterDocuments, `no document has the id "zz"`},
	}
	for _, tt := range bad {
		err := s.CheckFilter(ctx, tt.f)
		var pe *policykb.Error
		if !errors.As(err, &pe) || pe.Code != policykb.EInvalid || pe.Argument != tt.arg || pe.Message != tt.msg {
			t.Errorf("CheckFilter(%+v) = %#v\n want BAD_USER_INPUT on %s: %s", tt.f, err, tt.arg, tt.msg)
		}
	}
	// What the check accepts, the counts match: a city by its Chinese name
	// in another case counts as the city.
	byName, err := s.Counts(ctx, policykb.LevelLayer, policykb.CorpusFilter{Cities: []string{"alpha"}, Provinces: []string{"p1"}})
	if err != nil {
		t.Fatal(err)
	}
	byZh, err := s.Counts(ctx, policykb.LevelLayer, policykb.CorpusFilter{Cities: []string{"阿尔法市"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(byName) == 0 || !equalCounts(byName, byZh) {
		t.Errorf("counts by English name and province %v, by Chinese name %v", byName, byZh)
	}
}

func equalCounts(a, b []policykb.Count) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
