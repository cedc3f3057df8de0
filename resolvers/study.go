package resolvers

import (
	"context"
	"sync"

	graphql "github.com/graph-gophers/graphql-go"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
)

// studyArg is the study argument every question of Query takes (embedded
// in its arguments). graph.Store.ResolveStudy says what it means: optional
// while the knowledge base holds one study, required when it holds more.
type studyArg struct {
	Study *graphql.ID
}

// requestStudy is the study a request asks about. A request asks about one
// study: its codebook, dataloaders and counts are read for it, and every
// field below a question (Code.referencePoints, City.profile, ...) answers
// for the study of the question it is under.
type requestStudy struct {
	mu  sync.Mutex
	set bool
	ref string // as asked ("" for none)
	id  string // ResolveStudy's answer: "" for the whole base
}

// useStudy resolves a question's study argument and makes it the
// request's. Two questions of one request naming different studies are
// BAD_USER_INPUT naming study.
func (r *request) useStudy(ctx context.Context, arg *graphql.ID) error {
	ref := ""
	if arg != nil {
		ref = string(*arg)
	}
	id, err := r.store.ResolveStudy(ctx, ref)
	if err != nil {
		return r.fail(ctx, err)
	}
	r.study.mu.Lock()
	defer r.study.mu.Unlock()
	if r.study.set && r.study.id != id {
		return badInput("study", "one request asks about one study; this one names %q and %q: send a request per study",
			r.study.ref, ref)
	}
	r.study.set, r.study.ref, r.study.id = true, ref, id
	return nil
}

// studyID is the request's study for the store: "" for the whole base (a
// base of one study, or a field outside any question's study).
func (r *request) studyID() string {
	r.study.mu.Lock()
	defer r.study.mu.Unlock()
	return r.study.id
}

// inStudy keeps the codes of the request's study.
func (r *request) inStudy(codes []policykb.Code) []policykb.Code {
	id := r.studyID()
	if id == "" {
		return codes
	}
	out := []policykb.Code{}
	for _, c := range codes {
		if c.Study == id {
			out = append(out, c)
		}
	}
	return out
}

// codingsInStudy keeps the codings at the request's study's codes.
func (r *request) codingsInStudy(codings []policykb.Coding) []policykb.Coding {
	id := r.studyID()
	if id == "" {
		return codings
	}
	var out []policykb.Coding
	for _, c := range codings {
		if c.Study == id {
			out = append(out, c)
		}
	}
	return out
}

// Studies lists every study.
func (*queryResolver) Studies(ctx context.Context) ([]*studyResolver, error) {
	r := requestFrom(ctx)
	studies, err := r.store.Studies(ctx)
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	out := make([]*studyResolver, len(studies))
	for i, st := range studies {
		out[i] = &studyResolver{st: st}
	}
	return out, nil
}

// Study returns the study with the id (or name), or null.
func (*queryResolver) Study(ctx context.Context, args idArgs) (*studyResolver, error) {
	r := requestFrom(ctx)
	st, err := r.store.Study(ctx, string(args.ID))
	if err == graph.ErrNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	return &studyResolver{st: st}, nil
}

type studyResolver struct{ st policykb.Study }

func (s *studyResolver) ID() graphql.ID       { return graphql.ID(s.st.ID) }
func (s *studyResolver) Name() string         { return s.st.Name }
func (s *studyResolver) Description() *string { return optString(s.st.Description) }
func (s *studyResolver) Source() *string      { return optString(s.st.Source) }
func (s *studyResolver) CreatedAt() *string {
	if s.st.CreatedAt.IsZero() {
		return nil
	}
	t := s.st.CreatedAt.Format("2006-01-02T15:04:05Z")
	return &t
}

// Stats are the study's numbers: graph.Store.StudyStats, as policykb
// studies prints them.
func (s *studyResolver) Stats(ctx context.Context) (*statsResolver, error) {
	r := requestFrom(ctx)
	st, err := r.store.StudyStats(ctx, s.st.ID)
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	return &statsResolver{st}, nil
}

// Documents are the documents the study includes, in the order of
// Query.documents.
func (s *studyResolver) Documents(ctx context.Context, args struct {
	First int32
	After *string
}) (*connection[*documentResolver], error) {
	r := requestFrom(ctx)
	p, err := r.page(args.First, args.After)
	if err != nil {
		return nil, err
	}
	docs, total, err := r.store.Documents(ctx, policykb.CorpusFilter{Study: s.st.ID}, p)
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	return newConnection(r.documentList(docs), p, total), nil
}

// Codes are the study's codes of a level, in codebook order, with their
// ids and names (counts are asked under a question naming the study).
func (s *studyResolver) Codes(ctx context.Context, args struct{ Level string }) ([]*studyCodeResolver, error) {
	r := requestFrom(ctx)
	level, err := parseLevel(args.Level, "level")
	if err != nil {
		return nil, err
	}
	codes, err := r.store.StudyCodes(ctx, s.st.ID)
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	var out []*studyCodeResolver
	for _, c := range codes {
		if c.Level == level {
			out = append(out, &studyCodeResolver{c})
		}
	}
	return out, nil
}

type studyCodeResolver struct{ c policykb.Code }

func (c *studyCodeResolver) ID() graphql.ID  { return graphql.ID(c.c.ID) }
func (c *studyCodeResolver) Level() string   { return c.c.Level.String() }
func (c *studyCodeResolver) Name() string    { return c.c.Name }
func (c *studyCodeResolver) NameZh() *string { return optString(c.c.NameZh) }
func (c *studyCodeResolver) Parent() *graphql.ID {
	if c.c.Parent == "" {
		return nil
	}
	id := graphql.ID(c.c.Parent)
	return &id
}

// Studies are the ids of the studies that include the document.
func (d *documentResolver) Studies(ctx context.Context) ([]graphql.ID, error) {
	r := requestFrom(ctx)
	got, _, err := loaderFor(r, "documentStudies", &r.docKeys, func(ctx context.Context, ids []string) (map[string][]string, error) {
		return r.store.DocumentStudies(ctx, ids)
	}).load(ctx, d.d.ID)
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	out := make([]graphql.ID, len(got))
	for i, id := range got {
		out[i] = graphql.ID(id)
	}
	return out, nil
}
