package graph_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"unicode"

	"github.com/policykb/policykb"
)

// This file generates spellings of statements the Cypher hatch must refuse,
// and of reads it must run, from templates: tokens separated by single
// spaces, a token starting with "!" being a keyword whose case may change,
// "<core>" the place of a core statement in a wrapper. A spelling puts a
// separator (spaces, tabs, newlines, comments, Unicode spaces) between
// tokens, re-cases keywords, and may put a prefix (EXPLAIN, PROFILE,
// CYPHER options) before the statement or wrap a core statement in a
// subquery, a UNION, COLLECT or EXISTS.

// separators go between tokens. Neo4j takes each as white space (the reads
// spelled with them prove it).
var separators = []string{
	" ", "  ", "\t", "\n", "\r\n", "/* x */", " /**/ ", "// c\n", " // c\r\n",
	"\u00a0", "\u2003", "\u3000", "\u2028", "\u202f", "\u205f", "\u1680",
}

// keywordCases re-case a keyword.
var keywordCases = []func(string) string{
	strings.ToUpper,
	strings.ToLower,
	func(s string) string { return s[:1] + strings.ToLower(s[1:]) },
	func(s string) string { // alternating: lOaD
		r := []rune(strings.ToLower(s))
		for i := range r {
			if i%2 == 1 {
				r[i] = unicode.ToUpper(r[i])
			}
		}
		return string(r)
	},
}

// prefixes go before a statement.
var prefixes = []string{
	"",
	"!EXPLAIN",
	"!PROFILE",
	"!CYPHER runtime=slotted",
	"!CYPHER runtime=interpreted",
	"!CYPHER planner=cost",
	"!CYPHER 5",
	"!CYPHER 5 runtime=slotted",
}

// wrappers put a core statement (one returning the column x) inside another.
var wrappers = []string{
	"!CALL { <core> } !RETURN x",
	"!CALL () { <core> } !RETURN x",
	"!WITH 1 !AS y <core>",
	"!MATCH (n) !RETURN n.name !AS x !UNION <core>",
	"<core> !UNION !ALL !RETURN 'z' !AS x",
	"!RETURN !COLLECT { <core> } !AS x",
	"!MATCH (n) !WHERE !EXISTS { <core> } !RETURN n.name !AS x",
	"!UNWIND [1, 2] !AS y !CALL (y) { <core> } !RETURN x",
}

// spelling is one way to write a template.
type spelling struct {
	prefix  int   // index in prefixes
	wrapper int   // index in wrappers + 1; 0: none
	seps    []int // separator per gap (cycled); nil: a single space
	kcase   int   // index in keywordCases
}

// render writes template as sp spells it. The prefix is followed by plain
// spaces: Neo4j's pre-parser, which reads EXPLAIN, PROFILE and CYPHER
// options, takes no comment or other white space there (it refuses such a
// statement as a syntax error, which the reads spelled so would show).
func (sp spelling) render(template string) string {
	t := template
	if sp.wrapper > 0 {
		t = strings.Replace(wrappers[sp.wrapper-1], "<core>", t, 1)
	}
	var b strings.Builder
	if p := prefixes[sp.prefix]; p != "" {
		b.WriteString(sp.join(p, []int{0}))
		b.WriteString(" ")
	}
	b.WriteString(sp.join(t, sp.seps))
	return b.String()
}

// join writes the tokens of t with the separators seps (cycled; nil: a
// space) between them, keywords re-cased.
func (sp spelling) join(t string, seps []int) string {
	var b strings.Builder
	for i, tok := range strings.Split(t, " ") {
		if i > 0 {
			sep := " "
			if len(seps) > 0 {
				sep = separators[seps[(i-1)%len(seps)]]
			}
			b.WriteString(sep)
		}
		if kw, ok := strings.CutPrefix(tok, "!"); ok {
			tok = keywordCases[sp.kcase](kw)
		}
		b.WriteString(tok)
	}
	return b.String()
}

// refusedBase is a statement the hatch must refuse.
type refusedBase struct {
	template string
	// want is the code of its plain spelling, "" when either FORBIDDEN or
	// BAD_USER_INPUT is right (a procedure that may or may not exist on
	// the test server, a statement Neo4j may refuse to plan).
	want policykb.ErrorCode
	// says is in the FORBIDDEN message: the operator, procedure or
	// database refused.
	says string
	// core: the statement returns the column x and may be wrapped; read
	// is the legitimate core of the same shape, for the spellings' check.
	core bool
	read string
}

// The legitimate cores that the refused ones are shaped after.
const (
	readMatch = "!MATCH (c:City) !RETURN c.name !AS x"
	readCall  = "!CALL db.labels() !YIELD label !RETURN label !AS x"
)

