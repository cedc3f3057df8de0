package soak

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/policykb/policykb"
)

func snapshot() *Snapshot {
	return &Snapshot{
		Stats: policykb.Stats{Documents: 2, Sentences: 5, Codings: 3},
		Answers: map[string]any{
			"counts LAYER":       []policykb.Count{{CodeID: "L", ReferencePoints: 3, MaterialSources: 2}},
			"countsByCity LAYER": map[string][]policykb.Count{"A": {{CodeID: "L", ReferencePoints: 2, MaterialSources: 1}}},
		},
		Recount: map[string]policykb.Count{
			"L": {CodeID: "L", ReferencePoints: 3, MaterialSources: 2}, "L@A": {CodeID: "L@A", ReferencePoints: 2, MaterialSources: 1},
		},
		Content: "abc", Documents: 2, Sentences: 5, Codings: 3,
	}
}

// TestDiffAndSelfCheck: equal snapshots differ in nothing; a changed
// answer, recount, content or stat is named; SelfCheck finds a count that
// disagrees with the recount.
func TestDiffAndSelfCheck(t *testing.T) {
	a, b := snapshot(), snapshot()
	if d := Diff(a, b); len(d) != 0 {
		t.Errorf("equal snapshots: %q", d)
	}
	if bad := a.SelfCheck(); len(bad) != 0 {
		t.Errorf("consistent snapshot: %q", bad)
	}
	b.Answers["counts LAYER"] = []policykb.Count{{CodeID: "L", ReferencePoints: 4, MaterialSources: 2}}
	b.Recount["L@A"] = policykb.Count{CodeID: "L@A", ReferencePoints: 1, MaterialSources: 1}
	b.Content, b.Stats.Codings = "abd", 4
	d := strings.Join(Diff(a, b), "\n")
	for _, want := range []string{"stats:", "content:", "counts LAYER:", "recount L@A:"} {
		if !strings.Contains(d, want) {
			t.Errorf("diff lacks %q:\n%s", want, d)
		}
	}
	bad := strings.Join(b.SelfCheck(), "\n")
	for _, want := range []string{"counts LAYER L: 4/2, recount 3/2", "countsByCity LAYER L in A: 2/1, recount 1/1", "stats say 2 documents, 5 sentences, 4 codings"} {
		if !strings.Contains(bad, want) {
			t.Errorf("self-check lacks %q:\n%s", want, bad)
		}
	}
}

func TestTarget(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 1000 {
		stored, total, kills := r.IntN(50), 50+r.IntN(50), 1+r.IntN(5)
		target, jitter, ok := Target(r, stored, total, kills)
		if !ok || target <= stored || target >= total || jitter < 0 || jitter >= 100e6 {
			t.Fatalf("Target(%d, %d, %d) = %d, %v, %v", stored, total, kills, target, jitter, ok)
		}
	}
	if _, _, ok := Target(r, 9, 10, 1); ok {
		t.Error("a point with one document left")
	}
}
