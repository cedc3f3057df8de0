package resolvers_test

import (
	"context"
	"encoding/json"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/policykb/policykb/data"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/testneo4j"
	"github.com/policykb/policykb/loaders"
	"github.com/policykb/policykb/resolvers"
)

// analysisEnv serves the store with the cypher query enabled (max 2 rows).
func analysisEnv[S *graph.Store | *countingStore](t *testing.T, s S) *env {
	o := testOptions(nil)
	o.Log = nil
	o.Cypher = resolvers.CypherOptions{Enabled: true, MaxRows: 2, Timeout: 5 * time.Second}
	return newEnv(t, s, &o)
}

// TestAgreementQuery works on the fixture of fixture_test.go, whose coders
// are alice and bob.
func TestAgreementQuery(t *testing.T) {
	e := analysisEnv(t, openStore(t))

	t.Run("concept level", func(t *testing.T) {
		// Documents both coded: d1 (alice #1 #2, bob #2 #3) and d3 (bob #0
		// #1, alice #2): 7 units. d2 and d4 are alice's alone.
		//   con-1: alice {d1#1}, bob {d3#0}       0 1 1 5  po 5/7, pe·49 = 1+36,  kappa (35−37)/(49−37) = −1/6
		//   con-2: alice {d1#1}                   0 1 0 6  po 6/7, pe·49 = 0+42,  kappa 0
		//   con-3: alice {d1#2}, bob {d1#2 d3#1}  1 0 1 5  po 6/7, pe·49 = 2+30,  kappa 10/17
		//   con-4: bob {d1#3}; con-6: bob {d3#1}; con-7: alice {d3#2}: each 1 one-sided, kappa 0
		//   con-5: nobody (left out of byCode)
		// Pooled over 7 units × 7 concepts = 49: both 1, alice only 3, bob
		// only 4, neither 41; po = 42/49; pe·49² = 4·5 + 45·44 = 2000;
		// kappa = (49·42 − 2000)/(49² − 2000) = 58/401; Holsti = 2/(4+5).
		data := e.ok(t, `{ agreement(coderA: "alice", coderB: "bob") {
			coderA coderB level units percentAgreement kappa holsti codingsA codingsB matched documents { id }
			byCode { code { id } percentAgreement kappa both onlyA onlyB neither disagreements { id } } } }`, nil)
		assertJSON(t, data, `{"agreement": {"coderA": "alice", "coderB": "bob", "level": "CONCEPT", "units": 7,
			"percentAgreement": 0.8571428571428571, "kappa": 0.14463840399002495, "holsti": 0.2222222222222222,
			"codingsA": 4, "codingsB": 5, "matched": 1, "documents": [{"id": "d1"}, {"id": "d3"}],
			"byCode": [
				{"code": {"id": "con-1"}, "percentAgreement": 0.7142857142857143, "kappa": -0.16666666666666666,
				 "both": 0, "onlyA": 1, "onlyB": 1, "neither": 5, "disagreements": [{"id": "d1#1"}, {"id": "d3#0"}]},
				{"code": {"id": "con-2"}, "percentAgreement": 0.8571428571428571, "kappa": 0,
				 "both": 0, "onlyA": 1, "onlyB": 0, "neither": 6, "disagreements": [{"id": "d1#1"}]},
				{"code": {"id": "con-3"}, "percentAgreement": 0.8571428571428571, "kappa": 0.5882352941176471,
				 "both": 1, "onlyA": 0, "onlyB": 1, "neither": 5, "disagreements": [{"id": "d3#1"}]},
				{"code": {"id": "con-4"}, "percentAgreement": 0.8571428571428571, "kappa": 0,
				 "both": 0, "onlyA": 0, "onlyB": 1, "neither": 6, "disagreements": [{"id": "d1#3"}]},
				{"code": {"id": "con-6"}, "percentAgreement": 0.8571428571428571, "kappa": 0,
				 "both": 0, "onlyA": 0, "onlyB": 1, "neither": 6, "disagreements": [{"id": "d3#1"}]},
				{"code": {"id": "con-7"}, "percentAgreement": 0.8571428571428571, "kappa": 0,
				 "both": 0, "onlyA": 1, "onlyB": 0, "neither": 6, "disagreements": [{"id": "d3#2"}]}]}}`)
	})

	t.Run("category level", func(t *testing.T) {
		// cat-1: alice {d1#1}, bob {d3#0}: 0 1 1 5; cat-2: alice {d1#2},
		// bob {d1#2 d1#3 d3#1}: 1 0 2 4; cat-4: alice {d3#2}, bob {d3#1}:
		// 0 1 1 5. Pooled over 7 × 4 = 28: 1 2 4 21; po = 22/28;
		// pe·28² = 3·5 + 25·23 = 590; kappa = (616 − 590)/(784 − 590) = 26/194;
		// Holsti = 2/(3+5).
		data := e.ok(t, `{ agreement(coderA: "alice", coderB: "bob", level: CATEGORY) {
			percentAgreement kappa holsti byCode { code { id } kappa } } }`, nil)
		assertJSON(t, data, `{"agreement": {"percentAgreement": 0.7857142857142857, "kappa": 0.13402061855670103, "holsti": 0.25,
			"byCode": [{"code": {"id": "cat-1"}, "kappa": -0.16666666666666666}, {"code": {"id": "cat-2"}, "kappa": 0.36363636363636365},
				{"code": {"id": "cat-4"}, "kappa": -0.16666666666666666}]}}`)
	})

	t.Run("no common document", func(t *testing.T) {
		// Only Tingyang (d4): bob never coded there.
		data := e.ok(t, `{ agreement(coderA: "alice", coderB: "bob", filter: {cities: ["Tingyang"]}) {
			units percentAgreement kappa holsti byCode { code { id } } documents { id } } }`, nil)
		assertJSON(t, data, `{"agreement": {"units": 0, "percentAgreement": 0, "kappa": 0, "holsti": 0, "byCode": [], "documents": []}}`)
	})

	t.Run("errors", func(t *testing.T) {
		for _, tt := range []struct{ query, arg string }{
			{`{ agreement(coderA: "carol", coderB: "bob") { units } }`, "coderA"},
			{`{ agreement(coderA: "alice", coderB: "carol") { units } }`, "coderB"},
			{`{ agreement(coderA: "alice", coderB: "alice") { units } }`, "coderB"},
			{`{ agreement(coderA: "alice", coderB: "bob", filter: {coders: ["bob"]}) { units } }`, "filter"},
		} {
			assertError(t, e.post(t, tt.query, nil), http.StatusOK, "BAD_USER_INPUT", tt.arg)
		}
	})
}

