package resolvers

import (
	"context"

	graphql "github.com/graph-gophers/graphql-go"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
)

type saturationArgs struct {
	studyArg
	HeldOut []graphql.ID
	Level   string
	Filter  *corpusFilterInput
}

// Saturation resolves Query.saturation (see graph.Store.Saturation).
func (*queryResolver) Saturation(ctx context.Context, args saturationArgs) (*saturationResolver, error) {
	r := requestFrom(ctx)
	if err := r.useStudy(ctx, args.Study); err != nil {
		return nil, err
	}
	level, f, err := levelAndFilter(ctx, args.Level, "level", args.Filter)
	if err != nil {
		return nil, err
	}
	held := make([]string, len(args.HeldOut))
	for i, id := range args.HeldOut {
		held[i] = string(id)
	}
	cb, err := r.codebook(ctx)
	if err != nil {
		return nil, err
	}
	sat, err := r.store.Saturation(ctx, held, level, f)
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	codes := make([]*policykb.Code, 0, len(sat.NewCodes))
	for _, id := range sat.NewCodes {
		codes = append(codes, r.codeByID(cb, id).c)
	}
	return &saturationResolver{s: sat, codes: r.codeList(cb, codes)}, nil
}

type saturationResolver struct {
	s     graph.Saturation
	codes []*codeResolver
}

func (s *saturationResolver) Saturated() bool           { return s.s.Saturated() }
func (s *saturationResolver) NewCodes() []*codeResolver { return s.codes }
func (s *saturationResolver) ComparedWith() int32       { return int32(s.s.Others) }
func (s *saturationResolver) HeldOut(ctx context.Context) ([]*documentResolver, error) {
	return documentsInOrder(ctx, s.s.HeldOut)
}

// documentsInOrder reads the documents with the given ids, in that order
// (ids the store lacks are left out), with one store call.
func documentsInOrder(ctx context.Context, ids []string) ([]*documentResolver, error) {
	r := requestFrom(ctx)
	if len(ids) == 0 {
		return []*documentResolver{}, nil
	}
	byID, err := r.store.DocumentsByID(ctx, ids)
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	docs := make([]policykb.Document, 0, len(ids))
	for _, id := range ids {
		if d, ok := byID[id]; ok {
			docs = append(docs, d)
		}
	}
	return r.documentList(docs), nil
}
