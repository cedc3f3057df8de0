package graph

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// schemaStatements are idempotent (IF NOT EXISTS): one unique key per label,
// plus the indexes the counting and listing queries filter on.
var schemaStatements = []string{
	"CREATE CONSTRAINT city_name IF NOT EXISTS FOR (n:City) REQUIRE n.name IS UNIQUE",
	"CREATE CONSTRAINT document_id IF NOT EXISTS FOR (n:Document) REQUIRE n.id IS UNIQUE",
	"CREATE CONSTRAINT sentence_id IF NOT EXISTS FOR (n:Sentence) REQUIRE n.id IS UNIQUE",
	// A code's id is unique within its study (study.go); the key of a
	// base written before studies, unique over the whole base, goes.
	"DROP CONSTRAINT code_id IF EXISTS",
	"CREATE CONSTRAINT code_study_id IF NOT EXISTS FOR (n:Code) REQUIRE (n.study, n.id) IS UNIQUE",
	"CREATE CONSTRAINT study_id IF NOT EXISTS FOR (n:Study) REQUIRE n.id IS UNIQUE",
	// The groups of the group rollups (rollups_groups.go).
	"CREATE CONSTRAINT rollup_group_key IF NOT EXISTS FOR (n:RollupGroup) REQUIRE n.key IS UNIQUE",
	// A group co-occurrence is found by its key when a write adds to it
	// (groupCooccurrenceKey).
	"CREATE CONSTRAINT group_cooccurrence_key IF NOT EXISTS FOR ()-[r:GROUP_COOCCURRENCE]-() REQUIRE (r.group, r.study, r.a, r.b) IS UNIQUE",
	"CREATE CONSTRAINT pmc_model_study_id IF NOT EXISTS FOR (n:PMCModel) REQUIRE (n.study, n.id) IS UNIQUE",
	"CREATE INDEX code_study IF NOT EXISTS FOR (n:Code) ON (n.study)",
	"CREATE INDEX document_sha256 IF NOT EXISTS FOR (n:Document) ON (n.sha256)",
	// The one node holding the knowledge base's version (catalog.go).
	"CREATE CONSTRAINT meta_id IF NOT EXISTS FOR (n:Meta) REQUIRE n.id IS UNIQUE",
	"CREATE INDEX code_level IF NOT EXISTS FOR (n:Code) ON (n.level)",
	"CREATE INDEX document_issued IF NOT EXISTS FOR (n:Document) ON (n.issuedOn)",
	"CREATE INDEX city_province IF NOT EXISTS FOR (n:City) ON (n.province)",
	// A coder's codings (agreement.go): found by index, not by scanning
	// every coding.
	"CREATE INDEX coded_as_coder IF NOT EXISTS FOR ()-[r:CODED_AS]-() ON (r.coder)",
	// Coding frames beside the codebook (frames.go).
	"CREATE CONSTRAINT frame_study_id IF NOT EXISTS FOR (n:Frame) REQUIRE (n.study, n.id) IS UNIQUE",
	"CREATE CONSTRAINT frame_code_key IF NOT EXISTS FOR (n:FrameCode) REQUIRE (n.study, n.frame, n.id) IS UNIQUE",
	"CREATE CONSTRAINT frame_mapping_key IF NOT EXISTS FOR (n:FrameMapping) REQUIRE (n.study, n.id) IS UNIQUE",
	"CREATE INDEX frame_code_study IF NOT EXISTS FOR (n:FrameCode) ON (n.study)",
	// A mapping's derived codings are found by their coder.
	"CREATE INDEX coded_in_coder IF NOT EXISTS FOR ()-[r:CODED_IN]-() ON (r.coder)",
	// Full-text search over sentences (Store.Search); the CJK analyzer
	// indexes Chinese as pairs of characters.
	"CREATE FULLTEXT INDEX " + sentenceTextIndex + " IF NOT EXISTS FOR (s:Sentence) ON EACH [s.text] " +
		"OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}",
}