// refusedBases are the statements, each refused in every spelling. The
// parameters $url (an HTTP server that counts its requests), $section and
// $id are given with every statement.
var refusedBases = []refusedBase{
	// LOAD CSV reads the server's files and fetches URLs.
	{"!LOAD !CSV !FROM 'file:///etc/passwd' !AS r !RETURN r !AS x", policykb.EForbidden, "LoadCSV", true, readMatch},
	{"!LOAD !CSV !WITH !HEADERS !FROM 'file:///etc/passwd' !AS r !RETURN r !AS x", policykb.EForbidden, "LoadCSV", true, readMatch},
	{"!LOAD !CSV !FROM 'file:///' + 'etc/passwd' !AS r !RETURN r !AS x", policykb.EForbidden, "LoadCSV", true, readMatch},
	{"!LOAD !CSV !FROM 'http://127.0.0.1:1/x' !AS r !RETURN r !AS x", policykb.EForbidden, "LoadCSV", true, readMatch},
	{"!LOAD !CSV !FROM $url !AS r !RETURN r !AS x", policykb.EForbidden, "LoadCSV", true, readMatch},
	{"!LOAD !CSV !WITH !HEADERS !FROM $url + '?h' !AS r !FIELDTERMINATOR ';' !RETURN r !AS x", policykb.EForbidden, "LoadCSV", true, readMatch},
	// Procedures off the list, however the name is written.
	{"!CALL db.clearQueryCaches() !YIELD value !RETURN value !AS x", policykb.EForbidden, "db.clearQueryCaches", true, readCall},
	{"!CALL db . clearQueryCaches ( ) !YIELD value !RETURN value !AS x", policykb.EForbidden, "db.clearQueryCaches", true, "!CALL db . labels ( ) !YIELD label !RETURN label !AS x"},
	{"!CALL `db`.`clearQueryCaches`() !YIELD value !RETURN value !AS x", policykb.EForbidden, "db.clearQueryCaches", true, "!CALL `db`.`labels`() !YIELD label !RETURN label !AS x"},
	{"!CALL `dbms`.`listConfig`() !YIELD name !RETURN name !AS x", policykb.EForbidden, "dbms.listConfig", true, "!CALL `db`.`labels`() !YIELD label !RETURN label !AS x"},
	{"!CALL dbms.listConfig() !YIELD name !RETURN name !AS x", policykb.EForbidden, "dbms.listConfig", true, readCall},
	{"!CALL dbms.queryJmx('*:*') !YIELD name !RETURN name !AS x", policykb.EForbidden, "dbms.queryJmx", true, readCall},
	{"!CALL db.stats.retrieve($section) !YIELD section !RETURN section !AS x", policykb.EForbidden, "db.stats.retrieve", true, readCall},
	{"!CALL dbms.components() !YIELD name !RETURN name !AS x", policykb.EForbidden, "dbms.components", true, readCall},
	{"!CALL dbms.listConnections() !YIELD connectionId !RETURN connectionId !AS x", policykb.EForbidden, "dbms.listConnections", true, readCall},
	{"!CALL apoc.load.json('file:///etc/passwd') !YIELD value !RETURN value !AS x", "", "apoc.load.json", true, readCall},
	{"!CALL db.clearQueryCaches()", policykb.EForbidden, "db.clearQueryCaches", false, ""},
	{"!CALL db.createLabel('Intruder')", policykb.EForbidden, "db.createLabel", false, ""},
	{"!CALL tx.setMetaData({k: 1})", policykb.EForbidden, "tx.setMetaData", false, ""},
	{"!CALL db.awaitIndexes(1)", policykb.EForbidden, "db.awaitIndexes", false, ""},
	// Other clients' transactions, the server's settings and catalogue.
	{"!SHOW !TRANSACTIONS", policykb.EForbidden, "ShowTransactions", false, ""},
	{"!SHOW !TRANSACTIONS !YIELD * !RETURN *", policykb.EForbidden, "ShowTransactions", false, ""},
	{"!TERMINATE !TRANSACTIONS 'neo4j-transaction-1'", policykb.EForbidden, "TerminateTransactions", false, ""},
	{"!TERMINATE !TRANSACTION $id", policykb.EForbidden, "TerminateTransactions", false, ""},
	{"!SHOW !SETTINGS", policykb.EForbidden, "ShowSettings", false, ""},
	{"!SHOW !PROCEDURES", policykb.EForbidden, "ShowProcedures", false, ""},
	{"!SHOW !FUNCTIONS", policykb.EForbidden, "ShowFunctions", false, ""},
	// Administration commands and the system database.
	{"!SHOW !USERS", policykb.EForbidden, `"system"`, false, ""},
	{"!SHOW !CURRENT !USER", policykb.EForbidden, `"system"`, false, ""},
	{"!SHOW !DATABASES", policykb.EForbidden, `"system"`, false, ""},
	{"!CREATE !USER intruder !SET !PASSWORD 'secret-password'", policykb.EForbidden, `"system"`, false, ""},
	{"!USE system !SHOW !TRANSACTIONS", policykb.EForbidden, `"system"`, false, ""},
	{"!USE system !CALL dbms.components()", policykb.EForbidden, `"system"`, false, ""},
	{"!USE system !SHOW !USERS", "", "", false, ""},
	{"!USE system !MATCH (n) !RETURN n", "", "", false, ""},
	{"!CREATE !DATABASE intruder", policykb.EForbidden, "administration command", false, ""},
	{"!DROP !DATABASE neo4j", policykb.EForbidden, "administration command", false, ""},
	{"!STOP !DATABASE neo4j", policykb.EForbidden, "administration command", false, ""},
	{"!ALTER !DATABASE neo4j !SET !ACCESS !READ !ONLY", policykb.EForbidden, "administration command", false, ""},
	// Transactions of their own, and writes.
	{"!CALL { !MATCH (n) !RETURN n } !IN !TRANSACTIONS !RETURN n", policykb.EForbidden, "TransactionApply", false, ""},
	{"!CALL { !CREATE (:Intruder) } !IN !TRANSACTIONS", policykb.EForbidden, "TransactionForeach", false, ""},
	{"!CREATE (:Intruder)", policykb.EForbidden, "operator Create", false, ""},
	{"!MATCH (n:City) !SET n:Intruder", policykb.EForbidden, "operator SetLabels", false, ""},
	{"!FOREACH ( i !IN [1] | !CREATE (:Intruder) )", policykb.EForbidden, "operator Foreach", false, ""},
	{"!CREATE !INDEX intruder !FOR (n:Intruder) !ON (n.id)", policykb.EForbidden, "operator CreateIndex", false, ""},
}

