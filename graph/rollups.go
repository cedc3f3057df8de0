package graph

import (
	"context"
	"fmt"
	"slices"

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
// Co-occurrence on sentences rolls up the same way: for every two codes a
// and b of one level (a.id < b.id) that n > 0 sentences of d are coded
// under at once,
//
//	(d:Document)-[:COOCCURRENCE {a: a.id, sentences: n}]->(b:Code)
//
// so the number of sentences coded under both is the sum of n over the
// admitted documents.
//
// Rollups are derived data: every write that changes the sentences or
// codings of a document, or the shape of the coding scheme, recomputes the
// rollups of the documents concerned in the same transaction, so no reader
// ever sees them stale. They are not reported in WriteSummary, which counts
// the knowledge base's own nodes and relationships. d.rollups is the
// version of the rollups a document has (rollupsVersion); documents with an
// older one get theirs recomputed when a store opens the base.

// rollupsVersion is the version of the rollups this policykb keeps: 1 had
// ROLLUP and codedSentences, 2 added COOCCURRENCE and the city rollups.
const rollupsVersion = 2

// refreshRollupsBody recomputes the rollups of each document d bound by the
// statement's head from the set of codes each coded sentence rolls up to:
// it merges the ROLLUP of every code with a coded sentence and the
// COOCCURRENCE of every pair of codes of a level on a sentence, deletes the
// others, and sets d.codedSentences and d.rollups.
const refreshRollupsBody = rollupSets + `
CALL (d, sets) {
  UNWIND sets AS ks
  UNWIND ks AS k
  WITH k, count(*) AS n
  MERGE (d)-[r:ROLLUP]->(k)
  SET r.sentences = n
  RETURN collect(k) AS kept
}
CALL (d, kept) {
  MATCH (d)-[old:ROLLUP]->(x:Code) WHERE NOT x IN kept
  DELETE old
}
CALL (d, sets) {` + rollupPairs + `
  MERGE (d)-[r:COOCCURRENCE {a: a.id}]->(b)
  SET r.sentences = n
  RETURN collect(elementId(b) + ' ' + a.id) AS keptPairs
}
CALL (d, keptPairs) {
  MATCH (d)-[old:COOCCURRENCE]->(x:Code) WHERE NOT elementId(x) + ' ' + old.a IN keptPairs
  DELETE old
}` + rollupsDone

// rollupSets binds sets: for each sentence of d with a human coding, the
// codes its human codings roll up to. Automatic codings (origin "auto")
// count nowhere in rollups: counts stay human unless a filter asks for
// them, and is then answered sentence by sentence.
const rollupSets = `
CALL (d) {
  MATCH (d)-[:HAS_SENTENCE]->(s:Sentence)-[r:CODED_AS]->(:Code)-[:BELONGS_TO*0..3]->(k:Code)
  WHERE coalesce(r.origin, '') <> '` + policykb.OriginAuto + `'
  WITH s, collect(DISTINCT k) AS ks
  RETURN collect(ks) AS sets
}`

// rollupPairs binds a, b and n: two codes of a level (a.id < b.id) and the
// number of sentences of sets coded under both.
const rollupPairs = `
  UNWIND sets AS ks
  UNWIND ks AS a
  UNWIND ks AS b
  WITH a, b WHERE a.level = b.level AND a.id < b.id AND a.study = b.study
  WITH a, b, count(*) AS n`

// rollupsDone marks d's city stale (its city rollups are refreshed before
// the transaction commits) and d for its PMC decisions (pmc_decisions.go),
// and sets d's per-level numbers and version.
const rollupsDone = markCityStale + markPMCStale + `
SET d.codedSentences = [l IN $levels | size([ks IN sets WHERE any(k IN ks WHERE k.level = l)])],
    d.rollups = $rollups`

const markCityStale = `
CALL (d) {
  MATCH (city:City)-[:ISSUED]->(d)
  SET city.rollupsStale = true
}`

// City rollups sum the rollups of a city's documents: for every code k with
// n > 0 coded sentences in m documents of the city,
//
//	(city:City)-[:CITY_ROLLUP {sentences: n, documents: m}]->(k:Code)
//
// and for every pair of codes co-occurring on n sentences of its documents
//
//	(city:City)-[:CITY_COOCCURRENCE {a: a.id, sentences: n}]->(b:Code)
//
// and, on the city, the sums of its documents' numbers: sentences, and per
// level codedSentences and codedDocuments (documents with a coded
// sentence), so that questions whose filter admits or rejects whole cities
// (none, cities, provinces) read a few hundred relationships per code
// instead of one per document. A document rollup refresh marks its city stale
// (rollupsStale); every write transaction ends by refreshing the stale
// cities (refreshStaleCities, run by Store.write), those whose number of
// documents changed (a document moved to another city) and those with
// older rollups, so city rollups are as never-stale as document ones.
//
// The city also keeps its CITY_ROLLUP of each level as three lists (see
// cityLists), which a matrix of every city reads: one node per city instead
// of one relationship per city and code.
//
// A city's co-occurrences are deleted and made anew rather than merged: a
// MERGE finds a pair by expanding between the city and the code, and both
// have hundreds to thousands of co-occurrences (a large city of tier L,
// about 670 db hits per pair, most of the refresh).

var refreshStaleCities = `
MATCH (city:City)
WHERE city.rollupsStale OR coalesce(city.rollups, 0) < $rollups
   OR city.rollupDocuments <> COUNT { (city)-[:ISSUED]->() }` + cityRollupsBefore + `
CALL (city) {
  MATCH (city)-[:ISSUED]->(d:Document)-[ru:ROLLUP]->(k:Code)
  WITH k, sum(ru.sentences) AS n, count(d) AS m
  MERGE (city)-[r:CITY_ROLLUP]->(k)
  SET r.sentences = n, r.documents = m
  RETURN collect(k) AS kept, collect([k.level, k.id, n, m]) AS cells
}
CALL (city, kept) {
  MATCH (city)-[old:CITY_ROLLUP]->(x:Code) WHERE NOT x IN kept
  DELETE old
}
CALL (city) {
  MATCH (city)-[old:CITY_COOCCURRENCE]->(:Code)
  DELETE old
}
CALL (city) {
  MATCH (city)-[:ISSUED]->(d:Document)-[co:COOCCURRENCE]->(k:Code)
  WITH co.a AS a, k, sum(co.sentences) AS n
  CREATE (city)-[:CITY_COOCCURRENCE {a: a, sentences: n}]->(k)
}
CALL (city) {
  OPTIONAL MATCH (city)-[:ISSUED]->(d:Document)
  WITH sum(COUNT { (d)-[:HAS_SENTENCE]->() }) AS sentences, collect(d.codedSentences) AS coded
  RETURN sentences,
         [i IN range(0, size($levels) - 1) | reduce(n = 0, c IN coded | n + coalesce(c[i], 0))] AS codedSentences,
         [i IN range(0, size($levels) - 1) | reduce(n = 0, c IN coded | n + CASE WHEN c[i] > 0 THEN 1 ELSE 0 END)] AS codedDocuments
}
SET city.rollupDocuments = COUNT { (city)-[:ISSUED]->() }, city.rollups = $rollups,
    city.sentences = sentences, city.codedSentences = codedSentences, city.codedDocuments = codedDocuments,` +
	setCityLists("city", "cells") + `
REMOVE city.rollupsStale, city.rollupsRefreshing` + groupRollupsDelta

const refreshRollupsOfDocuments = `
UNWIND $docs AS id
MATCH (d:Document {id: id})
WITH DISTINCT d` + refreshRollupsBody

// createRollupsOfRows replaces the rollups of fresh documents by those
// computed in Go from the codings being written (rollupRows).
const createRollupsOfRows = `
UNWIND $rows AS row
MATCH (d:Document {id: row.id})
CALL (d) {
  MATCH (d)-[old:ROLLUP|COOCCURRENCE]->(:Code)
  DELETE old
}
CALL (d, row) {
  UNWIND row.rollups AS r
  MATCH (k:Code {study: row.study, id: r.code})
  CREATE (d)-[:ROLLUP {sentences: r.n}]->(k)
}
CALL (d, row) {
  UNWIND row.pairs AS p
  MATCH (b:Code {study: row.study, id: p.b})
  CREATE (d)-[:COOCCURRENCE {a: p.a, sentences: p.n}]->(b)
}` + markCityStale + markPMCStale + `
SET d.codedSentences = row.coded, d.rollups = $rollups`

const refreshRollupsOfSentences = `
UNWIND $sentences AS sid
MATCH (d:Document)-[:HAS_SENTENCE]->(:Sentence {id: sid})
WITH DISTINCT d` + refreshRollupsBody

const refreshAllRollups = `
MATCH (d:Document)
WITH d` + refreshRollupsBody

// Documents written before rollups existed, or by an older policykb, lack
// rollups or have older ones; EnsureSchema computes theirs.
const refreshMissingRollups = `
MATCH (d:Document) WHERE coalesce(d.rollups, 0) < $rollups
WITH d LIMIT $limit` + refreshRollupsBody + `
RETURN count(*)`

// rollupArgs adds to params those every rollup statement takes: the level
// names in order and the rollups' version.
func rollupArgs(params map[string]any) map[string]any {
	params["levels"] = levelNames()
	params["rollups"] = int64(rollupsVersion)
	return params
}

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
		if err := exec(ctx, tx, refreshRollupsOfDocuments, rollupArgs(map[string]any{"docs": ids})); err != nil {
			return fmt.Errorf("refresh rollups: %w", err)
		}
	}
	return nil
}

