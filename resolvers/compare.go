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

// mixLevel is the level at which compareCities and similarity compare
// cities' policy mixes: a level of the codebook (codebook true, level), or
// a level of another frame (axis).
type mixLevel struct {
	codebook bool
	level    policykb.Level
	axis     graph.Axis
}

// parseMixLevel reads the level and frameLevel arguments: exactly one of
// them. frameLevel {frame: "codebook", level: L} is the codebook level L.
func parseMixLevel(level *string, frameLevel *axisInput) (mixLevel, error) {
	switch {
	case level != nil && frameLevel != nil:
		return mixLevel{}, badInput("frameLevel", "give level (a codebook level) or frameLevel (a level of a frame), not both")
	case level != nil:
		l, err := parseLevel(*level, "level")
		return mixLevel{codebook: true, level: l}, err
	case frameLevel == nil:
		return mixLevel{}, badInput("level", "give level (LAYER, MAIN_CATEGORY, CATEGORY, CONCEPT) or frameLevel ({frame: \"instruments\", level: \"TYPE\"})")
	}
	if frameLevel.Dimension != nil {
		return mixLevel{}, badInput("frameLevel", "frameLevel is a frame and its level ({frame: \"instruments\", level: \"TYPE\"}), not a dimension: the cities are the other side")
	}
	a, err := frameLevel.axis("frameLevel")
	if err != nil {
		return mixLevel{}, err
	}
	if a.Frame == policykb.CodebookFrameID {
		l, err := parseLevel(a.Level, "frameLevel")
		return mixLevel{codebook: true, level: l}, err
	}
	return mixLevel{axis: a}, nil
}

// mixRequest starts compareCities and similarity: the request in the
// asked study, the level of the mix (codebook or frame) and the cities.
func mixRequest(ctx context.Context, study *graphql.ID, level *string, frameLevel *axisInput) (*request, mixLevel, *cityIndex, error) {
	r := requestFrom(ctx)
	if err := r.useStudy(ctx, study); err != nil {
		return nil, mixLevel{}, nil, err
	}
	at, err := parseMixLevel(level, frameLevel)
	if err != nil {
		return nil, mixLevel{}, nil, err
	}
	ci, err := r.cityIndex(ctx)
	if err != nil {
		return nil, mixLevel{}, nil, err
	}
	return r, at, ci, nil
}

// frameAxis is the level as a cross-tab axis (the codebook's too).
func (m mixLevel) frameAxis() graph.Axis {
	if m.codebook {
		return graph.Axis{Frame: policykb.CodebookFrameID, Level: m.level.String()}
	}
	return m.axis
}

type compareArgs struct {
	studyArg
	Cities     *[]string
	Level      *string
	FrameLevel *axisInput
	Filter     *corpusFilterInput
}

func (*queryResolver) CompareCities(ctx context.Context, args compareArgs) (*comparisonResolver, error) {
	r, at, ci, err := mixRequest(ctx, args.Study, args.Level, args.FrameLevel)
	if err != nil {
		return nil, err
	}
	var cities []*policykb.City
	if args.Cities == nil {
		cities = ci.list
	} else {
		seen := map[string]bool{}
		var unknown []string
		for _, name := range *args.Cities {
			c := ci.lookup(name)
			if c == nil {
				unknown = append(unknown, name)
				continue
			}
			if !seen[c.Name] {
				seen[c.Name] = true
				cities = append(cities, c)
			}
		}
		if e := policykb.UnknownNames("cities", "no city is called", unknown, ci.names()); e != nil {
			return nil, badInput(e.Argument, "%s", e.Message)
		}
	}
	f, _, err := args.Filter.filter(ctx)
	if err != nil {
		return nil, err
	}
	if !at.codebook {
		// Only the given cities' documents are read; when the filter's own
		// cities admit none of them, every city is read and none kept.
		only := f
		if names := admittedCities(f, cities); args.Cities != nil && len(names) > 0 {
			only.Cities = names
		}
		p, err := r.store.FrameCountsByCity(ctx, "frameLevel", at.axis, only)
		if err != nil {
			return nil, r.fail(ctx, err)
		}
		res := compareFrame(r, at, f, p, cities)
		r.keepDirect("compareCities", res)
		return res, nil
	}
	cb, err := r.codebook(ctx)
	if err != nil {
		return nil, err
	}
	var byCity map[string][]policykb.Count
	if args.Cities == nil {
		byCity, err = r.countsByCity(ctx, at.level, args.Filter)
	} else {
		byCity, err = r.countsOfCities(ctx, at.level, args.Filter, cities)
	}
	if err != nil {
		return nil, err
	}
	res := compare(r, cb, at, f, cities, byCity)
	r.keepDirect("compareCities", res)
	return res, nil
}

