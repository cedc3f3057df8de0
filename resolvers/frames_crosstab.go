package resolvers

import (
	"context"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
)

// axisInput is the Axis input object.
type axisInput struct {
	Frame     *string
	Level     *string
	Dimension *string
}

func (in axisInput) axis(arg string) (graph.Axis, error) {
	switch {
	case in.Frame != nil && in.Dimension != nil:
		return graph.Axis{}, badInput(arg, "an axis is a frame level or a dimension, not both")
	case in.Frame != nil:
		if in.Level == nil || *in.Level == "" {
			return graph.Axis{}, badInput(arg, "the frame %s needs a level", *in.Frame)
		}
		return graph.Axis{Frame: *in.Frame, Level: *in.Level}, nil
	case in.Dimension != nil:
		if in.Level != nil {
			return graph.Axis{}, badInput(arg, "a dimension axis takes no level")
		}
		d, err := policykb.ParseDimension(*in.Dimension)
		if err != nil {
			return graph.Axis{}, badInput(arg, "%v", err)
		}
		return graph.Axis{Dimension: d}, nil
	}
	return graph.Axis{}, badInput(arg, "give a frame and level ({frame: \"instruments\", level: \"TYPE\"}) or a dimension ({dimension: CITY})")
}

type crosstabArgs struct {
	studyArg
	Rows    axisInput
	Columns axisInput
	Measure string
	Filter  *corpusFilterInput
}

// crosstabQuery converts the arguments (the HTTP export builds the same).
func crosstabQuery(ctx context.Context, args crosstabArgs) (graph.CrosstabQuery, error) {
	r := requestFrom(ctx)
	if err := r.useStudy(ctx, args.Study); err != nil {
		return graph.CrosstabQuery{}, err
	}
	rows, err := args.Rows.axis("rows")
	if err != nil {
		return graph.CrosstabQuery{}, err
	}
	cols, err := args.Columns.axis("columns")
	if err != nil {
		return graph.CrosstabQuery{}, err
	}
	measure, err := policykb.ParseMeasure(args.Measure)
	if err != nil {
		return graph.CrosstabQuery{}, badInput("measure", "%v", err)
	}
	f, _, err := args.Filter.filter(ctx)
	if err != nil {
		return graph.CrosstabQuery{}, err
	}
	return graph.CrosstabQuery{Rows: rows, Columns: cols, Measure: measure, Filter: f}, nil
}

// Crosstab computes the whole table in one graph call.
func (*queryResolver) Crosstab(ctx context.Context, args crosstabArgs) (*crosstabResolver, error) {
	r := requestFrom(ctx)
	q, err := crosstabQuery(ctx, args)
	if err != nil {
		return nil, err
	}
	t, err := r.store.Crosstab(ctx, q)
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	res := &crosstabResolver{q: q, t: t, row: map[string]int{}, col: map[string]int{}}
	for i, v := range t.Rows {
		res.row[v.ID] = i
	}
	for j, v := range t.Columns {
		res.col[v.ID] = j
	}
	return res, nil
}

// crosstabResolver resolves Crosstab.
type crosstabResolver struct {
	q        graph.CrosstabQuery
	t        graph.Crosstab
	row, col map[string]int
}

func (c *crosstabResolver) Rows() []*axisValueResolver    { return axisValues(c.t.Rows) }
func (c *crosstabResolver) Columns() []*axisValueResolver { return axisValues(c.t.Columns) }
func (c *crosstabResolver) Cells() [][]float64            { return nonNil(c.t.Cells) }
func (c *crosstabResolver) RowTotals() []float64          { return nonNil(c.t.RowTotals) }
func (c *crosstabResolver) ColumnTotals() []float64       { return nonNil(c.t.ColumnTotals) }

type crosstabCellArgs struct {
	Row, Column string
}

// Cell is null for a row or column the table lacks.
func (c *crosstabResolver) Cell(args crosstabCellArgs) *crosstabCellResolver {
	i, ok := c.row[args.Row]
	if !ok {
		return nil
	}
	j, ok := c.col[args.Column]
	if !ok {
		return nil
	}
	return &crosstabCellResolver{q: c.q, row: args.Row, column: args.Column, value: c.t.Cells[i][j]}
}

func axisValues(vs []graph.AxisValue) []*axisValueResolver {
	out := make([]*axisValueResolver, len(vs))
	for i, v := range vs {
		out[i] = &axisValueResolver{v}
	}
	return out
}

type axisValueResolver struct{ v graph.AxisValue }

func (a *axisValueResolver) ID() string      { return a.v.ID }
func (a *axisValueResolver) Name() string    { return a.v.Name }
func (a *axisValueResolver) NameZh() *string { return optString(a.v.NameZh) }

// crosstabCellResolver resolves MatrixCell for a cross-tab.
type crosstabCellResolver struct {
	q           graph.CrosstabQuery
	row, column string
	value       float64
}

func (c *crosstabCellResolver) Value() float64 { return c.value }

// Sentences is one graph call per cell asked for.
func (c *crosstabCellResolver) Sentences(ctx context.Context, args pageArgs) (*connection[*sentenceResolver], error) {
	r := requestFrom(ctx)
	p, err := r.page(args.First, args.After)
	if err != nil {
		return nil, err
	}
	ss, total, err := r.store.CrosstabCellSentences(ctx, c.q, c.row, c.column, p)
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	return newConnection(r.sentenceList(ss), p, total), nil
}

type frameSimilarityArgs struct {
	studyArg
	Frame  string
	Level  string
	Filter *corpusFilterInput
}

// FrameSimilarity is similarity(frameLevel: {frame, level}), kept for the
// queries written before similarity took a frame.
func (q *queryResolver) FrameSimilarity(ctx context.Context, args frameSimilarityArgs) ([]*cityPair, error) {
	return q.Similarity(ctx, similarityArgs{studyArg: args.studyArg, FrameLevel: &axisInput{Frame: &args.Frame, Level: &args.Level}, Filter: args.Filter})
}
