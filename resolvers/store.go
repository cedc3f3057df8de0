package resolvers

import (
	"context"
	"time"

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
	CheckFilter(ctx context.Context, f policykb.CorpusFilter) error
	Documents(ctx context.Context, f policykb.CorpusFilter, p graph.Page) ([]policykb.Document, int, error)
	DocumentsByID(ctx context.Context, ids []string) (map[string]policykb.Document, error)
	DocumentsByCity(ctx context.Context, cities []string) (map[string][]policykb.Document, error)
	SentenceCounts(ctx context.Context, docIDs []string) (map[string]int, error)
	Sentences(ctx context.Context, q graph.SentenceQuery, p graph.Page) ([]policykb.Sentence, int, error)
	SentencesByDocument(ctx context.Context, docIDs []string, p graph.Page) (map[string][]policykb.Sentence, error)
	CodingsBySentence(ctx context.Context, sentenceIDs []string) (map[string][]policykb.Coding, error)
	DocumentTexts(ctx context.Context, ids []string) (map[string]string, error)
	Counts(ctx context.Context, level policykb.Level, f policykb.CorpusFilter) ([]policykb.Count, error)
	CodeCounts(ctx context.Context, codeIDs []string, f policykb.CorpusFilter) (map[string]policykb.Count, error)
	CountsByCity(ctx context.Context, level policykb.Level, f policykb.CorpusFilter) (map[string][]policykb.Count, error)
	CountsByDocument(ctx context.Context, level policykb.Level, docIDs []string) (map[string][]policykb.Count, error)
	Citations(ctx context.Context, codeID string, f policykb.CorpusFilter) ([]graph.Citation, error)
	CitationCounts(ctx context.Context, codeID string, f policykb.CorpusFilter) ([]graph.Citation, error)
	Evidence(ctx context.Context, codeID string, f policykb.CorpusFilter, cities []string, n int) (map[string][]policykb.Sentence, error)
	Stats(ctx context.Context) (policykb.Stats, error)
	StudyStats(ctx context.Context, study string) (policykb.Stats, error)
	Studies(ctx context.Context) ([]policykb.Study, error)
	Study(ctx context.Context, ref string) (policykb.Study, error)
	ResolveStudy(ctx context.Context, ref string) (string, error)
	StudyCodes(ctx context.Context, study string) ([]policykb.Code, error)
	StudyCountsByDocument(ctx context.Context, study string, level policykb.Level, docIDs []string) (map[string][]policykb.Count, error)
	DocumentStudies(ctx context.Context, ids []string) (map[string][]string, error)
	Matrix(ctx context.Context, q graph.MatrixQuery) (graph.Matrix, error)
	MatrixCellSentences(ctx context.Context, q graph.MatrixQuery, rowCodeID, column string, p graph.Page) ([]policykb.Sentence, int, error)
	Cooccurrence(ctx context.Context, level policykb.Level, scope policykb.Scope, minCount int, f policykb.CorpusFilter) ([]graph.CodePair, error)
	PairEvidence(ctx context.Context, pairs [][2]string, f policykb.CorpusFilter, n int) (map[[2]string][]policykb.Sentence, error)
	PairDocumentEvidence(ctx context.Context, pairs [][2]string, f policykb.CorpusFilter, n int) (map[[2]string][]policykb.Sentence, error)
	Saturation(ctx context.Context, heldOut []string, level policykb.Level, f policykb.CorpusFilter) (graph.Saturation, error)
	CodedDocuments(ctx context.Context, level policykb.Level, f policykb.CorpusFilter) (graph.CodedDocuments, error)
	Agreement(ctx context.Context, coderA, coderB string, level policykb.Level, f policykb.CorpusFilter) (graph.Agreement, error)
	Search(ctx context.Context, text string, f policykb.CorpusFilter, p graph.Page) ([]policykb.Sentence, int, error)
	Cypher(ctx context.Context, statement string, params map[string]any, opts graph.CypherOptions) (graph.CypherResult, error)
	Words(ctx context.Context, q graph.WordQuery) (graph.WordStats, error)
	WordsByCity(ctx context.Context, words []string, f policykb.CorpusFilter) (map[string]map[string]graph.WordCount, error)
	Keywords(ctx context.Context, q graph.KeywordQuery) ([]graph.KeywordTable, error)
	Coword(ctx context.Context, q graph.CowordQuery) (graph.Coword, error)
	WordSentences(ctx context.Context, q graph.WordSentenceQuery, p graph.Page) ([]policykb.Sentence, int, error)
	Concordance(ctx context.Context, word string, window int, f policykb.CorpusFilter, p graph.Page) ([]graph.ConcordanceLine, int, error)
}

var _ Store = (*graph.Store)(nil)

