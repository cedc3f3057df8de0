package resolvers

import (
	"context"

	graphql "github.com/graph-gophers/graphql-go"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
)

// queryResolver resolves Query. It is stateless: everything per request is
// in the request state the handler puts in the context.
type queryResolver struct{}

func (*queryResolver) Codebook(ctx context.Context, args studyArg) ([]*codeResolver, error) {
	r := requestFrom(ctx)
	if err := r.useStudy(ctx, args.Study); err != nil {
		return nil, err
	}
	cb, err := r.codebook(ctx)
	if err != nil {
		return nil, err
	}
	r.useAllCodes(cb)
	return r.codeList(cb, cb.byLevel[policykb.LevelLayer]), nil
}

type refArgs struct {
	studyArg
	Ref string
}

func (*queryResolver) Code(ctx context.Context, args refArgs) (*codeResolver, error) {
	r := requestFrom(ctx)
	if err := r.useStudy(ctx, args.Study); err != nil {
		return nil, err
	}
	c, err := r.resolveCode(ctx, args.Ref, "ref", false)
	if err != nil || c == nil {
		return nil, err
	}
	cb, err := r.codebook(ctx)
	if err != nil {
		return nil, err
	}
	return r.codeOf(cb, c), nil
}

func (*queryResolver) Codes(ctx context.Context, args levelArgs) ([]*codeResolver, error) {
	r := requestFrom(ctx)
	if err := r.useStudy(ctx, args.Study); err != nil {
		return nil, err
	}
	level, err := parseLevel(args.Level, "level")
	if err != nil {
		return nil, err
	}
	cb, err := r.codebook(ctx)
	if err != nil {
		return nil, err
	}
	return r.codeList(cb, cb.byLevel[level]), nil
}

func (*queryResolver) Cities(ctx context.Context, args studyArg) ([]*cityResolver, error) {
	r := requestFrom(ctx)
	if err := r.useStudy(ctx, args.Study); err != nil {
		return nil, err
	}
	ci, err := r.cityIndex(ctx)
	if err != nil {
		return nil, err
	}
	return r.cityList(ci.list), nil
}

type nameArgs struct {
	studyArg
	Name string
}

func (*queryResolver) City(ctx context.Context, args nameArgs) (*cityResolver, error) {
	r := requestFrom(ctx)
	if err := r.useStudy(ctx, args.Study); err != nil {
		return nil, err
	}
	ci, err := r.cityIndex(ctx)
	if err != nil {
		return nil, err
	}
	c := ci.lookup(args.Name)
	if c == nil {
		return nil, nil
	}
	return newCity(c), nil
}

type documentsArgs struct {
	studyArg
	Filter *corpusFilterInput
	First  int32
	After  *string
}

func (*queryResolver) Documents(ctx context.Context, args documentsArgs) (*connection[*documentResolver], error) {
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
	docs, total, err := r.store.Documents(ctx, f, p)
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	return newConnection(r.documentList(docs), p, total), nil
}

type idArgs struct {
	studyArg
	ID graphql.ID
}

func (*queryResolver) Document(ctx context.Context, args idArgs) (*documentResolver, error) {
	r := requestFrom(ctx)
	if err := r.useStudy(ctx, args.Study); err != nil {
		return nil, err
	}
	d, found, err := r.documentsByID().load(ctx, string(args.ID))
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	if !found {
		return nil, nil
	}
	return &documentResolver{d: d}, nil
}

// sentenceFilterInput is the SentenceFilter input object.
type sentenceFilterInput struct {
	Code      *string
	Cities    *[]string
	Documents *[]graphql.ID
	Text      *string
	Coded     *bool
}

type sentencesArgs struct {
	studyArg
	Filter *sentenceFilterInput
	First  int32
	After  *string
}

