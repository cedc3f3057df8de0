package graph

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
)

// human is the condition on a coding r made by hand or imported: Stats
// counts human codings, as every count does by default.
const human = "coalesce(r.origin, '') <> '" + policykb.OriginAuto + "'"

const statsQuery = `
RETURN COUNT { (:City) }, COUNT { (:Document) }, COUNT { (:Sentence) },
       COUNT { (s:Sentence) WHERE EXISTS { (s)-[r:CODED_AS]->() WHERE ` + human + ` } },
       COUNT { ()-[r:CODED_AS]->() WHERE ` + human + ` },
       COUNT { (:Layer) }, COUNT { (:MainCategory) }, COUNT { (:Category) }, COUNT { (:Concept) },
       COUNT { ()-[r:CODED_AS]->() WHERE NOT (` + human + `) }`

// Stats counts the nodes and codings of the knowledge base; StudyStats
// those of a study (see ResolveStudy): the documents it includes, their
// cities and sentences, its codes and the codings at them. Coded sentences
// and codings are human ones (automatic codings are not counted).
func (s *Store) Stats(ctx context.Context) (policykb.Stats, error) {
	ctx, end := s.enter(ctx, "Stats")
	defer end()
	return s.StudyStats(ctx, "")
}

// StudyStats is Stats of one study; study "" is the whole base.
func (s *Store) StudyStats(ctx context.Context, study string) (policykb.Stats, error) {
	ctx, end := s.enter(ctx, "StudyStats")
	defer end()
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		if study != "" {
			return collect(ctx, tx, studyStatsQuery, map[string]any{"study": study})
		}
		return collect(ctx, tx, statsQuery, nil)
	})
	if err != nil {
		return policykb.Stats{}, fmt.Errorf("graph: stats: %w", err)
	}
	recs := out.([]*neo4j.Record)
	if len(recs) == 0 {
		return policykb.Stats{}, fmt.Errorf("graph: stats: %w", ErrNotFound)
	}
	v := recs[0].Values
	return policykb.Stats{Cities: integer(v[0]), Documents: integer(v[1]), Sentences: integer(v[2]),
		CodedSentences: integer(v[3]), Codings: integer(v[4]), Layers: integer(v[5]),
		MainCategories: integer(v[6]), Categories: integer(v[7]), Concepts: integer(v[8]),
		AutomaticCodings: integer(v[9])}, nil
}