// admittedCities is the names of the cities the filter's own cities
// admit (every one when it names none).
func admittedCities(f policykb.CorpusFilter, cities []*policykb.City) []string {
	names := []string{}
	for _, c := range cities {
		if len(f.Cities) == 0 || slices.ContainsFunc(f.Cities, c.Called) {
			names = append(names, c.Name)
		}
	}
	return names
}

// countsOfCities is countsByCity for the given cities only: they are added
// to the filter (those the filter's own cities leave out get no counts),
// so that the store reads their documents' rollups and no others.
func (r *request) countsOfCities(ctx context.Context, level policykb.Level, in *corpusFilterInput, cities []*policykb.City) (map[string][]policykb.Count, error) {
	f, _, err := in.filter(ctx)
	if err != nil {
		return nil, err
	}
	names := admittedCities(f, cities)
	if len(names) == 0 {
		return map[string][]policykb.Count{}, nil
	}
	f.Cities = names
	byCity, err := r.store.CountsByCity(ctx, level, f)
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	return byCity, nil
}

// compare builds a comparison: one row per code of the level in codebook
// order, a cell per city with the code's share of the city's reference
// points at the level, and the cosine of every pair's reference vectors.
func compare(r *request, cb *codebook, at mixLevel, f policykb.CorpusFilter, cities []*policykb.City, byCity map[string][]policykb.Count) *comparisonResolver {
	codes := cb.byLevel[at.level]
	values := make([]graph.AxisValue, len(codes))
	for j, c := range codes {
		values[j] = graph.AxisValue{ID: c.ID, Name: c.Name, NameZh: c.NameZh}
	}
	level := at.level.String()
	res := newComparison(r, at, f, cities, values, byCity)
	res.level = &level
	for j, c := range r.codeList(cb, codes) {
		res.rows[j].code = c
	}
	return res
}

// compareFrame is compare at a level of a frame other than the codebook.
func compareFrame(r *request, at mixLevel, f policykb.CorpusFilter, p graph.FrameProfiles, cities []*policykb.City) *comparisonResolver {
	res := newComparison(r, at, f, cities, p.Codes, p.ByCity)
	res.frameLevel = p.Level
	return res
}

// newComparison lays the cities' counts out over the codes (rows in the
// codes' order, a cell per city) with the shares and the pairs' cosines.
func newComparison(r *request, at mixLevel, f policykb.CorpusFilter, cities []*policykb.City, codes []graph.AxisValue, byCity map[string][]policykb.Count) *comparisonResolver {
	ids := make([]string, len(codes))
	for j, c := range codes {
		ids[j] = c.ID
	}
	vec, sums := profiles(ids, cities, byCity)
	a := at.frameAxis()
	res := &comparisonResolver{frame: a.Frame, frameLevel: a.Level, cities: r.cityList(cities),
		q: graph.CrosstabQuery{Rows: a, Columns: graph.Axis{Dimension: policykb.DimensionCity}, Measure: policykb.MeasureReferencePoints, Filter: f}}
	for j := range codes {
		row := &comparisonRow{cmp: res, value: codes[j]}
		for i := range cities {
			n := vec[i][j]
			row.cells = append(row.cells, &comparisonCell{row: row, city: res.cities[i], count: n, share: analysis.Share(n.ReferencePoints, sums[i])})
		}
		res.rows = append(res.rows, row)
	}
	res.pairs = cityPairs(res.cities, vec)
	return res
}

