package resolvers

import (
	"context"
	"slices"
	"sync"

	graphql "github.com/graph-gophers/graphql-go"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/analysis"
	"github.com/policykb/policykb/graph"
)

type pmcArgs struct {
	studyArg
	Model  graphql.ID
	Filter *corpusFilterInput
}

// Pmc scores the documents in one graph call (graph.Store.PMC); the
// evidence sentences are read only when a sentences or sentenceCount
// field asks, for the documents of the page at once.
func (*queryResolver) Pmc(ctx context.Context, args pmcArgs) (*pmcResolver, error) {
	r := requestFrom(ctx)
	if err := r.useStudy(ctx, args.Study); err != nil {
		return nil, err
	}
	f, _, err := args.Filter.filter(ctx)
	if err != nil {
		return nil, err
	}
	study := ""
	if args.Study != nil {
		study = string(*args.Study)
	}
	res, err := r.store.PMC(ctx, graph.PMCQuery{Study: study, Model: string(args.Model), Filter: f})
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	return newPMC(res), nil
}

func (*queryResolver) PmcModels(ctx context.Context, args studyArg) ([]*pmcModelResolver, error) {
	r := requestFrom(ctx)
	if err := r.useStudy(ctx, args.Study); err != nil {
		return nil, err
	}
	ref := ""
	if args.Study != nil {
		ref = string(*args.Study)
	}
	study, err := r.store.StudyID(ctx, ref)
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	ms, err := r.store.PMCModels(ctx, study)
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	out := make([]*pmcModelResolver, len(ms))
	for i := range ms {
		out[i] = newPMCModel(ms[i])
	}
	return out, nil
}

// pmcModelResolver resolves PMCModel.
type pmcModelResolver struct {
	m    graph.PMCModelInfo
	vars []*pmcVariableResolver
	sec  map[string]*pmcSecondaryResolver
	byID map[string]*pmcVariableResolver
}

func newPMCModel(m graph.PMCModelInfo) *pmcModelResolver {
	res := &pmcModelResolver{m: m, sec: map[string]*pmcSecondaryResolver{}, byID: map[string]*pmcVariableResolver{}}
	for _, v := range m.Model.Variables {
		vr := &pmcVariableResolver{v: v}
		for _, sv := range v.Secondary {
			sr := &pmcSecondaryResolver{s: sv}
			vr.sec = append(vr.sec, sr)
			res.sec[sv.ID] = sr
		}
		res.vars = append(res.vars, vr)
		res.byID[v.ID] = vr
	}
	return res
}

func (m *pmcModelResolver) ID() graphql.ID                    { return graphql.ID(m.m.Model.ID) }
func (m *pmcModelResolver) Name() string                      { return m.m.Model.Name }
func (m *pmcModelResolver) NameZh() *string                   { return optString(m.m.Model.NameZh) }
func (m *pmcModelResolver) Description() *string              { return optString(m.m.Model.Description) }
func (m *pmcModelResolver) Source() *string                   { return optString(m.m.Model.Source) }
func (m *pmcModelResolver) File() string                      { return m.m.File }
func (m *pmcModelResolver) Variables() []*pmcVariableResolver { return m.vars }
func (m *pmcModelResolver) Frames() []string                  { return nonNil(m.m.Frames) }
func (m *pmcModelResolver) ManualScores() int32               { return int32(m.m.Scores) }
func (m *pmcModelResolver) Grades() []*pmcGradeResolver {
	out := make([]*pmcGradeResolver, len(m.m.Model.Grades))
	for i, g := range m.m.Model.Grades {
		out[i] = &pmcGradeResolver{g}
	}
	return out
}

type pmcGradeResolver struct{ g policykb.PMCGrade }

func (g *pmcGradeResolver) Name() string    { return g.g.Name }
func (g *pmcGradeResolver) NameZh() *string { return optString(g.g.NameZh) }
func (g *pmcGradeResolver) Min() float64    { return g.g.Min }
func (g *pmcGradeResolver) Max() float64    { return g.g.Max }

type pmcVariableResolver struct {
	v   policykb.PMCVariable
	sec []*pmcSecondaryResolver
}

