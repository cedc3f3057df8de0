package resolvers

import (
	"context"

	graphql "github.com/graph-gophers/graphql-go"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
)

// codeResolver resolves Code. Its exported fields answer their GraphQL
// fields directly (see UseFieldResolvers in NewHandler).
type codeResolver struct {
	ID   graphql.ID
	Name string
	c    *policykb.Code
	cb   *codebook
}

func (r *request) codeOf(cb *codebook, c *policykb.Code) *codeResolver {
	return &codeResolver{ID: graphql.ID(c.ID), Name: c.Name, c: c, cb: cb}
}

// codeList wraps codes as one sibling group for batched counts.
func (r *request) codeList(cb *codebook, codes []*policykb.Code) []*codeResolver {
	out := make([]*codeResolver, len(codes))
	ids := make([]string, len(codes))
	for i, c := range codes {
		out[i] = r.codeOf(cb, c)
		ids[i] = c.ID
	}
	r.codeKeys.add(ids)
	return out
}

// codeByID returns the resolver of a code the store named; a code the
// codebook lacks (written between the two reads) gets a bare resolver.
func (r *request) codeByID(cb *codebook, id string) *codeResolver {
	if c, ok := cb.byID[id]; ok {
		return r.codeOf(cb, c)
	}
	return r.codeOf(cb, &policykb.Code{ID: id, Name: id})
}

func (c *codeResolver) Level() string   { return c.c.Level.String() }
func (c *codeResolver) Number() *int32  { return optInt(c.c.Number) }
func (c *codeResolver) NameZh() *string { return optString(c.c.NameZh) }
func (c *codeResolver) Source() *string { return optString(c.c.Source) }

func (c *codeResolver) Parent(ctx context.Context) *codeResolver {
	p, ok := c.cb.byID[c.c.Parent]
	if !ok {
		return nil
	}
	r := requestFrom(ctx)
	r.useAllCodes(c.cb)
	return r.codeOf(c.cb, p)
}

func (c *codeResolver) Children(ctx context.Context) []*codeResolver {
	r := requestFrom(ctx)
	r.useAllCodes(c.cb)
	return r.codeList(c.cb, c.cb.children[c.c.ID])
}

func (c *codeResolver) Path(ctx context.Context) []*codeResolver {
	r := requestFrom(ctx)
	r.useAllCodes(c.cb)
	var path []*codeResolver
	for x := c.c; x != nil; x = c.cb.byID[x.Parent] {
		path = append([]*codeResolver{r.codeOf(c.cb, x)}, path...)
		if x.Parent == "" || len(path) > len(policykb.Levels) {
			break
		}
	}
	return path
}

type filterArgs struct{ Filter *corpusFilterInput }

// count loads the code's counts under the filter, batched over its siblings.
func (c *codeResolver) count(ctx context.Context, in *corpusFilterInput) (policykb.Count, error) {
	r := requestFrom(ctx)
	f, key, err := in.filter(ctx)
	if err != nil {
		return policykb.Count{}, err
	}
	l := loaderFor(r, "codeCounts|"+key, &r.codeKeys, func(ctx context.Context, ids []string) (map[string]policykb.Count, error) {
		return r.store.CodeCounts(ctx, ids, f)
	})
	n, _, err := l.load(ctx, c.c.ID)
	if err != nil {
		return policykb.Count{}, r.fail(ctx, err)
	}
	return n, nil
}

func (c *codeResolver) ReferencePoints(ctx context.Context, args filterArgs) (int32, error) {
	n, err := c.count(ctx, args.Filter)
	return int32(n.ReferencePoints), err
}

func (c *codeResolver) MaterialSources(ctx context.Context, args filterArgs) (int32, error) {
	n, err := c.count(ctx, args.Filter)
	return int32(n.MaterialSources), err
}

type codeSentencesArgs struct {
	Filter *corpusFilterInput
	First  int32
	After  *string
}

// Sentences is one graph call per code: graph has no batched form of it.
func (c *codeResolver) Sentences(ctx context.Context, args codeSentencesArgs) (*connection[*sentenceResolver], error) {
	r := requestFrom(ctx)
	f, _, err := args.Filter.filter(ctx)
	if err != nil {
		return nil, err
	}
	p, err := r.page(args.First, args.After)
	if err != nil {
		return nil, err
	}
	ss, total, err := r.store.Sentences(ctx, graph.SentenceQuery{Filter: f, CodeID: c.c.ID}, p)
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	return newConnection(r.sentenceList(ss), p, total), nil
}

// codeCountResolver resolves CodeCount, all of it from its fields.
type codeCountResolver struct {
	Code            *codeResolver
	ReferencePoints int32
	MaterialSources int32
}

// countList wraps counts, making their codes one sibling group.
func (r *request) countList(cb *codebook, counts []policykb.Count) []*codeCountResolver {
	out := make([]*codeCountResolver, len(counts))
	ids := make([]string, len(counts))
	for i, n := range counts {
		out[i] = &codeCountResolver{Code: r.codeByID(cb, n.CodeID),
			ReferencePoints: int32(n.ReferencePoints), MaterialSources: int32(n.MaterialSources)}
		ids[i] = n.CodeID
	}
	r.codeKeys.add(ids)
	return out
}
