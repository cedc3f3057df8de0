package resolvers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/policykb/policykb/internal/testneo4j"
	"github.com/policykb/policykb/loaders"
	"github.com/policykb/policykb/resolvers"
)

// f formats a float for a JSON literal.
func f(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// TestAnalyses checks matrix, cooccurrence and similarity through the HTTP
// handler against the synthetic fixture (fixture_test.go). By hand, per
// main category and city (sentences coded at the main category or below):
//
//	                 Beiling  Linlan             Tingyang  Xichuan
//	main-1           -        d1#1               d4#1      d3#0
//	main-2           -        d1#2 d1#3 d2#0     d4#0      d3#1
//	main-3           -        d2#1               -         d3#1 d3#2
//	sentences        2        7 (d1 4, d2 3)     2         3
//	coded (distinct) 0        5 in d1, d2        2 in d4   3 in d3 (d3#1 once)
func TestAnalyses(t *testing.T) {
	cs := newCountingStore(openStore(t), "Matrix", "PairEvidence", "PairDocumentEvidence")
	e := newEnv(t, cs, nil)
	const columns = `["Beiling", "Linlan", "Tingyang", "Xichuan"]`
	const rows = `[{"id": "main-1"}, {"id": "main-2"}, {"id": "main-3"}]`

	t.Run("matrix measures", func(t *testing.T) {
		tests := []struct {
			measure, cells, rowTotals, columnTotals string
		}{
			{"REFERENCE_POINTS", `[[0,1,1,1],[0,3,1,1],[0,1,0,2]]`, `[3,5,3]`, `[0,5,2,3]`},
			// main-2 in Linlan: d1 and d2. Row totals are distinct
			// documents: main-2 in d1 d2 d3 d4.
			{"MATERIAL_SOURCES", `[[0,1,1,1],[0,2,1,1],[0,1,0,1]]`, `[3,4,2]`, `[0,2,1,1]`},
			// Column sums: Linlan 5, Tingyang 2, Xichuan 4 (d3#1 twice);
			// all 11.
			{"SHARE", `[[0,0.2,0.5,0.25],[0,0.6,0.5,0.25],[0,0.2,0,0.5]]`,
				`[` + f(3.0/11) + `,` + f(5.0/11) + `,` + f(3.0/11) + `]`, `[0,1,1,1]`},
			// Sentences: Beiling 2, Linlan 7, Tingyang 2, Xichuan 3; all 14.
			{"PER_1000_SENTENCES",
				`[[0,` + f(1000.0/7) + `,500,` + f(1000.0/3) + `],[0,` + f(3000.0/7) + `,500,` + f(1000.0/3) + `],[0,` + f(1000.0/7) + `,0,` + f(2000.0/3) + `]]`,
				`[` + f(3000.0/14) + `,` + f(5000.0/14) + `,` + f(3000.0/14) + `]`,
				`[0,` + f(5000.0/7) + `,1000,1000]`},
			{"PRESENCE", `[[0,1,1,1],[0,1,1,1],[0,1,0,1]]`, `[3,3,2]`, `[0,3,2,3]`},
		}
		for _, tt := range tests {
			t.Run(tt.measure, func(t *testing.T) {
				data := e.ok(t, `{ matrix(rows: MAIN_CATEGORY, columns: CITY, measure: `+tt.measure+`) {
					rows { id } columns cells rowTotals columnTotals } }`, nil)
				assertJSON(t, data, `{"matrix": {"rows": `+rows+`, "columns": `+columns+`, "cells": `+tt.cells+
					`, "rowTotals": `+tt.rowTotals+`, "columnTotals": `+tt.columnTotals+`}}`)
			})
		}
	})

	t.Run("matrix dimensions", func(t *testing.T) {
		// layer-1 = main-1; layer-2 = main-2 ∪ main-3.
		tests := []struct {
			dim, columns, cells, columnTotals string
		}{
			// Province A: d1 d2 d3; B: d4 d5.
			{"PROVINCE", `["Province A", "Province B"]`, `[[2,1],[6,1]]`, `[8,2]`},
			{"DOCUMENT", `["d1","d2","d3","d4","d5"]`, `[[1,0,1,1,0],[2,2,2,1,0]]`, `[3,2,3,2,0]`},
			// 2022: d5; 2023: d1 d3; 2024: d2 d4.
			{"YEAR", `["2022","2023","2024"]`, `[[0,2,1],[0,4,3]]`, `[0,6,4]`},
			{"DOC_TYPE", `["implementation plan"]`, `[[3],[7]]`, `[10]`},
		}
		for _, tt := range tests {
			t.Run(tt.dim, func(t *testing.T) {
				data := e.ok(t, `{ matrix(rows: LAYER, columns: `+tt.dim+`) { columns cells rowTotals columnTotals } }`, nil)
				assertJSON(t, data, `{"matrix": {"columns": `+tt.columns+`, "cells": `+tt.cells+
					`, "rowTotals": [3, 7], "columnTotals": `+tt.columnTotals+`}}`)
			})
		}
	})

	t.Run("matrix filter", func(t *testing.T) {
		// bob coded d1#2 (con-3), d1#3 (con-4), d3#0 (con-1), d3#1 (con-3, con-6):
		// the admitted documents are d1 and d3.
		data := e.ok(t, `{ matrix(rows: MAIN_CATEGORY, columns: CITY, filter: {coders: ["bob"]}) {
			columns cells rowTotals columnTotals cell(row: "main-2", column: "Linlan") {
				value sentences { totalCount edges { node { id } } } } } }`, nil)
		assertJSON(t, data, `{"matrix": {"columns": ["Linlan", "Xichuan"], "cells": [[0,1],[2,1],[0,1]],
			"rowTotals": [1,3,1], "columnTotals": [2,2],
			"cell": {"value": 2, "sentences": {"totalCount": 2, "edges": [{"node": {"id": "d1#2"}}, {"node": {"id": "d1#3"}}]}}}}`)
	})

	t.Run("matrix cell provenance", func(t *testing.T) {
		data := e.ok(t, `{ matrix(rows: MAIN_CATEGORY, columns: CITY) {
			a: cell(row: "main-2", column: "Linlan") { value sentences(first: 2) {
				totalCount edges { node { id document { id } } } pageInfo { hasNextPage } } }
			page2: cell(row: "main-2", column: "Linlan") { sentences(first: 2, after: "`+cursorAt(1)+`") { edges { node { id } } } }
			empty: cell(row: "main-1", column: "Beiling") { value sentences { totalCount } }
			otherLevel: cell(row: "con-1", column: "Linlan") { value }
			noColumn: cell(row: "main-1", column: "Nowhere") { value } } }`, nil)
		assertJSON(t, data, `{"matrix": {
			"a": {"value": 3, "sentences": {"totalCount": 3, "edges": [
				{"node": {"id": "d1#2", "document": {"id": "d1"}}}, {"node": {"id": "d1#3", "document": {"id": "d1"}}}],
				"pageInfo": {"hasNextPage": true}}},
			"page2": {"sentences": {"edges": [{"node": {"id": "d2#0"}}]}},
			"empty": {"value": 0, "sentences": {"totalCount": 0}},
			"otherLevel": null, "noColumn": null}}`)
	})

	t.Run("matrix rows are batched", func(t *testing.T) {
		cs.reset()
		e.ok(t, `{ matrix(rows: CONCEPT, columns: DOCUMENT) { rows { name parent { name } referencePoints } cells } }`, nil)
		got := cs.reset()
		if got["Matrix"] != 1 || got["CodeCounts"] != 1 || got["Codes"] != 1 {
			t.Errorf("graph calls %v, want one Matrix, one CodeCounts, one Codes", got)
		}
	})

	t.Run("cooccurrence", func(t *testing.T) {
		// Sentences with two concepts: d1#1 {con-1 con-2}, d3#1 {con-3 con-6}.
		// con-1: 2 sentences, con-2: 2, con-3: 3, con-6: 2.
		// 1/(2+2−1) = 1/3 and 1/(3+2−1) = 1/4.
		data := e.ok(t, `{ cooccurrence(level: CONCEPT) { a { id } b { id } count countA countB cCoefficient evidence { id } } }`, nil)
		assertJSON(t, data, `{"cooccurrence": [
			{"a": {"id": "con-1"}, "b": {"id": "con-2"}, "count": 1, "countA": 2, "countB": 2, "cCoefficient": `+f(1.0/3)+`, "evidence": [{"id": "d1#1"}]},
			{"a": {"id": "con-3"}, "b": {"id": "con-6"}, "count": 1, "countA": 3, "countB": 2, "cCoefficient": 0.25, "evidence": [{"id": "d3#1"}]}]}`)
		// d3#1 is in main-2 (5 sentences) and main-3 (3): 1/(5+3−1).
		data = e.ok(t, `{ cooccurrence(level: MAIN_CATEGORY, scope: SENTENCE) { a { id } b { id } count cCoefficient } }`, nil)
		assertJSON(t, data, `{"cooccurrence": [{"a": {"id": "main-2"}, "b": {"id": "main-3"}, "count": 1, "cCoefficient": `+f(1.0/7)+`}]}`)
	})

	t.Run("cooccurrence by document", func(t *testing.T) {
		// Main categories per document: d1 {1 2}, d2 {2 3}, d3 {1 2 3}, d4 {1 2}.
		// Documents: main-1 3, main-2 4, main-3 2.
		// (1,2) d1 d3 d4: 3/(3+4−3); (2,3) d2 d3: 2/(4+2−2); (1,3) d3: 1/(3+2−1).
		// Evidence: the sentences at either code of those documents, in
		// city then document order (Linlan d1, d2, then Tingyang, Xichuan).
		cs.reset()
		data := e.ok(t, `{ cooccurrence(level: MAIN_CATEGORY, scope: DOCUMENT) { a { id } b { id } count countA countB cCoefficient
			evidence(first: 2) { id codings { code { id } } } } }`, nil)
		calls := cs.reset()
		assertJSON(t, data, `{"cooccurrence": [
			{"a": {"id": "main-1"}, "b": {"id": "main-2"}, "count": 3, "countA": 3, "countB": 4, "cCoefficient": 0.75,
			 "evidence": [{"id": "d1#1", "codings": [{"code": {"id": "con-1"}}, {"code": {"id": "con-2"}}]},
			              {"id": "d1#2", "codings": [{"code": {"id": "con-3"}}, {"code": {"id": "con-3"}}]}]},
			{"a": {"id": "main-2"}, "b": {"id": "main-3"}, "count": 2, "countA": 4, "countB": 2, "cCoefficient": 0.5,
			 "evidence": [{"id": "d2#0", "codings": [{"code": {"id": "con-3"}}]}, {"id": "d2#1", "codings": [{"code": {"id": "con-6"}}]}]},
			{"a": {"id": "main-1"}, "b": {"id": "main-3"}, "count": 1, "countA": 3, "countB": 2, "cCoefficient": 0.25,
			 "evidence": [{"id": "d3#0", "codings": [{"code": {"id": "con-1"}}]},
			              {"id": "d3#1", "codings": [{"code": {"id": "con-3"}}, {"code": {"id": "con-6"}}]}]}]}`)
		if calls["PairDocumentEvidence"] != 1 || calls["CodingsBySentence"] != 1 || calls["PairEvidence"] != 0 {
			t.Errorf("graph calls %v, want one PairDocumentEvidence and one CodingsBySentence", calls)
		}
		data = e.ok(t, `{ cooccurrence(level: MAIN_CATEGORY, scope: DOCUMENT, minCount: 2) { count } }`, nil)
		assertJSON(t, data, `{"cooccurrence": [{"count": 3}, {"count": 2}]}`)
		// Province A (d1 d2 d3): main-1 2 docs, main-2 3, main-3 2.
		data = e.ok(t, `{ cooccurrence(level: MAIN_CATEGORY, scope: DOCUMENT, filter: {provinces: ["Province A"]}) { a { id } b { id } count cCoefficient } }`, nil)
		assertJSON(t, data, `{"cooccurrence": [
			{"a": {"id": "main-1"}, "b": {"id": "main-2"}, "count": 2, "cCoefficient": `+f(2.0/3)+`},
			{"a": {"id": "main-2"}, "b": {"id": "main-3"}, "count": 2, "cCoefficient": `+f(2.0/3)+`},
			{"a": {"id": "main-1"}, "b": {"id": "main-3"}, "count": 1, "cCoefficient": `+f(1.0/3)+`}]}`)
	})

	t.Run("similarity", func(t *testing.T) {
		// Main-category profiles: Beiling (0 0 0), Linlan (1 3 1),
		// Tingyang (1 1 0), Xichuan (1 1 2).
		// L·T = 4 / (√11 √2); L·X = 6 / (√11 √6); T·X = 2 / (√2 √6);
		// Beiling has no coding: 0 with everyone, pairs in name order.
		data := e.ok(t, `{ similarity(level: MAIN_CATEGORY) { a { name } b { name } cosine } }`, nil)
		pair := func(a, b string, c float64) string {
			return `{"a": {"name": "` + a + `"}, "b": {"name": "` + b + `"}, "cosine": ` + f(c) + `}`
		}
		assertJSON(t, data, `{"similarity": [`+
			pair("Linlan", "Tingyang", 4/math.Sqrt(22))+`,`+pair("Linlan", "Xichuan", 6/math.Sqrt(66))+`,`+
			pair("Tingyang", "Xichuan", 2/math.Sqrt(12))+`,`+pair("Beiling", "Linlan", 0)+`,`+
			pair("Beiling", "Tingyang", 0)+`,`+pair("Beiling", "Xichuan", 0)+`]}`)
		// The same profiles as compareCities: one CountsByCity for both.
		cs.reset()
		data = e.ok(t, `{ similarity(level: MAIN_CATEGORY, filter: {provinces: ["Province A"]}) { a { name } b { name } cosine }
			compareCities(level: MAIN_CATEGORY, filter: {provinces: ["Province A"]}) { similarity { a { name } b { name } cosine } } }`, nil)
		if got := cs.reset(); got["CountsByCity"] != 1 {
			t.Errorf("graph calls %v, want one CountsByCity", got)
		}
		assertJSON(t, data, `{"similarity": [`+pair("Linlan", "Xichuan", 6/math.Sqrt(66))+`,`+
			pair("Beiling", "Linlan", 0)+`,`+pair("Beiling", "Tingyang", 0)+`,`+pair("Beiling", "Xichuan", 0)+`,`+
			pair("Linlan", "Tingyang", 0)+`,`+pair("Tingyang", "Xichuan", 0)+`],
			"compareCities": {"similarity": [`+pair("Beiling", "Linlan", 0)+`,`+pair("Beiling", "Tingyang", 0)+`,`+
			pair("Beiling", "Xichuan", 0)+`,`+pair("Linlan", "Tingyang", 0)+`,`+pair("Linlan", "Xichuan", 6/math.Sqrt(66))+`,`+
			pair("Tingyang", "Xichuan", 0)+`]}}`)
	})

	t.Run("errors", func(t *testing.T) {
		tests := []struct {
			name, query, argument string
			status                int
		}{
			{"min count", `{ cooccurrence(level: CONCEPT, minCount: 0) { count } }`, "minCount", http.StatusOK},
			{"bad dimension", `{ matrix(rows: LAYER, columns: COUNTY) { columns } }`, "columns", http.StatusBadRequest},
			{"bad measure", `{ matrix(rows: LAYER, columns: CITY, measure: MEAN) { columns } }`, "measure", http.StatusBadRequest},
			{"bad scope", `{ cooccurrence(level: CONCEPT, scope: PARAGRAPH) { count } }`, "scope", http.StatusBadRequest},
			{"dates", `{ matrix(rows: LAYER, columns: CITY, filter: {issuedFrom: "2024-01-01", issuedTo: "2023-01-01"}) { columns } }`, "filter", http.StatusOK},
			{"evidence page", `{ cooccurrence(level: CONCEPT) { evidence(first: 1000) { id } } }`, "first", http.StatusOK},
			{"cell page", `{ matrix(rows: LAYER, columns: CITY) { cell(row: "layer-1", column: "Linlan") { sentences(first: -1) { totalCount } } } }`, "first", http.StatusOK},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				assertError(t, e.postAs(t, graphqlResponse, tt.query, nil), tt.status, "BAD_USER_INPUT", tt.argument)
			})
		}
	})
}

