package analysis

// CurveStep is one document's step on a saturation curve.
type CurveStep struct {
	// New are the codes the document brings that no earlier document has,
	// in the order the document lists them.
	New []string
	// Total is the number of distinct codes seen so far, this document's
	// included.
	Total int
}

// SaturationCurve takes documents one after another, each given as the
// codes coded in it, and returns for each the codes it is the first to
// bring and the number of distinct codes seen so far: the curve a
// grounded-theory study draws to show its codes level off as documents are
// added. A code listed twice in one document counts once.
func SaturationCurve(docs [][]string) []CurveStep {
	seen := map[string]bool{}
	out := make([]CurveStep, len(docs))
	for i, codes := range docs {
		var fresh []string
		for _, c := range codes {
			if !seen[c] {
				seen[c] = true
				fresh = append(fresh, c)
			}
		}
		out[i] = CurveStep{New: fresh, Total: len(seen)}
	}
	return out
}
