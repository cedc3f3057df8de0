package analysis

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/policykb/policykb"
)

// defaultGrades are the default model's bands.
var defaultGrades = []policykb.PMCGrade{
	{Name: "poor", Min: 0, Max: 4}, {Name: "acceptable", Min: 4, Max: 6},
	{Name: "excellent", Min: 6, Max: 8}, {Name: "perfect", Min: 8, Max: 9},
}

// modelOf returns a model whose primary variable Xi has sizes[i-1]
// secondary variables Xi:1…, all scored manually.
func modelOf(grades []policykb.PMCGrade, sizes ...int) policykb.PMCModel {
	m := policykb.PMCModel{ID: "test", Grades: grades}
	for i, n := range sizes {
		v := policykb.PMCVariable{ID: fmt.Sprintf("X%d", i+1)}
		for j := 1; j <= n; j++ {
			v.Secondary = append(v.Secondary, policykb.PMCSecondary{ID: fmt.Sprintf("X%d:%d", i+1, j), Rule: policykb.PMCRule{Kind: policykb.RuleManual}})
		}
		m.Variables = append(m.Variables, v)
	}
	return m
}

// scoresOf scores the first ones[i-1] secondary variables of Xi 1, the rest 0.
func scoresOf(m policykb.PMCModel, ones ...int) []SecondaryScore {
	var out []SecondaryScore
	for i, v := range m.Variables {
		for j, s := range v.Secondary {
			score := 0
			if j < ones[i] {
				score = 1
			}
			out = append(out, SecondaryScore{Variable: s.ID, Score: score, Evidence: Evidence{Kind: policykb.RuleManual, Note: "n"}})
		}
	}
	return out
}

func TestCompute(t *testing.T) {
	m := modelOf(defaultGrades, 4, 3, 3, 5, 5, 6, 5, 6, 2)
	d, err := Compute(m, "doc", "City", scoresOf(m, 3, 3, 0, 5, 2, 6, 1, 2, 2))
	if err != nil {
		t.Fatal(err)
	}
	// X = 3/4, 3/3, 0/3, 5/5, 2/5, 6/6, 1/5, 2/6, 2/2
	//   = 0.75, 1, 0, 1, 0.4, 1, 0.2, 1/3, 1
	// PMC = 0.75+1+0+1+0.4+1+0.2+1/3+1 = 5.35 + 1/3 = 341/60 = 5.68333…
	// depression = 9 − 341/60 = 199/60 = 3.31666…; 4 ≤ PMC < 6: acceptable.
	if d.PMC != 341.0/60 || d.Depression != 199.0/60 || d.Grade != "acceptable" {
		t.Errorf("PMC %v, depression %v, grade %q; want 341/60, 199/60, acceptable", d.PMC, d.Depression, d.Grade)
	}
	wantX := []float64{0.75, 1, 0, 1, 0.4, 1, 0.2, 1.0 / 3, 1}
	for i, p := range d.Primary {
		if p.Value != wantX[i] || p.Variable != fmt.Sprintf("X%d", i+1) || len(p.Secondary) != p.Of {
			t.Errorf("%s = %v (%d/%d, %d scores), want %v", p.Variable, p.Value, p.Ones, p.Of, len(p.Secondary), wantX[i])
		}
	}
	wantSurface := [][]float64{{0.75, 1, 0}, {1, 0.4, 1}, {0.2, 1.0 / 3, 1}}
	if !reflect.DeepEqual(d.Surface, wantSurface) {
		t.Errorf("surface %v, want %v", d.Surface, wantSurface)
	}
	if d.Document != "doc" || d.City != "City" {
		t.Errorf("document %q, city %q", d.Document, d.City)
	}
}

// TestComputeExact: X1…X5 = 1, X6 = 3/10, X7 = 6/10, X8 = 1/10, X9 = 0 is a
// PMC of exactly 6, excellent. Summed as floats in that order it is
// 5.999999999999999, which would grade acceptable.
func TestComputeExact(t *testing.T) {
	naive := 0.0
	for _, x := range []float64{1, 1, 1, 1, 1, 3.0 / 10, 6.0 / 10, 1.0 / 10, 0} {
		naive += x
	}
	if naive >= 6 {
		t.Fatalf("the float trap this test relies on is gone: %v", naive)
	}
	m := modelOf(defaultGrades, 1, 1, 1, 1, 1, 10, 10, 10, 1)
	d, err := Compute(m, "doc", "", scoresOf(m, 1, 1, 1, 1, 1, 3, 6, 1, 0))
	if err != nil {
		t.Fatal(err)
	}
	if d.PMC != 6 || d.Depression != 3 || d.Grade != "excellent" {
		t.Errorf("PMC %v, depression %v, grade %q; want 6, 3, excellent", d.PMC, d.Depression, d.Grade)
	}
}

