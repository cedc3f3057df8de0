package graph

import (
	"context"
	"regexp"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
)

// The Cypher a CorpusFilter becomes: WHERE conditions on the variables
// city, d and r, the parameters they read, and the rollup matches that
// answer under a filter.

// filterClause renders a CorpusFilter as WHERE conditions on the variables
// city, d (document) and r (a CODED_AS relationship; only when withCoders,
// see coderCond), with the values as parameters. It returns "true" when
// nothing restricts.
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
		keys := make([]string, len(f.DocTypes))
		for i, t := range f.DocTypes {
			keys[i] = policykb.NameKey(t)
		}
		params["fDocTypes"] = keys
		conds = append(conds, "toLower(trim(coalesce(d.docType, ''))) IN $fDocTypes")
	}
	if f.Study != "" {
		params["fStudy"] = f.Study
		conds = append(conds, "EXISTS { (:Study {id: $fStudy})-[:INCLUDES]->(d) }")
	}
	if withCoders {
		if c := coderCond(f, params, "r"); c != "true" {
			conds = append(conds, c)
		}
	}
	if len(conds) == 0 {
		return "true"
	}
	return strings.Join(conds, " AND ")
}

// coderCond is the condition on the CODED_AS relationship bound to r that
// decides which codings count under f: the coders it names (human or
// automatic), else every coding when it includes automatic ones, else the
// human codings only (origin not "auto"), so that counts stay human unless
// asked otherwise.
//
// Under a study (f.Study), only codings at the study's codes count: codes
// belong to one study and BELONGS_TO never leaves it, so the code coded
// decides.
func coderCond(f policykb.CorpusFilter, params map[string]any, r string) string {
	return codersCond(f, params, r, r+".coder IN $fCoders")
}

// frameCoderCond is coderCond for a CODED_IN relationship bound to r: a
// derived coding counts for the coders the filter names when it is theirs
// ("derived:<mapping>") or when it was derived from a coding of theirs
// (r.sourceCoders), so that coders: ["A"] keeps the instruments derived
// from A's codings.
func frameCoderCond(f policykb.CorpusFilter, params map[string]any, r string) string {
	return codersCond(f, params, r, "("+r+".coder IN $fCoders OR any(c IN coalesce("+r+".sourceCoders, []) WHERE c IN $fCoders))")
}

// frameFilterClause is filterClause with frameCoderCond for r.
func frameFilterClause(f policykb.CorpusFilter, params map[string]any) string {
	c, k := filterClause(f, params, false), frameCoderCond(f, params, "r")
	switch {
	case k == "true":
		return c
	case c == "true":
		return k
	}
	return c + " AND " + k
}

func codersCond(f policykb.CorpusFilter, params map[string]any, r, byCoders string) string {
	cond := "coalesce(" + r + ".origin, '') <> '" + policykb.OriginAuto + "'"
	switch {
	case len(f.Coders) > 0:
		params["fCoders"] = f.Coders
		cond = byCoders
	case f.IncludeAutomatic:
		cond = "true"
	}
	if f.Study == "" {
		return cond
	}
	params["fStudy"] = f.Study
	if cond == "true" {
		return "endNode(" + r + ").study = $fStudy"
	}
	return cond + " AND endNode(" + r + ").study = $fStudy"
}

// studyKey adds to keyCond, a condition on the code k, that k is one of
// the study's codes when f names a study.
func studyKey(keyCond string, f policykb.CorpusFilter, params map[string]any) string {
	if f.Study == "" {
		return keyCond
	}
	params["fStudy"] = f.Study
	return keyCond + " AND k.study = $fStudy"
}

// cityConds are the filter's conditions on the variable city. The names
// the filter gives are resolved to the stored cities and provinces by
// filterParams (fCityNames, fProvinceNames), which every statement under a
// filter calls first, so that the lookups use the indexes on City.name and
// City.province.
func cityConds(f policykb.CorpusFilter, params map[string]any) []string {
	var conds []string
	if len(f.Cities) > 0 {
		conds = append(conds, "city.name IN $fCityNames")
	}
	if len(f.Provinces) > 0 {
		conds = append(conds, "city.province IN $fProvinceNames")
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
// cities or provinces, it adds fCityNames, the exact names of the cities
// f calls by their English or Chinese name (City.Called), and
// fProvinceNames, the provinces as stored that f names (compared as
// policykb.NameKey), from the store's city list. Names that match nothing
// match no city (CheckFilter tells users so).
func (s *Store) filterParams(ctx context.Context, f policykb.CorpusFilter, params map[string]any) (map[string]any, error) {
	if len(f.Cities) == 0 && len(f.Provinces) == 0 {
		return params, nil
	}
	cities, err := s.Cities(ctx)
	if err != nil {
		return nil, err
	}
	if len(f.Cities) > 0 {
		names := []string{}
		for _, c := range cities {
			if slices.ContainsFunc(f.Cities, c.Called) {
				names = append(names, c.Name)
			}
		}
		params["fCityNames"] = names
	}
	if len(f.Provinces) > 0 {
		provinces := []string{}
		for _, c := range cities {
			if slices.ContainsFunc(f.Provinces, c.InProvince) && !slices.Contains(provinces, c.Province) {
				provinces = append(provinces, c.Province)
			}
		}
		params["fProvinceNames"] = provinces
	}
	return params, nil
}

// cityLevel reports whether the filter admits or rejects whole cities
// only (or nothing), so that the city rollups can answer under it.
func cityLevel(f policykb.CorpusFilter) bool {
	return len(f.Documents) == 0 && f.IssuedFrom == nil && f.IssuedTo == nil && len(f.DocTypes) == 0 && !sentenceLevel(f)
}

// cityRollupMatch matches the city rollups of type rel (CITY_ROLLUP or
// CITY_COOCCURRENCE, bound to the variable rv) of the cities the filter
// admits (cityLevel(f) must hold) at the codes k meeting keyCond, binding
// city, rv and k.
func cityRollupMatch(rel, rv, keyCond string, f policykb.CorpusFilter, params map[string]any) string {
	cities := cityConds(f, params)
	conds := append([]string{studyKey(keyCond, f, params)}, cities...)
	// Only cities have city rollups: without conditions on the city its
	// label is a check on every rollup read (a sixth of the matrix over
	// 3,100 jurisdictions); with them it lets Neo4j look the cities up.
	city := "city"
	if len(cities) > 0 {
		city = "city:City"
	}
	return "\nMATCH (" + city + ")-[" + rv + ":" + rel + "]->(k:Code)\nWHERE " + strings.Join(conds, " AND ")
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
	where := studyKey(keyCond, f, params) + " AND " + filterClause(f, params, false)
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
