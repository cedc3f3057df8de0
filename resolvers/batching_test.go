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

// TestBatching checks that the number of graph calls a query makes depends
// on its shape, not on the length of its lists (no N+1), whatever graphql-go's
// parallelism: the fixture plus 50 more documents, counted by a wrapper
// around the real store.
func TestBatching(t *testing.T) {
	s := openStore(t)
	bulk := policykb.City{Name: "Bulkton", NameZh: "大批市", Province: "Province C"}
	var docs []graph.DocumentBundle
	for i := range 50 {
		docs = append(docs, document(bulk, fmt.Sprintf("bulk-%02d", i), fmt.Sprintf("Bulk notice %02d (synthetic)", i), "2025-01-01",
			sentence{text: "Fund the alliance.", codings: []string{"con-3 alice"}},
			sentence{text: "Nothing to code."}))
	}
	if _, err := s.WriteDocuments(context.Background(), docs, nil); err != nil {
		t.Fatal(err)
	}
	cs := newCountingStore(s)

	tests := []struct {
		name  string
		query string
		// want bounds the calls of each method (a call may be saved when a
		// value was already primed by another part of the query).
		want map[string]int
	}{
		{"documents with city, sentence count and codes", `{ documents(first: 60) { totalCount edges { node {
			id city { name province } sentenceCount codes(level: MAIN_CATEGORY) { code { name } referencePoints } } } } }`,
			map[string]int{"Documents": 1, "Cities": 1, "SentenceCounts": 1, "CountsByDocument": 1, "Codes": 1}},
		{"documents with sentences and codings", `{ documents(first: 60) { edges { node {
			sentences(first: 5) { totalCount edges { node { text document { id } codings { code { name } coder } } } } } } } }`,
			map[string]int{"Documents": 1, "SentencesByDocument": 1, "SentenceCounts": 1, "CodingsBySentence": 1, "Codes": 1}},
		{"cities with documents and profiles", `{ cities { name documents { id sentenceCount city { name } }
			profile(level: LAYER) { code { id } referencePoints } } }`,
			map[string]int{"Cities": 1, "DocumentsByCity": 1, "SentenceCounts": 1, "CountsByCity": 1, "Codes": 1}},
		{"citations with documents and evidence", `{ citiesCiting(code: "main-2") { city { name documents { id } }
			documents { title city { name } } evidence(first: 2) { text document { title } codings { coder } } } }`,
			// Two lists of documents: the citations' and the evidence sentences'. When the
			// evidence's documents are asked before the citations' list is known (graphql-go's
			// order under parallelism), each list is one call.
			map[string]int{"Codes": 1, "Cities": 1, "CitationCounts": 1, "Citations": 1, "DocumentsByID": 2, "DocumentsByCity": 1, "Evidence": 1, "CodingsBySentence": 1}},
		{"sentences with documents and codings", `{ sentences(first: 60) { edges { node {
			document { title city { name } } codings { code { name } coder } } } } }`,
			map[string]int{"Sentences": 1, "DocumentsByID": 1, "Cities": 1, "CodingsBySentence": 1, "Codes": 1}},
		{"codebook with counts under two filters", `{ codebook { children { children { children {
			referencePoints materialSources linlan: referencePoints(filter: {cities: ["Linlan"]}) } } } } }`,
			map[string]int{"Codes": 1, "CodeCounts": 2}},
		{"counts with paths and filtered counts", `{ counts(level: CONCEPT) { code { path { name referencePoints(filter: {coders: ["bob"]}) } } } }`,
			map[string]int{"Counts": 1, "Codes": 1, "CodeCounts": 1}},
		{"comparison with documents", `{ compareCities(level: CATEGORY) { cities { documents { sentenceCount } } rows { code { name } } } }`,
			map[string]int{"Cities": 1, "Codes": 1, "CountsByCity": 1, "DocumentsByCity": 1, "SentenceCounts": 1}},
		{"code sentences with documents", `{ code(ref: "con-3") { sentences(first: 60) { edges { node {
			document { city { name } } codings { coder } } } } } }`,
			map[string]int{"Codes": 1, "Sentences": 1, "DocumentsByID": 1, "Cities": 1, "CodingsBySentence": 1}},
	}
	for _, parallelism := range []int{1, 4, 16} {
		o := testOptions(io.Discard)
		o.MaxParallelism = parallelism
		e := newEnv(t, cs, &o)
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/parallelism %d", tt.name, parallelism), func(t *testing.T) {
				cs.reset()
				e.ok(t, tt.query, nil)
				got := cs.reset()
				for k, n := range got {
					if n > tt.want[k] {
						t.Errorf("%s called %d times, want at most %d (all calls: %v)", k, n, tt.want[k], got)
					}
				}
			})
		}
	}

	// The batched answers are right: 55 documents, each bulk one with 2
	// sentences and 1 reference point at Fund Support.
	e := newEnv(t, cs, nil)
	var res struct {
		Documents struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					ID            string
					City          struct{ Name string }
					SentenceCount int
					Codes         []struct {
						Code            struct{ Name string }
						ReferencePoints int
					}
				}
			}
		}
	}
	data := e.ok(t, `{ documents(first: 60) { totalCount edges { node { id city { name } sentenceCount
		codes(level: MAIN_CATEGORY) { code { name } referencePoints } } } } }`, nil)
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatal(err)
	}
	if res.Documents.TotalCount != 55 || len(res.Documents.Edges) != 55 {
		t.Fatalf("%d documents, %d edges; want 55", res.Documents.TotalCount, len(res.Documents.Edges))
	}
	for _, ed := range res.Documents.Edges {
		n := ed.Node
		if n.City.Name != "Bulkton" {
			continue
		}
		if n.SentenceCount != 2 || len(n.Codes) != 1 || n.Codes[0].Code.Name != "Fund Support" || n.Codes[0].ReferencePoints != 1 {
			t.Errorf("%s: %+v", n.ID, n)
		}
	}
}
