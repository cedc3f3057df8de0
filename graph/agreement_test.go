package graph_test

import (
	"context"
	"errors"
	"math"
	"reflect"
	"testing"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
)

// The analysis fixture is synthetic (made up for these tests) and small
// enough to work out by hand:
//
//	L1 > M1 > C1 > K1, K2
//	        > C2 > K3
//
//	Alpha: p1 (2023-01-10) 4 sentences, p2 (2023-05-01) 2 sentences
//	Beta:  p3 (2023-02-01) 3 sentences, p4 (2024-01-01) 2 sentences
//
//	p1#0 K1 A, K1 B     both coders, one concept
//	p1#1 K1 A, K2 B     two concepts of one category
//	p1#2 K3 A           A only
//	p1#3 K3 B           B only
//	p2#0 K2 A, K2 B, K3 B
//	p2#1 uncoded
//	p3#0 K1 A           (B never codes p3)
//	p4#0 K1 C           (coder C codes p4 only)
//
// Sentence texts are for the search tests (see search_test.go).
func agrCodes() []policykb.Code {
	return []policykb.Code{
		{ID: "L1", Level: policykb.LevelLayer, Number: num(1), Name: "Layer one"},
		{ID: "M1", Level: policykb.LevelMainCategory, Number: num(1), Name: "Main one", Parent: "L1"},
		{ID: "C1", Level: policykb.LevelCategory, Number: num(1), Name: "Cat one", Parent: "M1"},
		{ID: "K1", Level: policykb.LevelConcept, Number: num(1), Name: "Concept one", Parent: "C1"},
		{ID: "K2", Level: policykb.LevelConcept, Number: num(2), Name: "Concept two", Parent: "C1"},
		{ID: "C2", Level: policykb.LevelCategory, Number: num(2), Name: "Cat two", Parent: "M1"},
		{ID: "K3", Level: policykb.LevelConcept, Number: num(3), Name: "Concept three", Parent: "C2"},
	}
}

var (
	agrAlpha = policykb.City{Name: "Alpha", NameZh: "阿尔法市", Province: "P1"}
	agrBeta  = policykb.City{Name: "Beta", NameZh: "贝塔市", Province: "P2"}
)

func agrDoc(city policykb.City, id, issued string, texts []string, codings [][3]string) graph.DocumentBundle {
	b := bundle(city, id, issued, len(texts), codings)
	for i, t := range texts {
		b.Sentences[i].Text = t
	}
	return b
}

func agrDocs() []graph.DocumentBundle {
	return []graph.DocumentBundle{
		agrDoc(agrAlpha, "p1", "2023-01-10", []string{
			"设立专项资金支持联合体建设。",
			"资金拨付及时，资金管理透明，资金使用规范。",
			"推动校企合作。",
			"资金（专项）管理办法 a+b。",
		}, [][3]string{{"p1#0", "K1", "A"}, {"p1#0", "K1", "B"}, {"p1#1", "K1", "A"}, {"p1#1", "K2", "B"},
			{"p1#2", "K3", "A"}, {"p1#3", "K3", "B"}}),
		agrDoc(agrAlpha, "p2", "2023-05-01", []string{
			"加大财政资金投入。",
			"The special fund grows each year.",
		}, [][3]string{{"p2#0", "K2", "A"}, {"p2#0", "K2", "B"}, {"p2#0", "K3", "B"}}),
		agrDoc(agrBeta, "p3", "2023-02-01", []string{
			"专项工作与资金保障同步推进，确保落实到位。",
			"开展专项督导。",
			"建立人才交流平台。",
		}, [][3]string{{"p3#0", "K1", "A"}}),
		agrDoc(agrBeta, "p4", "2024-01-01", []string{
			"联合体建设取得成效。",
			"宣传建设成果。",
		}, [][3]string{{"p4#0", "K1", "C"}}),
	}
}

