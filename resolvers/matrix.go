package resolvers

import (
	"context"

	graphql "github.com/graph-gophers/graphql-go"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
)

type matrixArgs struct {
	studyArg
	Rows    string
	Columns string
	Measure string
	Filter  *corpusFilterInput
}

// Matrix computes the whole matrix in one graph call; its rows are the
// request's codebook codes, one sibling group.
func (*queryResolver) Matrix(ctx context.Context, args matrixArgs) (*matrixResolver, error) {
	r := requestFrom(ctx)
	if err := r.useStudy(ctx, args.Study); err != nil {
		return nil, err
	}
	level, err := parseLevel(args.Rows, "rows")
	if err != nil {
		return nil, err
	}
	dim, err := policykb.ParseDimension(args.Columns)
	if err != nil {
		return nil, badInput("columns", "%v", err)
	}
	measure, err := policykb.ParseMeasure(args.Measure)
	if err != nil {
		return nil, badInput("measure", "%v", err)
	}
	f, _, err := args.Filter.filter(ctx)
	if err != nil {
		return nil, err
	}
	cb, err := r.codebook(ctx)
	if err != nil {
		return nil, err
	}
	q := graph.MatrixQuery{Rows: level, Columns: dim, Measure: measure, Filter: f}
	m, err := r.store.Matrix(ctx, q)
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	res := &matrixResolver{q: q, m: m, row: map[string]int{}, col: map[string]int{}}
	rows := make([]*policykb.Code, len(m.Rows))
	for i, c := range m.Rows {
		res.row[c.ID] = i
		if x, ok := cb.byID[c.ID]; ok {
			rows[i] = x
		} else {
			rows[i] = &m.Rows[i]
		}
	}
	for j, c := range m.Columns {
		res.col[c] = j
	}
	res.rows = r.codeList(cb, rows)
	r.keepDirect("matrix", res)
	return res, nil
}

// matrixResolver resolves Matrix.
type matrixResolver struct {
	q        graph.MatrixQuery
	m        graph.Matrix
	rows     []*codeResolver
	row, col map[string]int // code id → row, column name → column
	ord      matrixOrders   // explore.go
}

func (m *matrixResolver) Rows() []*codeResolver   { return nonNil(m.rows) }
func (m *matrixResolver) Columns() []string       { return nonNil(m.m.Columns) }
func (m *matrixResolver) Cells() [][]float64      { return nonNil(m.m.Cells) }
func (m *matrixResolver) RowTotals() []float64    { return nonNil(m.m.RowTotals) }
func (m *matrixResolver) ColumnTotals() []float64 { return nonNil(m.m.ColumnTotals) }

type cellArgs struct {
	Row    graphql.ID
	Column string
}

// Cell is null for a row or column the matrix lacks (a code of another
// level, a city without admitted documents): nothing is behind it.
func (m *matrixResolver) Cell(args cellArgs) *matrixCellResolver {
	i, ok := m.row[string(args.Row)]
	if !ok {
		return nil
	}
	j, ok := m.col[args.Column]
	if !ok {
		return nil
	}
	return &matrixCellResolver{q: m.q, row: string(args.Row), column: args.Column, value: m.m.Cells[i][j]}
}

// matrixCellResolver resolves MatrixCell.
type matrixCellResolver struct {
	q           graph.MatrixQuery
	row, column string
	value       float64
}

func (c *matrixCellResolver) Value() float64 { return c.value }

// Sentences is one graph call per cell asked for: a client names each cell
// it expands, so their number is the query's, not the data's.
func (c *matrixCellResolver) Sentences(ctx context.Context, args pageArgs) (*connection[*sentenceResolver], error) {
	r := requestFrom(ctx)
	p, err := r.page(args.First, args.After)
	if err != nil {
		return nil, err
	}
	ss, total, err := r.store.MatrixCellSentences(ctx, c.q, c.row, c.column, p)
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	return newConnection(r.sentenceList(ss), p, total), nil
}
