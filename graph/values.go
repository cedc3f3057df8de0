package graph

import (
	"context"
	"regexp"
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
	conds := cityConds(f, params)
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
	if len(f.DocTypes) > 0 {
		params["fDocTypes"] = lowerAll(f.DocTypes)
		conds = append(conds, "toLower(coalesce(d.docType, '')) IN $fDocTypes")
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

// cityConds are the filter's conditions on the variable city.
func cityConds(f policykb.CorpusFilter, params map[string]any) []string {
	var conds []string
	if _, exact := params["fCityNames"]; exact && len(f.Cities) > 0 {
		conds = append(conds, "city.name IN $fCityNames")
	} else if len(f.Cities) > 0 {
		params["fCities"] = lowerAll(f.Cities)
		conds = append(conds, "(toLower(city.name) IN $fCities OR toLower(coalesce(city.nameZh, '')) IN $fCities)")
	}
	if len(f.Provinces) > 0 {
		params["fProvinces"] = lowerAll(f.Provinces)
		conds = append(conds, "toLower(coalesce(city.province, '')) IN $fProvinces")
	}
	return conds
}

var (
	documentVar = regexp.MustCompile(`(^|[^A-Za-z0-9_])d\.`)
	cityVar     = regexp.MustCompile(`(^|[^A-Za-z0-9_])city\.`)
)

// readsDocument and readsCity report whether a Cypher expression (a group
// or column of a statement) reads the variable d or city.
func readsDocument(expr string) bool { return documentVar.MatchString(expr) }
func readsCity(expr string) bool     { return cityVar.MatchString(expr) }

// filterParams returns params for a statement under f. When f names
// cities, it adds fCityNames, the exact names of the cities whose English
// or Chinese name f gives (any case), from the store's city list, so that
// cityConds looks them up in the index on City.name instead of comparing
// every city's names.
func (s *Store) filterParams(ctx context.Context, f policykb.CorpusFilter, params map[string]any) (map[string]any, error) {
	if len(f.Cities) == 0 {
		return params, nil
	}
	cities, err := s.Cities(ctx)
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, n := range lowerAll(f.Cities) {
		want[n] = true
	}
	names := []string{}
	for _, c := range cities {
		if want[strings.ToLower(c.Name)] || c.NameZh != "" && want[strings.ToLower(c.NameZh)] {
			names = append(names, c.Name)
		}
	}
	params["fCityNames"] = names
	return params, nil
}

// cityLevel reports whether the filter admits or rejects whole cities
// only (or nothing), so that the city rollups can answer under it.
func cityLevel(f policykb.CorpusFilter) bool {
	return len(f.Documents) == 0 && f.IssuedFrom == nil && f.IssuedTo == nil && len(f.Coders) == 0 && len(f.DocTypes) == 0
}

// cityRollupMatch matches the city rollups of type rel (CITY_ROLLUP or
// CITY_COOCCURRENCE, bound to the variable rv) of the cities the filter
// admits (cityLevel(f) must hold) at the codes k meeting keyCond, binding
// city, rv and k.
func cityRollupMatch(rel, rv, keyCond string, f policykb.CorpusFilter, params map[string]any) string {
	conds := append([]string{keyCond}, cityConds(f, params)...)
	return "\nMATCH (city:City)-[" + rv + ":" + rel + "]->(k:Code)\nWHERE " + strings.Join(conds, " AND ")
}

// rollupMatch matches the rollups of type rel (ROLLUP or COOCCURRENCE,
// bound to the variable rv) of the documents the filter admits at the
// codes k meeting keyCond, binding d, rv and k, and city when withCity is
// set or the filter restricts cities or provinces. Only documents have
// rollups, so d needs no label, and a document's city is not looked up
// unless it is wanted. When the filter restricts cities or provinces, the
// admitted cities are matched first and the rest of the path from each of
// them: left to itself, Neo4j expands every rollup of the codes and joins
// them with the cities' documents, which at national scale costs several
// times more.
func rollupMatch(rel, rv, keyCond string, f policykb.CorpusFilter, params map[string]any, withCity bool) string {
	rest := "(d)-[" + rv + ":" + rel + "]->(k:Code)"
	where := keyCond + " AND " + filterClause(f, params, false)
	cities := cityConds(f, params)
	switch {
	case len(cities) > 0:
		return "\nMATCH (city:City) WHERE " + strings.Join(cities, " AND ") +
			"\nCALL (city) {\n  MATCH (city)-[:ISSUED]->" + rest + "\n  WHERE " + where + "\n  RETURN d, " + rv + ", k\n}"
	case withCity:
		// With d's label Neo4j starts from the codes, without it from
		// every city's every rollup.
		return "\nMATCH (city:City)-[:ISSUED]->(d:Document)" + strings.TrimPrefix(rest, "(d)") + "\nWHERE " + where
	}
	return "\nMATCH " + rest + "\nWHERE " + where
}

func lowerAll(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = strings.ToLower(strings.TrimSpace(s))
	}
	return out
}
