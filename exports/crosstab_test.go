package exports

import (
	"errors"
	"net/url"
	"testing"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
)

func TestParseCrosstabRequest(t *testing.T) {
	for _, c := range []struct {
		query      string
		rows, cols graph.Axis
		measure    policykb.Measure
		file       string
		badArg     string
	}{
		{query: "rows=instruments:TYPE&columns=CITY", rows: graph.Axis{Frame: "instruments", Level: "TYPE"},
			cols: graph.Axis{Dimension: policykb.DimensionCity}, measure: policykb.MeasureReferencePoints,
			file: "crosstab-instruments_type-city-reference_points.csv"},
		{query: "rows=year&columns=category&measure=share", rows: graph.Axis{Dimension: policykb.DimensionYear},
			cols: graph.Axis{Frame: "codebook", Level: "CATEGORY"}, measure: policykb.MeasureShare,
			file: "crosstab-year-codebook_category-share.csv"},
		{query: "columns=CITY", badArg: "rows"},
		{query: "rows=instruments:&columns=CITY", badArg: "rows"},
		{query: "rows=instruments:TYPE&columns=TOWN", badArg: "columns"},
		{query: "rows=instruments:TYPE&columns=CITY&measure=MEAN", badArg: "measure"},
		{query: "rows=instruments:TYPE&columns=CITY&level=LAYER", badArg: "level"},
	} {
		q, err := url.ParseQuery(c.query)
		if err != nil {
			t.Fatal(err)
		}
		req, err := ParseRequest("crosstab", q)
		if c.badArg != "" {
			var pe *policykb.Error
			if !errors.As(err, &pe) || pe.Code != policykb.EInvalid || pe.Argument != c.badArg {
				t.Errorf("%s: %v, want BAD_USER_INPUT on %s", c.query, err, c.badArg)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.query, err)
			continue
		}
		if req.RowAxis != c.rows || req.ColumnAxis != c.cols || req.Measure != c.measure {
			t.Errorf("%s: %+v %+v %v", c.query, req.RowAxis, req.ColumnAxis, req.Measure)
		}
		if got := req.FileName(CSV); got != c.file {
			t.Errorf("%s: file %s, want %s", c.query, got, c.file)
		}
	}
}
