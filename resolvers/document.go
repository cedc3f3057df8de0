package resolvers

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	graphql "github.com/graph-gophers/graphql-go"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
)

// documentResolver resolves Document.
type documentResolver struct{ d policykb.Document }

// documentsByID is the request's loader of documents by id.
func (r *request) documentsByID() *loader[policykb.Document] {
	return loaderFor(r, "documentsByID", &r.docKeys, func(ctx context.Context, ids []string) (map[string]policykb.Document, error) {
		return r.store.DocumentsByID(ctx, ids)
	})
}

// documentList wraps documents, making them one sibling group (and their
// cities another) and priming the by-id loader with them.
func (r *request) documentList(docs []policykb.Document) []*documentResolver {
	out := make([]*documentResolver, len(docs))
	ids := make([]string, len(docs))
	cities := make([]string, len(docs))
	byID := r.documentsByID()
	for i, d := range docs {
		out[i] = &documentResolver{d: d}
		ids[i], cities[i] = d.ID, d.City
		byID.prime(d.ID, d)
	}
	r.docKeys.add(ids)
	r.cityKeys.add(cities)
	return out
}

func (d *documentResolver) ID() graphql.ID      { return graphql.ID(d.d.ID) }
func (d *documentResolver) Title() string       { return d.d.Title }
func (d *documentResolver) Issuer() *string     { return optString(d.d.Issuer) }
func (d *documentResolver) DocType() *string    { return optString(d.d.DocType) }
func (d *documentResolver) URL() *string        { return optString(d.d.URL) }
func (d *documentResolver) SourceFile() *string { return optString(d.d.SourceFile) }
func (d *documentResolver) Synthetic() bool     { return d.d.Synthetic }
func (d *documentResolver) IssuedOn() *Date {
	if d.d.IssuedOn.IsZero() {
		return nil
	}
	return &Date{d.d.IssuedOn}
}

func (d *documentResolver) City(ctx context.Context) (*cityResolver, error) {
	r := requestFrom(ctx)
	ci, err := r.cityIndex(ctx)
	if err != nil {
		return nil, err
	}
	return newCity(ci.city(d.d.City)), nil
}

func (d *documentResolver) SentenceCount(ctx context.Context) (int32, error) {
	r := requestFrom(ctx)
	l := loaderFor(r, "sentenceCounts", &r.docKeys, func(ctx context.Context, ids []string) (map[string]int, error) {
		return r.store.SentenceCounts(ctx, ids)
	})
	n, _, err := l.load(ctx, d.d.ID)
	if err != nil {
		return 0, r.fail(ctx, err)
	}
	return int32(n), nil
}

type pageArgs struct {
	First int32
	After *string
}

// Sentences loads one page of every sibling document at once; it fetches
// one sentence more than the page to tell whether another page follows.
func (d *documentResolver) Sentences(ctx context.Context, args pageArgs) (*connection[*sentenceResolver], error) {
	r := requestFrom(ctx)
	p, err := r.page(args.First, args.After)
	if err != nil {
		return nil, err
	}
	probe := graph.Page{Offset: p.Offset, Limit: p.Limit + 1}
	name := "documentSentences|" + strconv.Itoa(probe.Offset) + "|" + strconv.Itoa(probe.Limit)
	l := loaderFor(r, name, &r.docKeys, func(ctx context.Context, ids []string) (map[string][]policykb.Sentence, error) {
		got, err := r.store.SentencesByDocument(ctx, ids, probe)
		if err != nil {
			return nil, err
		}
		var all []policykb.Sentence
		for _, id := range ids {
			all = append(all, got[id]...)
		}
		r.sentenceList(all)
		return got, nil
	})
	ss, _, err := l.load(ctx, d.d.ID)
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	hasNext := len(ss) > p.Limit
	if hasNext {
		ss = ss[:p.Limit]
	}
	nodes := make([]*sentenceResolver, len(ss))
	for i, s := range ss {
		nodes[i] = &sentenceResolver{s: s}
	}
	return &connection[*sentenceResolver]{
		nodes: nodes, offset: p.Offset, hasNext: hasNext,
		total: d.SentenceCount,
	}, nil
}

type levelArgs struct {
	studyArg
	Level string
}