func (*queryResolver) Sentences(ctx context.Context, args sentencesArgs) (*connection[*sentenceResolver], error) {
	r := requestFrom(ctx)
	if err := r.useStudy(ctx, args.Study); err != nil {
		return nil, err
	}
	p, err := r.page(args.First, args.After)
	if err != nil {
		return nil, err
	}
	q := graph.SentenceQuery{Filter: policykb.CorpusFilter{Study: r.studyID()}}
	if in := args.Filter; in != nil {
		q.Filter.Cities = deref(in.Cities)
		if in.Documents != nil {
			for _, id := range *in.Documents {
				q.Filter.Documents = append(q.Filter.Documents, string(id))
			}
		}
		if err := r.checkFilter(ctx, q.Filter, filterKey(q.Filter)); err != nil {
			return nil, err
		}
		if in.Code != nil {
			c, err := r.resolveCode(ctx, *in.Code, "filter.code", true)
			if err != nil {
				return nil, err
			}
			q.CodeID = c.ID
		}
		if in.Text != nil {
			q.Text = *in.Text
		}
		q.Coded = in.Coded
	}
	ss, total, err := r.store.Sentences(ctx, q, p)
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	return newConnection(r.sentenceList(ss), p, total), nil
}

type countsArgs struct {
	studyArg
	Level  string
	Filter *corpusFilterInput
}

func (*queryResolver) Counts(ctx context.Context, args countsArgs) ([]*codeCountResolver, error) {
	r := requestFrom(ctx)
	if err := r.useStudy(ctx, args.Study); err != nil {
		return nil, err
	}
	level, f, err := levelAndFilter(ctx, args.Level, "level", args.Filter)
	if err != nil {
		return nil, err
	}
	cb, err := r.codebook(ctx)
	if err != nil {
		return nil, err
	}
	counts, err := r.store.Counts(ctx, level, f)
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	out := r.countList(cb, counts)
	if r.keepDirect("counts", out) {
		return []*codeCountResolver{}, nil
	}
	return out, nil
}

type citiesCitingArgs struct {
	studyArg
	Code          string
	MinReferences int32
	Filter        *corpusFilterInput
}

func (*queryResolver) CitiesCiting(ctx context.Context, args citiesCitingArgs) ([]*citationResolver, error) {
	r := requestFrom(ctx)
	if err := r.useStudy(ctx, args.Study); err != nil {
		return nil, err
	}
	code, err := r.resolveCode(ctx, args.Code, "code", true)
	if err != nil {
		return nil, err
	}
	f, key, err := args.Filter.filter(ctx)
	if err != nil {
		return nil, err
	}
	min := int(args.MinReferences)
	ci, err := r.cityIndex(ctx)
	if err != nil {
		return nil, err
	}
	cits, err := r.store.CitationCounts(ctx, code.ID, f)
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	out := []*citationResolver{}
	var cities []string
	for _, c := range cits {
		if c.ReferencePoints < min {
			continue
		}
		out = append(out, &citationResolver{City: newCity(ci.city(c.City)), ReferencePoints: int32(c.ReferencePoints),
			MaterialSources: int32(c.MaterialSources), codeID: code.ID, filter: f, filterKey: key})
		cities = append(cities, c.City)
	}
	if r.keepDirect("citiesCiting", out) {
		return []*citationResolver{}, nil // no field of theirs loads more
	}
	r.cityKeys.add(cities)
	return out, nil
}

// nonNil makes an empty list [] rather than null (the schema says [T!]!).
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (*queryResolver) Stats(ctx context.Context, args studyArg) (*statsResolver, error) {
	r := requestFrom(ctx)
	if err := r.useStudy(ctx, args.Study); err != nil {
		return nil, err
	}
	// The whole base (a base of one study) or the study's.
	var s policykb.Stats
	var err error
	if id := r.studyID(); id == "" {
		s, err = r.store.Stats(ctx)
	} else {
		s, err = r.store.StudyStats(ctx, id)
	}
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	return &statsResolver{s: s}, nil
}

type statsResolver struct{ s policykb.Stats }

func (s *statsResolver) Cities() int32         { return int32(s.s.Cities) }
func (s *statsResolver) Documents() int32      { return int32(s.s.Documents) }
func (s *statsResolver) Sentences() int32      { return int32(s.s.Sentences) }
func (s *statsResolver) CodedSentences() int32 { return int32(s.s.CodedSentences) }
func (s *statsResolver) Codings() int32        { return int32(s.s.Codings) }
func (s *statsResolver) Layers() int32         { return int32(s.s.Layers) }
func (s *statsResolver) MainCategories() int32 { return int32(s.s.MainCategories) }
func (s *statsResolver) Categories() int32     { return int32(s.s.Categories) }
func (s *statsResolver) Concepts() int32       { return int32(s.s.Concepts) }
