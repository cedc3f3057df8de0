package analysis

// Merge is one step of an agglomerative clustering, in the convention of
// SciPy's linkage matrix: items are 0..n−1, and the cluster made by merge
// step s is n+s. Left < Right; Distance is the distance between the two
// clusters when merged; Size is the number of items in the new cluster.
type Merge struct {
	Left, Right int
	Distance    float64
	Size        int
}

// CowordAverageLinkage clusters n items given their symmetric distance
// matrix by average linkage (UPGMA: the distance between two clusters is
// the mean distance between their items) and returns the n−1 merges, the
// closest pair of clusters first. Ties go to the pair with the smallest
// (left, right) cluster numbers, so the result does not depend on
// anything but dist. The merges are what a dendrogram is drawn from
// (scipy.cluster.hierarchy.dendrogram reads them as they are).
//
// It is O(n³), meant for the tens to a few hundred words of a co-word
// network. (Kept apart from any other clustering of the package until
// they are folded into one.)
func CowordAverageLinkage(dist [][]float64) []Merge {
	n := len(dist)
	if n < 2 {
		return nil
	}
	// d[a][b] is the distance between active clusters a and b, by cluster
	// number (0..2n−2), for a < b.
	total := 2*n - 1
	d := make([][]float64, total)
	for i := range d {
		d[i] = make([]float64, total)
	}
	size := make([]int, total)
	active := make([]int, n)
	for i := range n {
		active[i] = i
		size[i] = 1
		for j := range n {
			d[i][j] = dist[i][j]
		}
	}
	get := func(a, b int) float64 {
		if a > b {
			a, b = b, a
		}
		return d[a][b]
	}
	merges := make([]Merge, 0, n-1)
	for step := 0; len(active) > 1; step++ {
		bi, bj, best := -1, -1, 0.0
		for x := 0; x < len(active); x++ {
			row := d[active[x]]
			for y := x + 1; y < len(active); y++ {
				if v := row[active[y]]; bi < 0 || v < best {
					bi, bj, best = x, y, v
				}
			}
		}
		a, b := active[bi], active[bj]
		c := n + step
		size[c] = size[a] + size[b]
		merges = append(merges, Merge{Left: a, Right: b, Distance: best, Size: size[c]})
		rest := active[:0]
		for _, k := range active {
			if k == a || k == b {
				continue
			}
			d[k][c] = (float64(size[a])*get(k, a) + float64(size[b])*get(k, b)) / float64(size[c])
			rest = append(rest, k)
		}
		active = append(rest, c)
	}
	return merges
}