// boundStore gives every call of the store a deadline a little before the
// request's own. graphql-go drops the errors of a request whose context has
// expired and reports only the deadline; ending the store's work first lets
// its coded errors (UNAVAILABLE when Neo4j does not answer, TIMEOUT when a
// query is slow) reach the client.
type boundStore struct {
	Store
	deadline time.Time
}

func (b boundStore) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithDeadline(ctx, b.deadline)
}

func (b boundStore) Codes(ctx context.Context) ([]policykb.Code, error) {
	ctx, cancel := b.bound(ctx)
	defer cancel()
	return b.Store.Codes(ctx)
}

func (b boundStore) Cities(ctx context.Context) ([]policykb.City, error) {
	ctx, cancel := b.bound(ctx)
	defer cancel()
	return b.Store.Cities(ctx)
}

func (b boundStore) CheckFilter(ctx context.Context, f policykb.CorpusFilter) error {
	ctx, cancel := b.bound(ctx)
	defer cancel()
	return b.Store.CheckFilter(ctx, f)
}

func (b boundStore) Documents(ctx context.Context, f policykb.CorpusFilter, p graph.Page) ([]policykb.Document, int, error) {
	ctx, cancel := b.bound(ctx)
	defer cancel()
	return b.Store.Documents(ctx, f, p)
}

func (b boundStore) DocumentsByID(ctx context.Context, ids []string) (map[string]policykb.Document, error) {
	ctx, cancel := b.bound(ctx)
	defer cancel()
	return b.Store.DocumentsByID(ctx, ids)
}

func (b boundStore) DocumentsByCity(ctx context.Context, cities []string) (map[string][]policykb.Document, error) {
	ctx, cancel := b.bound(ctx)
	defer cancel()
	return b.Store.DocumentsByCity(ctx, cities)
}

func (b boundStore) SentenceCounts(ctx context.Context, docIDs []string) (map[string]int, error) {
	ctx, cancel := b.bound(ctx)
	defer cancel()
	return b.Store.SentenceCounts(ctx, docIDs)
}

func (b boundStore) Sentences(ctx context.Context, q graph.SentenceQuery, p graph.Page) ([]policykb.Sentence, int, error) {
	ctx, cancel := b.bound(ctx)
	defer cancel()
	return b.Store.Sentences(ctx, q, p)
}

func (b boundStore) SentencesByDocument(ctx context.Context, docIDs []string, p graph.Page) (map[string][]policykb.Sentence, error) {
	ctx, cancel := b.bound(ctx)
	defer cancel()
	return b.Store.SentencesByDocument(ctx, docIDs, p)
}

func (b boundStore) CodingsBySentence(ctx context.Context, sentenceIDs []string) (map[string][]policykb.Coding, error) {
	ctx, cancel := b.bound(ctx)
	defer cancel()
	return b.Store.CodingsBySentence(ctx, sentenceIDs)
}

func (b boundStore) DocumentTexts(ctx context.Context, ids []string) (map[string]string, error) {
	ctx, cancel := b.bound(ctx)
	defer cancel()
	return b.Store.DocumentTexts(ctx, ids)
}

func (b boundStore) Counts(ctx context.Context, level policykb.Level, f policykb.CorpusFilter) ([]policykb.Count, error) {
	ctx, cancel := b.bound(ctx)
	defer cancel()
	return b.Store.Counts(ctx, level, f)
}

func (b boundStore) CodeCounts(ctx context.Context, codeIDs []string, f policykb.CorpusFilter) (map[string]policykb.Count, error) {
	ctx, cancel := b.bound(ctx)
	defer cancel()
	return b.Store.CodeCounts(ctx, codeIDs, f)
}

func (b boundStore) CountsByCity(ctx context.Context, level policykb.Level, f policykb.CorpusFilter) (map[string][]policykb.Count, error) {
	ctx, cancel := b.bound(ctx)
	defer cancel()
	return b.Store.CountsByCity(ctx, level, f)
}

func (b boundStore) CountsByDocument(ctx context.Context, level policykb.Level, docIDs []string) (map[string][]policykb.Count, error) {
	ctx, cancel := b.bound(ctx)
	defer cancel()
	return b.Store.CountsByDocument(ctx, level, docIDs)
}

func (b boundStore) Citations(ctx context.Context, codeID string, f policykb.CorpusFilter) ([]graph.Citation, error) {
	ctx, cancel := b.bound(ctx)
	defer cancel()
	return b.Store.Citations(ctx, codeID, f)
}

func (b boundStore) CitationCounts(ctx context.Context, codeID string, f policykb.CorpusFilter) ([]graph.Citation, error) {
	ctx, cancel := b.bound(ctx)
	defer cancel()
	return b.Store.CitationCounts(ctx, codeID, f)
}

func (b boundStore) Evidence(ctx context.Context, codeID string, f policykb.CorpusFilter, cities []string, n int) (map[string][]policykb.Sentence, error) {
	ctx, cancel := b.bound(ctx)
	defer cancel()
	return b.Store.Evidence(ctx, codeID, f, cities, n)
}

