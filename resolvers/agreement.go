package resolvers

import (
	"context"

	graphql "github.com/graph-gophers/graphql-go"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
)

type agreementArgs struct {
	studyArg
	CoderA, CoderB string
	Level          string
	Filter         *corpusFilterInput
}

// Agreement resolves Query.agreement (see graph.Store.Agreement).
func (*queryResolver) Agreement(ctx context.Context, args agreementArgs) (*agreementResolver, error) {
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
	// The tables only: a code's disagreements are read when asked for.
	a, err := r.store.AgreementTables(ctx, args.CoderA, args.CoderB, level, f)
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	res := &agreementResolver{a: a, byCode: make([]*codeAgreementResolver, 0, len(a.ByCode))}
	codes := make([]*policykb.Code, len(a.ByCode))
	for i, c := range a.ByCode {
		codes[i] = r.codeByID(cb, c.CodeID).c
	}
	for i, code := range r.codeList(cb, codes) {
		res.byCode = append(res.byCode, &codeAgreementResolver{c: a.ByCode[i], code: code})
	}
	return res, nil
}

type agreementResolver struct {
	a      graph.Agreement
	byCode []*codeAgreementResolver
}

func (a *agreementResolver) CoderA() string            { return a.a.CoderA }
func (a *agreementResolver) CoderB() string            { return a.a.CoderB }
func (a *agreementResolver) Level() string             { return a.a.Level.String() }
func (a *agreementResolver) Units() int32              { return int32(a.a.Units) }
func (a *agreementResolver) PercentAgreement() float64 { return a.a.Pooled.PercentAgreement() }
func (a *agreementResolver) Kappa() float64            { return a.a.Pooled.Kappa() }
func (a *agreementResolver) Holsti() float64           { return a.a.Pooled.Holsti() }
func (a *agreementResolver) CodingsA() int32           { return int32(a.a.Pooled.Both + a.a.Pooled.OnlyA) }
func (a *agreementResolver) CodingsB() int32           { return int32(a.a.Pooled.Both + a.a.Pooled.OnlyB) }
func (a *agreementResolver) Matched() int32            { return int32(a.a.Pooled.Both) }

type byCodeArgs struct{ Codes *[]graphql.ID }

// ByCode is every code's entry, or those of the codes asked for. The
// entries of one list read their disagreements together, on the first ask.
func (a *agreementResolver) ByCode(args byCodeArgs) []*codeAgreementResolver {
	var want map[string]bool
	if args.Codes != nil {
		want = map[string]bool{}
		for _, id := range *args.Codes {
			want[string(id)] = true
		}
	}
	list := &disagreementsOf{a: a.a}
	out := []*codeAgreementResolver{}
	for _, c := range a.byCode {
		if want == nil || want[c.c.CodeID] {
			out = append(out, &codeAgreementResolver{c: c.c, code: c.code, list: list})
			list.ids = append(list.ids, c.c.DisagreementIDs...)
		}
	}
	return out
}

// disagreementsOf reads, once, the sentences of the disagreements of the
// entries of one byCode list.
type disagreementsOf struct {
	a     graph.Agreement
	ids   []string
	units lazy[map[string]policykb.Sentence]
}

// of returns the units of ids (a code's DisagreementIDs), in document then
// sentence order.
func (d *disagreementsOf) of(ctx context.Context, ids []string) ([]policykb.Sentence, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	r := requestFrom(ctx)
	units, err := d.units.get(func() (map[string]policykb.Sentence, error) {
		return r.store.SentencesByID(ctx, dedupe(d.ids))
	})
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	out := make([]policykb.Sentence, 0, len(ids))
	for _, id := range ids {
		// A sentence deleted since the tables were read is no longer a unit.
		if st, ok := units[id]; ok {
			out = append(out, st)
		}
	}
	d.a.SortUnits(out)
	return out, nil
}
func (a *agreementResolver) Documents(ctx context.Context) ([]*documentResolver, error) {
	return documentsInOrder(ctx, a.a.Documents)
}

type codeAgreementResolver struct {
	c    graph.CodeAgreement
	code *codeResolver
	list *disagreementsOf
}

func (c *codeAgreementResolver) Code() *codeResolver       { return c.code }
func (c *codeAgreementResolver) PercentAgreement() float64 { return c.c.PercentAgreement() }
func (c *codeAgreementResolver) Kappa() float64            { return c.c.Kappa() }
func (c *codeAgreementResolver) Both() int32               { return int32(c.c.Both) }
func (c *codeAgreementResolver) OnlyA() int32              { return int32(c.c.OnlyA) }
func (c *codeAgreementResolver) OnlyB() int32              { return int32(c.c.OnlyB) }
func (c *codeAgreementResolver) Neither() int32            { return int32(c.c.Neither) }
func (c *codeAgreementResolver) Disagreements(ctx context.Context) ([]*sentenceResolver, error) {
	units, err := c.list.of(ctx, c.c.DisagreementIDs)
	if err != nil {
		return nil, err
	}
	return requestFrom(ctx).sentenceList(units), nil
}
