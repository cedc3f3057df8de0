package graph

import (
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
)

// Helpers reading driver values; a missing or null property reads as the
// zero value.

func str(v any) string {
	s, _ := v.(string)
	return s
}

func integer(v any) int {
	n, _ := v.(int64)
	return int(n)
}

func optInt(v any) *int {
	n, ok := v.(int64)
	if !ok {
		return nil
	}
	i := int(n)
	return &i
}

func boolean(v any) bool {
	b, _ := v.(bool)
	return b
}

func date(v any) time.Time {
	switch d := v.(type) {
	case neo4j.Date:
		return d.Time()
	case time.Time:
		return d
	}
	return time.Time{}
}

// filterClause renders a CorpusFilter as WHERE conditions on the variables
// city, d (document) and r (a CODED_AS relationship; only when withCoders),
// with the values as parameters. It returns "true" when nothing restricts.
func filterClause(f policykb.CorpusFilter, params map[string]any, withCoders bool) string {
	var conds []string
	if len(f.Cities) > 0 {
		params["fCities"] = lowerAll(f.Cities)
		conds = append(conds, "(toLower(city.name) IN $fCities OR toLower(coalesce(city.nameZh, '')) IN $fCities)")
	}
	if len(f.Provinces) > 0 {
		params["fProvinces"] = lowerAll(f.Provinces)
		conds = append(conds, "toLower(coalesce(city.province, '')) IN $fProvinces")
	}
	if len(f.Documents) > 0 {
		params["fDocuments"] = f.Documents
		conds = append(conds, "d.id IN $fDocuments")
	}
	if f.IssuedFrom != nil {
		params["fFrom"] = neo4j.DateOf(*f.IssuedFrom)
		conds = append(conds, "d.issuedOn >= $fFrom")
	}
	if f.IssuedTo != nil {
		params["fTo"] = neo4j.DateOf(*f.IssuedTo)
		conds = append(conds, "d.issuedOn <= $fTo")
	}
	if withCoders && len(f.Coders) > 0 {
		params["fCoders"] = f.Coders
		conds = append(conds, "r.coder IN $fCoders")
	}
	if len(conds) == 0 {
		return "true"
	}
	return strings.Join(conds, " AND ")
}

func lowerAll(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = strings.ToLower(strings.TrimSpace(s))
	}
	return out
}
