package exports

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/analysis"
)

// The analyses' tables: what the explorer's similarity, co-occurrence,
// saturation and agreement views show, from the same reads and maths as
// the GraphQL fields cityClusters, cooccurrence, saturationCurve and
// agreement.

// parseAnalysis reads the parameters of the analyses' tables.
func parseAnalysis(req *Request, q url.Values, one func(string) (string, error)) error {
	defaults := map[Table]policykb.Level{Saturation: policykb.LevelCategory, Agreement: policykb.LevelConcept}
	s, err := one("level")
	if err != nil {
		return err
	}
	switch {
	case s != "":
		if req.Level, err = policykb.ParseLevel(s); err != nil {
			return policykb.InvalidArgument("level", "exports: level: %v", err)
		}
	case defaults[req.Table].Valid():
		req.Level = defaults[req.Table]
	default:
		return policykb.InvalidArgument("level", "exports: %s needs level: LAYER, MAIN_CATEGORY, CATEGORY or CONCEPT", req.Table)
	}
	switch req.Table {
	case Cooccurrence:
		req.Scope, req.MinCount = policykb.ScopeSentence, 1
		if s, err = one("scope"); err != nil {
			return err
		} else if s != "" {
			if req.Scope, err = policykb.ParseScope(s); err != nil {
				return policykb.InvalidArgument("scope", "exports: scope: %v", err)
			}
		}
		if s, err = one("min"); err != nil {
			return err
		} else if s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 {
				return policykb.InvalidArgument("min", "exports: min: %q is not a whole number of at least 1", s)
			}
			req.MinCount = n
		}
	case Agreement:
		if len(q["coder"]) > 0 {
			return policykb.InvalidArgument("coder", "exports: agreement compares the coders a and b: coder is not allowed")
		}
		for _, k := range []struct {
			name string
			to   *string
		}{{"a", &req.CoderA}, {"b", &req.CoderB}} {
			if *k.to, err = one(k.name); err != nil {
				return err
			}
			if *k.to == "" {
				return policykb.InvalidArgument(k.name, "exports: agreement needs the coders a and b")
			}
		}
	}
	return nil
}

// writeSimilarity writes the cities' cosine similarity matrix in the leaf
// order of its average-linkage clustering (as Query.cityClusters): city,
// city_zh, province, then one column per city.
func writeSimilarity(ctx context.Context, src Source, req Request, tw TableWriter) (int, error) {
	codes, err := src.StudyCodes(ctx, req.Filter.Study)
	if err != nil {
		return 0, err
	}
	all, err := src.Cities(ctx)
	if err != nil {
		return 0, err
	}
	byCity, err := src.CountsByCity(ctx, req.Level, req.Filter)
	if err != nil {
		return 0, err
	}
	var codeIDs []string
	for _, c := range codes {
		if c.Level == req.Level {
			codeIDs = append(codeIDs, c.ID)
		}
	}
	var cities []policykb.City
	for _, c := range all {
		if req.Filter.NamesCity(c) {
			cities = append(cities, c)
		}
	}
	names := make([]string, len(cities))
	for i, c := range cities {
		names[i] = c.Name
	}
	vec := analysis.Profiles(codeIDs, names, byCity)
	d := analysis.ClusterCosine(vec)
	cols := []Column{{"city", 14}, {"city_zh", 10}, {"province", 12}}
	for _, i := range d.Order {
		cols = append(cols, Column{names[i], max(8, float64(len([]rune(names[i])))+2)})
	}
	if err := tw.Header(cols); err != nil {
		return 0, err
	}
	row := make([]any, 0, len(cols))
	for n, i := range d.Order {
		c := cities[i]
		row = append(row[:0], c.Name, orNil(c.NameZh), orNil(c.Province))
		for _, j := range d.Order {
			row = append(row, analysis.Similarity(vec, i, j))
		}
		if err := tw.Row(row); err != nil {
			return n, err
		}
	}
	return len(d.Order), nil
}

// CooccurrenceColumns are the columns of the cooccurrence table.
var CooccurrenceColumns = []Column{
	{"a_id", 10}, {"a", 30}, {"a_zh", 14}, {"b_id", 10}, {"b", 30}, {"b_zh", 14},
	{"count", 8}, {"count_a", 8}, {"count_b", 8}, {"c_coefficient", 12},
}

