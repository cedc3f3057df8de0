package resolvers

import (
	"context"
	"strconv"
	"strings"

	graphql "github.com/graph-gophers/graphql-go"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
)

type cooccurrenceArgs struct {
	studyArg
	Level    string
	Scope    string
	MinCount int32
	Filter   *corpusFilterInput
	Codes    *[]graphql.ID
}

// Cooccurrence lists the co-occurring pairs in one graph call. The pairs
// are one sibling group, so evidence for all of them is one more call, and
// their codes one group for any counts asked of them.
func (*queryResolver) Cooccurrence(ctx context.Context, args cooccurrenceArgs) ([]*codePairResolver, error) {
	r := requestFrom(ctx)
	if err := r.useStudy(ctx, args.Study); err != nil {
		return nil, err
	}
	level, err := parseLevel(args.Level, "level")
	if err != nil {
		return nil, err
	}
	scope, err := policykb.ParseScope(args.Scope)
	if err != nil {
		return nil, badInput("scope", "%v", err)
	}
	if args.MinCount < 1 {
		return nil, badInput("minCount", "minCount must be at least 1, got %d", args.MinCount)
	}
	f, key, err := args.Filter.filter(ctx)
	if err != nil {
		return nil, err
	}
	cb, err := r.codebook(ctx)
	if err != nil {
		return nil, err
	}
	pairs, err := r.store.Cooccurrence(ctx, level, scope, int(args.MinCount), f)
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	if args.Codes != nil {
		among := map[string]bool{}
		var ids []string
		for _, id := range *args.Codes {
			among[string(id)] = true
			ids = append(ids, string(id))
		}
		kept := pairs[:0:0]
		for _, p := range pairs {
			if among[p.A] && among[p.B] {
				kept = append(kept, p)
			}
		}
		pairs = kept
		key += "|codes:" + strings.Join(ids, ",")
	}
	group := &pairGroup{
		name:  strings.Join([]string{"pairEvidence", level.String(), scope.String(), strconv.Itoa(int(args.MinCount)), key}, "|"),
		scope: scope, filter: f,
	}
	out := make([]*codePairResolver, len(pairs))
	keys := make([]string, len(pairs))
	var codeIDs []string
	for i, p := range pairs {
		out[i] = &codePairResolver{p: p, a: r.codeByID(cb, p.A), b: r.codeByID(cb, p.B), group: group}
		keys[i] = pairKey(p.A, p.B)
		codeIDs = append(codeIDs, p.A, p.B)
	}
	if r.keepDirect("cooccurrence", out) {
		return []*codePairResolver{}, nil // no field of theirs loads more
	}
	group.kin.add(keys)
	r.codeKeys.add(codeIDs)
	return out, nil
}

// pairGroup is what the pairs of one cooccurrence field share: their
// sibling group and the arguments their evidence depends on.
type pairGroup struct {
	name   string // encodes every argument below, for loaderFor
	kin    siblings
	scope  policykb.Scope
	filter policykb.CorpusFilter
}

// pairKey joins two code ids into a loader key (ids never hold a NUL).
func pairKey(a, b string) string { return a + "\x00" + b }

// codePairResolver resolves CodePair.
type codePairResolver struct {
	p     graph.CodePair
	a, b  *codeResolver
	group *pairGroup
}

func (c *codePairResolver) A() *codeResolver      { return c.a }
func (c *codePairResolver) B() *codeResolver      { return c.b }
func (c *codePairResolver) Count() int32          { return int32(c.p.Count) }
func (c *codePairResolver) CountA() int32         { return int32(c.p.CountA) }
func (c *codePairResolver) CountB() int32         { return int32(c.p.CountB) }
func (c *codePairResolver) CCoefficient() float64 { return c.p.CCoefficient }

// Evidence loads the first sentences of every sibling pair at once.
func (c *codePairResolver) Evidence(ctx context.Context, args evidenceArgs) ([]*sentenceResolver, error) {
	r := requestFrom(ctx)
	n := int(args.First)
	if n < 0 || n > r.maxPage {
		return nil, badInput("first", "first must be between 0 and %d, got %d", r.maxPage, n)
	}
	if n == 0 {
		return []*sentenceResolver{}, nil
	}
	g := c.group
	l := loaderFor(r, g.name+"|"+strconv.Itoa(n), &g.kin, func(ctx context.Context, keys []string) (map[string][]policykb.Sentence, error) {
		pairs := make([][2]string, len(keys))
		for i, k := range keys {
			a, b, _ := strings.Cut(k, "\x00")
			pairs[i] = [2]string{a, b}
		}
		fetch := r.store.PairEvidence
		if g.scope == policykb.ScopeDocument {
			fetch = r.store.PairDocumentEvidence
		}
		got, err := fetch(ctx, pairs, g.filter, n)
		if err != nil {
			return nil, err
		}
		res := make(map[string][]policykb.Sentence, len(got))
		var all []policykb.Sentence
		for _, p := range pairs {
			ss := got[p]
			res[pairKey(p[0], p[1])] = ss
			all = append(all, ss...)
		}
		r.sentenceList(all)
		return res, nil
	})
	ss, _, err := l.load(ctx, pairKey(c.p.A, c.p.B))
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	out := make([]*sentenceResolver, len(ss))
	for i, s := range ss {
		out[i] = &sentenceResolver{s: s}
	}
	return out, nil
}
