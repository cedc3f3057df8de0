package analysis

import "github.com/policykb/policykb"

// Profiles lays out cities' policy mixes as vectors: out[i][j] is the
// reference points of city cities[i] at code codeIDs[j] in byCity (as
// graph.Store.CountsByCity returns them), 0 where absent.
func Profiles(codeIDs, cities []string, byCity map[string][]policykb.Count) [][]float64 {
	col := make(map[string]int, len(codeIDs))
	for j, id := range codeIDs {
		col[id] = j
	}
	out := make([][]float64, len(cities))
	for i, c := range cities {
		out[i] = make([]float64, len(codeIDs))
		for _, n := range byCity[c] {
			if j, ok := col[n.CodeID]; ok {
				out[i][j] = float64(n.ReferencePoints)
			}
		}
	}
	return out
}

// Similarity is the similarity of vectors i and j: their cosine, 1 when
// i is j (even for a vector of zeros).
func Similarity(vectors [][]float64, i, j int) float64 {
	if i == j {
		return 1
	}
	return Cosine(vectors[i], vectors[j])
}

// Similarities is the n×n matrix of the vectors' cosines, 1 on the
// diagonal.
func Similarities(vectors [][]float64) [][]float64 {
	n := len(vectors)
	out := make([][]float64, n)
	for i := range out {
		out[i] = make([]float64, n)
		out[i][i] = 1
	}
	for i := range n {
		for j := i + 1; j < n; j++ {
			v := Cosine(vectors[i], vectors[j])
			out[i][j], out[j][i] = v, v
		}
	}
	return out
}
