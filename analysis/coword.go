package analysis

import (
	"fmt"
	"math"
	"strings"
)

// CowordMeasure is how a co-word matrix weighs two words found together.
type CowordMeasure int

// The co-word measures. For words a and b over units (sentences or
// documents): n_a is the number of units holding a, n_ab those holding
// both, f_a(u) the occurrences of a in unit u.
const (
	// CowordCount is n_ab, the raw co-occurrence count.
	CowordCount CowordMeasure = iota + 1
	// CowordOchiai is n_ab / √(n_a·n_b) (Ochiai's coefficient, the cosine of
	// the words' presence vectors): the normalisation co-word studies use
	// before clustering.
	CowordOchiai
	// CowordJaccard is n_ab / (n_a + n_b − n_ab).
	CowordJaccard
	// CowordCosine is Σ_u f_a(u)·f_b(u) / √(Σ_u f_a(u)² · Σ_u f_b(u)²), the
	// cosine of the words' frequency vectors over the units (equal to
	// Ochiai when no unit holds a word twice).
	CowordCosine
)

var cowordNames = map[CowordMeasure]string{
	CowordCount: "COUNT", CowordOchiai: "OCHIAI", CowordJaccard: "JACCARD", CowordCosine: "COSINE",
}

// String returns the GraphQL enum name of the measure.
func (m CowordMeasure) String() string {
	if s, ok := cowordNames[m]; ok {
		return s
	}
	return fmt.Sprintf("CowordMeasure(%d)", int(m))
}

// ParseCowordMeasure accepts COUNT, OCHIAI, JACCARD or COSINE, in any case.
func ParseCowordMeasure(s string) (CowordMeasure, error) {
	for m, name := range cowordNames {
		if strings.EqualFold(strings.TrimSpace(s), name) {
			return m, nil
		}
	}
	return 0, fmt.Errorf("unknown co-word measure %q: expected COUNT, OCHIAI, JACCARD or COSINE", s)
}

// Cooccurrence holds the counts of K words over units, from which every
// measure follows. Count and Dot are K×K and symmetric.
type Cooccurrence struct {
	// Units[i] is n_i, the units holding word i.
	Units []int
	// Count[i][j] is n_ij, the units holding both (Count[i][i] = n_i).
	Count [][]int
	// Dot[i][j] is Σ_u f_i(u)·f_j(u) (Dot[i][i] = Σ_u f_i(u)²).
	Dot [][]float64
}

// NewCooccurrence returns the zero counts of k words.
func NewCooccurrence(k int) Cooccurrence {
	c := Cooccurrence{Units: make([]int, k), Count: make([][]int, k), Dot: make([][]float64, k)}
	for i := range k {
		c.Count[i] = make([]int, k)
		c.Dot[i] = make([]float64, k)
	}
	return c
}

// AddUnit counts one unit in which word i occurs freq[i] times, for the
// words listed in present (distinct indexes).
func (c Cooccurrence) AddUnit(present []int, freq []int) {
	for _, i := range present {
		c.Units[i]++
		for _, j := range present {
			c.Count[i][j]++
			c.Dot[i][j] += float64(freq[i]) * float64(freq[j])
		}
	}
}

// Value is the measure of words i and j (i ≠ j); 0 when either word is in
// no unit.
func (c Cooccurrence) Value(m CowordMeasure, i, j int) float64 {
	nab, na, nb := float64(c.Count[i][j]), float64(c.Units[i]), float64(c.Units[j])
	switch m {
	case CowordCount:
		return nab
	case CowordOchiai:
		if na == 0 || nb == 0 {
			return 0
		}
		return nab / math.Sqrt(na*nb)
	case CowordJaccard:
		if na+nb-nab == 0 {
			return 0
		}
		return nab / (na + nb - nab)
	case CowordCosine:
		if c.Dot[i][i] == 0 || c.Dot[j][j] == 0 {
			return 0
		}
		return c.Dot[i][j] / math.Sqrt(c.Dot[i][i]*c.Dot[j][j])
	}
	return 0
}

// Matrix is the K×K matrix of the measure: off the diagonal Value; on it
// n_i for COUNT and 1 for the similarity measures (0 for a word in no
// unit). This is the square matrix clustering and network tools read.
func (c Cooccurrence) Matrix(m CowordMeasure) [][]float64 {
	k := len(c.Units)
	out := make([][]float64, k)
	for i := range k {
		out[i] = make([]float64, k)
		for j := range k {
			switch {
			case i != j:
				out[i][j] = c.Value(m, i, j)
			case m == CowordCount:
				out[i][j] = float64(c.Units[i])
			case c.Units[i] > 0:
				out[i][j] = 1
			}
		}
	}
	return out
}

// Distances is the matrix clustering works on: 1 − the similarity of two
// words, the similarity being the measure, except for COUNT, which is not
// one, where Ochiai's coefficient stands in. The diagonal is 0.
func (c Cooccurrence) Distances(m CowordMeasure) [][]float64 {
	if m == CowordCount {
		m = CowordOchiai
	}
	k := len(c.Units)
	out := make([][]float64, k)
	for i := range k {
		out[i] = make([]float64, k)
		for j := range k {
			if i != j {
				out[i][j] = 1 - c.Value(m, i, j)
			}
		}
	}
	return out
}
