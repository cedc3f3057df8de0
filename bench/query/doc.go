// Command query is the query half of `make bench`: it asks the benchmark's
// questions of one loaded knowledge base three ways — through policykb's
// GraphQL (a `policykb serve` it starts), as hand-written Cypher from Go
// (the floor) and through @neo4j/graphql (the Node server in bench/peer,
// which it starts) — checks that the three give the same numbers, times
// them (warm-up, then repetitions at 1, 8 and 32 concurrent clients for
// policykb, 1 client for the floor and the peer), reads the policykb
// server's memory, and writes bench/results/<tier>.json and <tier>.md.
//
//	go run ./bench/query -tier S -neo4j-uri bolt://127.0.0.1:7687
//
// Only this command and its test hold Cypher outside graph/: the floor is
// by definition the hand-written statements, run with the driver directly.
package main