// Codes returns the document's non-zero counts at a level, most reference
// points first, then codebook order.
func (d *documentResolver) Codes(ctx context.Context, args levelArgs) ([]*codeCountResolver, error) {
	r := requestFrom(ctx)
	level, err := parseLevel(args.Level, "level")
	if err != nil {
		return nil, err
	}
	cb, err := r.codebook(ctx)
	if err != nil {
		return nil, err
	}
	study := r.studyID()
	l := loaderFor(r, "documentCodes|"+level.String()+"|"+study, &r.docKeys, func(ctx context.Context, ids []string) (map[string][]policykb.Count, error) {
		return r.store.StudyCountsByDocument(ctx, study, level, ids)
	})
	counts, _, err := l.load(ctx, d.d.ID)
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	counts = nonZero(counts)
	cb.sortCounts(counts)
	return r.countList(cb, counts), nil
}

// nonZero returns a copy of counts without zero reference points (the
// loader's slices are shared, so they are never sorted in place).
func nonZero(counts []policykb.Count) []policykb.Count {
	out := make([]policykb.Count, 0, len(counts))
	for _, n := range counts {
		if n.ReferencePoints > 0 {
			out = append(out, n)
		}
	}
	return out
}

// sentenceResolver resolves Sentence.
type sentenceResolver struct{ s policykb.Sentence }

// sentenceList wraps sentences, making them one sibling group and their
// documents another.
func (r *request) sentenceList(ss []policykb.Sentence) []*sentenceResolver {
	out := make([]*sentenceResolver, len(ss))
	ids := make([]string, len(ss))
	docs := make([]string, len(ss))
	for i, s := range ss {
		out[i] = &sentenceResolver{s: s}
		ids[i], docs[i] = s.ID, s.DocumentID
	}
	r.sentenceKeys.add(ids)
	r.docKeys.add(docs)
	return out
}

func (s *sentenceResolver) ID() graphql.ID { return graphql.ID(s.s.ID) }
func (s *sentenceResolver) Index() int32   { return int32(s.s.Index) }
func (s *sentenceResolver) Kind() string {
	if s.s.Kind == "" {
		return string(policykb.KindSentence)
	}
	return string(s.s.Kind)
}
func (s *sentenceResolver) Text() string { return s.s.Text }
func (s *sentenceResolver) Start() *int32 {
	v := int32(s.s.Start)
	return &v
}
func (s *sentenceResolver) End() *int32 {
	v := int32(s.s.End)
	return &v
}

func (s *sentenceResolver) Document(ctx context.Context) (*documentResolver, error) {
	r := requestFrom(ctx)
	d, found, err := r.documentsByID().load(ctx, s.s.DocumentID)
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	if !found {
		return nil, r.fail(ctx, fmt.Errorf("resolvers: sentence %s: document %s not found", s.s.ID, s.s.DocumentID))
	}
	return &documentResolver{d: d}, nil
}

// Codings lists the sentence's codings by codebook order, then coder.
func (s *sentenceResolver) Codings(ctx context.Context) ([]*codingResolver, error) {
	r := requestFrom(ctx)
	cb, err := r.codebook(ctx)
	if err != nil {
		return nil, err
	}
	l := loaderFor(r, "codings", &r.sentenceKeys, func(ctx context.Context, ids []string) (map[string][]policykb.Coding, error) {
		return r.store.CodingsBySentence(ctx, ids)
	})
	cs, _, err := l.load(ctx, s.s.ID)
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	cs = append([]policykb.Coding(nil), r.codingsInStudy(cs)...)
	sort.SliceStable(cs, func(i, j int) bool {
		oi, oj := cb.order[cs[i].CodeID], cb.order[cs[j].CodeID]
		if oi != oj {
			return oi < oj
		}
		return cs[i].Coder < cs[j].Coder
	})
	out := make([]*codingResolver, len(cs))
	codes := make([]string, len(cs))
	for i, c := range cs {
		out[i] = &codingResolver{c: c, code: r.codeByID(cb, c.CodeID)}
		codes[i] = c.CodeID
	}
	r.codeKeys.add(codes)
	return out, nil
}

// codingResolver resolves Coding.
type codingResolver struct {
	c    policykb.Coding
	code *codeResolver
}

func (c *codingResolver) Code() *codeResolver { return c.code }
func (c *codingResolver) Coder() *string      { return optString(c.c.Coder) }
func (c *codingResolver) Origin() string      { return c.c.Origin }
