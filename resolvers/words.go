package resolvers

import (
	"cmp"
	"context"
	"slices"
	"sync"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/analysis"
	"github.com/policykb/policykb/graph"
)

// maxCowordWords bounds coword's top: the matrix is top × top and the
// clustering O(top³).
const maxCowordWords = 500

type wordsArgs struct {
	studyArg
	Top, MinLength int32
	Filter         *corpusFilterInput
}

// Words resolves Query.words (graph.Store.Words).
func (*queryResolver) Words(ctx context.Context, args wordsArgs) (*wordStatsResolver, error) {
	r := requestFrom(ctx)
	if err := r.useStudy(ctx, args.Study); err != nil {
		return nil, err
	}
	f, _, err := args.Filter.filter(ctx)
	if err != nil {
		return nil, err
	}
	st, err := r.store.Words(ctx, graph.WordQuery{Filter: f, Top: int(args.Top), MinLength: int(args.MinLength)})
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	g := &wordGroup{filter: f}
	out := &wordStatsResolver{s: st}
	for _, w := range st.Words {
		g.words = append(g.words, w.Word)
		out.words = append(out.words, &wordCountResolver{c: w, group: g})
	}
	return out, nil
}

type wordStatsResolver struct {
	s     graph.WordStats
	words []*wordCountResolver
}

func (w *wordStatsResolver) Words() []*wordCountResolver { return w.words }
func (w *wordStatsResolver) Tokens() int32               { return int32(w.s.Tokens) }
func (w *wordStatsResolver) Vocabulary() int32           { return int32(w.s.Vocabulary) }
func (w *wordStatsResolver) Documents() int32            { return int32(w.s.Documents) }
func (w *wordStatsResolver) Sentences() int32            { return int32(w.s.Sentences) }

// wordGroup is what the words of one list share: their filter and, once
// asked for, the numbers of all of them per city (one pass for the list).
type wordGroup struct {
	words  []string
	filter policykb.CorpusFilter

	once   sync.Once
	cities map[string]map[string]graph.WordCount
	err    error
}

func (g *wordGroup) byCity(ctx context.Context, r *request) (map[string]map[string]graph.WordCount, error) {
	g.once.Do(func() { g.cities, g.err = r.store.WordsByCity(ctx, g.words, g.filter) })
	return g.cities, g.err
}

type wordCountResolver struct {
	c     graph.WordCount
	group *wordGroup
}

func (w *wordCountResolver) Word() string         { return w.c.Word }
func (w *wordCountResolver) Frequency() int32     { return int32(w.c.Frequency) }
func (w *wordCountResolver) Documents() int32     { return int32(w.c.Documents) }
func (w *wordCountResolver) SentenceCount() int32 { return int32(w.c.Sentences) }

// Cities lists the cities holding the word, by name.
func (w *wordCountResolver) Cities(ctx context.Context) ([]*cityWordCountResolver, error) {
	r := requestFrom(ctx)
	byCity, err := w.group.byCity(ctx, r)
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	ci, err := r.cityIndex(ctx)
	if err != nil {
		return nil, err
	}
	var out []*cityWordCountResolver
	for _, c := range ci.list {
		if n, ok := byCity[c.Name][w.c.Word]; ok {
			out = append(out, &cityWordCountResolver{city: c, c: n, filter: w.group.filter})
		}
	}
	if out == nil {
		out = []*cityWordCountResolver{}
	}
	return out, nil
}

func (w *wordCountResolver) Sentences(ctx context.Context, args pageArgs) (*connection[*sentenceResolver], error) {
	return wordSentencePage(ctx, graph.WordSentenceQuery{Filter: w.group.filter, Words: []string{w.c.Word}}, args)
}

type cityWordCountResolver struct {
	city   *policykb.City
	c      graph.WordCount
	filter policykb.CorpusFilter
}

