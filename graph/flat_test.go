package graph_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
)

// loadFlatFixture is the synthetic fixture of graph_test.go plus a city
// Gamma with one document g1 (2024-01-01) whose text is 临澜市产教联合体 and
// whose one sentence carries a coding with a span: K5 by z, code points
// 3..6, the passage 产教联.
func loadFlatFixture(t *testing.T) *graph.Store {
	t.Helper()
	s := openTestStore(t)
	loadFixture(t, s)
	g := bundle(policykb.City{Name: "Gamma", Province: "P3"}, "g1", "2024-01-01", 1, nil)
	g.Document.Text = "临澜市产教联合体"
	start, end := 3, 6
	g.Codings = []policykb.Coding{{SentenceID: "g1#0", CodeID: "K5", Coder: "z", Origin: "import:nvivo", Start: &start, End: &end}}
	if _, err := s.WriteDocuments(context.Background(), []graph.DocumentBundle{g}, nil); err != nil {
		t.Fatal(err)
	}
	return s
}

// flatRow is what the test compares: sentence, code, coder, and the quote.
func flatRow(r graph.CodingRow) string {
	out := r.Sentence.ID + " " + r.Coding.CodeID + " " + r.Coding.Coder
	if r.Quote != "" {
		out += fmt.Sprintf(" %q %d..%d", r.Quote, *r.Coding.Start, *r.Coding.End)
	}
	return out
}

func TestEachCodingBatch(t *testing.T) {
	s := loadFlatFixture(t)
	ctx := context.Background()
	from := day("2023-06-01")
	// Documents in order city, issue date, id: Alpha a1 (5 codings), Alpha
	// a2 (1), Beta b1 (2), Gamma g1 (1); within a document by sentence,
	// code, coder.
	all := []string{"a1#0 K1 x", "a1#0 K2 x", "a1#1 K1 x", "a1#1 K1 y", "a1#2 K3 x", "a2#0 K4 y", "b1#0 K1 x", "b1#1 K3 y",
		`g1#0 K5 z "产教联" 3..6`}
	tests := []struct {
		name    string
		filter  policykb.CorpusFilter
		perDocs int
		want    []string
		batches []int // rows per batch
	}{
		{"one document per batch", policykb.CorpusFilter{}, 1, all, []int{5, 1, 2, 1}},
		{"two documents per batch", policykb.CorpusFilter{}, 2, all, []int{6, 3}},
		{"default batch", policykb.CorpusFilter{}, 0, all, []int{9}},
		// coder y coded a1#1, a2#0 and b1#1; g1 has no coding by y.
		{"coder y", policykb.CorpusFilter{Coders: []string{"y"}}, 1, []string{"a1#1 K1 y", "a2#0 K4 y", "b1#1 K3 y"}, []int{1, 1, 1}},
		{"city by Chinese name", policykb.CorpusFilter{Cities: []string{"阿尔法市"}}, 1, all[:6], []int{5, 1}},
		// Issued on or after 2023-06-01: a2 (09-01), b1 (06-15), g1.
		{"issued from", policykb.CorpusFilter{IssuedFrom: &from}, 5, all[5:], []int{4}},
		{"province P3", policykb.CorpusFilter{Provinces: []string{"p3"}}, 1, all[8:], []int{1}},
		{"no such document", policykb.CorpusFilter{Documents: []string{"zz"}}, 1, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			var batches []int
			err := s.EachCodingBatch(ctx, tt.filter, tt.perDocs, func(rows []graph.CodingRow) error {
				batches = append(batches, len(rows))
				for _, r := range rows {
					got = append(got, flatRow(r))
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("rows\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if !reflect.DeepEqual(batches, tt.batches) {
				t.Errorf("batches %v, want %v", batches, tt.batches)
			}
		})
	}

	t.Run("row fields", func(t *testing.T) {
		var first graph.CodingRow
		_ = s.EachCodingBatch(ctx, policykb.CorpusFilter{}, 1, func(rows []graph.CodingRow) error {
			first = rows[0]
			return errors.New("stop")
		})
		want := graph.CodingRow{
			City:     alpha,
			Document: policykb.Document{ID: "a1", City: "Alpha", Title: "Plan a1", IssuedOn: day("2023-03-01")},
			Sentence: policykb.Sentence{ID: "a1#0", DocumentID: "a1", Index: 0, Text: "a1 sentence"},
			Coding:   policykb.Coding{SentenceID: "a1#0", CodeID: "K1", Coder: "x", Origin: "manual", At: first.Coding.At},
		}
		if !reflect.DeepEqual(first, want) {
			t.Errorf("first row\n%+v\nwant\n%+v", first, want)
		}
	})

	t.Run("an error from fn stops the reading", func(t *testing.T) {
		stop := errors.New("stop")
		calls := 0
		err := s.EachCodingBatch(ctx, policykb.CorpusFilter{}, 1, func([]graph.CodingRow) error {
			calls++
			return stop
		})
		if !errors.Is(err, stop) || calls != 1 {
			t.Errorf("err %v after %d calls, want stop after 1", err, calls)
		}
	})
}
