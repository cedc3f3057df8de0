// Package analysis holds the pure analysis maths â contingency tables,
// agreement, matrix measures, clustering, cosine similarity of profiles,
// the saturation curve, word statistics, the PMC index and the derivation
// of codings through a mapping between frames â computed on numbers and
// codings that graph/ reads, with no database and no I/O, and table-tested
// on their own. It imports only the standard library and the root package
// policykb.
package analysis