func (c *cityWordCountResolver) City() *cityResolver  { return newCity(c.city) }
func (c *cityWordCountResolver) Frequency() int32     { return int32(c.c.Frequency) }
func (c *cityWordCountResolver) Documents() int32     { return int32(c.c.Documents) }
func (c *cityWordCountResolver) SentenceCount() int32 { return int32(c.c.Sentences) }
func (c *cityWordCountResolver) Sentences(ctx context.Context, args pageArgs) (*connection[*sentenceResolver], error) {
	return wordSentencePage(ctx, graph.WordSentenceQuery{Filter: c.filter, Words: []string{c.c.Word}, City: c.city.Name}, args)
}

// wordSentencePage resolves the sentences behind a word number.
func wordSentencePage(ctx context.Context, q graph.WordSentenceQuery, args pageArgs) (*connection[*sentenceResolver], error) {
	r := requestFrom(ctx)
	p, err := r.page(args.First, args.After)
	if err != nil {
		return nil, err
	}
	ss, total, err := r.store.WordSentences(ctx, q, p)
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	return newConnection(r.sentenceList(ss), p, total), nil
}

type keywordsArgs struct {
	studyArg
	Of             string
	Level          string
	Units          *[]string
	Top, MinLength int32
	Filter         *corpusFilterInput
}

var keywordUnits = map[string]graph.KeywordUnit{
	"DOCUMENT": graph.KeywordsOfDocument, "CITY": graph.KeywordsOfCity, "CODE": graph.KeywordsOfCode,
}

// Keywords resolves Query.keywords (graph.Store.Keywords).
func (*queryResolver) Keywords(ctx context.Context, args keywordsArgs) ([]*keywordTableResolver, error) {
	r := requestFrom(ctx)
	if err := r.useStudy(ctx, args.Study); err != nil {
		return nil, err
	}
	level, f, err := levelAndFilter(ctx, args.Level, "level", args.Filter)
	if err != nil {
		return nil, err
	}
	of := keywordUnits[args.Of]
	q := graph.KeywordQuery{Of: of, Level: level, Units: deref(args.Units), Top: int(args.Top), MinLength: int(args.MinLength), Filter: f}
	tables, err := r.store.Keywords(ctx, q)
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	out := make([]*keywordTableResolver, len(tables))
	for i, t := range tables {
		out[i] = &keywordTableResolver{t: t, of: of, filter: f}
	}
	return out, nil
}

type keywordTableResolver struct {
	t      graph.KeywordTable
	of     graph.KeywordUnit
	filter policykb.CorpusFilter
}

func (k *keywordTableResolver) Unit() string         { return k.t.Unit }
func (k *keywordTableResolver) Tokens() int32        { return int32(k.t.Tokens) }
func (k *keywordTableResolver) Documents() int32     { return int32(k.t.Documents) }
func (k *keywordTableResolver) SentenceCount() int32 { return int32(k.t.Sentences) }

func (k *keywordTableResolver) Document(ctx context.Context) (*documentResolver, error) {
	if k.of != graph.KeywordsOfDocument {
		return nil, nil
	}
	docs, err := documentsInOrder(ctx, []string{k.t.Unit})
	if err != nil || len(docs) == 0 {
		return nil, err
	}
	return docs[0], nil
}

func (k *keywordTableResolver) City(ctx context.Context) (*cityResolver, error) {
	if k.of != graph.KeywordsOfCity {
		return nil, nil
	}
	ci, err := requestFrom(ctx).cityIndex(ctx)
	if err != nil {
		return nil, err
	}
	return newCity(ci.city(k.t.Unit)), nil
}

func (k *keywordTableResolver) Code(ctx context.Context) (*codeResolver, error) {
	if k.of != graph.KeywordsOfCode {
		return nil, nil
	}
	r := requestFrom(ctx)
	cb, err := r.codebook(ctx)
	if err != nil {
		return nil, err
	}
	return r.codeByID(cb, k.t.Unit), nil
}

