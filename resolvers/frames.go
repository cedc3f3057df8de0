package resolvers

import (
	"context"
	"sync"

	graphql "github.com/graph-gophers/graphql-go"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
)

// Frames lists the request's study's frames (one graph call), each with
// its codes and mappings; code counts are read once per frame and filter.
func (*queryResolver) Frames(ctx context.Context, args studyArg) ([]*frameResolver, error) {
	r := requestFrom(ctx)
	if err := r.useStudy(ctx, args.Study); err != nil {
		return nil, err
	}
	frames, err := r.store.Frames(ctx, r.studyID())
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	maps, err := r.frameMappings(ctx, frames)
	if err != nil {
		return nil, err
	}
	out := make([]*frameResolver, len(frames))
	for i, f := range frames {
		out[i] = newFrameResolver(f, maps[f.Study])
	}
	return out, nil
}

type frameArgs struct {
	studyArg
	ID graphql.ID
}

// Frame is one frame of the request's study, or null.
func (q *queryResolver) Frame(ctx context.Context, args frameArgs) (*frameResolver, error) {
	all, err := q.Frames(ctx, args.studyArg)
	if err != nil {
		return nil, err
	}
	for _, f := range all {
		if f.f.ID == string(args.ID) {
			return f, nil
		}
	}
	return nil, nil
}

// frameMappings reads the mappings of the studies the frames belong to.
func (r *request) frameMappings(ctx context.Context, frames []graph.FrameInfo) (map[string][]policykb.Mapping, error) {
	out := map[string][]policykb.Mapping{}
	for _, f := range frames {
		if _, ok := out[f.Study]; ok {
			continue
		}
		maps, err := r.store.Mappings(ctx, f.Study)
		if err != nil {
			return nil, r.fail(ctx, err)
		}
		out[f.Study] = maps
	}
	return out, nil
}

// frameResolver resolves Frame; its codes share it for their counts.
type frameResolver struct {
	f        graph.FrameInfo
	codes    []*frameCodeResolver
	byID     map[string]*frameCodeResolver
	mappings []*frameMappingResolver

	mu     sync.Mutex
	counts map[string]map[string]graph.FrameCodeCount // filter key → code id → counts
}

func newFrameResolver(f graph.FrameInfo, maps []policykb.Mapping) *frameResolver {
	fr := &frameResolver{f: f, byID: map[string]*frameCodeResolver{}, counts: map[string]map[string]graph.FrameCodeCount{}}
	depth := map[string]int{}
	for i, l := range f.Levels {
		depth[l.ID] = i
	}
	for _, c := range f.Codes {
		cr := &frameCodeResolver{frame: fr, c: c, depth: depth[c.Level]}
		fr.codes = append(fr.codes, cr)
		fr.byID[c.ID] = cr
	}
	for _, cr := range fr.codes {
		if p := fr.byID[cr.c.Parent]; p != nil {
			cr.parent = p
			p.children = append(p.children, cr)
		}
	}
	for _, m := range maps {
		mr := &frameMappingResolver{m: m}
		if m.Target == f.ID {
			fr.mappings = append(fr.mappings, mr)
		}
	}
	return fr
}

func (f *frameResolver) ID() graphql.ID       { return graphql.ID(f.f.ID) }
func (f *frameResolver) Study() graphql.ID    { return graphql.ID(f.f.Study) }
func (f *frameResolver) Name() string         { return f.f.Name }
func (f *frameResolver) NameZh() *string      { return optString(f.f.NameZh) }
func (f *frameResolver) Description() *string { return optString(f.f.Description) }
func (f *frameResolver) Source() *string      { return optString(f.f.Source) }
func (f *frameResolver) Codings() int32       { return int32(f.f.Codings) }
func (f *frameResolver) DerivedCodings() int32 {
	return int32(f.f.Derived)
}
func (f *frameResolver) Mappings() []*frameMappingResolver { return nonNil(f.mappings) }

func (f *frameResolver) Levels() []*frameLevelResolver {
	out := make([]*frameLevelResolver, len(f.f.Levels))
	for i, l := range f.f.Levels {
		out[i] = &frameLevelResolver{l: l, depth: i}
	}
	return out
}

