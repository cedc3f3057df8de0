// Command load is the load half of `make bench-load`: on one database, in
// one run, it measures how fast `policykb load` (loaders.Load: validation,
// then the idempotent MERGE writes with their rollups) takes in a corpus
// laid out like data/sample (see `policykb generate`), and, as the write
// path's practical limit, how fast plain `UNWIND $rows CREATE` statements
// sent from Go with the driver write the same rows: cities, documents,
// sentences, HAS_SENTENCE, ISSUED and CODED_AS. It writes
// bench/results/<tier>-load.json:
//
//	{"tier", "machine", "load": {"sentences_per_s", "raw_sentences_per_s", "codings_per_s", ...}}
//
//	go run ./bench/load -tier M4 -dir /tmp/corpus -neo4j-uri bolt://127.0.0.1:7687
//
// The database is wiped before each measurement. Besides bench/query, this
// is the only place with Cypher outside graph/: the baseline is by
// definition statements that graph/ does not use.
package main
