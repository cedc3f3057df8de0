package analysis

import (
	"math"
	"reflect"
	"testing"

	"github.com/policykb/policykb"
)

// TestAgreementTable checks the formulas on tables worked out by hand.
func TestAgreementTable(t *testing.T) {
	tests := []struct {
		name                   string
		table                  AgreementTable
		percent, kappa, holsti float64
	}{
		// n=6, po=5/6, pA=2/6, pB=1/6, pe=(2·1+4·5)/36=22/36,
		// kappa=(30−22)/(36−22)=8/14; Holsti=2/(2+1).
		{"K1 of the fixture", AgreementTable{Both: 1, OnlyA: 1, Neither: 4}, 5.0 / 6, 8.0 / 14, 2.0 / 3},
		// po=3/6, pA=1/6, pB=2/6, pe=(1·2+5·4)/36=22/36,
		// kappa=(18−22)/(36−22)=−4/14; Holsti=0.
		{"K3: worse than chance", AgreementTable{OnlyA: 1, OnlyB: 2, Neither: 3}, 0.5, -4.0 / 14, 0},
		// Complete agreement: po=1, pe=(3·3+3·3)/36=1/2, kappa=1.
		{"perfect", AgreementTable{Both: 3, Neither: 3}, 1, 1, 1},
		// Nobody coded: pe=1, kappa 1 by convention; Holsti 1.
		{"nobody coded", AgreementTable{Neither: 5}, 1, 1, 1},
		// Both coded everything: pe=1 again.
		{"everybody coded", AgreementTable{Both: 4}, 1, 1, 1},
		// Complete disagreement with balanced marginals: po=0,
		// pe=(1·1+1·1)/4=1/2, kappa=(0−2)/(4−2)=−1.
		{"opposite", AgreementTable{OnlyA: 1, OnlyB: 1}, 0, -1, 0},
		{"empty", AgreementTable{}, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.table.PercentAgreement(); !near(got, tt.percent) {
				t.Errorf("percent agreement %v, want %v", got, tt.percent)
			}
			if got := tt.table.Kappa(); !near(got, tt.kappa) {
				t.Errorf("kappa %v, want %v", got, tt.kappa)
			}
			if got := tt.table.Holsti(); !near(got, tt.holsti) {
				t.Errorf("Holsti %v, want %v", got, tt.holsti)
			}
		})
	}
}