func (f *frameResolver) Codes(args struct{ Level *string }) []*frameCodeResolver {
	if args.Level == nil {
		return nonNil(f.codes)
	}
	out := []*frameCodeResolver{}
	for _, c := range f.codes {
		if c.c.Level == *args.Level {
			out = append(out, c)
		}
	}
	return out
}

func (f *frameResolver) Code(args struct{ ID graphql.ID }) *frameCodeResolver {
	return f.byID[string(args.ID)]
}

// countsFor reads every code's counts under a filter, once per frame and
// filter.
func (f *frameResolver) countsFor(ctx context.Context, in *corpusFilterInput) (map[string]graph.FrameCodeCount, error) {
	r := requestFrom(ctx)
	flt, key, err := in.filter(ctx)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if c, ok := f.counts[key]; ok {
		return c, nil
	}
	c, err := r.store.FrameCounts(ctx, f.f.Study, f.f.ID, flt)
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	f.counts[key] = c
	return c, nil
}

type frameLevelResolver struct {
	l     policykb.FrameLevel
	depth int
}

func (l *frameLevelResolver) ID() string      { return l.l.ID }
func (l *frameLevelResolver) Name() string    { return l.l.Name }
func (l *frameLevelResolver) NameZh() *string { return optString(l.l.NameZh) }
func (l *frameLevelResolver) Depth() int32    { return int32(l.depth) }

// frameCodeResolver resolves FrameCode.
type frameCodeResolver struct {
	frame    *frameResolver
	c        policykb.FrameCode
	depth    int
	parent   *frameCodeResolver
	children []*frameCodeResolver
}

func (c *frameCodeResolver) ID() graphql.ID                 { return graphql.ID(c.c.ID) }
func (c *frameCodeResolver) Frame() graphql.ID              { return graphql.ID(c.frame.f.ID) }
func (c *frameCodeResolver) Level() string                  { return c.c.Level }
func (c *frameCodeResolver) Depth() int32                   { return int32(c.depth) }
func (c *frameCodeResolver) Name() string                   { return c.c.Name }
func (c *frameCodeResolver) NameZh() *string                { return optString(c.c.NameZh) }
func (c *frameCodeResolver) Definition() *string            { return optString(c.c.Definition) }
func (c *frameCodeResolver) Source() *string                { return optString(c.c.Source) }
func (c *frameCodeResolver) Parent() *frameCodeResolver     { return c.parent }
func (c *frameCodeResolver) Children() []*frameCodeResolver { return nonNil(c.children) }

func (c *frameCodeResolver) Number() *int32 {
	if c.c.Number == nil {
		return nil
	}
	n := int32(*c.c.Number)
	return &n
}

func (c *frameCodeResolver) ReferencePoints(ctx context.Context, args filterArgs) (int32, error) {
	counts, err := c.frame.countsFor(ctx, args.Filter)
	return int32(counts[c.c.ID].ReferencePoints), err
}

func (c *frameCodeResolver) MaterialSources(ctx context.Context, args filterArgs) (int32, error) {
	counts, err := c.frame.countsFor(ctx, args.Filter)
	return int32(counts[c.c.ID].MaterialSources), err
}

type filterPageArgs struct {
	Filter *corpusFilterInput
	First  int32
	After  *string
}

func (c *frameCodeResolver) Sentences(ctx context.Context, args filterPageArgs) (*connection[*sentenceResolver], error) {
	r := requestFrom(ctx)
	flt, _, err := args.Filter.filter(ctx)
	if err != nil {
		return nil, err
	}
	p, err := r.page(args.First, args.After)
	if err != nil {
		return nil, err
	}
	ss, total, err := r.store.FrameCodeSentences(ctx, c.frame.f.Study, c.frame.f.ID, c.c.ID, flt, p)
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	return newConnection(r.sentenceList(ss), p, total), nil
}

