package resolvers_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/policykb/policykb/resolvers"
)

// TestGraphQL checks every field of the GraphQL contract (DESIGN.md §4)
// through the HTTP handler against the fixture (fixture_test.go), whose
// numbers are counted by hand there and in the comments below.
func TestGraphQL(t *testing.T) {
	e := newEnv(t, newCountingStore(openStore(t)), nil)

	t.Run("counts", func(t *testing.T) {
		// want: "id refs sources" per code, in codebook order.
		tests := []struct {
			name, level, filter, want string
		}{
			// d3#1 is in main-2 and main-3 but counts once for layer-2.
			{"layers", "LAYER", "", "layer-1 3 3, layer-2 7 4"},
			// main-1: d1#1 is coded at con-1 and con-2 of cat-1: once.
			{"main categories", "MAIN_CATEGORY", "", "main-1 3 3, main-2 5 4, main-3 3 2"},
			{"categories", "CATEGORY", "", "cat-1 3 3, cat-2 5 4, cat-3 0 0, cat-4 3 2"},
			// con-3: d1#2 is coded by alice and bob: once.
			{"concepts", "CONCEPT", "", "con-1 2 2, con-2 2 2, con-3 3 3, con-4 2 2, con-5 0 0, con-6 2 2, con-7 1 1"},
			// Linlan: d1#1 (main-1), d1#2 d1#3 d2#0 (main-2), d2#1 (main-3).
			{"city", "MAIN_CATEGORY", `{cities: ["Linlan"]}`, "main-1 1 1, main-2 3 2, main-3 1 1"},
			// Xichuan by its Chinese name: d3#0 (main-1), d3#1 (main-2), d3#1 d3#2 (main-3).
			{"city in Chinese", "MAIN_CATEGORY", `{cities: ["溪川市"]}`, "main-1 1 1, main-2 1 1, main-3 2 1"},
			// Province B: Tingyang d4#1 (main-1), d4#0 (main-2); Beiling uncoded.
			{"province", "MAIN_CATEGORY", `{provinces: ["Province B"]}`, "main-1 1 1, main-2 1 1, main-3 0 0"},
			{"document", "MAIN_CATEGORY", `{documents: ["d2"]}`, "main-1 0 0, main-2 1 1, main-3 1 1"},
			// Issued 2024 and later: d2, d4. layer-1 {d4#1}; layer-2 {d2#0 d2#1 d4#0}.
			{"issued from", "LAYER", `{issuedFrom: "2024-01-01"}`, "layer-1 1 1, layer-2 3 2"},
			// Issued in 2023 or before: d1, d3, d5. layer-1 {d1#1 d3#0}; layer-2 {d1#2 d1#3 d3#1 d3#2}.
			{"issued to", "LAYER", `{issuedTo: "2023-12-31"}`, "layer-1 2 2, layer-2 4 2"},
			// Both bounds inclusive: d1 only.
			{"issued on one day", "LAYER", `{issuedFrom: "2023-03-01", issuedTo: "2023-03-01"}`, "layer-1 1 1, layer-2 2 1"},
			// bob: d1#2 con-3, d1#3 con-4, d3#0 con-1, d3#1 con-3 and con-6.
			{"coder", "CONCEPT", `{coders: ["bob"]}`, "con-1 1 1, con-2 0 0, con-3 2 2, con-4 1 1, con-5 0 0, con-6 1 1, con-7 0 0"},
			{"coder by layer", "LAYER", `{coders: ["bob"]}`, "layer-1 1 1, layer-2 3 2"},
			// alice: d1#1 con-1 con-2, d1#2 con-3, d2#0 con-3, d2#1 con-6, d3#2 con-7, d4#0 con-4, d4#1 con-2.
			{"other coder", "CATEGORY", `{coders: ["alice"]}`, "cat-1 2 2, cat-2 3 3, cat-3 0 0, cat-4 2 2"},
			{"city and coder", "MAIN_CATEGORY", `{cities: ["Linlan"], coders: ["bob"]}`, "main-1 0 0, main-2 2 1, main-3 0 0"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				args := "level: " + tt.level
				if tt.filter != "" {
					args += ", filter: " + tt.filter
				}
				data := e.ok(t, `{ counts(`+args+`) { code { id } referencePoints materialSources } }`, nil)
				assertJSON(t, data, `{"counts": [`+countsJSON(tt.want)+`]}`)
			})
		}
	})

	t.Run("counts with names", func(t *testing.T) {
		data := e.ok(t, `{ counts(level: LAYER) { code { id level name nameZh } referencePoints materialSources } }`, nil)
		assertJSON(t, data, `{"counts": [
			{"code": {"id": "layer-1", "level": "LAYER", "name": "Concept Guidance Level", "nameZh": "理念引导层"}, "referencePoints": 3, "materialSources": 3},
			{"code": {"id": "layer-2", "level": "LAYER", "name": "Resource Guarantee Level", "nameZh": "资源保障层"}, "referencePoints": 7, "materialSources": 4}]}`)
	})

	t.Run("code fields", func(t *testing.T) {
		data := e.ok(t, `{ code(ref: "con-3") {
			id level number name nameZh source parent { id } children { id } path { id }
			referencePoints materialSources
			bob: referencePoints(filter: {coders: ["bob"]}) bobSources: materialSources(filter: {coders: ["bob"]})
			sentences(first: 2) { totalCount pageInfo { hasNextPage hasPreviousPage } edges { node { id } } }
			xichuan: sentences(filter: {cities: ["Xichuan"]}) { totalCount edges { node { id } } }
		} }`, nil)
		// con-3: d1#2 (alice, bob), d2#0 (alice), d3#1 (bob); listed by city, issue date, document, index.
		assertJSON(t, data, `{"code": {
			"id": "con-3", "level": "CONCEPT", "number": 3, "name": "Set up special funds", "nameZh": "设立专项资金", "source": "table1",
			"parent": {"id": "cat-2"}, "children": [], "path": [{"id": "layer-2"}, {"id": "main-2"}, {"id": "cat-2"}, {"id": "con-3"}],
			"referencePoints": 3, "materialSources": 3, "bob": 2, "bobSources": 2,
			"sentences": {"totalCount": 3, "pageInfo": {"hasNextPage": true, "hasPreviousPage": false},
				"edges": [{"node": {"id": "d1#2"}}, {"node": {"id": "d2#0"}}]},
			"xichuan": {"totalCount": 1, "edges": [{"node": {"id": "d3#1"}}]}}}`)
	})

	t.Run("code lookup", func(t *testing.T) {
		tests := []struct{ ref, want string }{
			{"main-2", `{"id": "main-2"}`},
			{"MAIN-2", `{"id": "main-2"}`},
			{"Fund Support", `{"id": "main-2"}`},
			{"  fund SUPPORT ", `{"id": "main-2"}`},
			{"资金支持", `{"id": "main-2"}`},
			{"校企联合培养", `{"id": "con-7"}`},
			{"no such code", `null`},
		}
		for _, tt := range tests {
			data := e.ok(t, `query($ref: String!) { code(ref: $ref) { id } }`, map[string]any{"ref": tt.ref})
			assertJSON(t, data, `{"code": `+tt.want+`}`)
		}
	})

	t.Run("ambiguous code", func(t *testing.T) {
		// cat-4 and con-7 are both called Joint Training.
		r := e.post(t, `{ code(ref: "joint training") { id } }`, nil)
		er := assertError(t, r, http.StatusOK, "BAD_USER_INPUT", "ref")
		got, _ := json.Marshal(er.Extensions["candidates"])
		assertJSON(t, got, `[{"id": "cat-4", "level": "CATEGORY", "name": "Joint Training"},
			{"id": "con-7", "level": "CONCEPT", "name": "Joint Training"}]`)
		if !strings.Contains(er.Message, "cat-4 (CATEGORY)") || !strings.Contains(er.Message, "con-7 (CONCEPT)") {
			t.Errorf("message does not list the candidates: %q", er.Message)
		}
		assertJSON(t, r.Data, `{"code": null}`)
	})

	t.Run("codes", func(t *testing.T) {
		data := e.ok(t, `{ codes(level: CATEGORY) { id name } }`, nil)
		assertJSON(t, data, `{"codes": [{"id": "cat-1", "name": "Core Concepts"}, {"id": "cat-2", "name": "Special Funds"},
			{"id": "cat-3", "name": "Tax Relief"}, {"id": "cat-4", "name": "Joint Training"}]}`)
	})

	t.Run("codebook", func(t *testing.T) {
		e.store.reset()
		data := e.ok(t, `{ codebook { id referencePoints children { id referencePoints children { id materialSources
			children { id referencePoints parent { id } } } } } }`, nil)
		assertJSON(t, data, `{"codebook": [
			{"id": "layer-1", "referencePoints": 3, "children": [
				{"id": "main-1", "referencePoints": 3, "children": [
					{"id": "cat-1", "materialSources": 3, "children": [
						{"id": "con-1", "referencePoints": 2, "parent": {"id": "cat-1"}},
						{"id": "con-2", "referencePoints": 2, "parent": {"id": "cat-1"}}]}]}]},
			{"id": "layer-2", "referencePoints": 7, "children": [
				{"id": "main-2", "referencePoints": 5, "children": [
					{"id": "cat-2", "materialSources": 4, "children": [
						{"id": "con-3", "referencePoints": 3, "parent": {"id": "cat-2"}},
						{"id": "con-4", "referencePoints": 2, "parent": {"id": "cat-2"}}]},
					{"id": "cat-3", "materialSources": 0, "children": [
						{"id": "con-5", "referencePoints": 0, "parent": {"id": "cat-3"}}]}]},
				{"id": "main-3", "referencePoints": 3, "children": [
					{"id": "cat-4", "materialSources": 2, "children": [
						{"id": "con-6", "referencePoints": 2, "parent": {"id": "cat-4"}},
						{"id": "con-7", "referencePoints": 1, "parent": {"id": "cat-4"}}]}]}]}]}`)
		// The whole tree's counts come from one CodeCounts call.
		assertCalls(t, e.store.reset(), map[string]int{"Codes": 1, "CodeCounts": 1})
	})

	t.Run("cities", func(t *testing.T) {
		data := e.ok(t, `{ cities { name nameZh province } }`, nil)
		assertJSON(t, data, `{"cities": [
			{"name": "Beiling", "nameZh": "北岭市", "province": "Province B"},
			{"name": "Linlan", "nameZh": "临澜市", "province": "Province A"},
			{"name": "Tingyang", "nameZh": "汀阳市", "province": "Province B"},
			{"name": "Xichuan", "nameZh": "溪川市", "province": "Province A"}]}`)
	})

	t.Run("city", func(t *testing.T) {
		data := e.ok(t, `{ city(name: "临澜市") { name nameZh province documents { id }
			profile(level: MAIN_CATEGORY) { code { id } referencePoints materialSources }
			bob: profile(level: MAIN_CATEGORY, filter: {coders: ["bob"]}) { code { id } referencePoints materialSources } } }`, nil)
		// Linlan: main-2 {d1#2 d1#3 d2#0} first, then main-1 {d1#1} and main-3 {d2#1} in codebook order;
		// bob coded d1#2 and d1#3 (both main-2).
		assertJSON(t, data, `{"city": {"name": "Linlan", "nameZh": "临澜市", "province": "Province A",
			"documents": [{"id": "d1"}, {"id": "d2"}],
			"profile": [{"code": {"id": "main-2"}, "referencePoints": 3, "materialSources": 2},
				{"code": {"id": "main-1"}, "referencePoints": 1, "materialSources": 1},
				{"code": {"id": "main-3"}, "referencePoints": 1, "materialSources": 1}],
			"bob": [{"code": {"id": "main-2"}, "referencePoints": 2, "materialSources": 1}]}}`)

		assertJSON(t, e.ok(t, `{ city(name: "LINLAN") { name } }`, nil), `{"city": {"name": "Linlan"}}`)
		assertJSON(t, e.ok(t, `{ city(name: "Nowhere") { name } }`, nil), `{"city": null}`)
		// Beiling's sentences are uncoded: an empty profile.
		assertJSON(t, e.ok(t, `{ city(name: "Beiling") { documents { id } profile(level: LAYER) { code { id } } } }`, nil),
			`{"city": {"documents": [{"id": "d5"}], "profile": []}}`)
		// Xichuan: main-3 {d3#1 d3#2} leads.
		assertJSON(t, e.ok(t, `{ city(name: "Xichuan") { profile(level: MAIN_CATEGORY) { code { id } referencePoints } } }`, nil),
			`{"city": {"profile": [{"code": {"id": "main-3"}, "referencePoints": 2}, {"code": {"id": "main-1"}, "referencePoints": 1},
				{"code": {"id": "main-2"}, "referencePoints": 1}]}}`)
	})

	t.Run("document", func(t *testing.T) {
		data := e.ok(t, `{ document(id: "d3") { id title city { name } issuer issuedOn docType url sourceFile synthetic sentenceCount
			sentences(first: 2) { totalCount pageInfo { hasNextPage hasPreviousPage }
				edges { node { id index kind text start end document { id } codings { code { id } coder origin } } } }
			codes(level: CATEGORY) { code { id } referencePoints materialSources } } }`, nil)
		// d3's sentences are 40 and 47 code points long, one "\n" apart.
		// Categories: cat-4 {d3#1 d3#2}, then cat-1 {d3#0} and cat-2 {d3#1} in codebook order.
		assertJSON(t, data, `{"document": {"id": "d3", "title": "Xichuan Alliance Measures (synthetic)", "city": {"name": "Xichuan"},
			"issuer": "Xichuan Municipal Government Office (synthetic)", "issuedOn": "2023-09-10", "docType": "implementation plan",
			"url": null, "sourceFile": "fixture/d3.txt", "synthetic": true, "sentenceCount": 3,
			"sentences": {"totalCount": 3, "pageInfo": {"hasNextPage": true, "hasPreviousPage": false}, "edges": [
				{"node": {"id": "d3#0", "index": 0, "kind": "SENTENCE", "text": "Deepen education reform across the city.",
					"start": 0, "end": 40, "document": {"id": "d3"},
					"codings": [{"code": {"id": "con-1"}, "coder": "bob", "origin": "import:nvivo"}]}},
				{"node": {"id": "d3#1", "index": 1, "kind": "SENTENCE", "text": "Fund order-based classes from the special fund.",
					"start": 41, "end": 88, "document": {"id": "d3"},
					"codings": [{"code": {"id": "con-3"}, "coder": "bob", "origin": "import:nvivo"},
						{"code": {"id": "con-6"}, "coder": "bob", "origin": "import:nvivo"}]}}]},
			"codes": [{"code": {"id": "cat-4"}, "referencePoints": 2, "materialSources": 1},
				{"code": {"id": "cat-1"}, "referencePoints": 1, "materialSources": 1},
				{"code": {"id": "cat-2"}, "referencePoints": 1, "materialSources": 1}]}}`)

		// d1: a heading, a URL, and two coders on #2.
		data = e.ok(t, `{ document(id: "d1") { url sentences(first: 3) { edges { node { kind codings { code { id } coder origin } } } } } }`, nil)
		assertJSON(t, data, `{"document": {"url": "https://example.invalid/linlan/d1", "sentences": {"edges": [
			{"node": {"kind": "HEADING", "codings": []}},
			{"node": {"kind": "SENTENCE", "codings": [{"code": {"id": "con-1"}, "coder": "alice", "origin": "manual"},
				{"code": {"id": "con-2"}, "coder": "alice", "origin": "manual"}]}},
			{"node": {"kind": "SENTENCE", "codings": [{"code": {"id": "con-3"}, "coder": "alice", "origin": "manual"},
				{"code": {"id": "con-3"}, "coder": "bob", "origin": "import:nvivo"}]}}]}}}`)

		assertJSON(t, e.ok(t, `{ document(id: "nope") { id } }`, nil), `{"document": null}`)
	})

	t.Run("document sentences pages", func(t *testing.T) {
		var page struct {
			Document struct {
				Sentences struct {
					Edges []struct {
						Cursor string
						Node   struct{ ID string }
					}
					PageInfo struct {
						HasNextPage bool
						EndCursor   string
					}
					TotalCount int
				}
			}
		}
		q := `query($after: String) { document(id: "d1") { sentences(first: 3, after: $after) {
			edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount } } }`
		data := e.ok(t, q, nil)
		if err := json.Unmarshal(data, &page); err != nil {
			t.Fatal(err)
		}
		s := page.Document.Sentences
		if len(s.Edges) != 3 || !s.PageInfo.HasNextPage || s.TotalCount != 4 || s.PageInfo.EndCursor != s.Edges[2].Cursor {
			t.Fatalf("first page of d1: %s", data)
		}
		data = e.ok(t, q, map[string]any{"after": s.PageInfo.EndCursor})
		assertJSON(t, data, `{"document": {"sentences": {"edges": [{"cursor": "`+cursorAt(3)+`", "node": {"id": "d1#3"}}],
			"pageInfo": {"hasNextPage": false, "hasPreviousPage": true, "startCursor": "`+cursorAt(3)+`", "endCursor": "`+cursorAt(3)+`"},
			"totalCount": 4}}}`)
	})

	t.Run("documents pages", func(t *testing.T) {
		// Order: city, issue date, id: d5 (Beiling), d1 d2 (Linlan), d4 (Tingyang), d3 (Xichuan).
		q := `query($first: Int, $after: String) { documents(first: $first, after: $after) {
			totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } } } }`
		type conn struct {
			Documents struct {
				TotalCount int
				PageInfo   struct {
					HasNextPage, HasPreviousPage bool
					StartCursor, EndCursor       *string
				}
				Edges []struct {
					Cursor string
					Node   struct{ ID string }
				}
			}
		}
		get := func(vars map[string]any) conn {
			var c conn
			if err := json.Unmarshal(e.ok(t, q, vars), &c); err != nil {
				t.Fatal(err)
			}
			return c
		}
		ids := func(c conn) string {
			var s []string
			for _, ed := range c.Documents.Edges {
				s = append(s, ed.Node.ID)
			}
			return strings.Join(s, " ")
		}
		all := get(map[string]any{"first": 50})
		if ids(all) != "d5 d1 d2 d4 d3" || all.Documents.TotalCount != 5 || all.Documents.PageInfo.HasNextPage {
			t.Fatalf("all documents: %+v", all)
		}
		var seen []string
		var after any
		for page := 0; ; page++ {
			c := get(map[string]any{"first": 2, "after": after})
			pi := c.Documents.PageInfo
			if c.Documents.TotalCount != 5 || pi.HasPreviousPage != (page > 0) {
				t.Fatalf("page %d: %+v", page, c)
			}
			if *pi.StartCursor != c.Documents.Edges[0].Cursor || *pi.EndCursor != c.Documents.Edges[len(c.Documents.Edges)-1].Cursor {
				t.Fatalf("page %d: start/end cursors are not the edges' cursors: %+v", page, c)
			}
			seen = append(seen, ids(c))
			if !pi.HasNextPage {
				break
			}
			after = *pi.EndCursor
		}
		if got := strings.Join(seen, " | "); got != "d5 d1 | d2 d4 | d3" {
			t.Errorf("pages of 2: %s", got)
		}
		// Round trip: after the cursor of any edge comes the next document.
		for i, ed := range all.Documents.Edges[:4] {
			c := get(map[string]any{"first": 1, "after": ed.Cursor})
			if want := all.Documents.Edges[i+1].Node.ID; ids(c) != want {
				t.Errorf("after edge %d: %s, want %s", i, ids(c), want)
			}
		}
		// An empty page still counts.
		assertJSON(t, e.ok(t, q, map[string]any{"first": 0}), `{"documents": {"totalCount": 5,
			"pageInfo": {"hasNextPage": true, "hasPreviousPage": false, "startCursor": null, "endCursor": null}, "edges": []}}`)
	})

	t.Run("documents filtered", func(t *testing.T) {
		tests := []struct{ filter, want string }{
			{`{provinces: ["Province A"]}`, `["d1", "d2", "d3"]`},
			{`{cities: ["汀阳市", "beiling"]}`, `["d5", "d4"]`},
			{`{coders: ["bob"]}`, `["d1", "d3"]`},
			{`{issuedFrom: "2024-01-01"}`, `["d2", "d4"]`},
			{`{documents: ["d4", "d1"]}`, `["d1", "d4"]`},
		}
		for _, tt := range tests {
			data := e.ok(t, `{ documents(filter: `+tt.filter+`) { totalCount edges { node { id } } } }`, nil)
			var ids []string
			_ = json.Unmarshal([]byte(tt.want), &ids)
			var edges []string
			for _, id := range ids {
				edges = append(edges, `{"node": {"id": "`+id+`"}}`)
			}
			assertJSON(t, data, fmt.Sprintf(`{"documents": {"totalCount": %d, "edges": [%s]}}`, len(ids), strings.Join(edges, ",")))
		}
	})

	t.Run("page size", func(t *testing.T) {
		// The tests' handler caps pages at 60.
		for _, q := range []string{
			`{ documents(first: 61) { totalCount } }`,
			`{ documents(first: -1) { totalCount } }`,
			`{ sentences(first: 1000) { totalCount } }`,
			`{ code(ref: "con-3") { sentences(first: 61) { totalCount } } }`,
			`{ document(id: "d1") { sentences(first: 61) { totalCount } } }`,
			`{ citiesCiting(code: "main-2") { evidence(first: 61) { id } } }`,
		} {
			r := e.post(t, q, nil)
			er := assertError(t, r, http.StatusOK, "BAD_USER_INPUT", "first")
			if !strings.Contains(er.Message, "60") {
				t.Errorf("%s: message does not give the cap: %q", q, er.Message)
			}
		}
		assertError(t, e.post(t, `{ documents(after: "bm90IGEgY3Vyc29y") { totalCount } }`, nil), http.StatusOK, "BAD_USER_INPUT", "after")
		assertError(t, e.post(t, `{ documents(after: "%%%") { totalCount } }`, nil), http.StatusOK, "BAD_USER_INPUT", "after")
	})

	t.Run("sentences", func(t *testing.T) {
		tests := []struct{ name, filter, want string }{
			// Listed by city, issue date, document, index.
			{"text", `{text: "FUND"}`, "d1#2 d2#0 d4#0 d3#1"},
			{"uncoded", `{coded: false}`, "d5#0 d5#1 d1#0 d2#2"},
			{"code by name", `{code: "Fund Support"}`, "d1#2 d1#3 d2#0 d4#0 d3#1"},
			{"code and city", `{code: "main-2", cities: ["Xichuan"]}`, "d3#1"},
			{"document", `{documents: ["d2"]}`, "d2#0 d2#1 d2#2"},
			{"coded text", `{coded: true, text: "enterprises"}`, "d1#3 d2#1 d4#0 d3#2"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				data := e.ok(t, `{ sentences(filter: `+tt.filter+`) { totalCount edges { node { id } } } }`, nil)
				ids := strings.Fields(tt.want)
				var edges []string
				for _, id := range ids {
					edges = append(edges, `{"node": {"id": "`+id+`"}}`)
				}
				assertJSON(t, data, fmt.Sprintf(`{"sentences": {"totalCount": %d, "edges": [%s]}}`, len(ids), strings.Join(edges, ",")))
			})
		}
		data := e.ok(t, `{ sentences(filter: {coded: true}, first: 3) { totalCount pageInfo { hasNextPage } edges { node { id document { id city { name } } } } } }`, nil)
		assertJSON(t, data, `{"sentences": {"totalCount": 10, "pageInfo": {"hasNextPage": true}, "edges": [
			{"node": {"id": "d1#1", "document": {"id": "d1", "city": {"name": "Linlan"}}}},
			{"node": {"id": "d1#2", "document": {"id": "d1", "city": {"name": "Linlan"}}}},
			{"node": {"id": "d1#3", "document": {"id": "d1", "city": {"name": "Linlan"}}}}]}}`)

		assertError(t, e.post(t, `{ sentences(filter: {code: "no such code"}) { totalCount } }`, nil), http.StatusOK, "BAD_USER_INPUT", "filter.code")
		assertError(t, e.post(t, `{ sentences(filter: {code: "Joint Training"}) { totalCount } }`, nil), http.StatusOK, "BAD_USER_INPUT", "filter.code")
	})

	t.Run("citiesCiting", func(t *testing.T) {
		// main-2 (Fund Support): Linlan {d1#2 d1#3 d2#0}, Tingyang {d4#0}, Xichuan {d3#1};
		// most references first, then by name; evidence in document order.
		data := e.ok(t, `{ citiesCiting(code: "Fund Support") { city { name } referencePoints materialSources
			documents { id } evidence { id document { id } } two: evidence(first: 2) { id } } }`, nil)
		assertJSON(t, data, `{"citiesCiting": [
			{"city": {"name": "Linlan"}, "referencePoints": 3, "materialSources": 2, "documents": [{"id": "d1"}, {"id": "d2"}],
				"evidence": [{"id": "d1#2", "document": {"id": "d1"}}, {"id": "d1#3", "document": {"id": "d1"}}, {"id": "d2#0", "document": {"id": "d2"}}],
				"two": [{"id": "d1#2"}, {"id": "d1#3"}]},
			{"city": {"name": "Tingyang"}, "referencePoints": 1, "materialSources": 1, "documents": [{"id": "d4"}],
				"evidence": [{"id": "d4#0", "document": {"id": "d4"}}], "two": [{"id": "d4#0"}]},
			{"city": {"name": "Xichuan"}, "referencePoints": 1, "materialSources": 1, "documents": [{"id": "d3"}],
				"evidence": [{"id": "d3#1", "document": {"id": "d3"}}], "two": [{"id": "d3#1"}]}]}`)

		data = e.ok(t, `{ citiesCiting(code: "资金支持", minReferences: 2) { city { name } referencePoints } }`, nil)
		assertJSON(t, data, `{"citiesCiting": [{"city": {"name": "Linlan"}, "referencePoints": 3}]}`)

		// Issued 2024 and later: Linlan {d2#0}, Tingyang {d4#0}.
		data = e.ok(t, `{ citiesCiting(code: "main-2", filter: {issuedFrom: "2024-01-01"}) { city { name } referencePoints materialSources documents { id } evidence { id } } }`, nil)
		assertJSON(t, data, `{"citiesCiting": [
			{"city": {"name": "Linlan"}, "referencePoints": 1, "materialSources": 1, "documents": [{"id": "d2"}], "evidence": [{"id": "d2#0"}]},
			{"city": {"name": "Tingyang"}, "referencePoints": 1, "materialSources": 1, "documents": [{"id": "d4"}], "evidence": [{"id": "d4#0"}]}]}`)

		// Nobody codes con-5.
		assertJSON(t, e.ok(t, `{ citiesCiting(code: "con-5") { city { name } } }`, nil), `{"citiesCiting": []}`)

		r := e.post(t, `{ citiesCiting(code: "no such code") { city { name } } }`, nil)
		assertError(t, r, http.StatusOK, "BAD_USER_INPUT", "code")
		assertError(t, e.post(t, `{ citiesCiting(code: "joint training") { city { name } } }`, nil), http.StatusOK, "BAD_USER_INPUT", "code")
	})

	t.Run("compareCities", func(t *testing.T) {
		// Reference points at main-1, main-2, main-3:
		//   Linlan   (1, 3, 1) sum 5: shares .2 .6 .2
		//   Xichuan  (1, 1, 2) sum 4: shares .25 .25 .5 (d3#1 counts in main-2 and main-3)
		//   Tingyang (1, 1, 0) sum 2: shares .5 .5 0
		// cosine(L, X) = 6/√(11·6) = 0.7385489458759964
		// cosine(L, T) = 4/√(11·2) = 0.8528028654224417
		// cosine(X, T) = 2/√(6·2)  = 0.5773502691896258
		data := e.ok(t, `{ compareCities(cities: ["Linlan", "溪川市", "tingyang"], level: MAIN_CATEGORY) {
			level cities { name } rows { code { id } cells { city { name } referencePoints materialSources share } }
			similarity { a { name } b { name } cosine } } }`, nil)
		assertJSON(t, data, `{"compareCities": {"level": "MAIN_CATEGORY",
			"cities": [{"name": "Linlan"}, {"name": "Xichuan"}, {"name": "Tingyang"}],
			"rows": [
				{"code": {"id": "main-1"}, "cells": [
					{"city": {"name": "Linlan"}, "referencePoints": 1, "materialSources": 1, "share": 0.2},
					{"city": {"name": "Xichuan"}, "referencePoints": 1, "materialSources": 1, "share": 0.25},
					{"city": {"name": "Tingyang"}, "referencePoints": 1, "materialSources": 1, "share": 0.5}]},
				{"code": {"id": "main-2"}, "cells": [
					{"city": {"name": "Linlan"}, "referencePoints": 3, "materialSources": 2, "share": 0.6},
					{"city": {"name": "Xichuan"}, "referencePoints": 1, "materialSources": 1, "share": 0.25},
					{"city": {"name": "Tingyang"}, "referencePoints": 1, "materialSources": 1, "share": 0.5}]},
				{"code": {"id": "main-3"}, "cells": [
					{"city": {"name": "Linlan"}, "referencePoints": 1, "materialSources": 1, "share": 0.2},
					{"city": {"name": "Xichuan"}, "referencePoints": 2, "materialSources": 1, "share": 0.5},
					{"city": {"name": "Tingyang"}, "referencePoints": 0, "materialSources": 0, "share": 0}]}],
			"similarity": [
				{"a": {"name": "Linlan"}, "b": {"name": "Xichuan"}, "cosine": 0.7385489458759964},
				{"a": {"name": "Linlan"}, "b": {"name": "Tingyang"}, "cosine": 0.8528028654224417},
				{"a": {"name": "Xichuan"}, "b": {"name": "Tingyang"}, "cosine": 0.5773502691896258}]}}`)

		// All cities (by name) at LAYER: Beiling (0, 0), Linlan (1, 4), Tingyang (1, 1), Xichuan (1, 2).
		// cosine(L, T) = 5/√(17·2) = 0.8574929257125441; cosine(L, X) = 9/√(17·5) = 0.9761870601839528;
		// cosine(T, X) = 3/√(2·5) = 0.9486832980505138; Beiling's zero vector: 0 with everyone.
		data = e.ok(t, `{ compareCities(level: LAYER) { cities { name } rows { cells { share } } similarity { a { name } b { name } cosine } } }`, nil)
		assertJSON(t, data, `{"compareCities": {"cities": [{"name": "Beiling"}, {"name": "Linlan"}, {"name": "Tingyang"}, {"name": "Xichuan"}],
			"rows": [{"cells": [{"share": 0}, {"share": 0.2}, {"share": 0.5}, {"share": 0.3333333333333333}]},
				{"cells": [{"share": 0}, {"share": 0.8}, {"share": 0.5}, {"share": 0.6666666666666666}]}],
			"similarity": [
				{"a": {"name": "Beiling"}, "b": {"name": "Linlan"}, "cosine": 0},
				{"a": {"name": "Beiling"}, "b": {"name": "Tingyang"}, "cosine": 0},
				{"a": {"name": "Beiling"}, "b": {"name": "Xichuan"}, "cosine": 0},
				{"a": {"name": "Linlan"}, "b": {"name": "Tingyang"}, "cosine": 0.8574929257125441},
				{"a": {"name": "Linlan"}, "b": {"name": "Xichuan"}, "cosine": 0.9761870601839528},
				{"a": {"name": "Tingyang"}, "b": {"name": "Xichuan"}, "cosine": 0.9486832980505138}]}}`)

		// With a filter: Linlan's documents from 2024 on are d2 alone: main-2 {d2#0}, main-3 {d2#1}.
		data = e.ok(t, `{ compareCities(cities: ["Linlan"], level: MAIN_CATEGORY, filter: {issuedFrom: "2024-01-01"}) {
			rows { cells { referencePoints share } } similarity { cosine } } }`, nil)
		assertJSON(t, data, `{"compareCities": {"rows": [{"cells": [{"referencePoints": 0, "share": 0}]},
			{"cells": [{"referencePoints": 1, "share": 0.5}]}, {"cells": [{"referencePoints": 1, "share": 0.5}]}], "similarity": []}}`)

		// The filter's cities and the compared ones meet: Xichuan (named in Chinese
		// by the filter) keeps its counts (1, 1, 2), Linlan is left out by the
		// filter and counts nothing, Beiling is filtered in but not compared.
		data = e.ok(t, `{ compareCities(cities: ["Linlan", "Xichuan"], level: MAIN_CATEGORY, filter: {cities: ["溪川市", "Beiling"]}) {
			cities { name } rows { cells { referencePoints } } } }`, nil)
		assertJSON(t, data, `{"compareCities": {"cities": [{"name": "Linlan"}, {"name": "Xichuan"}],
			"rows": [{"cells": [{"referencePoints": 0}, {"referencePoints": 1}]}, {"cells": [{"referencePoints": 0}, {"referencePoints": 1}]},
				{"cells": [{"referencePoints": 0}, {"referencePoints": 2}]}]}}`)
		data = e.ok(t, `{ compareCities(cities: ["Linlan"], level: LAYER, filter: {cities: ["Beiling"]}) { rows { cells { referencePoints } } } }`, nil)
		assertJSON(t, data, `{"compareCities": {"rows": [{"cells": [{"referencePoints": 0}]}, {"cells": [{"referencePoints": 0}]}]}}`)

		r := e.post(t, `{ compareCities(cities: ["Linlan", "Atlantis"], level: LAYER) { level } }`, nil)
		er := assertError(t, r, http.StatusOK, "BAD_USER_INPUT", "cities")
		if !strings.Contains(er.Message, "Atlantis") {
			t.Errorf("message does not name the city: %q", er.Message)
		}
	})

	t.Run("stats", func(t *testing.T) {
		// 14 sentences (4+3+3+2+2), 10 of them coded, 13 codings (d1#1 2, d1#2 2, d3#1 2, seven with 1).
		data := e.ok(t, `{ stats { cities documents sentences codedSentences codings layers mainCategories categories concepts } }`, nil)
		assertJSON(t, data, `{"stats": {"cities": 4, "documents": 5, "sentences": 14, "codedSentences": 10, "codings": 13,
			"layers": 2, "mainCategories": 3, "categories": 4, "concepts": 7}}`)
	})

	t.Run("examples", func(t *testing.T) {
		// The GraphiQL tabs (examples.graphql) run as they are.
		want := map[string]string{
			"Table4_layers": `{"counts": [
				{"code": {"name": "Concept Guidance Level", "nameZh": "理念引导层"}, "referencePoints": 3, "materialSources": 3},
				{"code": {"name": "Resource Guarantee Level", "nameZh": "资源保障层"}, "referencePoints": 7, "materialSources": 4}]}`,
			"Table3_main_categories": `{"counts": [
				{"code": {"number": 1, "name": "Guiding Ideology", "nameZh": "指导思想", "parent": {"name": "Concept Guidance Level"}}, "referencePoints": 3, "materialSources": 3},
				{"code": {"number": 2, "name": "Fund Support", "nameZh": "资金支持", "parent": {"name": "Resource Guarantee Level"}}, "referencePoints": 5, "materialSources": 4},
				{"code": {"number": 3, "name": "Talent Training", "nameZh": "人才培养", "parent": {"name": "Resource Guarantee Level"}}, "referencePoints": 3, "materialSources": 2}]}`,
			"Which_cities_cite_Fund_Support": `{"citiesCiting": [
				{"city": {"name": "Linlan", "nameZh": "临澜市"}, "referencePoints": 3, "materialSources": 2,
					"documents": [{"title": "Linlan Plan for Industry-Education Alliances (synthetic)"}, {"title": "Linlan Fund Notice (synthetic)"}],
					"evidence": [{"text": "Set up a special fund for the alliance."}, {"text": "Reward enterprises that join the alliance."}]},
				{"city": {"name": "Tingyang", "nameZh": "汀阳市"}, "referencePoints": 1, "materialSources": 1,
					"documents": [{"title": "Tingyang Alliance Opinions (synthetic)"}], "evidence": [{"text": "Reward enterprises with fund support."}]},
				{"city": {"name": "Xichuan", "nameZh": "溪川市"}, "referencePoints": 1, "materialSources": 1,
					"documents": [{"title": "Xichuan Alliance Measures (synthetic)"}], "evidence": [{"text": "Fund order-based classes from the special fund."}]}]}`,
			"Compare_three_cities": `{"compareCities": {
				"cities": [{"name": "Linlan", "nameZh": "临澜市"}, {"name": "Xichuan", "nameZh": "溪川市"}, {"name": "Tingyang", "nameZh": "汀阳市"}],
				"rows": [
					{"code": {"name": "Guiding Ideology"}, "cells": [{"city": {"name": "Linlan"}, "referencePoints": 1, "share": 0.2},
						{"city": {"name": "Xichuan"}, "referencePoints": 1, "share": 0.25}, {"city": {"name": "Tingyang"}, "referencePoints": 1, "share": 0.5}]},
					{"code": {"name": "Fund Support"}, "cells": [{"city": {"name": "Linlan"}, "referencePoints": 3, "share": 0.6},
						{"city": {"name": "Xichuan"}, "referencePoints": 1, "share": 0.25}, {"city": {"name": "Tingyang"}, "referencePoints": 1, "share": 0.5}]},
					{"code": {"name": "Talent Training"}, "cells": [{"city": {"name": "Linlan"}, "referencePoints": 1, "share": 0.2},
						{"city": {"name": "Xichuan"}, "referencePoints": 2, "share": 0.5}, {"city": {"name": "Tingyang"}, "referencePoints": 0, "share": 0}]}],
				"similarity": [
					{"a": {"name": "Linlan"}, "b": {"name": "Xichuan"}, "cosine": 0.7385489458759964},
					{"a": {"name": "Linlan"}, "b": {"name": "Tingyang"}, "cosine": 0.8528028654224417},
					{"a": {"name": "Xichuan"}, "b": {"name": "Tingyang"}, "cosine": 0.5773502691896258}]}}`,
			// The analyses' examples name the sample's codes; on this fixture
			// main-10 does not exist (a null cell) and no two categories share
			// 12 documents. Values as in analysis_test.go.
			"Matrix_main_categories_by_city": `{"matrix": {
				"rows": [{"id": "main-1", "name": "Guiding Ideology"}, {"id": "main-2", "name": "Fund Support"}, {"id": "main-3", "name": "Talent Training"}],
				"columns": ["Beiling", "Linlan", "Tingyang", "Xichuan"],
				"cells": [[0, 142.85714285714286, 500, 333.3333333333333], [0, 428.57142857142856, 500, 333.3333333333333], [0, 142.85714285714286, 0, 666.6666666666666]],
				"rowTotals": [214.28571428571428, 357.14285714285717, 214.28571428571428],
				"columnTotals": [0, 714.2857142857143, 1000, 1000], "cell": null}}`,
			"Cooccurring_categories": `{"cooccurrence": []}`,
			"Similar_cities": `{"similarity": [
				{"a": {"name": "Linlan"}, "b": {"name": "Tingyang"}, "cosine": 0.8528028654224417},
				{"a": {"name": "Linlan"}, "b": {"name": "Xichuan"}, "cosine": 0.7385489458759964},
				{"a": {"name": "Tingyang"}, "b": {"name": "Xichuan"}, "cosine": 0.5773502691896258},
				{"a": {"name": "Beiling"}, "b": {"name": "Linlan"}, "cosine": 0},
				{"a": {"name": "Beiling"}, "b": {"name": "Tingyang"}, "cosine": 0},
				{"a": {"name": "Beiling"}, "b": {"name": "Xichuan"}, "cosine": 0}]}`,
		}
		// Examples without an entry here run on the sample in their
		// feature's tests (agreement_test.go).
		examples := resolvers.DefaultExamples()
		ran := 0
		for _, ex := range examples {
			w, ok := want[exampleName(ex.Query)]
			if !ok {
				continue
			}
			ran++
			assertJSON(t, e.ok(t, ex.Query, nil), w)
		}
		if ran != len(want) {
			t.Errorf("%d of the %d expected examples are in examples.graphql", ran, len(want))
		}
	})
}

// countsJSON turns "id refs sources, ..." into CodeCount JSON objects.
func countsJSON(s string) string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		f := strings.Fields(part)
		out = append(out, fmt.Sprintf(`{"code": {"id": %q}, "referencePoints": %s, "materialSources": %s}`, f[0], f[1], f[2]))
	}
	return strings.Join(out, ",")
}

// cursorAt is the cursor of the edge at offset i (base64 of "offset:i").
func cursorAt(i int) string {
	return map[int]string{0: "b2Zmc2V0OjA=", 1: "b2Zmc2V0OjE=", 2: "b2Zmc2V0OjI=", 3: "b2Zmc2V0OjM="}[i]
}

// exampleName is the operation name of an example query.
func exampleName(q string) string {
	for _, line := range strings.Split(q, "\n") {
		if rest, ok := strings.CutPrefix(line, "query "); ok {
			return strings.Fields(rest)[0]
		}
	}
	return ""
}

// assertCalls checks the graph calls a request made.
func assertCalls(t *testing.T, got, want map[string]int) {
	t.Helper()
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s called %d times, want %d (all calls: %v)", k, got[k], v, got)
		}
	}
	for k, v := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected %s called %d times (all calls: %v)", k, v, got)
		}
	}
}
