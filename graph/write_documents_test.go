package graph_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/testneo4j"
)

// TestWriteDocumentsNewAndStoredInOneTransaction writes, in one
// transaction, a stored document (merged: the codings stored before are
// kept) next to a new one (created outright), and checks counts, rollups
// and a repeat of the write. Synthetic fixture of graph_test.go.
func TestWriteDocumentsNewAndStoredInOneTransaction(t *testing.T) {
	ctx := context.Background()
	s := testneo4j.EmptyStore(t, 1000) // one transaction per WriteDocuments below
	if _, err := s.WriteCodebook(ctx, fixtureCodes()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.WriteDocuments(ctx, fixtureDocs()[:1], nil); err != nil { // a1 with its 5 codings
		t.Fatal(err)
	}
	// a1 again with only a new coding on a1#3; b1 is new.
	second := []graph.DocumentBundle{
		bundle(alpha, "a1", "2023-03-01", 4, [][3]string{{"a1#3", "K4", "z"}}),
		fixtureDocs()[2],
	}
	sum, err := s.WriteDocuments(ctx, second, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Created: city Beta, b1 and its 3 sentences (5 nodes); ISSUED b1,
	// 3 HAS_SENTENCE, CODED_AS a1#3 K4 z and b1's 2 (7 relationships).
	if sum.NodesCreated != 5 || sum.RelationshipsCreated != 7 || sum.NodesDeleted+sum.RelationshipsDeleted != 0 {
		t.Errorf("second write: %+v; want 5 nodes and 7 relationships created, nothing deleted", sum)
	}
	if sum.Documents != 2 || sum.Sentences != 7 || sum.Codings != 3 {
		t.Errorf("second write submitted %d documents, %d sentences, %d codings; want 2, 7, 3", sum.Documents, sum.Sentences, sum.Codings)
	}
	check := func(when string) {
		t.Helper()
		st, err := s.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// a1#0..a1#3 and b1#0, b1#1 coded; 5 + 1 + 2 codings.
		want := policykb.Stats{Cities: 2, Documents: 2, Sentences: 7, CodedSentences: 6, Codings: 8,
			Layers: 2, MainCategories: 3, Categories: 4, Concepts: 5}
		if st != want {
			t.Errorf("%s: stats %+v, want %+v", when, st, want)
		}
		// K1: a1#0, a1#1, b1#0; K2: a1#0; K3: a1#2, b1#1; K4: a1#3.
		wantConcepts := []policykb.Count{count("K1", 3, 2), count("K2", 1, 1), count("K3", 2, 2), count("K4", 1, 1), count("K5", 0, 0)}
		// L1: the 6 coded sentences, in both documents.
		wantLayers := []policykb.Count{count("L1", 6, 2), count("L2", 0, 0)}
		for _, c := range []struct {
			level policykb.Level
			want  []policykb.Count
		}{{policykb.LevelConcept, wantConcepts}, {policykb.LevelLayer, wantLayers}} {
			got, err := s.Counts(ctx, c.level, policykb.CorpusFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("%s: counts(%s) = %v, want %v", when, c.level, got, c.want)
			}
		}
	}
	check("after the second write")
	again, err := s.WriteDocuments(ctx, second, nil)
	if err != nil {
		t.Fatal(err)
	}
	if again.NodesCreated+again.RelationshipsCreated+again.NodesDeleted+again.RelationshipsDeleted != 0 {
		t.Errorf("repeated write changed the graph: %+v", again)
	}
	check("after the repeated write")
}

func count(code string, references, sources int) policykb.Count {
	return policykb.Count{CodeID: code, ReferencePoints: references, MaterialSources: sources}
}

// TestWriteDocumentsRepeatedCoding: one sentence coded twice at one code
// by one coder is one CODED_AS, with the first coding's origin and the
// last one's span, whether the document is new or stored. Synthetic.
func TestWriteDocumentsRepeatedCoding(t *testing.T) {
	ctx := context.Background()
	s := testneo4j.EmptyStore(t, 1000)
	if _, err := s.WriteCodebook(ctx, fixtureCodes()); err != nil {
		t.Fatal(err)
	}
	b := bundle(alpha, "d1", "2023-01-01", 2, [][3]string{{"d1#0", "K1", "x"}, {"d1#0", "K1", "x"}})
	b.Codings[1].Origin = "import"
	start, end := 0, 1
	b.Codings[0].Start, b.Codings[0].End = &start, &end // the second coding is of the whole sentence
	for _, when := range []string{"new", "stored"} {
		sum, err := s.WriteDocuments(ctx, []graph.DocumentBundle{b}, nil)
		if err != nil {
			t.Fatal(err)
		}
		// New: ISSUED, 2 HAS_SENTENCE, 1 CODED_AS.
		if want := map[string]int{"new": 4, "stored": 0}[when]; sum.RelationshipsCreated != want {
			t.Errorf("%s: %d relationships created, want %d", when, sum.RelationshipsCreated, want)
		}
		got, err := s.CodingsBySentence(ctx, []string{"d1#0"})
		if err != nil {
			t.Fatal(err)
		}
		if len(got["d1#0"]) != 1 {
			t.Fatalf("%s: codings %+v, want one", when, got)
		}
		if k := got["d1#0"][0]; k.Origin != "manual" || k.Start != nil || k.End != nil {
			t.Errorf("%s: coding %+v, want origin manual and no span", when, k)
		}
		counts, err := s.Counts(ctx, policykb.LevelConcept, policykb.CorpusFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if counts[0] != (policykb.Count{CodeID: "K1", ReferencePoints: 1, MaterialSources: 1}) {
			t.Errorf("%s: K1 counts %+v, want 1 reference point, 1 source", when, counts[0])
		}
	}
}

// TestWriteDocumentsRejectsMismatchedBundles: a document given twice, or a
// coding on another document's sentence, is refused before anything is
// written. Synthetic.
func TestWriteDocumentsRejectsMismatchedBundles(t *testing.T) {
	ctx := context.Background()
	s := testneo4j.EmptyStore(t, 1000)
	if _, err := s.WriteCodebook(ctx, fixtureCodes()); err != nil {
		t.Fatal(err)
	}
	docs := fixtureDocs()
	tests := []struct {
		name string
		docs []graph.DocumentBundle
		want string
	}{
		{"document twice", []graph.DocumentBundle{docs[0], docs[1], docs[0]}, "document a1 given twice"},
		{"foreign sentence", []graph.DocumentBundle{docs[2], bundle(alpha, "a2", "2023-09-01", 3, [][3]string{{"b1#0", "K1", "x"}})},
			"document a2: coding on sentence b1#0, which is not one of its sentences"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.WriteDocuments(ctx, tt.docs, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
			st, err := s.Stats(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if st.Documents+st.Sentences+st.Cities != 0 {
				t.Errorf("something was written: %+v", st)
			}
		})
	}
}

// TestWipeHighDegree wipes a base whose concept K1 has 15,000 CODED_AS,
// with a small batch size, and checks that everything is gone and counted.
// Synthetic: 15 documents of 1,000 sentences, each sentence coded K1.
func TestWipeHighDegree(t *testing.T) {
	ctx := context.Background()
	s := testneo4j.EmptyStore(t, 100)
	if _, err := s.WriteCodebook(ctx, fixtureCodes()); err != nil {
		t.Fatal(err)
	}
	var docs []graph.DocumentBundle
	for d := range 15 {
		id := "w" + string(rune('a'+d))
		var codings [][3]string
		for i := range 1000 {
			codings = append(codings, [3]string{policykb.SentenceID(id, i), "K1", "x"})
		}
		docs = append(docs, bundle(alpha, id, "2023-01-01", 1000, codings))
	}
	if _, err := s.WriteDocuments(ctx, docs, nil); err != nil {
		t.Fatal(err)
	}
	sum, err := s.Wipe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Nodes: 14 codes, 1 city, 15 documents, 15,000 sentences, the study,
	// the rollup groups of the city's province and of the corpus.
	// Relationships: 12 BELONGS_TO, 15 ISSUED, 15,000 HAS_SENTENCE, 15,000
	// CODED_AS, and the rollups (at least the 15 × 4 ROLLUP: K1, C1, M1, L1).
	if sum.NodesDeleted != 15033 || sum.RelationshipsDeleted < 30087 {
		t.Errorf("wipe deleted %d nodes, %d relationships; want 15033, at least 30087", sum.NodesDeleted, sum.RelationshipsDeleted)
	}
	driver, err := neo4j.NewDriverWithContext(testneo4j.URI(t), neo4j.NoAuth())
	if err != nil {
		t.Fatal(err)
	}
	defer driver.Close(ctx)
	res, err := neo4j.ExecuteQuery(ctx, driver, "MATCH ()-[r]->() RETURN count(r)", nil, neo4j.EagerResultTransformer)
	if err != nil {
		t.Fatal(err)
	}
	if n := res.Records[0].Values[0].(int64); n != 0 {
		t.Errorf("after wipe: %d relationships left, want none", n)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st != (policykb.Stats{}) {
		t.Errorf("after wipe: %+v, want nothing", st)
	}
	codes, err := s.Codes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != 0 {
		t.Errorf("after wipe: %d codes, want none", len(codes))
	}
}
