package resolvers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"testing"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
)

// spanDoc is synthetic: "加强组织领导。\n完善资金保障。" — sentence 0 is code
// points [0, 7), the line break 7, sentence 1 [8, 15). Codings (alice):
// con-3 on [2, 6) "组织领导" (inside sentence 0); con-4 on [4, 10) "领导。\n完善"
// (over both sentences, so on each); con-1 on all of sentence 1 (no span).
func spanDoc(id string) graph.DocumentBundle {
	b := document(policykb.City{Name: "Spanton", Province: "Province S"}, id, "Span notice "+id+" (synthetic)", "2025-02-01",
		sentence{text: "加强组织领导。"}, sentence{text: "完善资金保障。"})
	span := func(s, e int) (*int, *int) { return &s, &e }
	s0, s1 := policykb.SentenceID(id, 0), policykb.SentenceID(id, 1)
	at := day("2025-02-02")
	a, b2 := span(2, 6)
	c, d := span(4, 10)
	b.Codings = []policykb.Coding{
		{SentenceID: s0, CodeID: "con-3", Coder: "alice", Origin: "import:nvivo", At: at, Start: a, End: b2},
		{SentenceID: s0, CodeID: "con-4", Coder: "alice", Origin: "import:nvivo", At: at, Start: c, End: d},
		{SentenceID: s1, CodeID: "con-4", Coder: "alice", Origin: "import:nvivo", At: at, Start: c, End: d},
		{SentenceID: s1, CodeID: "con-1", Coder: "alice", Origin: "manual", At: at},
	}
	return b
}

func TestCodingQuote(t *testing.T) {
	s := openStore(t)
	var docs []graph.DocumentBundle
	for i := range 5 {
		docs = append(docs, spanDoc(fmt.Sprintf("span-%d", i)))
	}
	if _, err := s.WriteDocuments(context.Background(), docs, nil); err != nil {
		t.Fatal(err)
	}
	cs := newCountingStore(s, "DocumentTexts")
	e := newEnv(t, cs, nil)
	got := e.ok(t, `{ document(id: "span-0") { sentences { edges { node { index codings { code { id } quote start end } } } } } }`, nil)
	assertJSON(t, got, `{"document":{"sentences":{"edges":[
		{"node":{"index":0,"codings":[
			{"code":{"id":"con-3"},"quote":"组织领导","start":2,"end":6},
			{"code":{"id":"con-4"},"quote":"领导。\n完善","start":4,"end":10}]}},
		{"node":{"index":1,"codings":[
			{"code":{"id":"con-1"},"quote":null,"start":null,"end":null},
			{"code":{"id":"con-4"},"quote":"领导。\n完善","start":4,"end":10}]}}]}}}`)

	// No N+1: the quotes of the sentences of every listed document come
	// from one DocumentTexts call, whatever the parallelism.
	for _, p := range []int{1, 4, 16} {
		o := testOptions(io.Discard)
		o.MaxParallelism = p
		e := newEnv(t, cs, &o)
		cs.reset()
		data := e.ok(t, `{ documents(first: 60) { edges { node { sentences(first: 5) { edges { node { codings { quote } } } } } } } }`, nil)
		calls := cs.reset()
		if calls["DocumentTexts"] != 1 {
			t.Errorf("parallelism %d: DocumentTexts called %d times, want 1 (%v)", p, calls["DocumentTexts"], calls)
		}
		var res struct {
			Documents struct {
				Edges []struct {
					Node struct {
						Sentences struct {
							Edges []struct {
								Node struct{ Codings []struct{ Quote *string } }
							}
						}
					}
				}
			}
		}
		if err := json.Unmarshal(data, &res); err != nil {
			t.Fatal(err)
		}
		quotes := 0
		for _, d := range res.Documents.Edges {
			for _, s := range d.Node.Sentences.Edges {
				for _, c := range s.Node.Codings {
					if c.Quote != nil {
						quotes++
					}
				}
			}
		}
		// 5 span documents × 3 codings with a span; the fixture has none
		if quotes != 15 {
			t.Errorf("parallelism %d: %d quotes, want 15", p, quotes)
		}
	}
}
