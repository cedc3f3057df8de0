package resolvers

import (
	"context"
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
		var rd, cd analysis.Dendrogram
		if rd, o.err = analysis.Cluster(analysis.CosineDistances(rows)); o.err != nil {
			return
		}
		if cd, o.err = analysis.Cluster(analysis.CosineDistances(cols)); o.err != nil {
			return
		}
		o.rows, o.cols = int32s(rd.Order), int32s(cd.Order)
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
	Level  string
	Filter *corpusFilterInput
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
	docs := r.documentList(cd.Documents)
	curve := analysis.SaturationCurve(cd.Codes)
	out := make([]*saturationStep, len(curve))
	for i, step := range curve {
		codes := make([]*policykb.Code, 0, len(step.New))
		for _, id := range step.New {
			codes = append(codes, r.codeByID(cb, id).c)
		}
		out[i] = &saturationStep{doc: docs[i], codes: r.codeList(cb, codes), total: int32(step.Total)}
	}
	return out, nil
}

type saturationStep struct {
	doc   *documentResolver
	codes []*codeResolver
	total int32
}

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
	d, err := analysis.Cluster(analysis.CosineDistances(vec))
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	sim := analysis.Similarities(vec)
	merges := make([]*clusterMerge, len(d.Merges))
	for i, m := range d.Merges {
		merges[i] = &clusterMerge{m}
	}
	return &cityClustering{level: level.String(), cities: r.cityList(cities), sim: sim, merges: merges, order: int32s(d.Order)}, nil
}

type cityClustering struct {
	level  string
	cities []*cityResolver
	sim    [][]float64
	merges []*clusterMerge
	order  []int32
}

func (c *cityClustering) Level() string           { return c.level }
func (c *cityClustering) Cities() []*cityResolver { return nonNil(c.cities) }
func (c *cityClustering) Similarity() [][]float64 { return nonNil(c.sim) }
func (c *cityClustering) Merges() []*clusterMerge { return c.merges }
func (c *cityClustering) Order() []int32          { return c.order }

type clusterMerge struct{ m analysis.Merge }

func (m *clusterMerge) A() int32        { return int32(m.m.A) }
func (m *clusterMerge) B() int32        { return int32(m.m.B) }
func (m *clusterMerge) Height() float64 { return m.m.Height }
func (m *clusterMerge) Size() int32     { return int32(m.m.Size) }