// comparisonResolver resolves CityComparison.
type comparisonResolver struct {
	level      *string // the codebook level, nil in another frame
	frame      string
	frameLevel string
	cities     []*cityResolver
	rows       []*comparisonRow
	pairs      []*cityPair
	q          graph.CrosstabQuery // the level × CITY cross-tab behind the cells

	once  sync.Once
	fr    *frameResolver
	frErr error
}

func (c *comparisonResolver) Level() *string          { return c.level }
func (c *comparisonResolver) Frame() graphql.ID       { return graphql.ID(c.frame) }
func (c *comparisonResolver) FrameLevel() string      { return c.frameLevel }
func (c *comparisonResolver) Cities() []*cityResolver { return c.cities }
func (c *comparisonResolver) Rows() []*comparisonRow  { return nonNil(c.rows) }
func (c *comparisonResolver) Similarity() []*cityPair { return nonNil(c.pairs) }

// frameCode is the FrameCode of a row, the frame read once per comparison.
func (c *comparisonResolver) frameCode(ctx context.Context, id string) (*frameCodeResolver, error) {
	c.once.Do(func() {
		r := requestFrom(ctx)
		frames, err := r.store.Frames(ctx, r.studyID())
		if err != nil {
			c.frErr = r.fail(ctx, err)
			return
		}
		maps, err := r.frameMappings(ctx, frames)
		if err != nil {
			c.frErr = err
			return
		}
		for _, f := range frames {
			if f.ID == c.frame {
				c.fr = newFrameResolver(f, maps[f.Study])
			}
		}
	})
	if c.frErr != nil || c.fr == nil {
		return nil, c.frErr
	}
	return c.fr.byID[id], nil
}

type comparisonRow struct {
	cmp   *comparisonResolver
	value graph.AxisValue
	code  *codeResolver // nil in a frame other than the codebook
	cells []*comparisonCell
}

func (c *comparisonRow) Code() *codeResolver       { return c.code }
func (c *comparisonRow) Value() *axisValueResolver { return &axisValueResolver{c.value} }
func (c *comparisonRow) Cells() []*comparisonCell  { return nonNil(c.cells) }
func (c *comparisonCell) City() *cityResolver      { return c.city }
func (c *comparisonCell) ReferencePoints() int32   { return int32(c.count.ReferencePoints) }
func (c *comparisonCell) MaterialSources() int32   { return int32(c.count.MaterialSources) }
func (c *comparisonCell) Share() float64           { return c.share }
func (p *cityPair) A() *cityResolver               { return p.a }
func (p *cityPair) B() *cityResolver               { return p.b }
func (p *cityPair) Cosine() float64                { return p.cosine }
func (c *comparisonRow) FrameCode(ctx context.Context) (*frameCodeResolver, error) {
	if c.code != nil {
		return nil, nil
	}
	return c.cmp.frameCode(ctx, c.value.ID)
}

type comparisonCell struct {
	row   *comparisonRow
	city  *cityResolver
	count policykb.Count
	share float64
}

// Sentences lists the sentences behind referencePoints: the cross-tab
// cell (the row's code, the city) of the comparison's filter. One graph
// call per cell asked for.
func (c *comparisonCell) Sentences(ctx context.Context, args pageArgs) (*connection[*sentenceResolver], error) {
	cell := &crosstabCellResolver{q: c.row.cmp.q, row: c.row.value.ID, column: c.city.c.Name}
	return cell.Sentences(ctx, args)
}

type cityPair struct {
	a, b   *cityResolver
	cosine float64
}