func TestComputeRefuses(t *testing.T) {
	m := modelOf(defaultGrades, 2, 1)
	ok := scoresOf(m, 1, 1)
	tests := []struct {
		name   string
		scores []SecondaryScore
		want   string
	}{
		{"missing", ok[:2], "no score for X2:1"},
		{"twice", append(ok[:3:3], ok[0]), "X1:1 scored twice"},
		{"not 0 or 1", []SecondaryScore{ok[0], ok[1], {Variable: "X2:1", Score: 2}}, "X2:1 scored 2: expected 0 or 1"},
		{"unknown", append(ok[:3:3], SecondaryScore{Variable: "X7:1"}), "X7:1 is not a secondary variable of model test"},
	}
	for _, tt := range tests {
		_, err := Compute(m, "doc", "", tt.scores)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want an error saying %q", tt.name, err, tt.want)
		}
	}
	if d, err := Compute(modelOf(defaultGrades, 1, 1), "doc", "", scoresOf(modelOf(nil, 1, 1), 1, 0)); err != nil || d.Surface != nil {
		t.Errorf("two variables: surface %v, err %v; want no surface and no error", d.Surface, err)
	}
}

func TestGrade(t *testing.T) {
	reversed := []policykb.PMCGrade{defaultGrades[3], defaultGrades[2], defaultGrades[1], defaultGrades[0]}
	for _, tt := range []struct {
		pmc  float64
		want string
	}{
		{0, "poor"}, {3.99, "poor"}, {4, "acceptable"}, {5.999, "acceptable"}, {6, "excellent"},
		{7.99, "excellent"}, {8, "perfect"}, {9, "perfect"}, {9.01, ""}, {-0.1, ""},
	} {
		if got := Grade(defaultGrades, tt.pmc); got != tt.want {
			t.Errorf("Grade(%v) = %q, want %q", tt.pmc, got, tt.want)
		}
		if got := Grade(reversed, tt.pmc); got != tt.want {
			t.Errorf("Grade(%v), bands in reverse order = %q, want %q", tt.pmc, got, tt.want)
		}
	}
	if got := Grade(nil, 1); got != "" {
		t.Errorf("no bands: %q", got)
	}
}

func TestSurface(t *testing.T) {
	got, err := Surface([]float64{1, 0.5, 0.25, 0})
	if want := [][]float64{{1, 0.5}, {0.25, 0}}; err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("four: %v, %v; want %v", got, err, want)
	}
	for _, n := range []int{0, 2, 8, 10} {
		if s, err := Surface(make([]float64, n)); err == nil || s != nil {
			t.Errorf("%d values: %v, %v; want a refusal", n, s, err)
		}
	}
}

func TestSummarise(t *testing.T) {
	m := modelOf([]policykb.PMCGrade{{Name: "low", Min: 0, Max: 1}, {Name: "high", Min: 1, Max: 2}}, 2, 4)
	var docs []DocumentPMC
	for _, d := range []struct {
		id, city string
		ones     []int
	}{
		{"d", "Y", []int{0, 1}}, // X = 0, 0.25: PMC 0.25
		{"c", "X", []int{2, 0}}, // X = 1, 0: PMC 1
		{"b", "Y", []int{1, 2}}, // X = 0.5, 0.5: PMC 1
		{"a", "X", []int{2, 3}}, // X = 1, 0.75: PMC 1.75
	} {
		pmc, err := Compute(m, d.id, d.city, scoresOf(m, d.ones...))
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, pmc)
	}
	s := Summarise(docs)
	// Mean PMC (0.25+1+1+1.75)/4 = 1; mean depression 2 − 1 = 1.
	// X1: (0+1+0.5+1)/4 = 0.625; X2: (0.25+0+0.5+0.75)/4 = 0.375.
	// b and c tie at 1: both rank 2, listed by id; d is 4th.
	// City X: (1+1.75)/2 = 1.375, X1 (1+1)/2 = 1, X2 (0+0.75)/2 = 0.375;
	// city Y: (0.25+1)/2 = 0.625, X1 (0+0.5)/2 = 0.25, X2 (0.25+0.5)/2 = 0.375.
	want := Summary{
		Documents: 4, MeanPMC: 1, MeanDepression: 1,
		Variables: []VariableMean{{"X1", 0.625}, {"X2", 0.375}},
		Ranking: []Ranked{
			{Document: "a", City: "X", PMC: 1.75, Grade: "high", Rank: 1},
			{Document: "b", City: "Y", PMC: 1, Grade: "high", Rank: 2},
			{Document: "c", City: "X", PMC: 1, Grade: "high", Rank: 2},
			{Document: "d", City: "Y", PMC: 0.25, Grade: "low", Rank: 4},
		},
		Grades: map[string]int{"high": 3, "low": 1},
		Cities: []CityMean{
			{City: "X", Documents: 2, MeanPMC: 1.375, Means: []float64{1, 0.375}},
			{City: "Y", Documents: 2, MeanPMC: 0.625, Means: []float64{0.25, 0.375}},
		},
	}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("got  %+v\nwant %+v", s, want)
	}
	if s := Summarise(nil); s.Documents != 0 || s.Ranking != nil {
		t.Errorf("no documents: %+v", s)
	}
}
