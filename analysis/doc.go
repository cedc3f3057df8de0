// Package analysis holds policykb's analysis maths: computations on numbers
// that package graph has read (counts, profiles, code sets), with no
// database and no I/O, so that they are table-tested on their own. It
// imports only the standard library and the root package policykb.
//
// So far: average-linkage hierarchical clustering with its dendrogram and
// leaf order, and cosine similarity of vectors (cluster.go); cities'
// profiles as vectors and their similarity matrix (profiles.go); the
// saturation curve of codes over documents taken in order (saturation.go).
package analysis
