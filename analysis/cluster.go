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
// merges and the order [0]. See linkage for its cost.
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
	t := newTriangle(n)
	for i := range n {
		copy(t.row(i), dist[i][i+1:])
	}
	return t.linkage(), nil
}

// ClusterCosine is Cluster on the distances 1 − Cosine between the
// vectors (clamped to 0 against rounding), without the n×n matrix: it holds
// the n(n−1)/2 distances once, so 3,000 vectors take 36 MB, not 144.
func ClusterCosine(vectors [][]float64) Dendrogram {
	n := len(vectors)
	norms := make([]float64, n)
	for i, v := range vectors {
		for _, x := range v {
			norms[i] += x * x
		}
	}
	t := newTriangle(n)
	for i := range n {
		row := t.row(i)
		for j := i + 1; j < n; j++ {
			row[j-i-1] = max(1-cosineWithNorms(vectors[i], vectors[j], norms[i], norms[j]), 0)
		}
	}
	return t.linkage()
}

// cosineWithNorms is Cosine given the vectors' squared norms.
func cosineWithNorms(a, b []float64, na, nb float64) float64 {
	if na == 0 || nb == 0 {
		return 0
	}
	var dot float64
	for i := range a {
		dot += a[i] * b[i]
	}
	return dot / math.Sqrt(na*nb)
}

// triangle holds the distances d(i, j), i < j, of n items row after row.
type triangle struct {
	n int
	d []float64
}

func newTriangle(n int) triangle {
	return triangle{n: n, d: make([]float64, n*(n-1)/2)}
}

// row is d(i, i+1) … d(i, n−1).
func (t triangle) row(i int) []float64 {
	start := i*t.n - i*(i+1)/2
	return t.d[start : start+t.n-i-1]
}

// at is d(i, j) for i ≠ j.
func (t triangle) at(i, j int) *float64 {
	if i > j {
		i, j = j, i
	}
	return &t.d[i*t.n-i*(i+1)/2+j-i-1]
}

// linkage clusters the items of t with average linkage, merging the
// closest pair of slots (i, j), i < j, the first in row order among equal
// distances, which is what scanning every pair at every step would merge.
// Instead of that scan (O(n³)), each slot i keeps the slot j > i closest
// to it (nearest[i], the lowest j among equal distances); a step reads the
// n slots' nearest, and after a merge only the slots whose nearest was
// one of the two merged, or whose distance to the merged slot fell below
// their nearest's, change, so a step costs O(n) plus O(n) per slot that
// must look again: O(n²) for most data, O(n³) at worst. t is overwritten.
func (t triangle) linkage() Dendrogram {
	n := t.n
	if n == 0 {
		return Dendrogram{Merges: []Merge{}, Order: []int{}}
	}
	id := make([]int, n)   // the cluster id in each slot
	size := make([]int, n) // the number of items in each slot
	active := make([]bool, n)
	nearest := make([]int, n) // -1: no active slot after i
	gap := make([]float64, n) // the distance from i to nearest[i]
	for i := range n {
		id[i], size[i], active[i] = i, 1, true
	}
	look := func(i int) {
		nearest[i], gap[i] = -1, math.Inf(1)
		for k, v := range t.row(i) {
			if j := i + 1 + k; active[j] && v < gap[i] {
				nearest[i], gap[i] = j, v
			}
		}
	}
	for i := range n {
		look(i)
	}
	children := make([][2]int, 0, n-1)
	out := Dendrogram{Merges: make([]Merge, 0, n-1)}
	for step := 0; step < n-1; step++ {
		bi := -1
		for i := range n {
			if active[i] && nearest[i] >= 0 && (bi < 0 || gap[i] < gap[bi]) {
				bi = i
			}
		}
		bj, best := nearest[bi], gap[bi]
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
			*t.at(bi, k) = (float64(size[bi])**t.at(bi, k) + float64(size[bj])**t.at(bj, k)) / float64(size[bi]+size[bj])
		}
		size[bi] += size[bj]
		id[bi] = n + step
		active[bj] = false
		for k := range bj {
			switch {
			case !active[k]:
			case k == bi:
				look(k)
			case nearest[k] == bj:
				look(k)
			case k < bi && nearest[k] == bi:
				// Its distance to bi changed: still the least only if it
				// did not grow.
				if v := *t.at(k, bi); v <= gap[k] {
					gap[k] = v
				} else {
					look(k)
				}
			case k < bi:
				// An average of two distances no less than gap[k] is no
				// less than it but for rounding, which this follows.
				if v := *t.at(k, bi); v < gap[k] || (v == gap[k] && bi < nearest[k]) {
					nearest[k], gap[k] = bi, v
				}
			}
		}
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
	return out
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