func (k *keywordTableResolver) Keywords() []*keywordResolver {
	out := make([]*keywordResolver, len(k.t.Keywords))
	for i, kw := range k.t.Keywords {
		out[i] = &keywordResolver{k: kw, table: k}
	}
	return out
}

type keywordResolver struct {
	k     graph.Keyword
	table *keywordTableResolver
}

func (k *keywordResolver) Word() string             { return k.k.Word }
func (k *keywordResolver) Frequency() int32         { return int32(k.k.Frequency) }
func (k *keywordResolver) SentenceCount() int32     { return int32(k.k.Sentences) }
func (k *keywordResolver) DocumentFrequency() int32 { return int32(k.k.DocumentFrequency) }
func (k *keywordResolver) Tfidf() float64           { return k.k.Score }
func (k *keywordResolver) Sentences(ctx context.Context, args pageArgs) (*connection[*sentenceResolver], error) {
	q := graph.WordSentenceQuery{Filter: k.table.filter, Words: []string{k.k.Word}}
	switch k.table.of {
	case graph.KeywordsOfDocument:
		q.Document = k.table.t.Unit
	case graph.KeywordsOfCity:
		q.City = k.table.t.Unit
	case graph.KeywordsOfCode:
		q.Code = k.table.t.Unit
	}
	return wordSentencePage(ctx, q, args)
}

type cowordArgs struct {
	studyArg
	Top                 int32
	Measure, Scope      string
	MinLength, MinCount int32
	Filter              *corpusFilterInput
}

// Coword resolves Query.coword: the counts from graph.Store.Coword, the
// measure, matrix and clustering from package analysis.
func (*queryResolver) Coword(ctx context.Context, args cowordArgs) (*cowordResolver, error) {
	r := requestFrom(ctx)
	if err := r.useStudy(ctx, args.Study); err != nil {
		return nil, err
	}
	if args.Top < 2 || args.Top > maxCowordWords {
		return nil, badInput("top", "top must be between 2 and %d, got %d", maxCowordWords, args.Top)
	}
	if args.MinCount < 1 {
		return nil, badInput("minCount", "minCount must be at least 1, got %d", args.MinCount)
	}
	measure, err := analysis.ParseCowordMeasure(args.Measure)
	if err != nil {
		return nil, badInput("measure", "%v", err)
	}
	scope, err := policykb.ParseScope(args.Scope)
	if err != nil {
		return nil, badInput("scope", "%v", err)
	}
	f, _, err := args.Filter.filter(ctx)
	if err != nil {
		return nil, err
	}
	cw, err := r.store.Coword(ctx, graph.CowordQuery{Filter: f, Top: int(args.Top), MinLength: int(args.MinLength), Scope: scope})
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	return newCowordResolver(cw, measure, scope, f, int(args.MinCount)), nil
}

type cowordResolver struct {
	cw      graph.Coword
	measure analysis.CowordMeasure
	scope   policykb.Scope
	words   []*cowordWordResolver
	pairs   []*wordPairResolver
}

func newCowordResolver(cw graph.Coword, m analysis.CowordMeasure, scope policykb.Scope, f policykb.CorpusFilter, minCount int) *cowordResolver {
	c := &cowordResolver{cw: cw, measure: m, scope: scope}
	for i, w := range cw.Words {
		c.words = append(c.words, &cowordWordResolver{i: i, w: w, units: cw.Counts.Units[i], scope: scope, filter: f})
	}
	for i := range cw.Words {
		for j := i + 1; j < len(cw.Words); j++ {
			if n := cw.Counts.Count[i][j]; n >= minCount {
				c.pairs = append(c.pairs, &wordPairResolver{a: c.words[i], b: c.words[j], count: n,
					value: cw.Counts.Value(m, i, j)})
			}
		}
	}
	slices.SortStableFunc(c.pairs, func(x, y *wordPairResolver) int {
		return cmp.Or(cmp.Compare(y.value, x.value), cmp.Compare(y.count, x.count))
	})
	return c
}

