package graph

import (
	"context"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
)

// The sentence-level paths, exported to the package's external tests
// (rollups_test.go, analysis_test.go), which prove the rollups equal them.

func (s *Store) CountsExact(ctx context.Context, level policykb.Level, f policykb.CorpusFilter) ([]policykb.Count, error) {
	return s.counts(ctx, level, f, true)
}

func (s *Store) CodeCountsExact(ctx context.Context, ids []string, f policykb.CorpusFilter) (map[string]policykb.Count, error) {
	return s.codeCounts(ctx, ids, f, true)
}

func (s *Store) CountsByCityExact(ctx context.Context, level policykb.Level, f policykb.CorpusFilter) (map[string][]policykb.Count, error) {
	return s.countsByCity(ctx, level, f, true)
}

func (s *Store) CountsByDocumentExact(ctx context.Context, level policykb.Level, ids []string) (map[string][]policykb.Count, error) {
	return s.countsByDocument(ctx, "", level, ids, true)
}

func (s *Store) CitationsExact(ctx context.Context, code string, f policykb.CorpusFilter) ([]Citation, error) {
	return s.citations(ctx, code, f, true)
}

func (s *Store) MatrixExact(ctx context.Context, q MatrixQuery) (Matrix, error) {
	return s.matrix(ctx, q, true)
}

func (s *Store) CooccurrenceExact(ctx context.Context, level policykb.Level, scope policykb.Scope, minCount int, f policykb.CorpusFilter) ([]CodePair, error) {
	return s.cooccurrence(ctx, level, scope, minCount, f, true)
}

// DropRollupGroups deletes the group rollups and their groups, leaving a
// base as one stored before them (rollups_test.go).
func (s *Store) DropRollupGroups(ctx context.Context) error {
	_, err := neo4j.ExecuteQuery(ctx, s.driver, "MATCH (g:RollupGroup) DETACH DELETE g", nil,
		neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(s.cfg.Database))
	return err
}

// UnkeyGroupCooccurrences leaves the group co-occurrences as version 1 of
// the group rollups stored them, without their key (rollups_test.go).
func (s *Store) UnkeyGroupCooccurrences(ctx context.Context) error {
	_, err := neo4j.ExecuteQuery(ctx, s.driver, `
MATCH (all:RollupGroup {key: 'corpus'}) SET all.rollups = 1
WITH count(*) AS one
MATCH ()-[r:GROUP_COOCCURRENCE]->() REMOVE r.group, r.study, r.b`, nil,
		neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(s.cfg.Database))
	return err
}

// DropCityLists removes the rollup lists of every city, leaving a base as
// one stored before them (rollups_test.go).
func (s *Store) DropCityLists(ctx context.Context) error {
	var props []string
	for _, l := range policykb.Levels {
		p := cityListsOf(l)
		props = append(props, "c."+p.codes, "c."+p.references, "c."+p.sources)
	}
	_, err := neo4j.ExecuteQuery(ctx, s.driver, "MATCH (c:City) REMOVE "+strings.Join(props, ", "), nil,
		neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(s.cfg.Database))
	return err
}

// SetCurveChunk makes saturation curves read their documents' codes n
// documents at a time, until the returned function puts it back.
func SetCurveChunk(n int) func() {
	was := curveChunk
	curveChunk = n
	return func() { curveChunk = was }
}
