package resolvers_test

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"testing"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
)

// addFixtureFrame adds to the fixture (fixture_test.go) a synthetic
// instrument frame and a mapping onto it:
//
//	S Supply > S-fund, S-talent        E Environment > E-tax
//
//	main-2 → S-fund; con-4 → E-tax (its own entry wins over main-2's);
//	cat-3 → E-tax (never coded); main-3 → S-talent; layer-1 excluded.
//
// So, from the fixture's codings (by hand):
//
//	S-fund   con-3 {d1#2 d2#0 d3#1}     3, 3 documents
//	E-tax    con-4 {d1#3 d4#0}          2, 2
//	S-talent con-6, con-7 {d2#1 d3#1 d3#2}   3, 2
//	S = S-fund ∪ S-talent {d1#2 d2#0 d2#1 d3#1 d3#2}   5, 3
//	E = E-tax                                        2, 2
//
// 8 derived codings (d1#2 is coded con-3 by alice and bob: one derived).
func addFixtureFrame(t *testing.T, s *graph.Store) {
	t.Helper()
	ctx := context.Background()
	f := policykb.Frame{ID: "instr", Name: "Instruments (synthetic)", Levels: []policykb.FrameLevel{{ID: "TYPE", Name: "Type"}, {ID: "TOOL", Name: "Tool"}},
		Codes: []policykb.FrameCode{{ID: "S", Level: "TYPE", Name: "Supply"}, {ID: "S-fund", Level: "TOOL", Parent: "S", Name: "Funds"},
			{ID: "S-talent", Level: "TOOL", Parent: "S", Name: "Talent"}, {ID: "E", Level: "TYPE", Name: "Environment", NameZh: "环境型"},
			{ID: "E-tax", Level: "TOOL", Parent: "E", Name: "Tax"}}}
	if _, err := s.WriteFrame(ctx, "", f); err != nil {
		t.Fatal(err)
	}
	m := policykb.Mapping{ID: "m", Name: "Fixture mapping", Source: policykb.CodebookFrameID, Target: "instr",
		Entries: []policykb.MappingEntry{{Code: "main-2", To: "S-fund", Reason: "funds"}, {Code: "con-4", To: "E-tax", Reason: "rewards as tax"},
			{Code: "cat-3", To: "E-tax", Reason: "tax relief"}, {Code: "main-3", To: "S-talent", Reason: "training"}},
		Excluded: []policykb.MappingExclusion{{Code: "layer-1", Reason: "ideas"}}}
	if _, err := s.WriteMapping(ctx, "", m); err != nil {
		t.Fatal(err)
	}
}

