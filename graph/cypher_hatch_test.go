package graph_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/testneo4j"
)

// hatch is what the tests of the Cypher hatch share: a store, a driver of
// their own on the same database for what they check without the hatch,
// an HTTP server that counts the requests it gets, and the parameters every
// statement is given.
type hatch struct {
	s      *graph.Store
	driver neo4j.DriverWithContext
	hits   atomic.Int64
	params map[string]any
	// passwd is the first line of the machine's /etc/passwd (the test
	// server runs on this machine), which no answer may contain.
	passwd string
}

var hatchOpts = graph.CypherOptions{MaxRows: 50, Timeout: 10 * time.Second}

// newHatch sets up the tests' parts on s, or, when s is nil, on a store of
// the test database as it is (the fuzz target's workers run side by side).
func newHatch(t testing.TB, s *graph.Store) *hatch {
	t.Helper()
	ctx := context.Background()
	uri := testneo4j.URI(t)
	if s == nil {
		var err error
		if s, err = graph.Open(ctx, graph.Config{URI: uri}, nil); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close(ctx) })
		if err := s.EnsureSchema(ctx); err != nil {
			t.Fatal(err)
		}
	}
	d, err := neo4j.NewDriverWithContext(uri, neo4j.NoAuth())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close(ctx) })
	h := &hatch{s: s, driver: d}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.hits.Add(1)
		fmt.Fprintln(w, "fetched;by;LOAD CSV")
	}))
	t.Cleanup(srv.Close)
	h.params = map[string]any{"url": srv.URL + "/hatch.csv", "section": "GRAPH COUNTS", "id": "neo4j-transaction-1"}
	if b, err := os.ReadFile("/etc/passwd"); err == nil {
		h.passwd, _, _ = strings.Cut(string(b), "\n")
	}
	return h
}

// direct runs a statement on the test database without the hatch.
func (h *hatch) direct(t testing.TB, database, cypher string, params map[string]any) []*neo4j.Record {
	t.Helper()
	ctx := context.Background()
	res, err := neo4j.ExecuteQuery(ctx, h.driver, cypher, params, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(database), neo4j.ExecuteQueryWithReadersRouting())
	if err != nil {
		t.Fatalf("%s: %v", cypher, err)
	}
	return res.Records
}

// intruders counts what the refused statements would have made: nodes,
// nodes labelled Intruder, users, databases and indexes named intruder.
func (h *hatch) intruders(t testing.TB) string {
	t.Helper()
	nodes := h.direct(t, "neo4j", "MATCH (n) RETURN count(n) AS n", nil)[0].Values[0]
	labelled := h.direct(t, "neo4j", "MATCH (n:Intruder) RETURN count(n) AS n", nil)[0].Values[0]
	users := len(h.direct(t, "system", "SHOW USERS YIELD user WHERE user = 'intruder' RETURN user", nil))
	dbs := len(h.direct(t, "system", "SHOW DATABASES YIELD name WHERE name = 'intruder' RETURN name", nil))
	idx := len(h.direct(t, "neo4j", "SHOW INDEXES YIELD name WHERE name = 'intruder' RETURN name", nil))
	return fmt.Sprintf("%v nodes, %v Intruder nodes, %d intruder users, %d intruder databases, %d intruder indexes",
		nodes, labelled, users, dbs, idx)
}

// refusal checks that err refuses a statement as want says ("" for either
// FORBIDDEN or BAD_USER_INPUT), naming statement, with says in a FORBIDDEN
// message, and that nothing of /etc/passwd came back.
func (h *hatch) refusal(res graph.CypherResult, err error, want policykb.ErrorCode, says string) string {
	var pe *policykb.Error
	switch {
	case err == nil:
		return fmt.Sprintf("ran: %d rows %v", len(res.Rows), res.Rows)
	case !errors.As(err, &pe):
		return fmt.Sprintf("%v (%s), want a coded refusal", err, policykb.ErrorCodeOf(err))
	case want != "" && pe.Code != want, want == "" && pe.Code != policykb.EForbidden && pe.Code != policykb.EInvalid:
		return fmt.Sprintf("%s: %s, want %q", pe.Code, pe.Message, want)
	case pe.Argument != "statement":
		return fmt.Sprintf("%s names %q: %s, want statement", pe.Code, pe.Argument, pe.Message)
	case pe.Code == policykb.EForbidden && says != "" && !strings.Contains(pe.Message, says):
		return fmt.Sprintf("FORBIDDEN %q, want it to name %s", pe.Message, says)
	case h.passwd != "" && strings.Contains(pe.Error(), h.passwd):
		return "the error shows /etc/passwd: " + pe.Error()
	}
	return ""
}

