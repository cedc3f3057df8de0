package resolvers

import (
	"context"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
)

// Store is the part of *graph.Store the resolvers read through. Every method
// takes the request's context, whose deadline bounds the Neo4j transaction.
// It is an interface so that tests can wrap the real store (to count calls),
// never to replace the database.
type Store interface {
	Ping(ctx context.Context) error
	Codes(ctx context.Context) ([]policykb.Code, error)
	Cities(ctx context.Context) ([]policykb.City, error)
	Documents(ctx context.Context, f policykb.CorpusFilter, p graph.Page) ([]policykb.Document, int, error)
	DocumentsByID(ctx context.Context, ids []string) (map[string]policykb.Document, error)
	DocumentsByCity(ctx context.Context, cities []string) (map[string][]policykb.Document, error)
	SentenceCounts(ctx context.Context, docIDs []string) (map[string]int, error)
	Sentences(ctx context.Context, q graph.SentenceQuery, p graph.Page) ([]policykb.Sentence, int, error)
	SentencesByDocument(ctx context.Context, docIDs []string, p graph.Page) (map[string][]policykb.Sentence, error)
	CodingsBySentence(ctx context.Context, sentenceIDs []string) (map[string][]policykb.Coding, error)
	Counts(ctx context.Context, level policykb.Level, f policykb.CorpusFilter) ([]policykb.Count, error)
	CodeCounts(ctx context.Context, codeIDs []string, f policykb.CorpusFilter) (map[string]policykb.Count, error)
	CountsByCity(ctx context.Context, level policykb.Level, f policykb.CorpusFilter) (map[string][]policykb.Count, error)
	CountsByDocument(ctx context.Context, level policykb.Level, docIDs []string) (map[string][]policykb.Count, error)
	Citations(ctx context.Context, codeID string, f policykb.CorpusFilter) ([]graph.Citation, error)
	Evidence(ctx context.Context, codeID string, f policykb.CorpusFilter, cities []string, n int) (map[string][]policykb.Sentence, error)
	Stats(ctx context.Context) (policykb.Stats, error)
}

var _ Store = (*graph.Store)(nil)
