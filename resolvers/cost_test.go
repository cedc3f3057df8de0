package resolvers

import (
	"strconv"
	"strings"
	"testing"
)

// TestCost checks the cost estimate: the study's example queries and
// GraphiQL's introspection fit the default limits with room to spare,
// while 900 aliases of one field do not, and the parts of the estimate
// (a field, a list's length from first or a variable, the maximum page
// size) count as cost.go says.
func TestCost(t *testing.T) {
	o, err := Options{}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	m, err := newCostModel(o.MaxPageSize)
	if err != nil {
		t.Fatal(err)
	}
	cost := func(q string, vars map[string]any) queryCost { return m.cost(parseQuery(q, ""), vars) }

	for _, e := range DefaultExamples() {
		c := cost(e.Query, nil)
		if c.data <= 0 || c.data > int64(o.MaxCost)/2 {
			t.Errorf("example costs %d, want within half the default limit %d:\n%s", c.data, o.MaxCost, e.Query)
		}
	}
	full := cost(introspectionQuery, nil)
	if full.data != 0 || full.introspection < 1000 || full.introspection*2 != m.maxIntrospection {
		t.Errorf("full introspection costs %+v, allowance %d: want only introspection, a thousand fields or more, half the allowance",
			full, m.maxIntrospection)
	}

	aliases := func(field string) string {
		var b strings.Builder
		b.WriteString("{")
		for i := range 900 {
			b.WriteString(" a" + itoa(i) + ": " + field)
		}
		return b.String() + " }"
	}
	if c := cost(aliases("stats { cities }"), nil); c.data <= int64(o.MaxCost) {
		t.Errorf("900 aliases of stats cost %d, within the default limit %d", c.data, o.MaxCost)
	}
	if c := cost(aliases("__schema { types { name } }"), nil); c.introspection <= m.maxIntrospection {
		t.Errorf("900 aliases of __schema cost %d, within the allowance %d", c.introspection, m.maxIntrospection)
	}

	tests := []struct {
		query string
		vars  map[string]any
		want  int64
	}{
		// A top-level field costs 10, a field below it 1.
		{`{ stats { cities documents } }`, nil, 12},
		// A list multiplies its selection: 10 + 3 × (1 + 1).
		{`{ citiesCiting(code: "x") { city { name } evidence(first: 3) { text } } }`, nil,
			10 + 20*(1+1+(10+3*1))},
		// A connection's edges take its first; a variable counts as its value.
		{`query($n: Int) { documents(first: $n) { totalCount edges { node { title } } } }`, map[string]any{"n": 7.0},
			10 + 1 + (1 + 7*(1+1))},
		// ... capped by the maximum page size,
		{`{ documents(first: 100000) { edges { node { title } } } }`, nil, 10 + 1 + int64(o.MaxPageSize)*(1+1)},
		// ... and the schema's default when first is not given (50).
		{`{ documents { edges { node { title } } } }`, nil, 10 + 1 + 50*(1+1)},
		// A level sets the length of the lists of its codes: 4 layers, 90 concepts.
		{`{ counts(level: LAYER) { referencePoints } }`, nil, 10 + 4},
		{`query($l: Level!) { counts(level: $l) { referencePoints } }`, map[string]any{"l": "CONCEPT"}, 10 + 90},
		// A fragment counts where it is spread.
		{`query { a: stats { ...S } b: stats { ...S } } fragment S on Stats { cities documents }`, nil, 2 * (10 + 2)},
		// A top argument is the length of the lists right below it: 10 + 1 + 3 × 2.
		{`{ words(top: 3) { words { word frequency } } }`, nil, 10 + 1 + 3*(1+1)},
		// ... its default when not given (50).
		{`{ words { words { word } } }`, nil, 10 + 1 + 50*1},
		// A list of the codes asked for is as long as that list: one code, not 90.
		{`query($c: ID!) { agreement(coderA: "A", coderB: "B", level: CONCEPT) { byCode(codes: [$c]) { kappa } } }`,
			map[string]any{"c": "con-1"}, 10 + 10 + 1*1},
		// A code's children are 3 levels deep at most.
		{`{ codebook { children { children { children { children { id } } } } } }`, nil,
			10 + 4*(1+4*(1+4*(1+4*(1+0*1))))},
		// A study's stats and documents read for each study (5 expected):
		// 10 + 5 × (1 + (10 + 1) + (10 + 1 + 50 × (1 + 1)) + (10 + 12 × 1)).
		{`{ studies { id stats { cities } documents { edges { node { id } } } codes(level: MAIN_CATEGORY) { id } } }`, nil,
			10 + 5*(1+(10+1)+(10+1+50*(1+1))+(10+12*1))},
		// The study argument of a question costs nothing more.
		{`{ stats(study: "sample") { cities documents } }`, nil, 12},
	}
	for _, tt := range tests {
		if got := cost(tt.query, tt.vars); got.data != tt.want {
			t.Errorf("cost %d, want %d: %s", got.data, tt.want, tt.query)
		}
	}
	if c := cost(`{ stats { cities }`, nil); c != (queryCost{}) {
		t.Errorf("a document that does not parse costs %+v, want nothing (graphql-go reports it)", c)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
