package analysis

import (
	"math"
	"reflect"
	"testing"

	"github.com/policykb/policykb"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-12 }

func TestTFIDF(t *testing.T) {
	// idf = ln((1+n)/(1+df)) + 1
	if got, want := IDF(1, 3), math.Log(2)+1; !near(got, want) {
		t.Errorf("IDF(1, 3) = %g, want %g", got, want)
	}
	if got := IDF(3, 3); !near(got, 1) {
		t.Errorf("a word in every document weighs %g, want 1", got)
	}
	if got, want := TFIDF(2, 10, 1, 3), 0.2*(math.Log(2)+1); !near(got, want) {
		t.Errorf("TFIDF = %g, want %g", got, want)
	}
	if got := TFIDF(2, 0, 1, 3); got != 0 {
		t.Errorf("a unit without tokens scores %g", got)
	}
}

func TestCowordMeasures(t *testing.T) {
	// Units: u1 {a: 2, b: 1}, u2 {a: 1}, u3 {b: 1, c: 1}.
	c := NewCooccurrence(3)
	c.AddUnit([]int{0, 1}, []int{2, 1, 0})
	c.AddUnit([]int{0}, []int{1, 0, 0})
	c.AddUnit([]int{1, 2}, []int{0, 1, 1})
	if !reflect.DeepEqual(c.Units, []int{2, 2, 1}) || c.Count[0][1] != 1 || c.Count[1][2] != 1 || c.Count[0][2] != 0 {
		t.Fatalf("counts %+v", c)
	}
	for _, x := range []struct {
		m    CowordMeasure
		i, j int
		want float64
	}{
		{CowordCount, 0, 1, 1},
		{CowordOchiai, 0, 1, 1 / math.Sqrt(4)},
		{CowordOchiai, 1, 2, 1 / math.Sqrt(2)},
		{CowordJaccard, 0, 1, 1.0 / 3},
		{CowordJaccard, 0, 2, 0},
		{CowordCosine, 0, 1, 2 / math.Sqrt(5*2)},
		{CowordCosine, 1, 2, 1 / math.Sqrt(2*1)},
	} {
		if got := c.Value(x.m, x.i, x.j); !near(got, x.want) {
			t.Errorf("%s(%d, %d) = %g, want %g", x.m, x.i, x.j, got, x.want)
		}
	}
	m := c.Matrix(CowordCount)
	if m[0][0] != 2 || m[2][2] != 1 || m[0][1] != 1 {
		t.Errorf("COUNT matrix %v", m)
	}
	if m := c.Matrix(CowordJaccard); m[1][1] != 1 || !near(m[1][0], 1.0/3) {
		t.Errorf("JACCARD matrix %v", m)
	}
	// COUNT clusters on 1 − Ochiai.
	if d := c.Distances(CowordCount); !near(d[0][1], 0.5) || d[0][0] != 0 {
		t.Errorf("COUNT distances %v", d)
	}
	for _, s := range []string{"count", "Ochiai", "JACCARD", "cosine"} {
		if _, err := ParseCowordMeasure(s); err != nil {
			t.Error(err)
		}
	}
	if _, err := ParseCowordMeasure("dice"); err == nil {
		t.Error("dice is not a measure")
	}
}

func TestClusterCowordDistances(t *testing.T) {
	dist := [][]float64{
		{0, 0.1, 0.5, 0.9},
		{0.1, 0, 0.4, 0.8},
		{0.5, 0.4, 0, 0.3},
		{0.9, 0.8, 0.3, 0},
	}
	// 0+1 at 0.1 (cluster 4), 2+3 at 0.3 (cluster 5), then 4+5 at the mean
	// of the four distances between them: (0.5+0.9+0.4+0.8)/4 = 0.65.
	want := []Merge{{0, 1, 0.1, 2}, {2, 3, 0.3, 2}, {4, 5, 0.65, 4}}
	d, err := Cluster(dist)
	if err != nil {
		t.Fatal(err)
	}
	got := d.Merges
	if len(got) != 3 {
		t.Fatalf("merges %+v", got)
	}
	for i := range want {
		if got[i].A != want[i].A || got[i].B != want[i].B || got[i].Size != want[i].Size || !near(got[i].Height, want[i].Height) {
			t.Errorf("merge %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	if one, _ := Cluster([][]float64{{0}}); len(one.Merges) != 0 {
		t.Error("one word has merges")
	}
}

func TestEvaluate(t *testing.T) {
	codes := []policykb.Code{
		{ID: "L", Level: policykb.LevelLayer},
		{ID: "M1", Level: policykb.LevelMainCategory, Parent: "L"},
		{ID: "M2", Level: policykb.LevelMainCategory, Parent: "L"},
		{ID: "C1", Level: policykb.LevelCategory, Parent: "M1"},
		{ID: "K1", Level: policykb.LevelConcept, Parent: "C1"},
	}
	s := NewScheme(codes)
	units := []string{"u1", "u2", "u3", "u4"}
	// A: u1 K1, u2 M2; B: u1 M1 (above the concept), u3 M2.
	ref := map[string][]string{"u1": {"K1"}, "u2": {"M2"}}
	cand := map[string][]string{"u1": {"M1"}, "u3": {"M2"}, "elsewhere": {"K1"}}
	e := Evaluate(s, policykb.LevelMainCategory, units, ref, cand)
	// M1: both u1; M2: A u2, B u3. Pooled over 4 units × 2 codes.
	if e.Pooled != (AgreementTable{Both: 1, OnlyA: 1, OnlyB: 1, Neither: 5}) || len(e.ByCode) != 2 || !near(e.MacroF1(), 0.5) {
		t.Errorf("MAIN_CATEGORY %+v macro-F1 %g", e, e.MacroF1())
	}
	e = Evaluate(s, policykb.LevelConcept, units, ref, cand)
	// B's coding at M1 is no concept: K1 is A's only.
	if e.Pooled != (AgreementTable{OnlyA: 1, Neither: 3}) || e.Coded != (AgreementTable{OnlyA: 1, Neither: 3}) {
		t.Errorf("CONCEPT %+v", e)
	}
	tab := AgreementTable{Both: 2, OnlyA: 2, OnlyB: 3, Neither: 11}
	if !near(tab.Precision(), 0.4) || !near(tab.Recall(), 0.5) || !near(tab.F1(), 4.0/9) || !near(tab.Kappa(), 32.0/122) {
		t.Errorf("table measures: P %g R %g F1 %g kappa %g", tab.Precision(), tab.Recall(), tab.F1(), tab.Kappa())
	}
}
