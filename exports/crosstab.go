package exports

import (
	"context"
	"strings"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
)

// parseAxis reads a crosstab axis: FRAME:LEVEL (instruments:TYPE,
// codebook:CATEGORY), a bare codebook level (CATEGORY) or a dimension
// (CITY).
func parseAxis(name, s string) (graph.Axis, error) {
	if frame, level, ok := strings.Cut(s, ":"); ok {
		frame, level = strings.TrimSpace(frame), strings.TrimSpace(level)
		if frame == "" || level == "" {
			return graph.Axis{}, policykb.InvalidArgument(name, "exports: %s: %q: expected FRAME:LEVEL (instruments:TYPE) or a dimension (CITY)", name, s)
		}
		return graph.Axis{Frame: frame, Level: level}, nil
	}
	if d, err := policykb.ParseDimension(s); err == nil {
		return graph.Axis{Dimension: d}, nil
	}
	if l, err := policykb.ParseLevel(s); err == nil {
		return graph.Axis{Frame: policykb.CodebookFrameID, Level: l.String()}, nil
	}
	return graph.Axis{}, policykb.InvalidArgument(name, "exports: %s: %q: expected FRAME:LEVEL (instruments:TYPE), a codebook level (CATEGORY) or a dimension (CITY, PROVINCE, DOCUMENT, YEAR, DOC_TYPE)", name, s)
}

func parseCrosstab(req *Request, one func(string) (string, error)) error {
	for _, a := range []struct {
		name string
		to   *graph.Axis
	}{{"rows", &req.RowAxis}, {"columns", &req.ColumnAxis}} {
		s, err := one(a.name)
		if err != nil {
			return err
		}
		if s == "" {
			return policykb.InvalidArgument(a.name, "exports: crosstab needs %s: FRAME:LEVEL (instruments:TYPE) or a dimension (CITY)", a.name)
		}
		if *a.to, err = parseAxis(a.name, s); err != nil {
			return err
		}
	}
	req.Measure = policykb.MeasureReferencePoints
	s, err := one("measure")
	if err != nil {
		return err
	}
	if s != "" {
		if req.Measure, err = policykb.ParseMeasure(s); err != nil {
			return policykb.InvalidArgument("measure", "exports: measure: %v", err)
		}
	}
	return nil
}

// axisName is an axis in a file name: instruments_type, city.
func axisName(a graph.Axis) string {
	if a.IsFrame() {
		return a.Frame + "_" + a.Level
	}
	return a.Dimension.String()
}

// CrosstabColumns returns the columns of a crosstab table: id, name,
// name_zh (of the row), one per crosstab column (by id; a name that
// clashes with these gets a trailing " (column)"), and total.
func CrosstabColumns(t graph.Crosstab) []Column {
	cols := []Column{{"id", 14}, {"name", 32}, {"name_zh", 16}}
	taken := map[string]bool{"id": true, "name": true, "name_zh": true, TotalLabel: true}
	for _, c := range t.Columns {
		name := c.ID
		for taken[name] {
			name += " (column)"
		}
		taken[name] = true
		cols = append(cols, Column{name, max(10, float64(len([]rune(name)))+2)})
	}
	return append(cols, Column{TotalLabel, 10})
}

// writeCrosstab writes one row per row value (id, name, name_zh) with its
// cells and row total, then a totals row with the column totals (the
// corner empty), from the answer of Query.crosstab.
func writeCrosstab(ctx context.Context, src Source, q graph.CrosstabQuery, tw TableWriter) (int, error) {
	t, err := src.Crosstab(ctx, q)
	if err != nil {
		return 0, err
	}
	if err := tw.Header(CrosstabColumns(t)); err != nil {
		return 0, err
	}
	row := make([]any, 0, len(t.Columns)+4)
	for i, r := range t.Rows {
		row = append(row[:0], r.ID, r.Name, orNil(r.NameZh))
		for j := range t.Columns {
			row = append(row, t.Cells[i][j])
		}
		row = append(row, t.RowTotals[i])
		if err := tw.Row(row); err != nil {
			return i, err
		}
	}
	row = append(row[:0], nil, TotalLabel, nil)
	for j := range t.Columns {
		row = append(row, t.ColumnTotals[j])
	}
	row = append(row, nil)
	if err := tw.Row(row); err != nil {
		return len(t.Rows), err
	}
	return len(t.Rows) + 1, nil
}
