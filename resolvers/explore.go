package resolvers

import (
	"context"
	"slices"
	"sort"
	"sync"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/analysis"
)

// The fields the explorer draws from and GraphQL clients may use alike:
// the matrix's clustered orders, the saturation curve and the city
// clustering (schema/explore.graphql). The maths is package analysis'.

// matrixOrders are a matrix's row and column leaf orders, computed once
// and only when asked for.
type matrixOrders struct {
	once       sync.Once
	rows, cols []int32
	err        error
}

func (m *matrixResolver) orders() ([]int32, []int32, error) {
	o := &m.ord
	o.once.Do(func() {
		cells := m.m.Cells
		rows := make([][]float64, len(cells))
		copy(rows, cells)
		var cols [][]float64
		if len(cells) > 0 {
			cols = make([][]float64, len(cells[0]))
			for j := range cols {
				cols[j] = make([]float64, len(cells))
				for i := range cells {
					cols[j][i] = cells[i][j]
				}
			}
		}
		o.rows, o.cols = int32s(analysis.ClusterCosine(rows).Order), int32s(analysis.ClusterCosine(cols).Order)
	})
	return o.rows, o.cols, o.err
}

// RowOrder resolves Matrix.rowOrder.
func (m *matrixResolver) RowOrder(ctx context.Context) ([]int32, error) {
	rows, _, err := m.orders()
	if err != nil {
		return nil, requestFrom(ctx).fail(ctx, err)
	}
	return rows, nil
}

// ColumnOrder resolves Matrix.columnOrder.
func (m *matrixResolver) ColumnOrder(ctx context.Context) ([]int32, error) {
	_, cols, err := m.orders()
	if err != nil {
		return nil, requestFrom(ctx).fail(ctx, err)
	}
	return cols, nil
}

func int32s(in []int) []int32 {
	out := make([]int32, len(in))
	for i, v := range in {
		out[i] = int32(v)
	}
	return out
}

type saturationCurveArgs struct {
	studyArg
	Level   string
	Filter  *corpusFilterInput
	NewOnly bool
}

// SaturationCurve resolves Query.saturationCurve: one graph call for the
// documents and their codes, the curve from analysis.SaturationCurve.
func (*queryResolver) SaturationCurve(ctx context.Context, args saturationCurveArgs) ([]*saturationStep, error) {
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
	cd, err := r.store.CodedDocuments(ctx, level, f)
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	curve := analysis.SaturationCurve(cd.Codes)
	var kept []int // the steps answered, by position
	for i, step := range curve {
		if !args.NewOnly || len(step.New) > 0 || i == len(curve)-1 {
			kept = append(kept, i)
		}
	}
	docs := make([]policykb.Document, len(kept))
	for j, i := range kept {
		docs[j] = cd.Documents[i]
	}
	resolved := r.documentList(docs)
	out := make([]*saturationStep, len(kept))
	for j, i := range kept {
		step := curve[i]
		codes := make([]*policykb.Code, 0, len(step.New))
		for _, id := range step.New {
			codes = append(codes, r.codeByID(cb, id).c)
		}
		out[j] = &saturationStep{position: int32(i + 1), doc: resolved[j], codes: r.codeList(cb, codes), total: int32(step.Total)}
	}
	return out, nil
}

type saturationStep struct {
	position int32
	doc      *documentResolver
	codes    []*codeResolver
	total    int32
}

func (s *saturationStep) Position() int32             { return s.position }
func (s *saturationStep) Document() *documentResolver { return s.doc }
func (s *saturationStep) NewCodes() []*codeResolver   { return s.codes }
func (s *saturationStep) CodesSoFar() int32           { return s.total }

type cityClustersArgs struct {
	studyArg
	Level  string
	Filter *corpusFilterInput
}

// CityClusters resolves Query.cityClusters from the cities' profiles (one
// CountsByCity, shared with similarity and City.profile in the request).
func (*queryResolver) CityClusters(ctx context.Context, args cityClustersArgs) (*cityClustering, error) {
	r := requestFrom(ctx)
	if err := r.useStudy(ctx, args.Study); err != nil {
		return nil, err
	}
	level, f, err := levelAndFilter(ctx, args.Level, "level", args.Filter)
	if err != nil {
		return nil, err
	}
	ci, err := r.cityIndex(ctx)
	if err != nil {
		return nil, err
	}
	cb, err := r.codebook(ctx)
	if err != nil {
		return nil, err
	}
	byCity, err := r.countsByCity(ctx, level, args.Filter)
	if err != nil {
		return nil, err
	}
	var cities []*policykb.City
	for _, c := range ci.list {
		if f.NamesCity(*c) {
			cities = append(cities, c)
		}
	}
	codeIDs := make([]string, len(cb.byLevel[level]))
	for j, c := range cb.byLevel[level] {
		codeIDs[j] = c.ID
	}
	names := make([]string, len(cities))
	for i, c := range cities {
		names[i] = c.Name
	}
	vec := analysis.Profiles(codeIDs, names, byCity)
	d := analysis.ClusterCosine(vec)
	merges := make([]*clusterMerge, len(d.Merges))
	for i, m := range d.Merges {
		merges[i] = &clusterMerge{m}
	}
	return &cityClustering{level: level.String(), cities: r.cityList(cities), vec: vec, merges: merges, order: d.Order}, nil
}