// TestCypherSpellings sends every generated spelling of every refused
// statement to the hatch: each is refused (FORBIDDEN, or BAD_USER_INPUT
// when Neo4j itself cannot plan it) and none ran: the HTTP server got no
// request and nothing was written. The reads spelled the same ways run and
// return what their plain spelling returns, so the spellings are Cypher
// that Neo4j takes, refused for what they do.
func TestCypherSpellings(t *testing.T) {
	h := newHatch(t, loadAgrFixture(t))
	ctx := context.Background()
	before := h.intruders(t)
	cases, reads := spellings(6)

	plain := map[string][][]any{}
	failures := 0
	for _, r := range reads {
		res, err := h.s.Cypher(ctx, r.stmt, h.params, hatchOpts)
		if err != nil {
			failures++
			t.Errorf("read %q: %v", r.stmt, err)
			continue
		}
		if r.wrapped || len(res.Rows) == 0 {
			if len(res.Rows) == 0 {
				t.Errorf("read %q: no rows", r.stmt)
			}
			continue
		}
		want, ok := plain[r.plain]
		if !ok {
			p, err := h.s.Cypher(ctx, r.plain, nil, hatchOpts)
			if err != nil {
				t.Fatalf("plain read %q: %v", r.plain, err)
			}
			want, plain[r.plain] = p.Rows, p.Rows
		}
		if !reflect.DeepEqual(sortedRows(res.Rows), sortedRows(want)) {
			t.Errorf("read %q: %v, want %v", r.stmt, res.Rows, want)
		}
	}

	for _, c := range cases {
		res, err := h.s.Cypher(ctx, c.stmt, h.params, hatchOpts)
		if msg := h.refusal(res, err, c.want, c.says); msg != "" {
			if failures++; failures <= 60 {
				t.Errorf("%q (%s): %s", c.stmt, refusedBases[c.base].template, msg)
			}
		}
	}
	if failures > 60 {
		t.Errorf("… and %d failures more", failures-60)
	}
	if n := h.hits.Load(); n != 0 {
		t.Errorf("the HTTP server got %d requests from refused statements", n)
	}
	if after := h.intruders(t); after != before {
		t.Errorf("refused statements changed the database: before %s; after %s", before, after)
	}
	t.Logf("%d spellings of %d refused statements, %d spellings of reads", len(cases), len(refusedBases), len(reads))
}

// FuzzCypherHatch sends any statement to the hatch. Whatever it is, the
// hatch either refuses it (FORBIDDEN, BAD_USER_INPUT, TIMEOUT) or runs it
// after a plan that, read independently (Neo4j's text rendering of the
// plan, on a session of the test's own), uses no refused operator, calls
// only the listed procedures and stays on the database; and nothing is
// fetched or written. The seeds are the plain spellings of the refused
// statements, the spellings of LOAD CSV that once got past a pattern, and
// reads. Run it with `go test ./graph -run '^$' -fuzz FuzzCypherHatch`.
func FuzzCypherHatch(f *testing.F) {
	h := newHatch(f, nil)
	for _, b := range refusedBases {
		f.Add(spelling{}.render(b.template))
	}
	for _, s := range []string{
		"LOAD/* x */CSV FROM 'file:///etc/passwd' AS r RETURN r",
		"LOAD // c\nCSV FROM 'file:///etc/passwd' AS r RETURN r",
		"load\u00a0csv from 'http://127.0.0.1:1/x' as r return r",
		"WITH 1 AS x LOAD CSV FROM $url AS r RETURN r",
		"CALL { LOAD CSV FROM $url AS r RETURN r } RETURN r",
		"CYPHER runtime=interpreted EXPLAIN LOAD CSV FROM $url AS r RETURN r",
		"MATCH (c:City)-[:ISSUED]->(d:Document) RETURN c.name, count(d) ORDER BY c.name",
		"CALL db.index.fulltext.queryNodes('sentence_text', 'fund') YIELD node RETURN node.text",
		"CALL db.labels() YIELD label RETURN label UNION CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType AS label",
		"SHOW INDEXES YIELD name RETURN name",
	} {
		f.Add(s)
	}
	ctx := context.Background()
	opts := graph.CypherOptions{MaxRows: 20, Timeout: 3 * time.Second}
	f.Fuzz(func(t *testing.T, stmt string) {
		before := h.intruders(t)
		res, err := h.s.Cypher(ctx, stmt, h.params, opts)
		if err != nil {
			switch code := policykb.ErrorCodeOf(err); code {
			case policykb.EForbidden, policykb.EInvalid, policykb.ETimeout:
			default:
				t.Fatalf("%q: %v (%s), want a refusal", stmt, err, code)
			}
		} else {
			h.checkPlan(t, stmt)
			if h.passwd != "" && strings.Contains(fmt.Sprint(res.Rows), h.passwd) {
				t.Fatalf("%q returned /etc/passwd", stmt)
			}
		}
		if n := h.hits.Load(); n != 0 {
			t.Fatalf("%q: the HTTP server got %d requests", stmt, n)
		}
		if after := h.intruders(t); after != before {
			t.Fatalf("%q changed the database: before %s; after %s", stmt, before, after)
		}
	})
}

