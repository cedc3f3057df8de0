package analysis

import (
	"math"
	"reflect"
	"testing"

	"github.com/policykb/policykb"
)

func TestCluster(t *testing.T) {
	for _, tc := range []struct {
		name   string
		dist   [][]float64
		merges []Merge
		order  []int
	}{
		{name: "empty", dist: nil, merges: []Merge{}, order: []int{}},
		{name: "one", dist: [][]float64{{0}}, merges: []Merge{}, order: []int{0}},
		{
			name:   "two",
			dist:   [][]float64{{0, 3}, {3, 0}},
			merges: []Merge{{A: 0, B: 1, Height: 3, Size: 2}},
			order:  []int{0, 1},
		},
		{
			// Points on a line at 0, 10, 1, 11: {0,2} and {1,3} pair up
			// first; the two pairs are then on average (10+11+9+10)/4 = 10 apart.
			name: "two pairs on a line",
			dist: [][]float64{
				{0, 10, 1, 11},
				{10, 0, 9, 1},
				{1, 9, 0, 10},
				{11, 1, 10, 0},
			},
			merges: []Merge{
				{A: 0, B: 2, Height: 1, Size: 2},
				{A: 1, B: 3, Height: 1, Size: 2},
				{A: 4, B: 5, Height: 10, Size: 4},
			},
			order: []int{0, 2, 1, 3},
		},
		{
			// Average, not single or complete linkage: after {0,1} merge at
			// 2, item 2 is (4+8)/2 = 6 from them, less than its 7 from item 3.
			name: "average linkage",
			dist: [][]float64{
				{0, 2, 4, 9},
				{2, 0, 8, 9},
				{4, 8, 0, 7},
				{9, 9, 7, 0},
			},
			merges: []Merge{
				{A: 0, B: 1, Height: 2, Size: 2},
				{A: 2, B: 4, Height: 6, Size: 3},
				{A: 3, B: 5, Height: (9 + 9 + 7) / 3.0, Size: 4},
			},
			order: []int{3, 2, 0, 1},
		},
		{
			// Ties go to the lowest pair of slots.
			name:   "ties",
			dist:   [][]float64{{0, 1, 1}, {1, 0, 1}, {1, 1, 0}},
			merges: []Merge{{A: 0, B: 1, Height: 1, Size: 2}, {A: 2, B: 3, Height: 1, Size: 3}},
			order:  []int{2, 0, 1},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Cluster(tc.dist)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Merges, tc.merges) {
				t.Errorf("merges %+v, want %+v", got.Merges, tc.merges)
			}
			if !reflect.DeepEqual(got.Order, tc.order) {
				t.Errorf("order %v, want %v", got.Order, tc.order)
			}
		})
	}
}

func TestClusterRejects(t *testing.T) {
	for name, dist := range map[string][][]float64{
		"ragged":     {{0, 1}, {1}},
		"asymmetric": {{0, 1}, {2, 0}},
		"NaN":        {{0, math.NaN()}, {math.NaN(), 0}},
	} {
		if _, err := Cluster(dist); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestCosine(t *testing.T) {
	for _, tc := range []struct {
		a, b []float64
		want float64
	}{
		{[]float64{1, 0}, []float64{0, 1}, 0},
		{[]float64{1, 2}, []float64{2, 4}, 1},
		{[]float64{3, 4}, []float64{4, 3}, 24.0 / 25},
		{[]float64{0, 0}, []float64{1, 1}, 0},
	} {
		if got := Cosine(tc.a, tc.b); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("Cosine(%v, %v) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
	d := CosineDistances([][]float64{{1, 0}, {2, 0}, {0, 5}})
	want := [][]float64{{0, 0, 1}, {0, 0, 1}, {1, 1, 0}}
	if !reflect.DeepEqual(d, want) {
		t.Errorf("CosineDistances = %v, want %v", d, want)
	}
}

func TestSaturationCurve(t *testing.T) {
	got := SaturationCurve([][]string{{"a", "b"}, {"b"}, {"c", "a", "c"}, nil})
	want := []CurveStep{{New: []string{"a", "b"}, Total: 2}, {Total: 2}, {New: []string{"c"}, Total: 3}, {Total: 3}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("SaturationCurve = %+v, want %+v", got, want)
	}
}

func TestProfilesAndSimilarities(t *testing.T) {
	byCity := map[string][]policykb.Count{
		"A": {{CodeID: "x", ReferencePoints: 2}, {CodeID: "y", ReferencePoints: 1}, {CodeID: "other", ReferencePoints: 9}},
		"B": {{CodeID: "y", ReferencePoints: 3}},
	}
	got := Profiles([]string{"x", "y"}, []string{"A", "B", "C"}, byCity)
	want := [][]float64{{2, 1}, {0, 3}, {0, 0}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Profiles = %v, want %v", got, want)
	}
	s := Similarities(got)
	if s[0][0] != 1 || s[2][2] != 1 || s[0][2] != 0 || math.Abs(s[0][1]-1/math.Sqrt(5)) > 1e-12 || s[0][1] != s[1][0] {
		t.Errorf("Similarities = %v", s)
	}
}