// maxSimilarityCities bounds CityClustering.similarity: 600 cities make
// 360,000 cosines, about 7 MB of JSON. similarityWindow and neighbours
// answer for any number of cities.
const maxSimilarityCities = 600

// maxSimilarityWindow bounds the size of CityClustering.similarityWindow.
const maxSimilarityWindow = 200

type cityClustering struct {
	level  string
	cities []*cityResolver
	vec    [][]float64 // the profiles, in the order of cities
	merges []*clusterMerge
	order  []int
}

func (c *cityClustering) Level() string           { return c.level }
func (c *cityClustering) Cities() []*cityResolver { return nonNil(c.cities) }
func (c *cityClustering) Merges() []*clusterMerge { return c.merges }
func (c *cityClustering) Order() []int32          { return int32s(c.order) }

// Similarity resolves CityClustering.similarity, computed only when asked
// for, for at most maxSimilarityCities cities.
func (c *cityClustering) Similarity() ([][]float64, error) {
	if n := len(c.vec); n > maxSimilarityCities {
		return nil, policykb.InvalidArgument("similarity",
			"%d cities make %d cosines, more than one answer holds (at most %d cities); ask for similarityWindow or neighbours, or name fewer cities or provinces in the filter",
			n, n*n, maxSimilarityCities)
	}
	return nonNil(analysis.Similarities(c.vec)), nil
}

type similarityWindowArgs struct {
	Offset int32
	Size   int32
}

// SimilarityWindow resolves CityClustering.similarityWindow: the cosines
// among size cities next to each other in the leaf order, from offset.
func (c *cityClustering) SimilarityWindow(args similarityWindowArgs) ([][]float64, error) {
	if args.Offset < 0 {
		return nil, policykb.InvalidArgument("offset", "offset must be 0 or more, not %d", args.Offset)
	}
	if args.Size < 1 || args.Size > maxSimilarityWindow {
		return nil, policykb.InvalidArgument("size", "size must be 1 to %d, not %d", maxSimilarityWindow, args.Size)
	}
	from := min(int(args.Offset), len(c.order))
	to := min(from+int(args.Size), len(c.order))
	at := c.order[from:to]
	out := make([][]float64, len(at))
	for i, a := range at {
		out[i] = make([]float64, len(at))
		for j, b := range at {
			out[i][j] = analysis.Similarity(c.vec, a, b)
		}
	}
	return out, nil
}

type neighboursArgs struct {
	City  *string
	First int32
}

// Neighbours resolves CityClustering.neighbours: the cities most alike the
// named one (the first when none is), most similar first, ties in the
// order of cities.
func (c *cityClustering) Neighbours(args neighboursArgs) ([]*cityPair, error) {
	if args.First < 1 || args.First > maxSimilarityWindow {
		return nil, policykb.InvalidArgument("first", "first must be 1 to %d, not %d", maxSimilarityWindow, args.First)
	}
	if len(c.cities) == 0 {
		return []*cityPair{}, nil
	}
	at := 0
	if args.City != nil {
		if at = slices.IndexFunc(c.cities, func(x *cityResolver) bool { return x.c.Name == *args.City }); at < 0 {
			return nil, policykb.InvalidArgument("city", "%q is not one of the clustered cities", *args.City)
		}
	}
	pairs := make([]*cityPair, 0, len(c.cities)-1)
	for i, b := range c.cities {
		if i != at {
			pairs = append(pairs, &cityPair{a: c.cities[at], b: b, cosine: analysis.Cosine(c.vec[at], c.vec[i])})
		}
	}
	sort.SliceStable(pairs, func(i, j int) bool { return pairs[i].cosine > pairs[j].cosine })
	return pairs[:min(len(pairs), int(args.First))], nil
}

type clusterMerge struct{ m analysis.Merge }

func (m *clusterMerge) A() int32        { return int32(m.m.A) }
func (m *clusterMerge) B() int32        { return int32(m.m.B) }
func (m *clusterMerge) Height() float64 { return m.m.Height }
func (m *clusterMerge) Size() int32     { return int32(m.m.Size) }
