// Package analysis holds policykb's analysis maths: computations on numbers
// that package graph has read (counts, profiles, code sets), with no
// database and no I/O, so that they are table-tested on their own. It
// imports only the standard library and the root package policykb.
//
// So far: average-linkage hierarchical clustering with its dendrogram and
// leaf order (cluster.go), cosine similarity of vectors, and the saturation
// curve of codes over documents taken in order (saturation.go).
package analysis