// TestMatrixOnSample checks the analyses on the shipped sample study:
// the matrix's row totals are the paper's Table 3, every cell of a row
// expands to as many sentences as it counts, and the GraphiQL examples run.
func TestMatrixOnSample(t *testing.T) {
	s := testneo4j.EmptyStore(t, 0)
	if _, err := loaders.Load(context.Background(), s, loaders.SampleInput("../data/sample"), loaders.Options{}); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, s, nil)
	var m struct {
		Matrix struct {
			Columns   []string
			RowTotals []float64
		}
	}
	data := e.ok(t, `{ matrix(rows: MAIN_CATEGORY, columns: CITY) { columns rowTotals } }`, nil)
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	// Table 3's reference points (README).
	if want := []float64{31, 36, 62, 20, 109, 47, 29, 17, 13, 24, 18}; !reflect.DeepEqual(m.Matrix.RowTotals, want) {
		t.Errorf("row totals %v, want Table 3's %v", m.Matrix.RowTotals, want)
	}
	if len(m.Matrix.Columns) != 18 {
		t.Errorf("%d city columns, want the 18 cities", len(m.Matrix.Columns))
	}
	// Fund Support (main-10) in every city: the cell's value is the
	// number of sentences behind it.
	var q strings.Builder
	q.WriteString(`{ matrix(rows: MAIN_CATEGORY, columns: CITY) {`)
	for i, c := range m.Matrix.Columns {
		fmt.Fprintf(&q, " c%d: cell(row: \"main-10\", column: %q) { value sentences { totalCount } }", i, c)
	}
	q.WriteString(" } }")
	var cells struct {
		Matrix map[string]struct {
			Value     float64
			Sentences struct{ TotalCount int }
		}
	}
	if err := json.Unmarshal(e.ok(t, q.String(), nil), &cells); err != nil {
		t.Fatal(err)
	}
	sum := 0
	for name, c := range cells.Matrix {
		if int(c.Value) != c.Sentences.TotalCount {
			t.Errorf("%s: value %v, %d sentences", name, c.Value, c.Sentences.TotalCount)
		}
		sum += c.Sentences.TotalCount
	}
	if sum != 24 {
		t.Errorf("Fund Support's cells hold %d sentences, want its 24 reference points", sum)
	}
	for _, ex := range resolvers.DefaultExamples() {
		switch exampleName(ex.Query) {
		case "Matrix_main_categories_by_city":
			// The README's worked example: Fund Support in Xichuan, d02#42–44.
			assertJSON(t, json.RawMessage(mustJSON(t, e.ok(t, ex.Query, nil), "matrix", "cell", "sentences", "totalCount")), `3`)
		case "Cooccurring_categories", "Similar_cities":
			e.ok(t, ex.Query, nil)
		}
	}
}

// mustJSON returns the JSON value at a path of keys in data.
func mustJSON(t *testing.T, data json.RawMessage, path ...string) []byte {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("no %s in %s", k, data)
		}
		v = m[k]
	}
	out, _ := json.Marshal(v)
	return out
}
