package analysis

import (
	"fmt"
	"math"
)

// Merge is one step of a hierarchical clustering, in the convention of
// SciPy's linkage matrix: clusters 0..n-1 are the leaves (the items, in
// their input order) and the i-th merge creates cluster n+i from clusters
// A and B (A < B), at Height (the average distance between their items),
// holding Size items.
type Merge struct {
	A, B   int
	Height float64
	Size   int
}

// Dendrogram is the outcome of Cluster.
type Dendrogram struct {
	// Merges are the n-1 merges, in order (non-decreasing heights for
	// average linkage on a proper distance).
	Merges []Merge
	// Order is the leaf order of the dendrogram: the items as they stand
	// left to right when every merge draws A's side before B's side; a
	// permutation of 0..n-1 that puts items of a cluster next to each other.
	Order []int
}

// Cluster runs agglomerative hierarchical clustering with average linkage
// (UPGMA) on an n×n distance matrix: it repeatedly merges the two clusters
// whose items are least distant on average, the pair with the lower
// indexes first among equal distances (so the result is deterministic).
// The matrix must be square and symmetric with finite entries; the
// diagonal is ignored. n = 0 gives no merges and an empty order; n = 1 no
// merges and the order [0]. It costs O(n³) time and O(n²) memory, which at
// a few hundred items is a few milliseconds.
func Cluster(dist [][]float64) (Dendrogram, error) {
	n := len(dist)
	for i, row := range dist {
		if len(row) != n {
			return Dendrogram{}, fmt.Errorf("analysis: distance matrix row %d has %d entries, want %d", i, len(row), n)
		}
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return Dendrogram{}, fmt.Errorf("analysis: distance [%d][%d] is %v", i, j, v)
			}
			if i != j && v != dist[j][i] {
				return Dendrogram{}, fmt.Errorf("analysis: distance matrix is not symmetric at [%d][%d]", i, j)
			}
		}
	}
	if n == 0 {
		return Dendrogram{Merges: []Merge{}, Order: []int{}}, nil
	}
	// d holds the current distances between active clusters, indexed by
	// slot; slot i starts as leaf i and, after a merge, holds the merged
	// cluster in the lower of the two slots.
	d := make([][]float64, n)
	for i := range d {
		d[i] = append([]float64(nil), dist[i]...)
	}
	id := make([]int, n)   // the cluster id in each slot
	size := make([]int, n) // the number of items in each slot
	active := make([]bool, n)
	for i := range n {
		id[i], size[i], active[i] = i, 1, true
	}
	children := make([][2]int, 0, n-1)
	out := Dendrogram{Merges: make([]Merge, 0, n-1)}
	for step := 0; step < n-1; step++ {
		bi, bj, best := -1, -1, math.Inf(1)
		for i := range n {
			if !active[i] {
				continue
			}
			for j := i + 1; j < n; j++ {
				if active[j] && d[i][j] < best {
					bi, bj, best = i, j, d[i][j]
				}
			}
		}
		a, b := id[bi], id[bj]
		if a > b {
			a, b = b, a
		}
		out.Merges = append(out.Merges, Merge{A: a, B: b, Height: best, Size: size[bi] + size[bj]})
		children = append(children, [2]int{a, b})
		// Lance–Williams update for average linkage.
		for k := range n {
			if !active[k] || k == bi || k == bj {
				continue
			}
			v := (float64(size[bi])*d[bi][k] + float64(size[bj])*d[bj][k]) / float64(size[bi]+size[bj])
			d[bi][k], d[k][bi] = v, v
		}
		size[bi] += size[bj]
		id[bi] = n + step
		active[bj] = false
	}
	// Leaf order: depth-first from the root, A's side first.
	out.Order = make([]int, 0, n)
	stack := []int{2*n - 2}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if c < n {
			out.Order = append(out.Order, c)
			continue
		}
		ch := children[c-n]
		stack = append(stack, ch[1], ch[0])
	}
	return out, nil
}

// Cosine is the cosine of the angle between two vectors of the same
// length: their dot product over the product of their norms, 0 when either
// is all zeros.
func Cosine(a, b []float64) float64 {
	var dot, na, nb float64
	for i := range a {
		dot += a[i] * b[i]
		na += a[i] * a[i]
		nb += b[i] * b[i]
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}

// CosineDistances is the n×n matrix 1 − Cosine(vectors[i], vectors[j]),
// with a zero diagonal, ready for Cluster. Rounding may leave a distance a
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