// EnsureSchema creates the constraints and indexes if they are missing and
// waits for them to come online, sums the rollup groups and writes the
// cities' rollup lists of a base stored without them (rollups_groups.go,
// rollups_lists.go), makes what a base written before studies
// holds one study (migrateStudies, logged), then computes the rollups of documents
// stored without them (see rollups.go), the decisions of PMC models stored
// without current ones (pmc_decisions.go), and, when the store has Words, the
// words of documents stored without them or with words of another version
// (words_write.go). It is idempotent.
func (s *Store) EnsureSchema(ctx context.Context) error {
	ctx, end := s.enter(ctx, "EnsureSchema")
	defer end()
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(ctx)
	for _, stmt := range schemaStatements {
		if _, err := sess.Run(ctx, stmt, nil); err != nil {
			return fmt.Errorf("graph: ensure schema: %w", s.classify(ctx, err))
		}
	}
	if _, err := sess.Run(ctx, "CALL db.awaitIndexes(300)", nil); err != nil {
		return fmt.Errorf("graph: await indexes: %w", s.classify(ctx, err))
	}
	// Before any write: a write sums again, in its own transaction, every
	// rollup group that needs it, which on a large base stored without
	// them is more than one transaction should hold.
	if err := s.buildRollupGroups(ctx); err != nil {
		return err
	}
	if err := s.buildCityLists(ctx); err != nil {
		return err
	}
	id, codes, docs, err := s.migrateStudies(ctx)
	if err != nil {
		return fmt.Errorf("graph: migrate to studies: %w", err)
	}
	if id != "" {
		s.log.Info(fmt.Sprintf("graph: %d codes and %d documents stored without a study are now the study %q", codes, docs, id),
			"study", id, "codes", codes, "documents", docs)
	}
	if err := s.backfillRollups(ctx); err != nil {
		return err
	}
	if err := s.backfillPMCDecisions(ctx); err != nil {
		return err
	}
	return s.backfillWords(ctx)
}

// wipeSteps empty the knowledge base in an order that keeps every batch
// small whatever the degree of a node: sentences first (each has its
// HAS_SENTENCE and its few CODED_AS, which also takes the CODED_AS off the
// codes, whose degree grows with the corpus), then every relationship
// leaving a document (the rollups, however many a document has) and a
// city's ISSUED, then the documents, a few at a time for their text, then
// the cities (their rollups and group with them, so that the group
// rollups, kept by difference, lose what the city rollups do), codes,
// frames, studies and groups. Each statement deletes at most $limit
// nodes or relationships and returns how many it deleted; a step is
// repeated until it deletes nothing.
var wipeSteps = []struct {
	cypher string
	limit  func(batch int) int
}{
	{`
MATCH (s:Sentence)
WITH s LIMIT $limit
DETACH DELETE s
RETURN count(*)`, func(batch int) int { return 5 * batch }},
	{`
MATCH (n)-[r]->() WHERE n:Document OR (n:City AND NOT r:CITY_ROLLUP AND NOT r:CITY_COOCCURRENCE AND NOT r:IN_GROUP)
WITH r LIMIT $limit
DELETE r
RETURN count(*)`, func(batch int) int { return 10 * batch }},
	{`
MATCH (d:Document)
WITH d LIMIT $limit
DETACH DELETE d
RETURN count(*)`, func(batch int) int { return max(1, batch/4) }},
	{`
MATCH (n) WHERE n:City OR n:Code OR n:Study OR n:Frame OR n:FrameCode OR n:FrameMapping OR n:PMCModel OR n:RollupGroup
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*)`, func(batch int) int { return 5 * batch }},
}

// Wipe deletes every node of the knowledge base (cities, documents,
// sentences, codes, studies and their relationships, rollups included), in
// transactions of a bounded size, so that neither a large base nor a code
// coded tens of thousands of times needs one huge transaction.
// Constraints and indexes stay.
func (s *Store) Wipe(ctx context.Context) (WriteSummary, error) {
	ctx, end := s.enter(ctx, "Wipe")
	defer end()
	var sum WriteSummary
	for _, step := range wipeSteps {
		params := map[string]any{"limit": int64(step.limit(s.cfg.BatchSize))}
		for {
			out, err := s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
				res, err := tx.Run(ctx, step.cypher, params)
				if err != nil {
					return nil, err
				}
				rec, err := res.Single(ctx)
				if err != nil {
					return nil, err
				}
				summary, err := res.Consume(ctx)
				if err != nil {
					return nil, err
				}
				c := summary.Counters()
				return [3]int{integer(rec.Values[0]), c.NodesDeleted(), c.RelationshipsDeleted()}, nil
			})
			if err != nil {
				return sum, fmt.Errorf("graph: wipe: %w", err)
			}
			n := out.([3]int)
			sum.NodesDeleted += n[1]
			sum.RelationshipsDeleted += n[2]
			if n[0] == 0 {
				break
			}
		}
	}
	// The word index holds what was deleted.
	if _, err := s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) { return nil, exec(ctx, tx, bumpWords, nil) }); err != nil {
		return sum, fmt.Errorf("graph: wipe: %w", err)
	}
	return sum, nil
}