func loadAgrFixture(t *testing.T) *graph.Store {
	t.Helper()
	s := openTestStore(t)
	ctx := context.Background()
	if _, err := s.WriteCodebook(ctx, agrCodes()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.WriteDocuments(ctx, agrDocs(), nil); err != nil {
		t.Fatal(err)
	}
	return s
}

// near compares floats computed in different orders (the Python values
// carry rounding of their own).
func agrNear(a, b float64) bool { return math.Abs(a-b) < 1e-12 }

// agreementByPython holds the values an independent implementation gives
// for coders A and B on the fixture: this standard-library Python script,
// which works from the raw codings, not from the code under test.
//
//	units = ["p1#0", "p1#1", "p1#2", "p1#3", "p2#0", "p2#1"]  # p1, p2: both coders coded there
//	codings = {"A": [("p1#0","K1"),("p1#1","K1"),("p1#2","K3"),("p2#0","K2")],
//	           "B": [("p1#0","K1"),("p1#1","K2"),("p1#3","K3"),("p2#0","K2"),("p2#0","K3")]}
//	parent = {"K1":"C1","K2":"C1","K3":"C2","C1":"M1","C2":"M1","M1":"L1"}
//	levels = {"CONCEPT":["K1","K2","K3"],"CATEGORY":["C1","C2"],"LAYER":["L1"]}
//	def up(c):
//	    out = {c}
//	    while c in parent: c = parent[c]; out.add(c)
//	    return out
//	def yes(coder, u, k): return any(s == u and k in up(c) for s, c in codings[coder])
//	def kappa(cells):  # cells: list of (a, b) booleans
//	    n = len(cells); po = sum(a == b for a, b in cells) / n
//	    pa = sum(a for a, _ in cells) / n; pb = sum(b for _, b in cells) / n
//	    pe = pa * pb + (1 - pa) * (1 - pb)
//	    return po, (1.0 if pe == 1 else (po - pe) / (1 - pe))
//	for level, codes in levels.items():
//	    cells = [(yes("A", u, k), yes("B", u, k)) for k in codes for u in units]
//	    m = sum(a and b for a, b in cells); n1 = sum(a for a, _ in cells); n2 = sum(b for _, b in cells)
//	    print(level, *kappa(cells), 2 * m / (n1 + n2))
//	    for k in codes: print(" ", k, *kappa([(yes("A", u, k), yes("B", u, k)) for u in units]))
//
// Its output (python3 3.11):
//
//	CONCEPT 0.7222222222222222 0.26229508196721285 0.4444444444444444
//	  K1 0.8333333333333334 0.5714285714285714
//	  K2 0.8333333333333334 0.5714285714285714
//	  K3 0.5 -0.28571428571428625
//	CATEGORY 0.75 0.47058823529411764 0.6666666666666666
//	  C1 1.0 1.0
//	  C2 0.5 -0.28571428571428625
//	LAYER 0.6666666666666666 0.24999999999999986 0.75
//	  L1 0.6666666666666666 0.24999999999999986
var agreementByPython = map[policykb.Level]struct {
	percent, kappa, holsti float64
	byCode                 map[string][2]float64
}{
	policykb.LevelConcept: {0.7222222222222222, 0.26229508196721285, 0.4444444444444444, map[string][2]float64{
		"K1": {0.8333333333333334, 0.5714285714285714}, "K2": {0.8333333333333334, 0.5714285714285714},
		"K3": {0.5, -0.28571428571428625}}},
	policykb.LevelCategory: {0.75, 0.47058823529411764, 0.6666666666666666, map[string][2]float64{
		"C1": {1, 1}, "C2": {0.5, -0.28571428571428625}}},
	policykb.LevelLayer: {0.6666666666666666, 0.24999999999999986, 0.75, map[string][2]float64{"L1": {0.6666666666666666, 0.24999999999999986}}},
}

func TestAgreement(t *testing.T) {
	s := loadAgrFixture(t)
	ctx := context.Background()

	t.Run("tables worked out by hand", func(t *testing.T) {
		// Units: p1 (4 sentences) and p2 (2); p3 and p4 lack coder B.
		// CONCEPT, per code (both, onlyA, onlyB, neither):
		//   K1: A {p1#0 p1#1}, B {p1#0}           → 1, 1, 0, 4
		//   K2: A {p2#0}, B {p1#1 p2#0}           → 1, 0, 1, 4
		//   K3: A {p1#2}, B {p1#3 p2#0}           → 0, 1, 2, 3
		//   pooled                                → 2, 2, 3, 11 (N = 6 × 3)
		// CATEGORY: C1: A = B = {p1#0 p1#1 p2#0} → 3, 0, 0, 3
		//           C2 = K3                      → 0, 1, 2, 3
		got, err := s.Agreement(ctx, "A", "B", policykb.LevelConcept, policykb.CorpusFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Documents, []string{"p1", "p2"}) || got.Units != 6 {
			t.Errorf("documents %v, units %d; want [p1 p2], 6", got.Documents, got.Units)
		}
		if want := (graph.AgreementTable{Both: 2, OnlyA: 2, OnlyB: 3, Neither: 11}); got.Pooled != want {
			t.Errorf("pooled %+v, want %+v", got.Pooled, want)
		}
		want := map[string]graph.AgreementTable{
			"K1": {Both: 1, OnlyA: 1, Neither: 4}, "K2": {Both: 1, OnlyB: 1, Neither: 4}, "K3": {OnlyA: 1, OnlyB: 2, Neither: 3}}
		var ids []string
		for _, c := range got.ByCode {
			ids = append(ids, c.CodeID)
			if c.AgreementTable != want[c.CodeID] {
				t.Errorf("%s: %+v, want %+v", c.CodeID, c.AgreementTable, want[c.CodeID])
			}
		}
		if !reflect.DeepEqual(ids, []string{"K1", "K2", "K3"}) {
			t.Errorf("byCode %v, want K1 K2 K3", ids)
		}
		// K3's disagreements, in document order: p1#2 (A), p1#3 (B), p2#0 (B).
		var differ []string
		for _, st := range got.ByCode[2].Disagreements {
			differ = append(differ, st.ID)
		}
		if !reflect.DeepEqual(differ, []string{"p1#2", "p1#3", "p2#0"}) {
			t.Errorf("K3 disagreements %v", differ)
		}
		cat, err := s.Agreement(ctx, "A", "B", policykb.LevelCategory, policykb.CorpusFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if want := (graph.AgreementTable{Both: 3, OnlyA: 1, OnlyB: 2, Neither: 6}); cat.Pooled != want {
			t.Errorf("category pooled %+v, want %+v", cat.Pooled, want)
		}
		if len(cat.ByCode) != 2 || cat.ByCode[0].Disagreements != nil {
			t.Errorf("C1 has no disagreement: %+v", cat.ByCode)
		}
	})

	t.Run("independent implementation", func(t *testing.T) {
		for level, want := range agreementByPython {
			got, err := s.Agreement(ctx, "A", "B", level, policykb.CorpusFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if !agrNear(got.Pooled.PercentAgreement(), want.percent) || !agrNear(got.Pooled.Kappa(), want.kappa) || !agrNear(got.Pooled.Holsti(), want.holsti) {
				t.Errorf("%s: percent %v kappa %v Holsti %v, want %v %v %v", level, got.Pooled.PercentAgreement(),
					got.Pooled.Kappa(), got.Pooled.Holsti(), want.percent, want.kappa, want.holsti)
			}
			if len(got.ByCode) != len(want.byCode) {
				t.Errorf("%s: %d codes, want %d", level, len(got.ByCode), len(want.byCode))
			}
			for _, c := range got.ByCode {
				w := want.byCode[c.CodeID]
				if !agrNear(c.PercentAgreement(), w[0]) || !agrNear(c.Kappa(), w[1]) {
					t.Errorf("%s %s: percent %v kappa %v, want %v %v", level, c.CodeID, c.PercentAgreement(), c.Kappa(), w[0], w[1])
				}
			}
		}
	})

	t.Run("filter", func(t *testing.T) {
		// Only p2: units p2#0, p2#1. K2: both on p2#0 → 1,0,0,1;
		// K3: B only on p2#0 → 0,0,1,1; K1 unused → 0,0,0,2.
		got, err := s.Agreement(ctx, "A", "B", policykb.LevelConcept, policykb.CorpusFilter{Documents: []string{"p2", "p3"}})
		if err != nil {
			t.Fatal(err)
		}
		if got.Units != 2 || got.Pooled != (graph.AgreementTable{Both: 1, OnlyB: 1, Neither: 4}) || len(got.ByCode) != 2 {
			t.Errorf("got units %d, pooled %+v, %d codes", got.Units, got.Pooled, len(got.ByCode))
		}
	})

	t.Run("no common document", func(t *testing.T) {
		got, err := s.Agreement(ctx, "A", "C", policykb.LevelConcept, policykb.CorpusFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if got.Units != 0 || got.Pooled.N() != 0 || got.ByCode != nil || got.Pooled.Kappa() != 0 || got.Pooled.Holsti() != 0 {
			t.Errorf("A and C share no document: %+v", got)
		}
	})

	t.Run("bad input", func(t *testing.T) {
		for _, tt := range []struct {
			a, b, arg string
			f         policykb.CorpusFilter
		}{
			{"Z", "B", "coderA", policykb.CorpusFilter{}},
			{"A", "Z", "coderB", policykb.CorpusFilter{}},
			{"A", "A", "coderB", policykb.CorpusFilter{}},
			{"A", "B", "filter", policykb.CorpusFilter{Coders: []string{"A"}}},
		} {
			_, err := s.Agreement(ctx, tt.a, tt.b, policykb.LevelConcept, tt.f)
			var pe *policykb.Error
			if !errors.As(err, &pe) || pe.Code != policykb.EInvalid || pe.Argument != tt.arg {
				t.Errorf("agreement(%s, %s, %+v): %v, want BAD_USER_INPUT naming %s", tt.a, tt.b, tt.f, err, tt.arg)
			}
		}
	})
}
