package autocode_test

import (
	"context"
	"math"
	"testing"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/autocode"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/testneo4j"
)

// The fixture of the evaluation, small enough to count by hand:
//
//	L1 > M1 > C1 > K1, K2      L1 > M2 > C2 > K3
//
//	sentence   reference A   candidate X
//	d1#0       K1            K1
//	d1#1       K2            K1
//	d1#2       K3            -
//	d1#3       -             K3
//	d1#4       K1            K1, K2
//	d1#5       -             -
func evalFixture() ([]policykb.Code, graph.DocumentBundle, []policykb.Coding) {
	codes := []policykb.Code{
		{ID: "L1", Level: policykb.LevelLayer, Name: "L1"},
		{ID: "M1", Level: policykb.LevelMainCategory, Parent: "L1", Name: "M1"},
		{ID: "C1", Level: policykb.LevelCategory, Parent: "M1", Name: "C1"},
		{ID: "K1", Level: policykb.LevelConcept, Parent: "C1", Name: "K1"},
		{ID: "K2", Level: policykb.LevelConcept, Parent: "C1", Name: "K2"},
		{ID: "M2", Level: policykb.LevelMainCategory, Parent: "L1", Name: "M2"},
		{ID: "C2", Level: policykb.LevelCategory, Parent: "M2", Name: "C2"},
		{ID: "K3", Level: policykb.LevelConcept, Parent: "C2", Name: "K3"},
	}
	b := graph.DocumentBundle{City: policykb.City{Name: "Alpha"}, Document: policykb.Document{ID: "d1", City: "Alpha", Title: "d1", SHA256: "x", Synthetic: true}}
	text := ""
	for i := range 6 {
		st := policykb.Sentence{ID: policykb.SentenceID("d1", i), DocumentID: "d1", Index: i, Kind: policykb.KindSentence,
			Text: "第" + string(rune('一'+i)) + "句。", Start: i * 4, End: i*4 + 4}
		b.Sentences = append(b.Sentences, st)
		text += st.Text
	}
	b.Document.Text = text
	coding := func(i int, code, coder string) policykb.Coding {
		return policykb.Coding{SentenceID: policykb.SentenceID("d1", i), CodeID: code, Coder: coder, Origin: "manual"}
	}
	b.Codings = []policykb.Coding{coding(0, "K1", "A"), coding(1, "K2", "A"), coding(2, "K3", "A"), coding(4, "K1", "A")}
	x := []policykb.Coding{coding(0, "K1", "X"), coding(1, "K1", "X"), coding(3, "K3", "X"), coding(4, "K1", "X"), coding(4, "K2", "X")}
	return codes, b, x
}

func TestEvaluateEqualsAHandCount(t *testing.T) {
	s := testneo4j.EmptyStore(t, 0)
	ctx := context.Background()
	codes, doc, x := evalFixture()
	_, err := s.WriteCodebook(ctx, codes)
	must(t, err)
	b := doc
	b.Codings = append(append([]policykb.Coding{}, doc.Codings...), x...)
	_, err = s.WriteDocuments(ctx, []graph.DocumentBundle{b}, nil)
	must(t, err)

	type want struct {
		level                        string
		both, onlyA, onlyB, neither  int
		precision, recall, f1, kappa float64
		holsti, macroF1              float64
	}
	wants := []want{
		// CONCEPT: K1 2/0/1/3, K2 0/1/1/4, K3 0/1/1/4; po = 13/18, pe = (4·5 + 14·13)/18².
		{"CONCEPT", 2, 2, 3, 11, 2.0 / 5, 2.0 / 4, 4.0 / 9, (13.0/18 - 202.0/324) / (1 - 202.0/324), 4.0 / 9, (0.8 + 0 + 0) / 3},
		// CATEGORY: C1 3/0/0/3 (s0, s1, s4), C2 0/1/1/4.
		{"CATEGORY", 3, 1, 1, 7, 3.0 / 4, 3.0 / 4, 3.0 / 4, (10.0/12 - 80.0/144) / (1 - 80.0/144), 3.0 / 4, (1 + 0) / 2.0},
		{"MAIN_CATEGORY", 3, 1, 1, 7, 3.0 / 4, 3.0 / 4, 3.0 / 4, 0.625, 3.0 / 4, 0.5},
		// LAYER: L1 coded on s0..s4 by both but s2 (A only) and s3 (X only).
		{"LAYER", 3, 1, 1, 1, 3.0 / 4, 3.0 / 4, 3.0 / 4, (4.0/6 - 20.0/36) / (1 - 20.0/36), 3.0 / 4, 3.0 / 4},
	}
	stored, err := autocode.EvaluateStored(ctx, s, "A", "X", policykb.CorpusFilter{})
	must(t, err)
	fromFile, err := autocode.EvaluateCodings(ctx, s, segmenter(t), "A", "x.csv", x, policykb.CorpusFilter{})
	must(t, err)
	for _, rep := range []autocode.Report{stored, fromFile} {
		if rep.Documents != 1 || len(rep.Levels) != 4 {
			t.Fatalf("report %+v", rep)
		}
		for _, w := range wants {
			var l autocode.LevelReport
			for _, x := range rep.Levels {
				if x.Level == w.level {
					l = x
				}
			}
			p := l.Pooled
			if l.Units != 6 || p.Both != w.both || p.OnlyReference != w.onlyA || p.OnlyCandidate != w.onlyB || p.Neither != w.neither ||
				!near(p.Precision, w.precision) || !near(p.Recall, w.recall) || !near(p.F1, w.f1) || !near(p.Kappa, w.kappa) ||
				!near(p.Holsti, w.holsti) || !near(l.MacroF1, w.macroF1) {
				t.Errorf("%s (%s): %+v macro-F1 %g, want %+v", w.level, rep.How, l.Pooled, l.MacroF1, w)
			}
			// The agreement query gives the same kappa and Holsti.
			lv, _ := policykb.ParseLevel(w.level)
			a, err := s.Agreement(ctx, "A", "X", lv, policykb.CorpusFilter{})
			must(t, err)
			if !near(a.Pooled.Kappa(), p.Kappa) || !near(a.Pooled.Holsti(), p.Holsti) {
				t.Errorf("%s: agreement says kappa %g Holsti %g, evaluate %g %g", w.level, a.Pooled.Kappa(), a.Pooled.Holsti(), p.Kappa, p.Holsti)
			}
		}
		// Coded or not: both s0, s1, s4; A only s2; X only s3; neither s5.
		c := rep.Levels[0].Coded
		if c.Both != 3 || c.OnlyReference != 1 || c.OnlyCandidate != 1 || c.Neither != 1 {
			t.Errorf("coded table %+v", c)
		}
		// Per code at CONCEPT: K1 precision 2/3 recall 1.
		for _, l := range rep.Levels {
			if l.Level != "CONCEPT" {
				continue
			}
			if len(l.ByCode) != 3 || l.ByCode[0].Code != "K1" || !near(l.ByCode[0].Precision, 2.0/3) || !near(l.ByCode[0].Recall, 1) {
				t.Errorf("CONCEPT by code %+v", l.ByCode)
			}
		}
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-12 }