func TestSaturationQuery(t *testing.T) {
	e := analysisEnv(t, openStore(t))
	// Concepts per document (fixture_test.go): d1 con-1 con-2 con-3 con-4;
	// d2 con-3 con-6; d3 con-1 con-3 con-6 con-7; d4 con-4 con-2; d5 none.
	tests := []struct{ name, query, want string }{
		// d3's categories cat-1, cat-2, cat-4 are all in d1 or d2.
		{"saturated", `{ saturation(heldOut: ["d3"]) { saturated newCodes { id } comparedWith heldOut { id } } }`,
			`{"saturation": {"saturated": true, "newCodes": [], "comparedWith": 4, "heldOut": [{"id": "d3"}]}}`},
		// d2 and d3 bring con-6 and con-7; d1, d4 and d5 have neither.
		{"new concepts", `{ saturation(heldOut: ["d3", "d2"], level: CONCEPT) { saturated newCodes { id } comparedWith } }`,
			`{"saturation": {"saturated": false, "newCodes": [{"id": "con-6"}, {"id": "con-7"}], "comparedWith": 3}}`},
		// bob's codings only: d3 (con-1 con-3 con-6) against d1 (con-3 con-4).
		{"coder filter", `{ saturation(heldOut: ["d3"], level: CONCEPT, filter: {coders: ["bob"]}) { newCodes { id } } }`,
			`{"saturation": {"newCodes": [{"id": "con-1"}, {"id": "con-6"}]}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { assertJSON(t, e.ok(t, tt.query, nil), tt.want) })
	}
	t.Run("errors", func(t *testing.T) {
		for _, q := range []string{
			`{ saturation(heldOut: ["d3", "nope"]) { saturated } }`,
			`{ saturation(heldOut: []) { saturated } }`,
			`{ saturation(heldOut: ["d3"], filter: {cities: ["Linlan"]}) { saturated } }`,
		} {
			assertError(t, e.post(t, q, nil), http.StatusOK, "BAD_USER_INPUT", "heldOut")
		}
	})
}

func TestSearchQuery(t *testing.T) {
	e := analysisEnv(t, openStore(t))
	// "special fund": d1#2 "Set up a special fund for the alliance.", d2#0
	// "The special fund grows each year.", d3#1 "Fund order-based classes
	// from the special fund." (fund twice: first).
	data := e.ok(t, `{ search(text: "special fund") { totalCount edges { node { id codings { code { id } coder } } } } }`, nil)
	var r struct {
		Search struct {
			TotalCount int
			Edges      []struct{ Node struct{ ID string } }
		}
	}
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range r.Search.Edges {
		ids = append(ids, e.Node.ID)
	}
	if r.Search.TotalCount != 3 || len(ids) != 3 || ids[0] != "d3#1" {
		t.Errorf("special fund: %d %v, want 3 with d3#1 first", r.Search.TotalCount, ids)
	}
	// Pagination: the second page of one.
	data = e.ok(t, `{ search(text: "special fund", first: 1, after: "`+cursorAt(0)+`") {
		totalCount pageInfo { hasNextPage hasPreviousPage } edges { cursor node { id } } } }`, nil)
	assertJSON(t, data, `{"search": {"totalCount": 3, "pageInfo": {"hasNextPage": true, "hasPreviousPage": true},
		"edges": [{"cursor": "`+cursorAt(1)+`", "node": {"id": "`+ids[1]+`"}}]}}`)
	// A filter, and the codings of the match.
	data = e.ok(t, `{ search(text: "fund", filter: {cities: ["Tingyang"]}) { totalCount edges { node { id text codings { code { id } coder } } } } }`, nil)
	assertJSON(t, data, `{"search": {"totalCount": 1, "edges": [{"node": {"id": "d4#0", "text": "Reward enterprises with fund support.",
		"codings": [{"code": {"id": "con-4"}, "coder": "alice"}]}}]}}`)
	// Lucene syntax is plain text.
	e.ok(t, `{ search(text: "fund) AND [special") { totalCount } }`, nil)
	assertError(t, e.post(t, `{ search(text: " ") { totalCount } }`, nil), http.StatusOK, "BAD_USER_INPUT", "text")
}

func TestCypherQuery(t *testing.T) {
	s := openStore(t)
	off := newEnv(t, s, nil)
	assertError(t, off.post(t, `{ cypher(statement: "RETURN 1") { rows } }`, nil), http.StatusOK, "BAD_USER_INPUT", "statement")

	e := analysisEnv(t, s)
	stats := `{ stats { cities documents sentences codings } }`
	before := e.ok(t, stats, nil)
	// Refused from Neo4j's plan, before running: FORBIDDEN naming what.
	for stmt, says := range map[string]string{
		"MATCH (c:City) DETACH DELETE c":                         "operator DetachDelete: it writes",
		"LOAD/* x */CSV FROM 'file:///etc/passwd' AS r RETURN r": "operator LoadCSV",
		"TERMINATE TRANSACTIONS 'neo4j-transaction-1'":           "operator TerminateTransactions",
		"CALL db . clearQueryCaches ( )":                         "procedure db.clearQueryCaches",
		"SHOW USERS":                                             `database "system"`,
	} {
		q := `query($s: String!) { cypher(statement: $s) { rows } }`
		r := e.post(t, q, map[string]any{"s": stmt})
		assertError(t, r, http.StatusOK, "FORBIDDEN", "statement")
		if !strings.Contains(r.Errors[0].Message, says) {
			t.Errorf("%s: message %q does not name %s", stmt, r.Errors[0].Message, says)
		}
	}
	assertJSON(t, e.ok(t, stats, nil), string(before))
	data := e.ok(t, `{ cypher(statement: "CALL db.labels() YIELD label WHERE label = 'City' RETURN label") { rows } }`, nil)
	assertJSON(t, data, `{"cypher": {"rows": [["City"]]}}`)

	// Parameters from variables and from a literal; whole numbers are integers (LIMIT needs one).
	q := `query($p: JSON) { cypher(statement: "MATCH (d:Document) WHERE d.issuedOn >= date($from) RETURN d.id AS id, d.issuedOn AS issued ORDER BY id LIMIT $n", params: $p) {
		columns rows truncated } }`
	data = e.ok(t, q, map[string]any{"p": map[string]any{"from": "2023-06-01", "n": 3}})
	assertJSON(t, data, `{"cypher": {"columns": ["id", "issued"], "rows": [["d2", "2024-06-15"], ["d3", "2023-09-10"]], "truncated": true}}`)
	data = e.ok(t, `{ cypher(statement: "RETURN $n + 1 AS n, $m AS m, null AS nothing", params: {n: 41, m: {a: [1.5, "x"]}}) { columns rows truncated } }`, nil)
	assertJSON(t, data, `{"cypher": {"columns": ["n", "m", "nothing"], "rows": [[42, {"a": [1.5, "x"]}, null]], "truncated": false}}`)
	data = e.ok(t, `{ cypher(statement: "MATCH (c:City {name: 'Linlan'}) RETURN c") { rows } }`, nil)
	if !strings.Contains(string(data), `"labels":["City"]`) || !strings.Contains(string(data), `"nameZh":"临澜市"`) {
		t.Errorf("node: %s", data)
	}
	assertError(t, e.post(t, `{ cypher(statement: "RETURN 1", params: [1]) { rows } }`, nil), http.StatusOK, "BAD_USER_INPUT", "params")
	assertError(t, e.post(t, `{ cypher(statement: "RETURN $x") { rows } }`, nil), http.StatusOK, "BAD_USER_INPUT", "params")
	assertError(t, e.post(t, `{ cypher(statement: "RETURN (") { rows } }`, nil), http.StatusOK, "BAD_USER_INPUT", "statement")
}

// loadSampleStudy loads the shipped sample into the emptied test database.
func loadSampleStudy(t *testing.T) (*graph.Store, string) {
	t.Helper()
	s := testneo4j.EmptyStore(t, 0)
	dir := t.TempDir()
	err := fs.WalkDir(data.Sample, "sample", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("sample", path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dir, rel), 0o755)
		}
		b, err := data.Sample.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := loaders.Load(context.Background(), s, loaders.SampleInput(dir), loaders.Options{}); err != nil {
		t.Fatal(err)
	}
	return s, dir
}

// TestAnalysesOnSample checks the analyses on the sample study, before and
// after the second coder (data/sample/second-coder.csv) is loaded.
func TestAnalysesOnSample(t *testing.T) {
	s, dir := loadSampleStudy(t)
	e := analysisEnv(t, s)

	// Every sentence containing 资金 holds the pair 资金: search finds
	// exactly the substring matches.
	assertJSON(t, e.ok(t, `{ search(text: "资金", first: 0) { totalCount } }`, nil), `{"search": {"totalCount": 23}}`)
	assertJSON(t, e.ok(t, `{ sentences(filter: {text: "资金"}, first: 0) { totalCount } }`, nil), `{"sentences": {"totalCount": 23}}`)
	// 专项资金 as a phrase; Xichuan has one sentence with 资金.
	assertJSON(t, e.ok(t, `{ search(text: "专项资金", first: 0) { totalCount } }`, nil), `{"search": {"totalCount": 5}}`)
	assertJSON(t, e.ok(t, `{ search(text: "资金", filter: {cities: ["溪川市"]}) { edges { node { id } } } }`, nil),
		`{"search": {"edges": [{"node": {"id": "d02#45"}}]}}`)

	// Saturation: every category is coded in two documents or more, and of
	// the 816 ways to hold out three documents only {d05, d11, d12} brings
	// a category no other document has (cat-23, coded in these documents alone).
	assertJSON(t, e.ok(t, `{ saturation(heldOut: ["d05", "d11", "d12"]) { saturated newCodes { id } comparedWith } }`, nil),
		`{"saturation": {"saturated": false, "newCodes": [{"id": "cat-23"}], "comparedWith": 15}}`)
	assertJSON(t, e.ok(t, `{ saturation(heldOut: ["d16", "d17", "d18"]) { saturated } }`, nil), `{"saturation": {"saturated": true}}`)

	countsA := `{ counts(level: CONCEPT, filter: {coders: ["A"]}) { code { id } referencePoints materialSources } }`
	before := e.ok(t, countsA, nil)
	assertError(t, e.post(t, `{ agreement(coderA: "A", coderB: "B") { units } }`, nil), http.StatusOK, "BAD_USER_INPUT", "coderB")

	if _, err := loaders.Load(context.Background(), s, loaders.Input{Codings: []string{filepath.Join(dir, "second-coder.csv")}}, loaders.Options{}); err != nil {
		t.Fatal(err)
	}
	assertJSON(t, e.ok(t, countsA, nil), string(before))

	// second-coder.csv: B recodes A's 90 codings of d02, d07, d11, d15
	// (90 distinct sentence-concept pairs), changing the concept of 7,
	// leaving out 3, and adding 4 (91 rows): N1 = 90, N2 = 91, M = 80,
	// Holsti = 160/181. The four documents have 210 units; with 93
	// concepts, N = 19530 pairs, neither = 19530 − 101 = 19429,
	// po = 19509/19530; pe·N² = 90·91 + 19440·19439 = 377902350,
	// kappa = (19530·19509 − 377902350)/(19530² − 377902350) = 3108420/3518550.
	data := e.ok(t, `{ agreement(coderA: "A", coderB: "B") { units codingsA codingsB matched percentAgreement kappa holsti documents { id } } }`, nil)
	assertJSON(t, data, `{"agreement": {"units": 210, "codingsA": 90, "codingsB": 91, "matched": 80,
		"percentAgreement": `+ratio(19509, 19530)+`, "kappa": `+ratio(3108420, 3518550)+`, "holsti": `+ratio(160, 181)+`,
		"documents": [{"id": "d07"}, {"id": "d11"}, {"id": "d15"}, {"id": "d02"}]}}`)

	// The analysis tabs of GraphiQL run on the sample with both coders.
	for _, ex := range resolvers.DefaultExamples() {
		switch name := exampleName(ex.Query); name {
		case "Saturation_hold_out_three", "Agreement_of_two_coders", "Search_special_funds":
			e.ok(t, ex.Query, nil)
		}
	}
}

func ratio(a, b float64) string {
	out, _ := json.Marshal(a / b)
	return string(out)
}