func writeCooccurrence(ctx context.Context, src Source, req Request, tw TableWriter) (int, error) {
	codes, err := src.StudyCodes(ctx, req.Filter.Study)
	if err != nil {
		return 0, err
	}
	pairs, err := src.Cooccurrence(ctx, req.Level, req.Scope, req.MinCount, req.Filter)
	if err != nil {
		return 0, err
	}
	cb := codebookIndex{}
	for _, c := range codes {
		cb[c.ID] = c
	}
	if err := tw.Header(CooccurrenceColumns); err != nil {
		return 0, err
	}
	for n, p := range pairs {
		a, b := cb[p.A], cb[p.B]
		if err := tw.Row([]any{p.A, a.Name, orNil(a.NameZh), p.B, b.Name, orNil(b.NameZh),
			p.Count, p.CountA, p.CountB, p.CCoefficient}); err != nil {
			return n, err
		}
	}
	return len(pairs), nil
}

// SaturationColumns are the columns of the saturation table.
var SaturationColumns = []Column{
	{"step", 6}, {"document_id", 12}, {"document_title", 40}, {"city", 12}, {"issued_on", 11},
	{"new_codes", 24}, {"new_code_names", 50}, {"new_code_count", 10}, {"codes_so_far", 10},
}

func writeSaturation(ctx context.Context, src Source, req Request, tw TableWriter) (int, error) {
	codes, err := src.StudyCodes(ctx, req.Filter.Study)
	if err != nil {
		return 0, err
	}
	cd, err := src.CodedDocuments(ctx, req.Level, req.Filter)
	if err != nil {
		return 0, err
	}
	cb := codebookIndex{}
	for _, c := range codes {
		cb[c.ID] = c
	}
	if err := tw.Header(SaturationColumns); err != nil {
		return 0, err
	}
	for i, step := range analysis.SaturationCurve(cd.Codes) {
		d := cd.Documents[i]
		names := make([]string, len(step.New))
		for k, id := range step.New {
			names[k] = cb[id].Name
		}
		if err := tw.Row([]any{i + 1, d.ID, d.Title, d.City, dateOrNil(d.IssuedOn),
			strings.Join(step.New, "; "), strings.Join(names, "; "), len(step.New), step.Total}); err != nil {
			return i, err
		}
	}
	return len(cd.Documents), nil
}

// AgreementColumns are the columns of the agreement table; its last row,
// code "pooled", holds the pooled measures over every code of the level.
var AgreementColumns = []Column{
	{"code_id", 12}, {"code", 32}, {"code_zh", 16}, {"both", 8}, {"only_a", 8}, {"only_b", 8}, {"neither", 8},
	{"percent_agreement", 12}, {"kappa", 10}, {"holsti", 10}, {"disagreements", 12},
}

func writeAgreement(ctx context.Context, src Source, req Request, tw TableWriter) (int, error) {
	codes, err := src.StudyCodes(ctx, req.Filter.Study)
	if err != nil {
		return 0, err
	}
	ag, err := src.AgreementTables(ctx, req.CoderA, req.CoderB, req.Level, req.Filter)
	if err != nil {
		return 0, err
	}
	cb := codebookIndex{}
	for _, c := range codes {
		cb[c.ID] = c
	}
	if err := tw.Header(AgreementColumns); err != nil {
		return 0, err
	}
	for n, c := range ag.ByCode {
		code := cb[c.CodeID]
		if err := tw.Row([]any{c.CodeID, code.Name, orNil(code.NameZh), c.Both, c.OnlyA, c.OnlyB, c.Neither,
			c.PercentAgreement(), c.Kappa(), nil, len(c.DisagreementIDs)}); err != nil {
			return n, err
		}
	}
	p := ag.Pooled
	if err := tw.Row([]any{nil, "pooled", nil, p.Both, p.OnlyA, p.OnlyB, p.Neither,
		p.PercentAgreement(), p.Kappa(), p.Holsti(), nil}); err != nil {
		return len(ag.ByCode), err
	}
	return len(ag.ByCode) + 1, nil
}