func TestFramesAndCrosstab(t *testing.T) {
	s := openStore(t)
	addFixtureFrame(t, s)
	e := newEnv(t, s, nil)

	t.Run("frames", func(t *testing.T) {
		got := e.ok(t, `{ frames { id levels { id depth } derivedCodings codings mappings { id source target }
			codes { id level depth parent { id } referencePoints materialSources } } }`, nil)
		assertJSON(t, got, `{"frames": [{"id": "instr", "levels": [{"id": "TYPE", "depth": 0}, {"id": "TOOL", "depth": 1}],
			"derivedCodings": 8, "codings": 0, "mappings": [{"id": "m", "source": "codebook", "target": "instr"}],
			"codes": [
			  {"id": "S", "level": "TYPE", "depth": 0, "parent": null, "referencePoints": 5, "materialSources": 3},
			  {"id": "S-fund", "level": "TOOL", "depth": 1, "parent": {"id": "S"}, "referencePoints": 3, "materialSources": 3},
			  {"id": "S-talent", "level": "TOOL", "depth": 1, "parent": {"id": "S"}, "referencePoints": 3, "materialSources": 2},
			  {"id": "E", "level": "TYPE", "depth": 0, "parent": null, "referencePoints": 2, "materialSources": 2},
			  {"id": "E-tax", "level": "TOOL", "depth": 1, "parent": {"id": "E"}, "referencePoints": 2, "materialSources": 2}]}]}`)
	})

	t.Run("a city filter and the sentences of a code", func(t *testing.T) {
		got := e.ok(t, `{ frame(id: "instr") { code(id: "S") { referencePoints(filter: {cities: ["Linlan"]})
			sentences(filter: {cities: ["Linlan"]}) { totalCount edges { node { id } } } } } }`, nil)
		assertJSON(t, got, `{"frame": {"code": {"referencePoints": 3,
			"sentences": {"totalCount": 3, "edges": [{"node": {"id": "d1#2"}}, {"node": {"id": "d2#0"}}, {"node": {"id": "d2#1"}}]}}}}`)
	})

	t.Run("where a derived coding comes from", func(t *testing.T) {
		got := e.ok(t, `{ frame(id: "instr") { code(id: "S-fund") { codings { totalCount edges { node {
			sentence { id } coder origin derived mapping { id } derivedFrom { sourceCode entryCode reason } } } } } } }`, nil)
		row := func(id string) string {
			return `{"node": {"sentence": {"id": "` + id + `"}, "coder": "derived:m", "origin": "derived:m", "derived": true, "mapping": {"id": "m"},
				"derivedFrom": [{"sourceCode": "con-3", "entryCode": "main-2", "reason": "funds"}]}}`
		}
		assertJSON(t, got, `{"frame": {"code": {"codings": {"totalCount": 3, "edges": [`+row("d1#2")+`,`+row("d2#0")+`,`+row("d3#1")+`]}}}}`)
	})

	t.Run("type × city", func(t *testing.T) {
		got := e.ok(t, `{ crosstab(rows: {frame: "instr", level: "TYPE"}, columns: {dimension: CITY}) {
			rows { id name nameZh } columns { id } cells rowTotals columnTotals
			cell(row: "S", column: "Linlan") { value sentences { totalCount edges { node { id } } } } } }`, nil)
		assertJSON(t, got, `{"crosstab": {"rows": [{"id": "S", "name": "Supply", "nameZh": null}, {"id": "E", "name": "Environment", "nameZh": "环境型"}],
			"columns": [{"id": "Beiling"}, {"id": "Linlan"}, {"id": "Tingyang"}, {"id": "Xichuan"}],
			"cells": [[0, 3, 0, 2], [0, 1, 1, 0]], "rowTotals": [5, 2], "columnTotals": [0, 4, 1, 2],
			"cell": {"value": 3, "sentences": {"totalCount": 3, "edges": [{"node": {"id": "d1#2"}}, {"node": {"id": "d2#0"}}, {"node": {"id": "d2#1"}}]}}}}`)
	})

	t.Run("city × type, share", func(t *testing.T) {
		got := e.ok(t, `{ crosstab(rows: {dimension: CITY}, columns: {frame: "instr", level: "TYPE"}, measure: SHARE) { cells rowTotals columnTotals } }`, nil)
		// SHARE divides by the column's sum: S's column sums to 5, E's to 2.
		assertJSON(t, got, `{"crosstab": {"cells": [[0, 0], [0.6, 0.5], [0, 0.5], [0.4, 0]],
			"rowTotals": [0, 0.5714285714285714, 0.14285714285714285, 0.2857142857142857], "columnTotals": [1, 1]}}`)
	})

	t.Run("tool × main category, sentence by sentence", func(t *testing.T) {
		got := e.ok(t, `{ crosstab(rows: {frame: "instr", level: "TOOL"}, columns: {frame: "codebook", level: "MAIN_CATEGORY"}) {
			columns { id } cells rowTotals cell(row: "S-talent", column: "main-2") { value sentences { edges { node { id } } } } } }`, nil)
		// d3#1 is coded con-3 (main-2) and con-6 (main-3): in S-fund and S-talent, under both.
		assertJSON(t, got, `{"crosstab": {"columns": [{"id": "main-1"}, {"id": "main-2"}, {"id": "main-3"}],
			"cells": [[0, 3, 1], [0, 1, 3], [0, 2, 0]], "rowTotals": [3, 3, 2],
			"cell": {"value": 1, "sentences": {"edges": [{"node": {"id": "d3#1"}}]}}}}`)
	})

	t.Run("frame similarity", func(t *testing.T) {
		// TYPE vectors (S, E): Beiling (0, 0), Linlan (3, 1), Tingyang (0, 1), Xichuan (2, 0).
		var got struct {
			FrameSimilarity []struct {
				A, B   struct{ Name string }
				Cosine float64
			}
		}
		if err := json.Unmarshal(e.ok(t, `{ frameSimilarity(frame: "instr", level: "TYPE") { a { name } b { name } cosine } }`, nil), &got); err != nil {
			t.Fatal(err)
		}
		want := []struct {
			a, b   string
			cosine float64
		}{{"Linlan", "Xichuan", 6 / (math.Sqrt(10) * 2)}, {"Linlan", "Tingyang", 1 / math.Sqrt(10)},
			{"Beiling", "Linlan", 0}, {"Beiling", "Tingyang", 0}, {"Beiling", "Xichuan", 0}, {"Tingyang", "Xichuan", 0}}
		if len(got.FrameSimilarity) != len(want) {
			t.Fatalf("got %+v", got)
		}
		for i, w := range want {
			g := got.FrameSimilarity[i]
			if g.A.Name != w.a || g.B.Name != w.b || math.Abs(g.Cosine-w.cosine) > 1e-12 {
				t.Errorf("pair %d: %+v, want %+v", i, g, w)
			}
		}
	})

	t.Run("a coder filter keeps what is derived from the coder's codings", func(t *testing.T) {
		// By hand from the fixture's codings and the mapping above:
		//   alice: S-fund {d1#2 d2#0}, S-talent {d2#1 d3#2}, E-tax {d4#0};
		//          S {d1#2 d2#0 d2#1 d3#2} 4 in 3 documents, E 1.
		//   bob:   S-fund {d1#2 d3#1}, S-talent {d3#1}, E-tax {d1#3};
		//          S {d1#2 d3#1} 2 in 2 documents, E 1.
		//   derived:m (the mapping's own coder): all 8 derived codings, S 5, E 2.
		got := e.ok(t, `{ frame(id: "instr") {
			alice: codes { id referencePoints(filter: {coders: ["alice"]}) materialSources(filter: {coders: ["alice"]}) }
			bob: codes { id referencePoints(filter: {coders: ["bob"]}) materialSources(filter: {coders: ["bob"]}) }
			mapping: codes(level: "TYPE") { id referencePoints(filter: {coders: ["derived:m"]}) }
			code(id: "S-fund") { codings(filter: {coders: ["bob"]}) { edges { node { sentence { id } coder sourceCoders } } } } }
		  crosstab(rows: {frame: "instr", level: "TYPE"}, columns: {dimension: CITY}, filter: {coders: ["alice"]}) {
			cells cell(row: "S", column: "Linlan") { value sentences { edges { node { id } } } } }
		  compareCities(cities: ["Linlan", "Xichuan"], frameLevel: {frame: "instr", level: "TYPE"}, filter: {coders: ["bob"]}) {
			rows { value { id } cells { referencePoints share } } } }`, nil)
		assertJSON(t, got, `{"frame": {
			"alice": [{"id": "S", "referencePoints": 4, "materialSources": 3}, {"id": "S-fund", "referencePoints": 2, "materialSources": 2},
			  {"id": "S-talent", "referencePoints": 2, "materialSources": 2}, {"id": "E", "referencePoints": 1, "materialSources": 1},
			  {"id": "E-tax", "referencePoints": 1, "materialSources": 1}],
			"bob": [{"id": "S", "referencePoints": 2, "materialSources": 2}, {"id": "S-fund", "referencePoints": 2, "materialSources": 2},
			  {"id": "S-talent", "referencePoints": 1, "materialSources": 1}, {"id": "E", "referencePoints": 1, "materialSources": 1},
			  {"id": "E-tax", "referencePoints": 1, "materialSources": 1}],
			"mapping": [{"id": "S", "referencePoints": 5}, {"id": "E", "referencePoints": 2}],
			"code": {"codings": {"edges": [
			  {"node": {"sentence": {"id": "d1#2"}, "coder": "derived:m", "sourceCoders": ["alice", "bob"]}},
			  {"node": {"sentence": {"id": "d3#1"}, "coder": "derived:m", "sourceCoders": ["bob"]}}]}}},
		  "crosstab": {"cells": [[0, 3, 0, 1], [0, 0, 1, 0]],
			"cell": {"value": 3, "sentences": {"edges": [{"node": {"id": "d1#2"}}, {"node": {"id": "d2#0"}}, {"node": {"id": "d2#1"}}]}}},
		  "compareCities": {"rows": [{"value": {"id": "S"}, "cells": [{"referencePoints": 1, "share": 0.5}, {"referencePoints": 1, "share": 1}]},
			{"value": {"id": "E"}, "cells": [{"referencePoints": 1, "share": 0.5}, {"referencePoints": 0, "share": 0}]}]}}`)
	})

	t.Run("bad axes", func(t *testing.T) {
		for _, c := range []struct{ query, arg string }{
			{`{ crosstab(rows: {dimension: CITY}, columns: {dimension: YEAR}) { cells } }`, "columns"},
			{`{ crosstab(rows: {frame: "nope", level: "TYPE"}, columns: {dimension: YEAR}) { cells } }`, "rows"},
			{`{ crosstab(rows: {frame: "instr", level: "TOOLS"}, columns: {dimension: YEAR}) { cells } }`, "rows"},
			{`{ crosstab(rows: {frame: "instr"}, columns: {dimension: YEAR}) { cells } }`, "rows"},
		} {
			assertError(t, e.post(t, c.query, nil), http.StatusOK, "BAD_USER_INPUT", c.arg)
		}
	})

	t.Run("export equals the answer", func(t *testing.T) {
		r := getExport(t, e, "/export/crosstab.csv?rows=instr:TYPE&columns=CITY")
		if r.status != http.StatusOK {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		recs := readExportCSV(t, r.body)
		want := [][]string{
			{"id", "name", "name_zh", "Beiling", "Linlan", "Tingyang", "Xichuan", "total"},
			{"S", "Supply", "", "0", "3", "0", "2", "5"},
			{"E", "Environment", "环境型", "0", "1", "1", "0", "2"},
			{"", "total", "", "0", "4", "1", "2", ""},
		}
		if len(recs) != len(want) {
			t.Fatalf("got %q", recs)
		}
		for i := range want {
			for j := range want[i] {
				if recs[i][j] != want[i][j] {
					t.Errorf("row %d: %q, want %q", i, recs[i], want[i])
					break
				}
			}
		}
	})
}
