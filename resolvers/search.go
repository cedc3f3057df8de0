package resolvers

import "context"

type searchArgs struct {
	studyArg
	Text   string
	Filter *corpusFilterInput
	First  int32
	After  *string
}

// Search resolves Query.search (see graph.Store.Search): a page of the
// sentences matching the text, best first.
func (*queryResolver) Search(ctx context.Context, args searchArgs) (*connection[*sentenceResolver], error) {
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
	ss, total, err := r.store.Search(ctx, args.Text, f, p)
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	return newConnection(r.sentenceList(ss), p, total), nil
}
