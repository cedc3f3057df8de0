// Package graph is the only place that speaks Cypher and holds the Neo4j
// driver: schema constraints, batched idempotent writes, queries and the
// counting rules of DESIGN §2 (reference points and material sources).
//
// It imports the Neo4j Go driver, the root package policykb and the pure
// arithmetic of package analysis, nothing else of the project. Every statement is a const beside its only caller; values
// travel as parameters, and labels come only from the fixed list of levels.
package graph