func (c *cowordResolver) Measure() string              { return c.measure.String() }
func (c *cowordResolver) Scope() string                { return c.scope.String() }
func (c *cowordResolver) Units() int32                 { return int32(c.cw.Units) }
func (c *cowordResolver) Words() []*cowordWordResolver { return c.words }
func (c *cowordResolver) Pairs() []*wordPairResolver   { return c.pairs }
func (c *cowordResolver) Matrix() [][]float64          { return c.cw.Counts.Matrix(c.measure) }
func (c *cowordResolver) Clusters() ([]*clusterMerge, error) {
	d, err := analysis.Cluster(c.cw.Counts.Distances(c.measure))
	if err != nil {
		return nil, err
	}
	out := make([]*clusterMerge, len(d.Merges))
	for i, m := range d.Merges {
		out[i] = &clusterMerge{m}
	}
	return out, nil
}

type cowordWordResolver struct {
	i      int
	w      graph.WordCount
	units  int
	scope  policykb.Scope
	filter policykb.CorpusFilter
}

func (w *cowordWordResolver) Index() int32     { return int32(w.i) }
func (w *cowordWordResolver) Word() string     { return w.w.Word }
func (w *cowordWordResolver) Frequency() int32 { return int32(w.w.Frequency) }
func (w *cowordWordResolver) Units() int32     { return int32(w.units) }
func (w *cowordWordResolver) Sentences(ctx context.Context, args pageArgs) (*connection[*sentenceResolver], error) {
	return wordSentencePage(ctx, graph.WordSentenceQuery{Filter: w.filter, Words: []string{w.w.Word}}, args)
}

type wordPairResolver struct {
	a, b  *cowordWordResolver
	count int
	value float64
}

func (p *wordPairResolver) A() *cowordWordResolver { return p.a }
func (p *wordPairResolver) B() *cowordWordResolver { return p.b }
func (p *wordPairResolver) Count() int32           { return int32(p.count) }
func (p *wordPairResolver) Value() float64         { return p.value }
func (p *wordPairResolver) Sentences(ctx context.Context, args pageArgs) (*connection[*sentenceResolver], error) {
	return wordSentencePage(ctx, graph.WordSentenceQuery{Filter: p.a.filter, Words: []string{p.a.w.Word, p.b.w.Word}, Scope: p.a.scope}, args)
}

type concordanceArgs struct {
	studyArg
	Word   string
	Window int32
	Filter *corpusFilterInput
	First  int32
	After  *string
}

// Concordance resolves Query.concordance (graph.Store.Concordance).
func (*queryResolver) Concordance(ctx context.Context, args concordanceArgs) (*connection[*concordanceLineResolver], error) {
	r := requestFrom(ctx)
	if err := r.useStudy(ctx, args.Study); err != nil {
		return nil, err
	}
	f, _, err := args.Filter.filter(ctx)
	if err != nil {
		return nil, err
	}
	p, err := r.page(args.First, args.After)
	if err != nil {
		return nil, err
	}
	lines, total, err := r.store.Concordance(ctx, args.Word, int(args.Window), f, p)
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	ss := make([]policykb.Sentence, len(lines))
	for i, l := range lines {
		ss[i] = l.Sentence
	}
	sentences := r.sentenceList(ss)
	out := make([]*concordanceLineResolver, len(lines))
	for i, l := range lines {
		out[i] = &concordanceLineResolver{l: l, s: sentences[i]}
	}
	return newConnection(out, p, total), nil
}

type concordanceLineResolver struct {
	l graph.ConcordanceLine
	s *sentenceResolver
}

func (c *concordanceLineResolver) Sentence() *sentenceResolver { return c.s }
func (c *concordanceLineResolver) Start() int32                { return int32(c.l.Start) }
func (c *concordanceLineResolver) Left() string                { return c.l.Left }
func (c *concordanceLineResolver) Word() string                { return c.l.Word }
func (c *concordanceLineResolver) Right() string               { return c.l.Right }