// planRow is an operator row of Neo4j's text rendering of a plan:
// "| | +Name   |  3 | details |".
var planRow = regexp.MustCompile(`^\|[ |\\/]*\+([^\s|]+)\s*\|\s*\d+\s*\|([^|]*)`)

// refusedOperators are operators no statement the hatch ran may use.
var refusedOperators = map[string]bool{
	"LoadCSV": true, "ShowTransactions": true, "TerminateTransactions": true, "ShowSettings": true,
	"ShowProcedures": true, "ShowFunctions": true, "AdministrationCommand": true,
	"TransactionApply": true, "TransactionForeach": true, "Create": true, "Merge": true, "Delete": true,
	"DetachDelete": true, "SetProperty": true, "SetProperties": true, "SetLabels": true, "RemoveLabels": true,
	"SetNodePropertiesFromMap": true, "SetRelationshipPropertiesFromMap": true, "Foreach": true,
	"SubqueryForeach": true, "CreateIndex": true, "CreateConstraint": true, "DropIndex": true, "DropConstraint": true,
}

// listedProcedures are the procedures the README says a statement may call.
var listedProcedures = []string{"db.labels(", "db.relationshipTypes(", "db.propertyKeys(",
	"db.schema.visualization(", "db.schema.nodeTypeProperties(", "db.schema.relTypeProperties(",
	"db.index.fulltext.queryNodes(", "db.index.fulltext.queryRelationships("}

// checkPlan plans a statement the hatch ran on a session of the test's own
// and checks the plan, read from its text rendering rather than its tree.
func (h *hatch) checkPlan(t *testing.T, stmt string) {
	t.Helper()
	ctx := context.Background()
	sess := h.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: "neo4j", AccessMode: neo4j.AccessModeRead})
	defer sess.Close(ctx)
	res, err := sess.Run(ctx, "EXPLAIN "+stmt, h.params)
	if err != nil {
		t.Fatalf("the hatch ran %q, which does not plan here: %v", stmt, err)
	}
	sum, err := res.Consume(ctx)
	if err != nil {
		t.Fatalf("the hatch ran %q, which does not plan here: %v", stmt, err)
	}
	root := sum.Plan()
	if root == nil || !strings.HasSuffix(root.Operator(), "@neo4j") || sum.Database().Name() != "neo4j" {
		t.Fatalf("the hatch ran %q, planned on %s as %v", stmt, sum.Database().Name(), root)
	}
	text, _ := root.Arguments()["string-representation"].(string)
	rows := 0
	for _, line := range strings.Split(text, "\n") {
		m := planRow.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		rows++
		name, _, _ := strings.Cut(m[1], "(")
		if refusedOperators[name] {
			t.Fatalf("the hatch ran %q, whose plan uses %s:\n%s", stmt, m[1], text)
		}
		if name == "ProcedureCall" && !slicesHasPrefix(listedProcedures, strings.TrimSpace(m[2])) {
			t.Fatalf("the hatch ran %q, which calls %s:\n%s", stmt, m[2], text)
		}
	}
	if rows == 0 {
		t.Fatalf("no operator found in the plan of %q:\n%s", stmt, text)
	}
}

// sortedRows orders rows by their text: a statement without ORDER BY may
// return them in any order.
func sortedRows(rows [][]any) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = fmt.Sprint(r)
	}
	slices.Sort(out)
	return out
}

func slicesHasPrefix(prefixes []string, s string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
