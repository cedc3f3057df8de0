// Package analysis holds the pure analysis maths, computed on numbers and
// codings that graph/ reads, with no database and no I/O, and tested on
// tables written by hand:
//
//   - the 2×2 agreement tables of two coders, percent agreement, Cohen's
//     kappa, Holsti's coefficient and the evaluation of one coder against
//     another (evaluate.go);
//   - a code matrix's measures and totals, shares, references per 1,000
//     sentences and the co-occurrence c-coefficient (matrix.go);
//   - cities' profiles and their cosines (profiles.go), average-linkage
//     clustering (cluster.go), co-word measures (coword.go);
//   - the saturation curve (saturation.go), word statistics (words.go),
//     the PMC index (pmc*.go) and the derivation of codings through a
//     mapping between frames (mapping.go).
//
// It imports only the standard library and the root package policykb.
package analysis