func (v *pmcVariableResolver) ID() graphql.ID                     { return graphql.ID(v.v.ID) }
func (v *pmcVariableResolver) Name() string                       { return v.v.Name }
func (v *pmcVariableResolver) NameZh() *string                    { return optString(v.v.NameZh) }
func (v *pmcVariableResolver) Secondary() []*pmcSecondaryResolver { return v.sec }

type pmcSecondaryResolver struct{ s policykb.PMCSecondary }

func (s *pmcSecondaryResolver) ID() graphql.ID       { return graphql.ID(s.s.ID) }
func (s *pmcSecondaryResolver) Name() string         { return s.s.Name }
func (s *pmcSecondaryResolver) NameZh() *string      { return optString(s.s.NameZh) }
func (s *pmcSecondaryResolver) Description() *string { return optString(s.s.Description) }
func (s *pmcSecondaryResolver) Rule() string         { return s.s.Rule.Kind.String() }
func (s *pmcSecondaryResolver) Codes() []string      { return nonNil(s.s.Rule.Codes) }
func (s *pmcSecondaryResolver) AtLeast() *int32 {
	if s.s.Rule.Kind != policykb.RuleCodings {
		return nil
	}
	n := int32(s.s.Rule.AtLeast)
	return &n
}
func (s *pmcSecondaryResolver) Attribute() *string { return optString(s.s.Rule.Attribute) }
func (s *pmcSecondaryResolver) Values() *[]string {
	if s.s.Rule.In == nil {
		return nil
	}
	return &s.s.Rule.In
}
func (s *pmcSecondaryResolver) Min() *float64   { return s.s.Rule.Min }
func (s *pmcSecondaryResolver) Max() *float64   { return s.s.Rule.Max }
func (s *pmcSecondaryResolver) Manual() *string { return optString(s.s.Rule.Manual) }

// pmcResolver resolves PMC.
type pmcResolver struct {
	res   *graph.PMCResult
	model *pmcModelResolver
	docs  []*pmcDocumentResolver
	byID  map[string]*pmcDocumentResolver

	// The evidence of the documents asked for, read once per page.
	mu       sync.Mutex
	evidence map[string]map[string][]string // document → variable → sentences
}

func newPMC(res *graph.PMCResult) *pmcResolver {
	p := &pmcResolver{res: res, model: newPMCModel(res.Model), byID: map[string]*pmcDocumentResolver{}}
	for i := range res.Documents {
		d := &pmcDocumentResolver{p: p, d: &res.Documents[i]}
		p.docs = append(p.docs, d)
		p.byID[d.d.Document] = d
	}
	return p
}

func (p *pmcResolver) Model() *pmcModelResolver { return p.model }
func (p *pmcResolver) DocumentCount() int32     { return int32(len(p.docs)) }
func (p *pmcResolver) MeanPMC() float64         { return p.res.Summary.MeanPMC }
func (p *pmcResolver) MeanDepression() float64  { return p.res.Summary.MeanDepression }

func (p *pmcResolver) Documents(ctx context.Context, args pageArgs) (*connection[*pmcDocumentResolver], error) {
	r := requestFrom(ctx)
	pg, err := r.page(args.First, args.After)
	if err != nil {
		return nil, err
	}
	lo := min(pg.Offset, len(p.docs))
	hi := min(lo+pg.Limit, len(p.docs))
	page := p.docs[lo:hi]
	p.list(r, page)
	return newConnection(page, pg, len(p.docs)), nil
}

// list makes the documents one group: their evidence is read together.
func (p *pmcResolver) list(r *request, docs []*pmcDocumentResolver) {
	ds := make([]policykb.Document, len(docs))
	for i, d := range docs {
		d.group = docs
		ds[i] = d.d.Doc
	}
	r.documentList(ds)
}

type idArg struct{ ID graphql.ID }

func (p *pmcResolver) Document(ctx context.Context, args idArg) *pmcDocumentResolver {
	d := p.byID[string(args.ID)]
	if d != nil {
		p.list(requestFrom(ctx), []*pmcDocumentResolver{d})
	}
	return d
}

func (p *pmcResolver) Means() []*pmcMeanResolver {
	out := make([]*pmcMeanResolver, len(p.model.vars))
	for i, v := range p.model.vars {
		out[i] = &pmcMeanResolver{v: v}
		if i < len(p.res.Summary.Variables) {
			out[i].mean = p.res.Summary.Variables[i].Mean
		}
	}
	return out
}

