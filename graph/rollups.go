package graph

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
)

// Rollups make counting independent of the number of sentences. For every
// document d and every code k (of any level) with n > 0 distinct sentences
// of d coded at k or below it, the graph holds
//
//	(d:Document)-[:ROLLUP {sentences: n}]->(k:Code)
//
// and d.codedSentences is the list, indexed by level (LAYER first), of the
// number of distinct sentences of d coded at some code of that level or
// below it (a sentence coded at two codes of a level counts once there).
// Since a sentence belongs to one document, referencePoints(k) is the sum
// of n over the admitted documents and materialSources(k) the number of
// them, for every filter that admits or rejects whole documents (city,
// province, document, issue date). A coder filter looks inside documents;
// counts under it are taken sentence by sentence.
//
// Rollups are derived data: every write that changes the sentences or
// codings of a document, or the shape of the coding scheme, recomputes the
// rollups of the documents concerned in the same transaction, so no reader
// ever sees them stale. They are not reported in WriteSummary, which counts
// the knowledge base's own nodes and relationships.

// refreshRollupsBody recomputes the rollups of each document d bound by the
// statement's head: it merges the ROLLUP of every code with a coded
// sentence, deletes the others, and sets d.codedSentences.
const refreshRollupsBody = `
CALL (d) {
  MATCH (d)-[:HAS_SENTENCE]->(s:Sentence)-[:CODED_AS]->(:Code)-[:BELONGS_TO*0..3]->(k:Code)
  WITH k, count(DISTINCT s) AS n
  MERGE (d)-[r:ROLLUP]->(k)
  SET r.sentences = n
  RETURN collect(k.id) AS kept
}
CALL (d, kept) {
  MATCH (d)-[old:ROLLUP]->(x:Code) WHERE NOT x.id IN kept
  DELETE old
}
CALL (d) {
  MATCH (d)-[:HAS_SENTENCE]->(s:Sentence)-[:CODED_AS]->(:Code)-[:BELONGS_TO*0..3]->(k:Code)
  WITH k.level AS level, count(DISTINCT s) AS n
  RETURN collect({level: level, n: n}) AS byLevel
}
SET d.codedSentences = [l IN $levels | coalesce(head([x IN byLevel WHERE x.level = l | x.n]), 0)]`

const refreshRollupsOfDocuments = `
UNWIND $docs AS id
MATCH (d:Document {id: id})
WITH DISTINCT d` + refreshRollupsBody

const refreshRollupsOfSentences = `
UNWIND $sentences AS sid
MATCH (d:Document)-[:HAS_SENTENCE]->(:Sentence {id: sid})
WITH DISTINCT d` + refreshRollupsBody

const refreshAllRollups = `
MATCH (d:Document)
WITH d` + refreshRollupsBody

// Documents written before rollups existed (or by an older policykb) lack
// codedSentences; EnsureSchema computes theirs.
const refreshMissingRollups = `
MATCH (d:Document) WHERE d.codedSentences IS NULL
WITH d LIMIT $limit` + refreshRollupsBody + `
RETURN count(*)`

func levelNames() []string {
	out := make([]string, len(policykb.Levels))
	for i, l := range policykb.Levels {
		out[i] = l.String()
	}
	return out
}

// levelIndex is l's position in d.codedSentences.
func levelIndex(l policykb.Level) int64 { return int64(l - policykb.LevelLayer) }

// exec runs a statement whose counters are not reported (derived data).
func exec(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any) error {
	res, err := tx.Run(ctx, cypher, params)
	if err != nil {
		return err
	}
	_, err = res.Consume(ctx)
	return err
}

// refreshRollups recomputes, inside tx, the rollups of the documents with
// the given ids, in batches of the store's batch size.
func (s *Store) refreshRollups(ctx context.Context, tx neo4j.ManagedTransaction, docIDs []string) error {
	for _, ids := range chunks(docIDs, s.cfg.BatchSize) {
		if err := exec(ctx, tx, refreshRollupsOfDocuments, map[string]any{"docs": ids, "levels": levelNames()}); err != nil {
			return fmt.Errorf("refresh rollups: %w", err)
		}
	}
	return nil
}

// refreshRollupsOfCodings recomputes, inside tx, the rollups of the
// documents holding the codings' sentences.
func refreshRollupsOfCodings(ctx context.Context, tx neo4j.ManagedTransaction, rows []map[string]any) error {
	seen := map[any]bool{}
	var ids []any
	for _, r := range rows {
		if id := r["sentence"]; !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if err := exec(ctx, tx, refreshRollupsOfSentences, map[string]any{"sentences": ids, "levels": levelNames()}); err != nil {
		return fmt.Errorf("refresh rollups: %w", err)
	}
	return nil
}

// backfillRollups computes the rollups of every document that has none
// yet, in transactions of a few hundred documents. It does nothing on a
// knowledge base whose rollups are maintained.
func (s *Store) backfillRollups(ctx context.Context) error {
	for {
		out, err := s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
			recs, err := collect(ctx, tx, refreshMissingRollups, map[string]any{"limit": int64(200), "levels": levelNames()})
			if err != nil {
				return nil, err
			}
			return integer(recs[0].Values[0]), nil
		})
		if err != nil {
			return fmt.Errorf("graph: backfill rollups: %w", err)
		}
		if out.(int) == 0 {
			return nil
		}
	}
}

// sentenceLevel reports whether counts under f must be taken sentence by
// sentence: only a coder filter looks inside documents.
func sentenceLevel(f policykb.CorpusFilter) bool { return len(f.Coders) > 0 }

// rollupPath matches the rollup of every document at every code k; its
// sentences property is the document's reference points at k.
const rollupPath = `
MATCH (city:City)-[:ISSUED]->(d:Document)-[ru:ROLLUP]->(k:Code)`

func rollupCountsQuery(keyCond, where, groupBy string) string {
	return rollupPath + "\nWHERE " + keyCond + " AND " + where +
		"\nRETURN " + groupBy + "k.id, sum(ru.sentences), count(d)"
}

// countsCypher returns the statement counting reference points and
// material sources per code (and per group), from the rollups or, when
// exact is set, from the sentences.
func countsCypher(keyCond string, f policykb.CorpusFilter, params map[string]any, groupBy string, exact bool) string {
	if exact {
		return countsQuery(keyCond, filterClause(f, params, true), groupBy)
	}
	return rollupCountsQuery(keyCond, filterClause(f, params, false), groupBy)
}
