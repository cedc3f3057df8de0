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
	"CREATE CONSTRAINT code_id IF NOT EXISTS FOR (n:Code) REQUIRE n.id IS UNIQUE",
	"CREATE INDEX code_level IF NOT EXISTS FOR (n:Code) ON (n.level)",
	"CREATE INDEX document_issued IF NOT EXISTS FOR (n:Document) ON (n.issuedOn)",
	"CREATE INDEX city_province IF NOT EXISTS FOR (n:City) ON (n.province)",
	// Full-text search over sentences (Store.Search); the CJK analyzer
	// indexes Chinese as pairs of characters.
	"CREATE FULLTEXT INDEX " + sentenceTextIndex + " IF NOT EXISTS FOR (s:Sentence) ON EACH [s.text] " +
		"OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}",
}

// EnsureSchema creates the constraints and indexes if they are missing and
// waits for them to come online, then computes the rollups of documents
// stored without them (see rollups.go). It is idempotent.
func (s *Store) EnsureSchema(ctx context.Context) error {
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
	return s.backfillRollups(ctx)
}

const wipeBatch = `
MATCH (n) WHERE n:City OR n:Document OR n:Sentence OR n:Code
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted`

// Wipe deletes every node of the knowledge base (cities, documents,
// sentences, codes and their relationships), in batches so that a large base
// does not need one huge transaction. Constraints and indexes stay.
func (s *Store) Wipe(ctx context.Context) (WriteSummary, error) {
	var sum WriteSummary
	for {
		out, err := s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
			res, err := tx.Run(ctx, wipeBatch, map[string]any{"limit": 10 * s.cfg.BatchSize})
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
			sum.NodesDeleted += c.NodesDeleted()
			sum.RelationshipsDeleted += c.RelationshipsDeleted()
			return rec.Values[0].(int64), nil
		})
		if err != nil {
			return sum, fmt.Errorf("graph: wipe: %w", err)
		}
		if out.(int64) == 0 {
			return sum, nil
		}
	}
}