func (b boundStore) Stats(ctx context.Context) (policykb.Stats, error) {
	ctx, cancel := b.bound(ctx)
	defer cancel()
	return b.Store.Stats(ctx)
}

func (b boundStore) CodedDocuments(ctx context.Context, level policykb.Level, f policykb.CorpusFilter) (graph.CodedDocuments, error) {
	ctx, cancel := b.bound(ctx)
	defer cancel()
	return b.Store.CodedDocuments(ctx, level, f)
}

func (b boundStore) Saturation(ctx context.Context, heldOut []string, level policykb.Level, f policykb.CorpusFilter) (graph.Saturation, error) {
	ctx, cancel := b.bound(ctx)
	defer cancel()
	return b.Store.Saturation(ctx, heldOut, level, f)
}

func (b boundStore) Agreement(ctx context.Context, coderA, coderB string, level policykb.Level, f policykb.CorpusFilter) (graph.Agreement, error) {
	ctx, cancel := b.bound(ctx)
	defer cancel()
	return b.Store.Agreement(ctx, coderA, coderB, level, f)
}

func (b boundStore) Search(ctx context.Context, text string, f policykb.CorpusFilter, p graph.Page) ([]policykb.Sentence, int, error) {
	ctx, cancel := b.bound(ctx)
	defer cancel()
	return b.Store.Search(ctx, text, f, p)
}

func (b boundStore) Cypher(ctx context.Context, statement string, params map[string]any, opts graph.CypherOptions) (graph.CypherResult, error) {
	ctx, cancel := b.bound(ctx)
	defer cancel()
	return b.Store.Cypher(ctx, statement, params, opts)
}

func (b boundStore) Matrix(ctx context.Context, q graph.MatrixQuery) (graph.Matrix, error) {
	ctx, cancel := b.bound(ctx)
	defer cancel()
	return b.Store.Matrix(ctx, q)
}

func (b boundStore) MatrixCellSentences(ctx context.Context, q graph.MatrixQuery, rowCodeID, column string, p graph.Page) ([]policykb.Sentence, int, error) {
	ctx, cancel := b.bound(ctx)
	defer cancel()
	return b.Store.MatrixCellSentences(ctx, q, rowCodeID, column, p)
}

func (b boundStore) Cooccurrence(ctx context.Context, level policykb.Level, scope policykb.Scope, minCount int, f policykb.CorpusFilter) ([]graph.CodePair, error) {
	ctx, cancel := b.bound(ctx)
	defer cancel()
	return b.Store.Cooccurrence(ctx, level, scope, minCount, f)
}

func (b boundStore) PairEvidence(ctx context.Context, pairs [][2]string, f policykb.CorpusFilter, n int) (map[[2]string][]policykb.Sentence, error) {
	ctx, cancel := b.bound(ctx)
	defer cancel()
	return b.Store.PairEvidence(ctx, pairs, f, n)
}

func (b boundStore) PairDocumentEvidence(ctx context.Context, pairs [][2]string, f policykb.CorpusFilter, n int) (map[[2]string][]policykb.Sentence, error) {
	ctx, cancel := b.bound(ctx)
	defer cancel()
	return b.Store.PairDocumentEvidence(ctx, pairs, f, n)
}

func (b boundStore) Words(ctx context.Context, q graph.WordQuery) (graph.WordStats, error) {
	ctx, cancel := b.bound(ctx)
	defer cancel()
	return b.Store.Words(ctx, q)
}

func (b boundStore) WordsByCity(ctx context.Context, words []string, f policykb.CorpusFilter) (map[string]map[string]graph.WordCount, error) {
	ctx, cancel := b.bound(ctx)
	defer cancel()
	return b.Store.WordsByCity(ctx, words, f)
}

func (b boundStore) Keywords(ctx context.Context, q graph.KeywordQuery) ([]graph.KeywordTable, error) {
	ctx, cancel := b.bound(ctx)
	defer cancel()
	return b.Store.Keywords(ctx, q)
}

func (b boundStore) Coword(ctx context.Context, q graph.CowordQuery) (graph.Coword, error) {
	ctx, cancel := b.bound(ctx)
	defer cancel()
	return b.Store.Coword(ctx, q)
}

func (b boundStore) WordSentences(ctx context.Context, q graph.WordSentenceQuery, p graph.Page) ([]policykb.Sentence, int, error) {
	ctx, cancel := b.bound(ctx)
	defer cancel()
	return b.Store.WordSentences(ctx, q, p)
}

func (b boundStore) Concordance(ctx context.Context, word string, window int, f policykb.CorpusFilter, p graph.Page) ([]graph.ConcordanceLine, int, error) {
	ctx, cancel := b.bound(ctx)
	defer cancel()
	return b.Store.Concordance(ctx, word, window, f, p)
}