// TestTally checks the 2×2 table of one code's marks over the units.
func TestTally(t *testing.T) {
	tests := []struct {
		name  string
		marks map[string]int
		n     int
		want  AgreementTable
	}{
		{"mixed", map[string]int{"u1": 3, "u2": 1, "u3": 2, "u4": 1}, 10, AgreementTable{Both: 1, OnlyA: 2, OnlyB: 1, Neither: 6}},
		{"nobody coded", nil, 5, AgreementTable{Neither: 5}},
		{"everybody agreed", map[string]int{"u1": 3, "u2": 3}, 2, AgreementTable{Both: 2}},
		{"no units", nil, 0, AgreementTable{}},
	}
	for _, tt := range tests {
		if got := Tally(tt.marks, tt.n); got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

// TestMatrixMeasures checks every measure of a code matrix on counts worked
// out by hand: two codes, four columns, the last one without documents.
// Column 0 holds a sentence coded at both codes (2 + 1 references, 2
// distinct coded sentences).
func TestMatrixMeasures(t *testing.T) {
	counts := MatrixCounts{
		References:     [][]int{{2, 0, 1, 0}, {1, 3, 0, 0}},
		Sources:        [][]int{{1, 0, 1, 0}, {1, 2, 0, 0}},
		Sentences:      []int{10, 20, 5, 0},
		CodedSentences: []int{2, 3, 1, 0},
		CodedDocuments: []int{1, 2, 1, 0},
	}
	tests := []struct {
		measure              policykb.Measure
		cells                [][]float64
		rowTotals, colTotals []float64
	}{
		{policykb.MeasureReferencePoints, [][]float64{{2, 0, 1, 0}, {1, 3, 0, 0}}, []float64{3, 4}, []float64{2, 3, 1, 0}},
		{policykb.MeasureMaterialSources, [][]float64{{1, 0, 1, 0}, {1, 2, 0, 0}}, []float64{2, 3}, []float64{1, 2, 1, 0}},
		// Column sums of references 3, 3, 1, 0; 7 references in all.
		{policykb.MeasureShare, [][]float64{{2.0 / 3, 0, 1, 0}, {1.0 / 3, 1, 0, 0}}, []float64{3.0 / 7, 4.0 / 7}, []float64{1, 1, 1, 0}},
		// 35 sentences in all.
		{policykb.MeasurePer1000Sentences, [][]float64{{200, 0, 200, 0}, {100, 150, 0, 0}},
			[]float64{3000.0 / 35, 4000.0 / 35}, []float64{200, 150, 200, 0}},
		{policykb.MeasurePresence, [][]float64{{1, 0, 1, 0}, {1, 1, 0, 0}}, []float64{2, 2}, []float64{2, 1, 1, 0}},
	}
	for _, tt := range tests {
		cells, rows, cols := counts.Measures(tt.measure)
		if !reflect.DeepEqual(cells, tt.cells) || !reflect.DeepEqual(rows, tt.rowTotals) || !reflect.DeepEqual(cols, tt.colTotals) {
			t.Errorf("%v: cells %v rows %v columns %v, want %v %v %v", tt.measure, cells, rows, cols, tt.cells, tt.rowTotals, tt.colTotals)
		}
	}
	// No codes at the level: no rows, the columns' totals still there.
	cells, rows, cols := MatrixCounts{Sentences: []int{4}, CodedSentences: []int{0}, CodedDocuments: []int{0}}.Measures(policykb.MeasureShare)
	if len(cells) != 0 || len(rows) != 0 || !reflect.DeepEqual(cols, []float64{0}) {
		t.Errorf("no rows: cells %v rows %v columns %v", cells, rows, cols)
	}
}

func TestShareAndPerThousand(t *testing.T) {
	for _, tt := range []struct {
		a, b            int
		share, perMille float64
	}{
		{1, 4, 0.25, 250},
		{3, 3, 1, 1000},
		{2, 0, 0, 0},
		{0, 7, 0, 0},
	} {
		if got := Share(tt.a, tt.b); got != tt.share {
			t.Errorf("Share(%d, %d) = %v, want %v", tt.a, tt.b, got, tt.share)
		}
		if got := PerThousand(tt.a, tt.b); got != tt.perMille {
			t.Errorf("PerThousand(%d, %d) = %v, want %v", tt.a, tt.b, got, tt.perMille)
		}
	}
}

// TestCCoefficient: n12 / (n1 + n2 − n12).
func TestCCoefficient(t *testing.T) {
	for _, tt := range []struct {
		n12, n1, n2 int
		want        float64
	}{
		{1, 2, 2, 1.0 / 3},
		{3, 3, 4, 0.75},
		{2, 2, 2, 1},
		{1, 5, 3, 1.0 / 7},
		{0, 0, 0, 0},
		{0, 2, 3, 0},
	} {
		if got := CCoefficient(tt.n12, tt.n1, tt.n2); got != tt.want {
			t.Errorf("CCoefficient(%d, %d, %d) = %v, want %v", tt.n12, tt.n1, tt.n2, got, tt.want)
		}
	}
}

// TestCosineOfProfiles: the cosine of cities' profiles is exactly
// a·b / √(|a|²·|b|²) (the resolvers' similarity answers rely on it), 0 for
// a zero vector.
func TestCosineOfProfiles(t *testing.T) {
	for _, tt := range []struct {
		a, b []float64
		want float64
	}{
		{[]float64{1, 3, 1}, []float64{1, 1, 0}, 4 / math.Sqrt(22)},
		{[]float64{1, 3, 1}, []float64{1, 1, 2}, 6 / math.Sqrt(66)},
		{[]float64{2, 0}, []float64{5, 0}, 1},
		{[]float64{1, 0}, []float64{0, 1}, 0},
		{[]float64{0, 0}, []float64{1, 1}, 0},
	} {
		if got := Cosine(tt.a, tt.b); got != tt.want {
			t.Errorf("Cosine(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