type pmcMeanResolver struct {
	v    *pmcVariableResolver
	mean float64
}

func (m *pmcMeanResolver) Variable() *pmcVariableResolver { return m.v }
func (m *pmcMeanResolver) Mean() float64                  { return m.mean }

func (p *pmcResolver) Grades() []*pmcGradeCountResolver {
	var out []*pmcGradeCountResolver
	for _, g := range p.model.Grades() {
		out = append(out, &pmcGradeCountResolver{g: g, n: int32(p.res.Summary.Grades[g.g.Name])})
	}
	return out
}

type pmcGradeCountResolver struct {
	g *pmcGradeResolver
	n int32
}

func (g *pmcGradeCountResolver) Grade() *pmcGradeResolver { return g.g }
func (g *pmcGradeCountResolver) Documents() int32         { return g.n }

func (p *pmcResolver) Cities(ctx context.Context) ([]*pmcCityResolver, error) {
	r := requestFrom(ctx)
	ci, err := r.cityIndex(ctx)
	if err != nil {
		return nil, err
	}
	var cities []*policykb.City
	out := make([]*pmcCityResolver, len(p.res.Summary.Cities))
	for i, c := range p.res.Summary.Cities {
		city := ci.city(c.City)
		cities = append(cities, city)
		out[i] = &pmcCityResolver{c: c}
	}
	for i, cr := range r.cityList(cities) {
		out[i].city = cr
	}
	return out, nil
}

type pmcCityResolver struct {
	c    analysis.CityMean
	city *cityResolver
}

func (c *pmcCityResolver) City() *cityResolver { return c.city }
func (c *pmcCityResolver) Documents() int32    { return int32(c.c.Documents) }
func (c *pmcCityResolver) MeanPMC() float64    { return c.c.MeanPMC }
func (c *pmcCityResolver) Means() []float64    { return nonNil(c.c.Means) }

// evidenceOf returns a document's evidence, reading that of its whole
// group (the page it was listed in) the first time.
func (p *pmcResolver) evidenceOf(ctx context.Context, d *pmcDocumentResolver) (map[string][]string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if ev, ok := p.evidence[d.d.Document]; ok {
		return ev, nil
	}
	var ids []string
	for _, x := range d.group {
		if _, ok := p.evidence[x.d.Document]; !ok {
			ids = append(ids, x.d.Document)
		}
	}
	if !slices.Contains(ids, d.d.Document) {
		ids = append(ids, d.d.Document)
	}
	r := requestFrom(ctx)
	ev, err := r.store.PMCEvidence(ctx, p.res, ids)
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	if p.evidence == nil {
		p.evidence = map[string]map[string][]string{}
	}
	// The sentences of the whole group are one sibling group: the first
	// sentences field asked reads them all.
	var all []string
	for id, m := range ev {
		p.evidence[id] = m
		for _, ss := range m {
			all = append(all, ss...)
		}
	}
	r.sentenceKeys.add(all)
	return p.evidence[d.d.Document], nil
}

// pmcDocumentResolver resolves PMCDocument.
type pmcDocumentResolver struct {
	p     *pmcResolver
	d     *graph.PMCDocument
	group []*pmcDocumentResolver
}

func (d *pmcDocumentResolver) Document() *documentResolver { return &documentResolver{d: d.d.Doc} }
func (d *pmcDocumentResolver) City(ctx context.Context) (*cityResolver, error) {
	return d.Document().City(ctx)
}
func (d *pmcDocumentResolver) Rank() int32         { return int32(d.d.Rank) }
func (d *pmcDocumentResolver) Pmc() float64        { return d.d.PMC }
func (d *pmcDocumentResolver) Depression() float64 { return d.d.Depression }
func (d *pmcDocumentResolver) Grade() *string      { return optString(d.d.Grade) }
func (d *pmcDocumentResolver) Surface() *[][]float64 {
	if d.d.Surface == nil {
		return nil
	}
	return &d.d.Surface
}