func (c *frameCodeResolver) Codings(ctx context.Context, args filterPageArgs) (*connection[*frameCodingResolver], error) {
	r := requestFrom(ctx)
	flt, _, err := args.Filter.filter(ctx)
	if err != nil {
		return nil, err
	}
	p, err := r.page(args.First, args.After)
	if err != nil {
		return nil, err
	}
	cs, total, err := r.store.FrameCodings(ctx, c.frame.f.Study, c.frame.f.ID, c.c.ID, flt, p)
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	ss := make([]policykb.Sentence, len(cs))
	for i, x := range cs {
		ss[i] = x.Sentence
	}
	sentences := r.sentenceList(ss)
	out := make([]*frameCodingResolver, len(cs))
	for i, x := range cs {
		fc := &frameCodingResolver{c: x, sentence: sentences[i]}
		for _, m := range c.frame.mappings {
			if m.m.ID == x.Mapping {
				fc.mapping = m
			}
		}
		out[i] = fc
	}
	return newConnection(out, p, total), nil
}

// frameCodingResolver resolves FrameCoding.
type frameCodingResolver struct {
	c        graph.FrameCoding
	sentence *sentenceResolver
	mapping  *frameMappingResolver
}

func (c *frameCodingResolver) Sentence() *sentenceResolver    { return c.sentence }
func (c *frameCodingResolver) Coder() *string                 { return optString(c.c.Coder) }
func (c *frameCodingResolver) Origin() string                 { return c.c.Origin }
func (c *frameCodingResolver) Derived() bool                  { return c.c.Derived }
func (c *frameCodingResolver) Mapping() *frameMappingResolver { return c.mapping }
func (c *frameCodingResolver) SourceCoders() []string         { return nonNil(c.c.SourceCoders) }
func (c *frameCodingResolver) DerivedFrom() []*derivationResolver {
	out := []*derivationResolver{}
	for i, v := range c.c.Via {
		d := &derivationResolver{source: v}
		if i < len(c.c.Entries) {
			d.entry = c.c.Entries[i]
		}
		if c.mapping != nil {
			for _, e := range c.mapping.m.Entries {
				if e.Code == d.entry && e.To == c.c.Code {
					d.reason = e.Reason
				}
			}
		}
		out = append(out, d)
	}
	return out
}

type derivationResolver struct{ source, entry, reason string }

func (d *derivationResolver) SourceCode() graphql.ID { return graphql.ID(d.source) }
func (d *derivationResolver) EntryCode() graphql.ID  { return graphql.ID(d.entry) }
func (d *derivationResolver) Reason() *string        { return optString(d.reason) }

// frameMappingResolver resolves FrameMapping.
type frameMappingResolver struct{ m policykb.Mapping }

func (m *frameMappingResolver) ID() graphql.ID       { return graphql.ID(m.m.ID) }
func (m *frameMappingResolver) Name() string         { return m.m.Name }
func (m *frameMappingResolver) Description() *string { return optString(m.m.Description) }
func (m *frameMappingResolver) Source() graphql.ID   { return graphql.ID(m.m.Source) }
func (m *frameMappingResolver) Target() graphql.ID   { return graphql.ID(m.m.Target) }

func (m *frameMappingResolver) Entries() []*mappingEntryResolver {
	out := make([]*mappingEntryResolver, len(m.m.Entries))
	for i, e := range m.m.Entries {
		out[i] = &mappingEntryResolver{e}
	}
	return out
}

func (m *frameMappingResolver) Excluded() []*mappingExclusionResolver {
	out := make([]*mappingExclusionResolver, len(m.m.Excluded))
	for i, x := range m.m.Excluded {
		out[i] = &mappingExclusionResolver{x}
	}
	return out
}

type mappingEntryResolver struct{ e policykb.MappingEntry }

func (e *mappingEntryResolver) Code() graphql.ID { return graphql.ID(e.e.Code) }
func (e *mappingEntryResolver) To() graphql.ID   { return graphql.ID(e.e.To) }
func (e *mappingEntryResolver) Reason() *string  { return optString(e.e.Reason) }

type mappingExclusionResolver struct{ x policykb.MappingExclusion }

func (x *mappingExclusionResolver) Code() graphql.ID { return graphql.ID(x.x.Code) }
func (x *mappingExclusionResolver) Reason() *string  { return optString(x.x.Reason) }
