package resolvers

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	graphql "github.com/graph-gophers/graphql-go"
)

// Tests of direct answers that need no database; direct_db_test.go
// compares whole answers with graphql-go's.

func TestPlanDirect(t *testing.T) {
	for _, tt := range []struct {
		query string
		want  bool
	}{
		{`{ citiesCiting(code: "x") { city { name } referencePoints } }`, true},
		{`query($c: String!) { n: citiesCiting(code: $c, filter: {cities: ["a"]}) { __typename r: referencePoints city { name nameZh province } } }`, true},
		{`{ matrix(rows: MAIN_CATEGORY, columns: CITY) { rows { id name level number nameZh source } columns cells rowTotals columnTotals } }`, true},
		{`{ compareCities(level: LAYER) { level frame frameLevel cities { name } rows { code { id } cells { city { name } share } } similarity { a { name } b { name } cosine } } }`, true},
		{`{ cooccurrence(level: LAYER) { a { id } b { id } count countA countB cCoefficient } }`, true},
		{`{ counts(level: LAYER) { code { id } referencePoints materialSources } }`, true},
		{`{ similarity(level: LAYER) { a { name } b { name } cosine } }`, true},
		// A field with arguments, or that reads more: graphql-go.
		{`{ citiesCiting(code: "x") { city { name } evidence(first: 2) { id } } }`, false},
		{`{ citiesCiting(code: "x") { documents { id } } }`, false},
		{`{ counts(level: LAYER) { code { id referencePoints } } }`, false},
		{`{ matrix(rows: LAYER, columns: CITY) { cell(row: "a", column: "b") { value } } }`, false},
		{`{ compareCities(level: LAYER) { rows { frameCode { id } } } }`, false},
		// Directives, fragments, two fields, repeated keys, other operations.
		{`{ citiesCiting(code: "x") { city { name @include(if: true) } } }`, false},
		{`{ citiesCiting(code: "x") @skip(if: false) { referencePoints } }`, false},
		{`{ citiesCiting(code: "x") { ...F } } fragment F on CityCitation { referencePoints }`, false},
		{`{ citiesCiting(code: "x") { ... on CityCitation { referencePoints } } }`, false},
		{`{ citiesCiting(code: "x") { referencePoints } stats { cities } }`, false},
		{`{ citiesCiting(code: "x") { referencePoints referencePoints } }`, false},
		{`{ citiesCiting(code: "x") { city { name } city { nameZh } } }`, false},
		{`mutation { citiesCiting(code: "x") { referencePoints } }`, false},
		{`{ stats { cities } }`, false},
		// Invalid selections are left to graphql-go, which says why.
		{`{ citiesCiting(code: "x") { city } }`, false},
		{`{ citiesCiting(code: "x") { referencePoints { a } } }`, false},
		{`{ citiesCiting(code: "x") }`, false},
		{`{ citiesCiting(code: "x") { nope } }`, false},
	} {
		p := planDirect(tt.query, parseQuery(tt.query, ""))
		if (p != nil) != tt.want {
			t.Errorf("planDirect(%s) = %v, want direct %v", tt.query, p != nil, tt.want)
		}
	}
}

// TestDirectCut checks that the query graphql-go runs keeps everything
// before the root field's selection in place (the positions of its
// errors), whatever the arguments hold: braces in strings and input
// objects, non-ASCII text, comments.
func TestDirectCut(t *testing.T) {
	for _, tt := range []struct{ query, want string }{
		{`{ citiesCiting(code: "x") { city { name } } }`, `{ citiesCiting(code: "x") { __typename } }`},
		{"query Q($f: CorpusFilter = {cities: [\"{\"]}) {\n  a: citiesCiting(code: \"资金}{支持\", filter: $f) # {\n  { referencePoints }\n}",
			"query Q($f: CorpusFilter = {cities: [\"{\"]}) {\n  a: citiesCiting(code: \"资金}{支持\", filter: $f) # {\n  { __typename }\n}"},
		{`{ matrix(rows: LAYER, columns: CITY, filter: {provinces: ["北京"]}) {rows{id}} }`, `{ matrix(rows: LAYER, columns: CITY, filter: {provinces: ["北京"]}) { __typename } }`},
	} {
		p := planDirect(tt.query, parseQuery(tt.query, ""))
		if p == nil {
			t.Errorf("%q: not answered directly", tt.query)
			continue
		}
		if p.query != tt.want {
			t.Errorf("cut %q:\n got %q\nwant %q", tt.query, p.query, tt.want)
		}
	}
}

// TestDirectNumbersAndStrings checks the writers against encoding/json,
// whose output graphql-go's is.
func TestDirectNumbersAndStrings(t *testing.T) {
	for _, f := range []float64{0, math.Copysign(0, -1), 1, -1, 12, 0.5, 1.0 / 3, 2.0 / 3, 1e-6, 9.99e-7, 1e-7, -1e-9, 123456.789,
		1e14, 999999999999999, 1e15, 1e20, 1e21, 1.5e300, 5e-324, math.MaxFloat64, 0.1 + 0.2, 1e15 + 0.5} {
		w := &dwriter{}
		w.float(f)
		want, _ := json.Marshal(f)
		if string(w.b) != string(want) || w.bad {
			t.Errorf("float(%v) = %s (bad %v), want %s", f, w.b, w.bad, want)
		}
	}
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		w := &dwriter{}
		if w.float(f); !w.bad {
			t.Errorf("float(%v) is not refused", f)
		}
	}
	for _, s := range []string{"", "Linlan", "临澜市", "a\"b", `back\slash`, "<b>&amp;</b>", "tab\tnew\nline\r", "\x00\x1f",
		"\u2028\u2029", "bad \xff utf-8", "emoji 🙂"} {
		w := &dwriter{}
		w.str(s)
		want, _ := json.Marshal(s)
		if string(w.b) != string(want) {
			t.Errorf("str(%q) = %s, want %s", s, w.b, want)
		}
		w = &dwriter{}
		w.id(graphqlID(s))
		want, _ = json.Marshal(graphqlID(s))
		if string(w.b) != string(want) {
			t.Errorf("id(%q) = %s, want %s", s, w.b, want)
		}
	}
	if !strings.Contains(string(mustMarshal(graphqlID("<"))), `\u003c`) {
		t.Error("the test's premise: an ID is written with encoding/json's escapes")
	}
}

func mustMarshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

type graphqlID = graphql.ID

// TestDirectLevels checks that a level graphql-go would refuse (not a
// value of the Level enum) sends the query to graphql-go.
func TestDirectLevels(t *testing.T) {
	for s, bad := range map[string]bool{"LAYER": false, "MAIN_CATEGORY": false, "CATEGORY": false, "CONCEPT": false,
		"": true, "layer": true, "TYPE": true} {
		w := &dwriter{}
		if w.level(s); w.bad != bad {
			t.Errorf("level(%q): refused %v, want %v", s, w.bad, bad)
		}
	}
	w := &dwriter{}
	if w.optLevel(nil); string(w.b) != "null" || w.bad {
		t.Errorf("optLevel(nil) = %s (refused %v), want null", w.b, w.bad)
	}
}