func (d *pmcDocumentResolver) Variables() []*pmcPrimaryResolver {
	out := make([]*pmcPrimaryResolver, len(d.d.Primary))
	for i, p := range d.d.Primary {
		pr := &pmcPrimaryResolver{p: p, v: d.p.model.byID[p.Variable]}
		for _, s := range p.Secondary {
			pr.sec = append(pr.sec, &pmcScoreResolver{doc: d, s: s, v: d.p.model.sec[s.Variable]})
		}
		out[i] = pr
	}
	return out
}

type variableArg struct{ Variable graphql.ID }

// Score is one secondary score of the document by its variable's id.
func (d *pmcDocumentResolver) Score(args variableArg) *pmcScoreResolver {
	for _, p := range d.d.Primary {
		for _, s := range p.Secondary {
			if s.Variable == string(args.Variable) {
				return &pmcScoreResolver{doc: d, s: s, v: d.p.model.sec[s.Variable]}
			}
		}
	}
	return nil
}

type pmcPrimaryResolver struct {
	p   analysis.PrimaryScore
	v   *pmcVariableResolver
	sec []*pmcScoreResolver
}

func (p *pmcPrimaryResolver) Variable() *pmcVariableResolver { return p.v }
func (p *pmcPrimaryResolver) Value() float64                 { return p.p.Value }
func (p *pmcPrimaryResolver) Ones() int32                    { return int32(p.p.Ones) }
func (p *pmcPrimaryResolver) Of() int32                      { return int32(p.p.Of) }
func (p *pmcPrimaryResolver) Secondary() []*pmcScoreResolver { return p.sec }

// pmcScoreResolver resolves PMCSecondaryScore.
type pmcScoreResolver struct {
	doc *pmcDocumentResolver
	s   analysis.SecondaryScore
	v   *pmcSecondaryResolver
}

func (s *pmcScoreResolver) Variable() *pmcSecondaryResolver { return s.v }
func (s *pmcScoreResolver) Score() int32                    { return int32(s.s.Score) }
func (s *pmcScoreResolver) Rule() string                    { return s.s.Evidence.Kind.String() }

func (s *pmcScoreResolver) sentenceIDs(ctx context.Context) ([]string, bool, error) {
	if s.s.Evidence.Kind != policykb.RuleCodings {
		return nil, false, nil
	}
	ev, err := s.doc.p.evidenceOf(ctx, s.doc)
	if err != nil {
		return nil, false, err
	}
	return ev[s.s.Variable], true, nil
}

func (s *pmcScoreResolver) SentenceCount(ctx context.Context) (*int32, error) {
	ids, ok, err := s.sentenceIDs(ctx)
	if err != nil || !ok {
		return nil, err
	}
	n := int32(len(ids))
	return &n, nil
}

type firstArg struct{ First int32 }

func (s *pmcScoreResolver) Sentences(ctx context.Context, args firstArg) (*[]*sentenceResolver, error) {
	ids, ok, err := s.sentenceIDs(ctx)
	if err != nil || !ok {
		return nil, err
	}
	r := requestFrom(ctx)
	if _, err := r.page(args.First, nil); err != nil {
		return nil, err
	}
	ids = ids[:min(len(ids), int(args.First))]
	l := loaderFor(r, "pmcSentences", &r.sentenceKeys, func(ctx context.Context, ids []string) (map[string]policykb.Sentence, error) {
		return r.store.SentencesByID(ctx, ids)
	})
	ss := make([]policykb.Sentence, 0, len(ids))
	for _, id := range ids {
		sn, _, err := l.load(ctx, id)
		if err != nil {
			return nil, r.fail(ctx, err)
		}
		ss = append(ss, sn)
	}
	out := r.sentenceList(ss)
	return &out, nil
}

func (s *pmcScoreResolver) Attribute() *string {
	if s.s.Evidence.Kind != policykb.RuleAttribute {
		return nil
	}
	return &s.s.Evidence.Attribute
}

func (s *pmcScoreResolver) Value() *string {
	if s.s.Evidence.Kind != policykb.RuleAttribute {
		return nil
	}
	return optString(s.s.Evidence.Value)
}

func (s *pmcScoreResolver) Note() *string {
	if s.s.Evidence.Kind != policykb.RuleManual {
		return nil
	}
	return &s.s.Evidence.Note
}