// hatchCase is one spelling of a refused statement.
type hatchCase struct {
	stmt string
	base int // index in refusedBases
	want policykb.ErrorCode
	says string
}

// readCase is one spelling of a legitimate read: it must run, and, unless
// wrapped, return the rows of its plain spelling.
type readCase struct {
	stmt, plain string
	wrapped     bool
}

// spellings lists the refused statements' spellings, and the reads spelled
// the same ways: for each base its plain spelling, each separator, each
// keyword case and each prefix on its own, each wrapper for a core, and
// random mixes (one separator per gap) from a fixed seed.
func spellings(mixes int) ([]hatchCase, []readCase) {
	var cases []hatchCase
	reads := map[string]readCase{}
	rng := rand.New(rand.NewPCG(20260515, 1))
	for bi, b := range refusedBases {
		var sps []spelling
		sps = append(sps, spelling{})
		for i := range separators {
			sps = append(sps, spelling{seps: []int{i}})
		}
		for i := 1; i < len(keywordCases); i++ {
			sps = append(sps, spelling{kcase: i})
		}
		for i := 1; i < len(prefixes); i++ {
			sps = append(sps, spelling{prefix: i})
		}
		if b.core {
			for i := range wrappers {
				sps = append(sps, spelling{wrapper: i + 1})
			}
		}
		for range mixes {
			sp := spelling{prefix: rng.IntN(len(prefixes)), kcase: rng.IntN(len(keywordCases))}
			if b.core {
				sp.wrapper = rng.IntN(len(wrappers) + 1)
			}
			for range 1 + rng.IntN(6) {
				sp.seps = append(sp.seps, rng.IntN(len(separators)))
			}
			sps = append(sps, sp)
		}
		for _, sp := range sps {
			want, says := b.want, b.says
			if prefixes[sp.prefix] == "!PROFILE" {
				// EXPLAIN PROFILE: Neo4j refuses two execution modes.
				want, says = policykb.EInvalid, ""
			}
			cases = append(cases, hatchCase{stmt: sp.render(b.template), base: bi, want: want, says: says})
			p := prefixes[sp.prefix]
			if b.read != "" && p != "!EXPLAIN" && p != "!PROFILE" {
				r := readCase{stmt: sp.render(b.read), plain: spelling{}.render(b.read), wrapped: sp.wrapper > 0}
				reads[r.stmt] = r
			}
		}
	}
	list := make([]readCase, 0, len(reads))
	for _, r := range reads {
		list = append(list, r)
	}
	slices.SortFunc(list, func(a, b readCase) int { return strings.Compare(a.stmt, b.stmt) })
	return cases, list
}
