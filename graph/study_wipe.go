package graph

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// ownDocuments matches the documents the study st includes and no other
// study does: a study's wipe deletes them.
const ownDocuments = `
MATCH (st:Study {id: $study})-[:INCLUDES]->(d:Document)
WHERE NOT EXISTS { (other:Study)-[:INCLUDES]->(d) WHERE other <> st }`

// wipeStudySteps delete one study, each statement at most $limit nodes or
// relationships, repeated until it deletes nothing (as wipeSteps): its PMC
// models with their manual scores, every relationship reaching its frames'
// codes (CODED_IN, FRAME_ROLLUP, PART_OF, IN_FRAME), its frame codes,
// frames and mappings, the codings at its codes, the other relationships reaching its codes
// (rollups, BELONGS_TO), its codes, the sentences and then the other
// relationships of the documents no other study includes, those
// documents, and the cities left without a document.
var wipeStudySteps = []struct {
	cypher string
	limit  func(batch int) int
}{
	{`
MATCH (m:PMCModel {study: $study})
WITH m LIMIT $limit
DETACH DELETE m
RETURN count(*)`, func(batch int) int { return max(1, batch/100) }},
	{`
MATCH (:FrameCode {study: $study})<-[r]-()
WITH r LIMIT $limit
DELETE r
RETURN count(*)`, func(batch int) int { return 10 * batch }},
	{`
MATCH (n:FrameCode {study: $study})
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*)`, func(batch int) int { return batch }},
	{`
MATCH (n:FrameMapping {study: $study})
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*)`, func(batch int) int { return batch }},
	{`
MATCH (n:Frame {study: $study})
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*)`, func(batch int) int { return batch }},
	{`
MATCH (:Code {study: $study})<-[r:CODED_AS]-()
WITH r LIMIT $limit
DELETE r
RETURN count(*)`, func(batch int) int { return 10 * batch }},
	{`
MATCH (:Code {study: $study})<-[r]-()
WITH r LIMIT $limit
DELETE r
RETURN count(*)`, func(batch int) int { return 10 * batch }},
	{`
MATCH (k:Code {study: $study})
WITH k LIMIT $limit
DETACH DELETE k
RETURN count(*)`, func(batch int) int { return 5 * batch }},
	{ownDocuments + `
MATCH (d)-[:HAS_SENTENCE]->(s:Sentence)
WITH s LIMIT $limit
DETACH DELETE s
RETURN count(*)`, func(batch int) int { return 5 * batch }},
	{ownDocuments + `
MATCH (d)-[r]->()
WITH r LIMIT $limit
DELETE r
RETURN count(*)`, func(batch int) int { return 10 * batch }},
	{ownDocuments + `
WITH d LIMIT $limit
DETACH DELETE d
RETURN count(*)`, func(batch int) int { return max(1, batch/4) }},
}

// studyDocumentIDs are the documents the study includes; those shared
// with another study get their rollups recomputed once its codes are gone.
const studyDocumentIDs = `
MATCH (:Study {id: $study})-[:INCLUDES]->(d:Document)
RETURN collect(d.id)`

const wipeStudyEnd = `
MATCH (st:Study {id: $study})
DETACH DELETE st
WITH count(*) AS done
MATCH (c:City) WHERE NOT EXISTS { (c)-[:ISSUED]->() }
DETACH DELETE c`

// WipeStudy deletes one study (its id; see ResolveStudy for names): its
// frames with their codes, mappings, codings and rollups, its
// codings, its codes and their rollups, the documents no other study
// includes (with their sentences and every coding on them), the cities
// left without documents, and the study. Documents it shares keep their
// text, sentences and the other studies' codings, and get their rollups
// recomputed, so every other study's numbers stay as they were. In
// transactions of a bounded size; ErrNotFound when there is no such study.
func (s *Store) WipeStudy(ctx context.Context, study string) (WriteSummary, error) {
	ctx, end := s.enter(ctx, "WipeStudy")
	defer end()
	if _, err := s.Study(ctx, study); err != nil {
		return WriteSummary{}, fmt.Errorf("graph: wipe study %s: %w", study, err)
	}
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		recs, err := collect(ctx, tx, studyDocumentIDs, map[string]any{"study": study})
		if err != nil {
			return nil, err
		}
		var ids []string
		for _, v := range recs[0].Values[0].([]any) {
			ids = append(ids, str(v))
		}
		return ids, nil
	})
	if err != nil {
		return WriteSummary{}, fmt.Errorf("graph: wipe study %s: %w", study, err)
	}
	docIDs := out.([]string)
	var sum WriteSummary
	for _, step := range wipeStudySteps {
		params := map[string]any{"study": study, "limit": int64(step.limit(s.cfg.BatchSize))}
		for {
			n, err := s.runCounted(ctx, step.cypher, params, &sum)
			if err != nil {
				return sum, fmt.Errorf("graph: wipe study %s: %w", study, err)
			}
			if n == 0 {
				break
			}
		}
	}
	// The documents left are shared: their rollups lose the study's codes
	// (the relationships went with the codes; d.codedSentences is
	// recomputed), and their cities' rollups follow (Store.write).
	for _, ids := range chunks(docIDs, max(1, s.cfg.BatchSize/10)) {
		if _, err := s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
			return nil, s.refreshRollups(ctx, tx, ids)
		}); err != nil {
			return sum, fmt.Errorf("graph: wipe study %s: %w", study, err)
		}
	}
	if _, err := s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		var c counter
		if err := c.run(ctx, tx, wipeStudyEnd, map[string]any{"study": study}); err != nil {
			return nil, err
		}
		sum = sum.Add(c.sum)
		return nil, exec(ctx, tx, bumpWords, nil)
	}); err != nil {
		return sum, fmt.Errorf("graph: wipe study %s: %w", study, err)
	}
	return sum, nil
}

// runCounted runs one statement returning a count in a write transaction,
// adds what it deleted to sum and returns the count.
func (s *Store) runCounted(ctx context.Context, cypher string, params map[string]any, sum *WriteSummary) (int, error) {
	out, err := s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		var c counter
		recs, err := c.collect(ctx, tx, cypher, params)
		if err != nil {
			return nil, err
		}
		return [2]any{integer(recs[0].Values[0]), c.sum}, nil
	})
	if err != nil {
		return 0, err
	}
	r := out.([2]any)
	d := r[1].(WriteSummary)
	sum.NodesDeleted += d.NodesDeleted
	sum.RelationshipsDeleted += d.RelationshipsDeleted
	return r[0].(int), nil
}
