// Package policykb holds the domain of a graph-backed knowledge base for
// grounded-theory analysis of policy texts: cities issue documents, documents
// are segmented into sentences, sentences are coded at the concepts of a
// four-level coding scheme (layer → main category → category → concept).
//
// The root package has no dependencies beyond the standard library. Neo4j
// lives in graph/, input formats in loaders/, GraphQL in resolvers/, and the
// command line with its configuration in cmd/policykb.
package policykb
