package exports

import (
	"context"

	"github.com/policykb/policykb/graph"
)

// writePMC writes one row per document, in ranking order, from the answer
// GraphQL's pmc gives (graph.Store.PMC): rank, document, title, city, every
// secondary score (X1:1 …), every primary variable (X1 …), pmc,
// depression and grade.
func writePMC(ctx context.Context, src Source, req Request, tw TableWriter) (int, error) {
	res, err := src.PMC(ctx, graph.PMCQuery{Study: req.Study, Model: req.Model, Filter: req.Filter})
	if err != nil {
		return 0, err
	}
	cols := []Column{{"rank", 6}, {"document", 12}, {"title", 40}, {"city", 14}}
	for _, v := range res.Model.Model.Variables {
		for _, sv := range v.Secondary {
			cols = append(cols, Column{sv.ID, 6})
		}
	}
	for _, v := range res.Model.Model.Variables {
		cols = append(cols, Column{v.ID, 8})
	}
	cols = append(cols, Column{"pmc", 8}, Column{"depression", 10}, Column{"grade", 12})
	if err := tw.Header(cols); err != nil {
		return 0, err
	}
	row := make([]any, 0, len(cols))
	for i, d := range res.Documents {
		row = append(row[:0], d.Rank, d.Document, d.Doc.Title, d.City)
		for _, p := range d.Primary {
			for _, s := range p.Secondary {
				row = append(row, s.Score)
			}
		}
		for _, p := range d.Primary {
			row = append(row, p.Value)
		}
		row = append(row, d.PMC, d.Depression, orNil(d.Grade))
		if err := tw.Row(row); err != nil {
			return i, err
		}
	}
	return len(res.Documents), nil
}
