package graph_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/policykb/policykb/graph"
)

// EachDocument hands over every document of the fixture once, in id order,
// with its text, sentences and codings, whatever the batch size: a1 (4
// sentences, 5 codings), a2 (3, 1), b1 (3, 2) — see fixtureDocs.
func TestEachDocument(t *testing.T) {
	s := openTestStore(t)
	loadFixture(t, s)
	ctx := context.Background()
	for _, batch := range []int{1, 2, 3, 100} {
		var ids []string
		sentences, codings := map[string]int{}, map[string]int{}
		err := s.EachDocument(ctx, batch, func(d graph.ExportDocument) error {
			ids = append(ids, d.Document.ID)
			if d.Document.Text == "" || d.Document.City == "" {
				t.Errorf("batch %d: %s without text or city", batch, d.Document.ID)
			}
			sentences[d.Document.ID], codings[d.Document.ID] = len(d.Sentences), len(d.Codings)
			for i, st := range d.Sentences {
				if st.Index != i {
					t.Errorf("batch %d: %s sentence %d has index %d", batch, d.Document.ID, i, st.Index)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(ids, ",") != "a1,a2,b1" {
			t.Errorf("batch %d: documents %v", batch, ids)
		}
		if sentences["a1"] != 4 || sentences["a2"] != 3 || sentences["b1"] != 3 ||
			codings["a1"] != 5 || codings["a2"] != 1 || codings["b1"] != 2 {
			t.Errorf("batch %d: sentences %v, codings %v", batch, sentences, codings)
		}
	}
	stop := errors.New("stop")
	n := 0
	if err := s.EachDocument(ctx, 1, func(graph.ExportDocument) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Errorf("fn's error stops the walk: %v after %d", err, n)
	}
	coders, err := s.Coders(ctx)
	if err != nil || strings.Join(coders, ",") != "x,y" {
		t.Errorf("coders %v, %v", coders, err)
	}
	texts, err := s.DocumentTexts(ctx, []string{"a2", "nope"})
	if err != nil || len(texts) != 1 || texts["a2"] == "" {
		t.Errorf("texts %v, %v", texts, err)
	}
}
