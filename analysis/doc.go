// Package analysis holds the pure analysis maths — contingency tables,
// agreement, matrix measures, clustering, the PMC index and the derivation
// of codings through a mapping between frames — computed on numbers and
// codings that graph/ reads, and tested without a database. It imports only
// the standard library and the root package policykb.
package analysis
