package analysis

import "github.com/policykb/policykb"

// MatrixCounts are the counts a code matrix's measures are computed from,
// for the codes of one level (rows) against the cases of a dimension
// (columns), as graph.Store.Matrix reads them. Every document is in exactly
// one column.
type MatrixCounts struct {
	// References[i][j] is the reference points of code i in column j: the
	// distinct admitted sentences of the column's documents coded at the
	// code or below it.
	References [][]int
	// Sources[i][j] is the material sources of code i in column j: the
	// distinct documents of the column holding such a sentence.
	Sources [][]int
	// Sentences[j] is the number of sentences (coded or not) of column j's
	// admitted documents.
	Sentences []int
	// CodedSentences[j] and CodedDocuments[j] are the distinct sentences
	// and documents of column j coded at any code of the level.
	CodedSentences, CodedDocuments []int
	// RowReferences[i] and RowSources[i], when not nil, are the distinct
	// sentences and documents of row i over every column, for tables
	// (cross-tabs of two frames) where a sentence can be in several
	// columns; nil: the sums of the row's cells, which they are when every
	// document is in exactly one column.
	RowReferences, RowSources []int
	// AllSentences, when not 0, is the number of sentences of the whole
	// table (PER_1000_SENTENCES's row totals); 0: the sum of Sentences.
	AllSentences int
}

// Measures computes the cells and totals of measure m (see graph.Matrix for
// their definitions): cells[i][j] is the measure of code i in column j,
// rowTotals[i] the measure over the whole row and columnTotals[j] the
// measure of the level as a whole in the column.
func (c MatrixCounts) Measures(m policykb.Measure) (cells [][]float64, rowTotals, columnTotals []float64) {
	nr, nc := len(c.References), len(c.Sentences)
	r, n := c.References, c.Sources
	rowRefs, rowDocs, colRefSum := make([]int, nr), make([]int, nr), make([]int, nc)
	allRefs, allSentences := 0, 0
	for j := range nc {
		allSentences += c.Sentences[j]
	}
	if c.AllSentences != 0 {
		allSentences = c.AllSentences
	}
	for i := range nr {
		for j := range nc {
			// Every document is in exactly one column, so the row's
			// distinct sentences and documents are the sums of its cells
			// (unless given).
			rowRefs[i] += r[i][j]
			rowDocs[i] += n[i][j]
			colRefSum[j] += r[i][j]
		}
		if c.RowReferences != nil {
			rowRefs[i], rowDocs[i] = c.RowReferences[i], c.RowSources[i]
		}
		allRefs += rowRefs[i]
	}

	cells = make([][]float64, nr)
	rowTotals = make([]float64, nr)
	columnTotals = make([]float64, nc)
	for i := range nr {
		cells[i] = make([]float64, nc)
		present := 0
		for j := range nc {
			var v float64
			switch m {
			case policykb.MeasureReferencePoints:
				v = float64(r[i][j])
			case policykb.MeasureMaterialSources:
				v = float64(n[i][j])
			case policykb.MeasureShare:
				v = Share(r[i][j], colRefSum[j])
			case policykb.MeasurePer1000Sentences:
				v = PerThousand(r[i][j], c.Sentences[j])
			case policykb.MeasurePresence:
				if r[i][j] > 0 {
					v = 1
					present++
				}
			}
			cells[i][j] = v
		}
		switch m {
		case policykb.MeasureReferencePoints:
			rowTotals[i] = float64(rowRefs[i])
		case policykb.MeasureMaterialSources:
			rowTotals[i] = float64(rowDocs[i])
		case policykb.MeasureShare:
			rowTotals[i] = Share(rowRefs[i], allRefs)
		case policykb.MeasurePer1000Sentences:
			rowTotals[i] = PerThousand(rowRefs[i], allSentences)
		case policykb.MeasurePresence:
			rowTotals[i] = float64(present)
		}
	}
	for j := range nc {
		switch m {
		case policykb.MeasureReferencePoints:
			columnTotals[j] = float64(c.CodedSentences[j])
		case policykb.MeasureMaterialSources:
			columnTotals[j] = float64(c.CodedDocuments[j])
		case policykb.MeasureShare:
			columnTotals[j] = Share(colRefSum[j], colRefSum[j])
		case policykb.MeasurePer1000Sentences:
			columnTotals[j] = PerThousand(c.CodedSentences[j], c.Sentences[j])
		case policykb.MeasurePresence:
			for i := range nr {
				columnTotals[j] += cells[i][j]
			}
		}
	}
	return cells, rowTotals, columnTotals
}

// Share is part / whole, 0 when whole is 0.
func Share(part, whole int) float64 { return scaled(part, whole, 1) }

// PerThousand is 1000 × n / of, 0 when of is 0: references per 1,000
// sentences.
func PerThousand(n, of int) float64 { return scaled(n, of, 1000) }

// scaled is scale × a / b, 0 when b is 0.
func scaled(a, b int, scale float64) float64 {
	if b == 0 {
		return 0
	}
	return scale * float64(a) / float64(b)
}

// CCoefficient is the co-occurrence coefficient of two codes: n12 / (n1 +
// n2 − n12), where n1 and n2 are the units at each code and n12 those at
// both; 0 when the denominator is not positive (neither code in any unit).
func CCoefficient(n12, n1, n2 int) float64 {
	if d := n1 + n2 - n12; d > 0 {
		return float64(n12) / float64(d)
	}
	return 0
}
