package exports

import (
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/policykb/policykb"
)

// ParseTable accepts the name of one of Tables, case-insensitively.
func ParseTable(s string) (Table, error) {
	t := Table(strings.ToLower(strings.TrimSpace(s)))
	if slices.Contains(Tables, t) {
		return t, nil
	}
	return "", policykb.InvalidArgument("table", "exports: unknown table %q: expected %s", s, tableNames())
}

// tableNames lists the tables for messages: "codings, counts, ... or coword".
func tableNames() string {
	names := make([]string, len(Tables))
	for i, t := range Tables {
		names[i] = string(t)
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// The parameters every table takes: the corpus filter. city, province,
// document, coder and doctype may be repeated, or hold a comma-separated list; from
// and to are dates (YYYY-MM-DD), inclusive.
var filterParams = []string{"city", "province", "document", "coder", "doctype", "from", "to", "automatic", "study"}

// tableParams are the parameters of each table beyond the filter.
var tableParams = map[Table][]string{
	Codings:  nil,
	Counts:   {"level"},
	Matrix:   {"rows", "columns", "measure"},
	Crosstab: {"rows", "columns", "measure"},
	// The analyses' tables (analyses.go).
	Similarity:   {"level"},
	Cooccurrence: {"level", "scope", "min"},
	Saturation:   {"level"},
	Agreement:    {"a", "b", "level"},
	// The word tables (words.go).
	Words:    {"top", "min_length"},
	Keywords: {"of", "level", "unit", "top", "min_length"},
	Coword:   {"top", "min_length", "measure", "scope"},
	PMC:      {"model"},
}

// ParseRequest reads an export's parameters (URL query parameters, or the
// CLI's flags under the same names):
//
//	counts:  level (LAYER, MAIN_CATEGORY, CATEGORY or CONCEPT; required)
//	matrix:  rows (a level; required), columns (CITY, PROVINCE, DOCUMENT,
//	         YEAR or DOC_TYPE; default CITY), measure (REFERENCE_POINTS,
//	         MATERIAL_SOURCES, SHARE, PER_1000_SENTENCES or PRESENCE;
//	         default REFERENCE_POINTS)
//	crosstab: rows and columns (required): each a frame level FRAME:LEVEL
//	         (instruments:TYPE; codebook:CATEGORY or a bare level for the
//	         codebook) or a dimension (CITY, PROVINCE, DOCUMENT, YEAR,
//	         DOC_TYPE), measure as for matrix
//	similarity:   level (required): city × city cosine similarity
//	cooccurrence: level (required), scope (SENTENCE or DOCUMENT; default
//	              SENTENCE), min (the least count, default 1)
//	saturation:   level (default CATEGORY)
//	agreement:    a and b (the coders; required), level (default CONCEPT);
//	              coder is not allowed
//	words:   top (default 100), min_length (default 2)
//	keywords: of (document, city or code; required), level (for code;
//	         default MAIN_CATEGORY), unit (repeatable: ids or names),
//	         top (default 10), min_length (default 2)
//	coword:  top (default 50), min_length (default 2), measure (OCHIAI,
//	         JACCARD, COSINE or COUNT; default OCHIAI), scope (SENTENCE or
//	         DOCUMENT; default SENTENCE)
//	pmc:     model (the id of one of the study's PMC models; required)
//	all:          city, province, document, coder, doctype, from, to (the CorpusFilter),
//	              automatic (true: count automatic codings too), study (an id
//	              or a name; required when the knowledge base holds several)
//
// Enum values are case-insensitive. An unknown parameter, one that the
// table does not take, a bad value or a missing required one is a
// BAD_USER_INPUT error naming the parameter.
func ParseRequest(table string, q url.Values) (Request, error) {
	t, err := ParseTable(table)
	if err != nil {
		return Request{}, err
	}
	req := Request{Table: t}
	names := make([]string, 0, len(q))
	for k := range q {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if slices.Contains(filterParams, k) || slices.Contains(tableParams[t], k) {
			continue
		}
		if strings.TrimSpace(k) == "" {
			// ?=Linlan: a value without a name; the error names the query.
			return req, policykb.InvalidArgument("query", "exports: a parameter without a name (=%s): the %s table takes %s",
				strings.Join(q[k], ","), t, strings.Join(append(append([]string{}, tableParams[t]...), filterParams...), ", "))
		}
		var others []string
		for _, other := range Tables {
			if slices.Contains(tableParams[other], k) {
				others = append(others, string(other))
			}
		}
		switch len(others) {
		case 0:
		case 1:
			return req, policykb.InvalidArgument(k, "exports: %s applies to the %s table, not to %s", k, others[0], t)
		default:
			return req, policykb.InvalidArgument(k, "exports: %s applies to the %s and %s tables, not to %s",
				k, strings.Join(others[:len(others)-1], ", "), others[len(others)-1], t)
		}
		all := append(append([]string{}, tableParams[t]...), filterParams...)
		return req, policykb.InvalidArgument(k, "exports: unknown parameter %q: the %s table takes %s", k, t, strings.Join(all, ", "))
	}
	one := func(k string) (string, error) {
		vs := q[k]
		if len(vs) > 1 {
			return "", policykb.InvalidArgument(k, "exports: %s given %d times: give it once", k, len(vs))
		}
		if len(vs) == 0 {
			return "", nil
		}
		return strings.TrimSpace(vs[0]), nil
	}
	if err := parseWords(&req, q, one); err != nil {
		return req, err
	}
	switch t {
	case Similarity, Cooccurrence, Saturation, Agreement:
		if err := parseAnalysis(&req, q, one); err != nil {
			return req, err
		}
	case PMC:
		if req.Model, err = one("model"); err != nil {
			return req, err
		}
		if req.Model == "" {
			return req, policykb.InvalidArgument("model", "exports: pmc needs model, the id of one of the study's PMC models")
		}
	case Counts:
		s, err := one("level")
		if err != nil {
			return req, err
		}
		if s == "" {
			return req, policykb.InvalidArgument("level", "exports: counts needs level: LAYER, MAIN_CATEGORY, CATEGORY or CONCEPT")
		}
		if req.Level, err = policykb.ParseLevel(s); err != nil {
			return req, policykb.InvalidArgument("level", "exports: level: %v", err)
		}
	case Crosstab:
		if err := parseCrosstab(&req, one); err != nil {
			return req, err
		}
	case Matrix:
		s, err := one("rows")
		if err != nil {
			return req, err
		}
		if s == "" {
			return req, policykb.InvalidArgument("rows", "exports: matrix needs rows, a level: LAYER, MAIN_CATEGORY, CATEGORY or CONCEPT")
		}
		if req.Rows, err = policykb.ParseLevel(s); err != nil {
			return req, policykb.InvalidArgument("rows", "exports: rows: %v", err)
		}
		req.Columns, req.Measure = policykb.DimensionCity, policykb.MeasureReferencePoints
		if s, err = one("columns"); err != nil {
			return req, err
		} else if s != "" {
			if req.Columns, err = policykb.ParseDimension(s); err != nil {
				return req, policykb.InvalidArgument("columns", "exports: columns: %v", err)
			}
		}
		if s, err = one("measure"); err != nil {
			return req, err
		} else if s != "" {
			if req.Measure, err = policykb.ParseMeasure(s); err != nil {
				return req, policykb.InvalidArgument("measure", "exports: measure: %v", err)
			}
		}
	}
	list := func(k string) []string {
		var out []string
		for _, v := range q[k] {
			for _, part := range strings.Split(v, ",") {
				if p := strings.TrimSpace(part); p != "" {
					out = append(out, p)
				}
			}
		}
		return out
	}
	if req.Study, err = one("study"); err != nil {
		return req, err
	}
	f := &req.Filter
	f.Cities, f.Provinces, f.Documents, f.Coders = list("city"), list("province"), list("document"), list("coder")
	req.Words.Units = list("unit")
	if s, err := one("automatic"); err != nil {
		return req, err
	} else if s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return req, policykb.InvalidArgument("automatic", "exports: automatic: %q: expected true or false (count automatic codings too)", s)
		}
		f.IncludeAutomatic = b
	}
	f.DocTypes = list("doctype")
	for _, d := range []struct {
		key string
		to  **time.Time
	}{{"from", &f.IssuedFrom}, {"to", &f.IssuedTo}} {
		s, err := one(d.key)
		if err != nil {
			return req, err
		}
		if s == "" {
			continue
		}
		day, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return req, policykb.InvalidArgument(d.key, "exports: %s: %q is not a date: expected YYYY-MM-DD", d.key, s)
		}
		*d.to = &day
	}
	if f.IssuedFrom != nil && f.IssuedTo != nil && f.IssuedTo.Before(*f.IssuedFrom) {
		return req, policykb.InvalidArgument("to", "exports: to (%s) is before from (%s)", f.IssuedTo.Format(time.DateOnly), f.IssuedFrom.Format(time.DateOnly))
	}
	return req, nil
}
