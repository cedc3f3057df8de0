package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/policykb/policykb/gen"
	"github.com/policykb/policykb/internal/testneo4j"
)

// TestRun measures a tiny synthetic corpus both ways and checks the
// results file: the counts are the corpus's (run itself fails when either
// way stored something else), every rate is positive. Rates are not
// compared: no timing assertions.
func TestRun(t *testing.T) {
	uri := testneo4j.URI(t)
	dir := t.TempDir()
	// 2 cities × 2 documents × 30 units, round(0.4 × 30) = 12 coded each.
	rep, err := gen.Generate(filepath.Join(dir, "corpus"), gen.Spec{Cities: 2, DocsPerCity: 2, SentencesPerDoc: 30, CodedRate: 0.4, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	o := options{tier: "tiny", dir: filepath.Join(dir, "corpus"), uri: uri, out: dir, batch: 50, rounds: 2}
	if err := run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "tiny-load.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r results
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if r.Tier != "tiny" || r.Load.Documents != 4 || r.Load.Sentences != 120 || r.Load.Codings != rep.Codings || r.Load.Rounds != 2 {
		t.Errorf("results %+v: want tier tiny, 4 documents, 120 sentences, %d codings, 2 rounds", r, rep.Codings)
	}
	if r.Load.SentencesPerS <= 0 || r.Load.RawSentencesPerS <= 0 || r.Load.CodingsPerS <= 0 || r.Load.Ratio <= 0 {
		t.Errorf("results %+v: want positive rates", r.Load)
	}
}
