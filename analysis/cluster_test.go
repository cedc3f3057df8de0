package analysis

import (
	"fmt"
	"math"
	"math/rand/v2"
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

// clusterByScan is average linkage as its definition reads: at every step
// scan every pair of active clusters for the closest (the first in row
// order among equal distances), merge it, update its distances. Cluster
// must merge exactly what it merges.
func clusterByScan(dist [][]float64) []Merge {
	n := len(dist)
	d := make([][]float64, n)
	for i := range d {
		d[i] = append([]float64(nil), dist[i]...)
	}
	id, size, active := make([]int, n), make([]int, n), make([]bool, n)
	for i := range n {
		id[i], size[i], active[i] = i, 1, true
	}
	merges := []Merge{}
	for step := 0; step < n-1; step++ {
		bi, bj, best := -1, -1, math.Inf(1)
		for i := range n {
			for j := i + 1; j < n; j++ {
				if active[i] && active[j] && d[i][j] < best {
					bi, bj, best = i, j, d[i][j]
				}
			}
		}
		merges = append(merges, Merge{A: min(id[bi], id[bj]), B: max(id[bi], id[bj]), Height: best, Size: size[bi] + size[bj]})
		for k := range n {
			if active[k] && k != bi && k != bj {
				v := (float64(size[bi])*d[bi][k] + float64(size[bj])*d[bj][k]) / float64(size[bi]+size[bj])
				d[bi][k], d[k][bi] = v, v
			}
		}
		size[bi] += size[bj]
		id[bi] = n + step
		active[bj] = false
	}
	return merges
}

// Random matrices, many with ties (small whole distances), clustered by
// Cluster and by the scan; and random profiles by ClusterCosine, which
// must agree with Cluster on CosineDistances.
func TestClusterMergesWhatTheScanMerges(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 500 {
		n := 1 + rng.IntN(40)
		levels := []int{2, 3, 5, 1000}[trial%4]
		dist := make([][]float64, n)
		for i := range dist {
			dist[i] = make([]float64, n)
		}
		for i := range n {
			for j := i + 1; j < n; j++ {
				v := float64(rng.IntN(levels))
				dist[i][j], dist[j][i] = v, v
			}
		}
		got, err := Cluster(dist)
		if err != nil {
			t.Fatal(err)
		}
		if want := clusterByScan(dist); !reflect.DeepEqual(got.Merges, want) {
			t.Fatalf("trial %d (n %d): merges %+v, the scan merges %+v", trial, n, got.Merges, want)
		}
		vec := make([][]float64, n)
		for i := range vec {
			vec[i] = make([]float64, 4)
			for j := range vec[i] {
				vec[i][j] = float64(rng.IntN(levels % 7))
			}
		}
		want, err := Cluster(CosineDistances(vec))
		if err != nil {
			t.Fatal(err)
		}
		if got := ClusterCosine(vec); !reflect.DeepEqual(got, want) {
			t.Fatalf("trial %d: ClusterCosine %+v, Cluster of CosineDistances %+v", trial, got, want)
		}
	}
}

// BenchmarkClusterCosine clusters n random profiles of 11 codes (a main
// category level), as the explorer does every city of a base.
func BenchmarkClusterCosine(b *testing.B) {
	for _, n := range []int{300, 3100} {
		rng := rand.New(rand.NewPCG(3, uint64(n)))
		vec := make([][]float64, n)
		for i := range vec {
			vec[i] = make([]float64, 11)
			for j := range vec[i] {
				vec[i][j] = float64(rng.IntN(50))
			}
		}
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			for b.Loop() {
				ClusterCosine(vec)
			}
		})
	}
}

// CosineDistances is the n×n matrix 1 − Cosine(vectors[i], vectors[j]),
// with a zero diagonal, ready for Cluster: what ClusterCosine
// clusters, spelled out. Rounding may leave a distance a
// hair below zero for parallel vectors; it is clamped to 0.
func CosineDistances(vectors [][]float64) [][]float64 {
	n := len(vectors)
	out := make([][]float64, n)
	for i := range out {
		out[i] = make([]float64, n)
	}
	for i := range n {
		for j := i + 1; j < n; j++ {
			v := max(1-Cosine(vectors[i], vectors[j]), 0)
			out[i][j], out[j][i] = v, v
		}
	}
	return out
}