// createRollups writes, inside tx, the rollups of documents whose
// sentences and codings were all just created from the bundles (new
// documents, or documents with a new text): computed here from the
// codings in hand and the coding scheme, which is what refreshRollups
// would find in the graph, without reading it back.
func (s *Store) createRollups(ctx context.Context, tx neo4j.ManagedTransaction, study string, docs []DocumentBundle) error {
	codes, err := s.studyCodesIn(ctx, tx, study)
	if err != nil {
		return err
	}
	rows := rollupRows(codes, docs)
	for _, r := range rows {
		r["study"] = study
	}
	for _, batch := range chunks(rows, max(1, s.cfg.BatchSize/100)) {
		if err := exec(ctx, tx, createRollupsOfRows, rollupArgs(map[string]any{"rows": batch})); err != nil {
			return fmt.Errorf("create rollups: %w", err)
		}
	}
	return nil
}

// rollupRows computes the rows of createRollupsOfRows: per document, the
// sentences coded at or below each code (rollups), the sentences coded
// under both codes of each pair of one level (pairs), and per level the
// sentences coded at some code of it (coded). A coding at a code the
// scheme lacks is not written (createContent finds no code) and counts
// nothing, and so does an automatic coding (rollupSets).
func rollupRows(codes []policykb.Code, docs []DocumentBundle) []map[string]any {
	byID := make(map[string]policykb.Code, len(codes))
	for _, c := range codes {
		byID[c.ID] = c
	}
	// up[id]: the code and the codes above it, at most 3 steps up as
	// BELONGS_TO*0..3 walks.
	up := make(map[string][]policykb.Code, len(codes))
	for _, c := range codes {
		chain := []policykb.Code{c}
		for p, ok := byID[c.Parent]; ok && len(chain) < 4; p, ok = byID[p.Parent] {
			chain = append(chain, p)
		}
		up[c.ID] = chain
	}
	rows := make([]map[string]any, 0, len(docs))
	for _, b := range docs {
		// The codes each coded sentence rolls up to, in first-seen order.
		sets := map[string][]policykb.Code{}
		var order []string
		for _, c := range b.Codings {
			if c.Origin == policykb.OriginAuto {
				continue
			}
			for _, k := range up[c.CodeID] {
				ks, seen := sets[c.SentenceID]
				if !seen {
					order = append(order, c.SentenceID)
				}
				if !slices.ContainsFunc(ks, func(x policykb.Code) bool { return x.ID == k.ID }) {
					sets[c.SentenceID] = append(ks, k)
				}
			}
		}
		type pair struct{ a, b string }
		n, np := map[string]int{}, map[pair]int{}
		var codeOrder []string
		var pairOrder []pair
		coded := make([]int64, len(policykb.Levels))
		for _, sid := range order {
			ks := sets[sid]
			levels := map[policykb.Level]bool{}
			for _, k := range ks {
				if n[k.ID] == 0 {
					codeOrder = append(codeOrder, k.ID)
				}
				n[k.ID]++
				levels[k.Level] = true
				for _, o := range ks {
					if o.Level == k.Level && k.ID < o.ID {
						p := pair{k.ID, o.ID}
						if np[p] == 0 {
							pairOrder = append(pairOrder, p)
						}
						np[p]++
					}
				}
			}
			for l := range levels {
				coded[levelIndex(l)]++
			}
		}
		rollups := make([]map[string]any, len(codeOrder))
		for i, id := range codeOrder {
			rollups[i] = map[string]any{"code": id, "n": int64(n[id])}
		}
		pairs := make([]map[string]any, len(pairOrder))
		for i, p := range pairOrder {
			pairs[i] = map[string]any{"a": p.a, "b": p.b, "n": int64(np[p])}
		}
		rows = append(rows, map[string]any{"id": b.Document.ID, "rollups": rollups, "pairs": pairs, "coded": coded})
	}
	return rows
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
	if err := exec(ctx, tx, refreshRollupsOfSentences, rollupArgs(map[string]any{"sentences": ids})); err != nil {
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
			recs, err := collect(ctx, tx, refreshMissingRollups, rollupArgs(map[string]any{"limit": int64(200)}))
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
// sentence: rollups hold human codings only, so a filter that names coders
// or includes automatic codings looks inside documents.
//
// A study (f.Study) needs no sentences: rollups are per code, codes belong
// to one study, and a study's codings lie on documents it includes, so the
// rollups of the study's codes count the study alone (studyKey). Only the
// per-level sums of documents and cities (d.codedSentences,
// city.sentences, ...) add up every study's: see Store.matrix.
func sentenceLevel(f policykb.CorpusFilter) bool { return len(f.Coders) > 0 || f.IncludeAutomatic }

func rollupCountsQuery(keyCond string, f policykb.CorpusFilter, params map[string]any, groupBy string) string {
	if cityLevel(f) && groupBy == "" {
		return wholeRollupMatch("ROLLUP", "cr", keyCond, f, params) + cityRollupCounts("")
	}
	if cityLevel(f) && !readsDocument(groupBy) {
		return cityRollupMatch("CITY_ROLLUP", "cr", keyCond, f, params) +
			cityRollupCounts(groupBy)
	}
	return rollupMatch("ROLLUP", "ru", keyCond, f, params, readsCity(groupBy)) +
		countsReturn(groupBy, "sum(ru.sentences)", "count(d)")
}

// countsCypher returns the statement counting reference points and
// material sources per code (and per group), from the rollups or, when
// exact is set, from the sentences.
func countsCypher(keyCond string, f policykb.CorpusFilter, params map[string]any, groupBy string, exact bool) string {
	if exact {
		return countsQuery(keyCond, filterClause(f, params, true), groupBy)
	}
	return rollupCountsQuery(keyCond, f, params, groupBy)
}
