package graph_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
)

// victim is another client's open transaction, found by its metadata.
type victim struct {
	sess neo4j.SessionWithContext
	tx   neo4j.ExplicitTransaction
	id   string
}

func openVictim(t *testing.T, h *hatch) *victim {
	t.Helper()
	ctx := context.Background()
	tag := fmt.Sprintf("victim-%d", time.Now().UnixNano())
	sess := h.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: "neo4j", AccessMode: neo4j.AccessModeRead})
	t.Cleanup(func() { sess.Close(ctx) })
	tx, err := sess.BeginTransaction(ctx, neo4j.WithTxMetadata(map[string]any{"tag": tag}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := runConsume(ctx, tx, "RETURN 1"); err != nil {
		t.Fatal(err)
	}
	recs := h.direct(t, "neo4j", "SHOW TRANSACTIONS YIELD transactionId, metaData WHERE metaData.tag = $tag RETURN transactionId",
		map[string]any{"tag": tag})
	if len(recs) != 1 {
		t.Fatalf("SHOW TRANSACTIONS found %d transactions tagged %s, want 1", len(recs), tag)
	}
	return &victim{sess: sess, tx: tx, id: recs[0].Values[0].(string)}
}

func runConsume(ctx context.Context, tx neo4j.ExplicitTransaction, cypher string) (neo4j.ResultSummary, error) {
	res, err := tx.Run(ctx, cypher, nil)
	if err != nil {
		return nil, err
	}
	return res.Consume(ctx)
}

// TestCypherHatchLeavesOtherTransactions: another client holds a
// transaction open; the hatch is asked, in several spellings, to list and
// to terminate it, and refuses; the other client's transaction then still
// runs a statement and commits. The control at the end terminates such a
// transaction without the hatch and sees that the client notices.
func TestCypherHatchLeavesOtherTransactions(t *testing.T) {
	h := newHatch(t, openTestStore(t))
	ctx := context.Background()
	v := openVictim(t, h)
	params := map[string]any{"victim": v.id}
	for _, tt := range []struct{ stmt, says string }{
		{"TERMINATE TRANSACTIONS '" + v.id + "'", "operator TerminateTransactions"},
		{"TERMINATE TRANSACTION $victim", "operator TerminateTransactions"},
		{"terminate/* x */transactions\n$victim", "operator TerminateTransactions"},
		{"CYPHER runtime=slotted TERMINATE TRANSACTIONS $victim", "operator TerminateTransactions"},
		{"SHOW TRANSACTIONS YIELD transactionId AS txId WHERE txId = $victim " +
			"TERMINATE TRANSACTIONS txId YIELD message RETURN txId, message", "operator ShowTransactions"},
		{"SHOW TRANSACTIONS", "operator ShowTransactions"},
		{"SHOW TRANSACTIONS YIELD currentQuery, metaData RETURN *", "operator ShowTransactions"},
		{"USE system SHOW TRANSACTIONS", `database "system"`},
	} {
		res, err := h.s.Cypher(ctx, tt.stmt, params, hatchOpts)
		if msg := h.refusal(res, err, policykb.EForbidden, tt.says); msg != "" {
			t.Errorf("%q: %s", tt.stmt, msg)
		}
	}
	if _, err := runConsume(ctx, v.tx, "RETURN 2"); err != nil {
		t.Fatalf("the other client's transaction no longer runs statements: %v", err)
	}
	if err := v.tx.Commit(ctx); err != nil {
		t.Fatalf("the other client's transaction does not commit: %v", err)
	}

	// Control: terminated without the hatch, the client sees it.
	w := openVictim(t, h)
	h.direct(t, "neo4j", "TERMINATE TRANSACTIONS $id", map[string]any{"id": w.id})
	_, err := runConsume(ctx, w.tx, "RETURN 3")
	if err == nil {
		err = w.tx.Commit(ctx)
	}
	if err == nil || !strings.Contains(strings.ToLower(err.Error()), "terminated") {
		t.Errorf("a terminated transaction went on (%v): this test could not tell", err)
	}
}

// TestCypherHatchReadsNoFile sends LOAD CSV of /etc/passwd and of URLs, in
// the spellings that got past the former pattern, and looks at what came
// back: FORBIDDEN naming LoadCSV, no row, no line of /etc/passwd anywhere,
// and no request to the HTTP server.
func TestCypherHatchReadsNoFile(t *testing.T) {
	h := newHatch(t, openTestStore(t))
	if h.passwd == "" {
		t.Fatal("/etc/passwd is missing or empty: this test could not tell whether it was read")
	}
	ctx := context.Background()
	for _, stmt := range []string{
		"LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
		"LOAD/* x */CSV FROM 'file:///etc/passwd' AS row RETURN row",
		"LOAD // c\nCSV FROM 'file:///etc/passwd' AS row RETURN row",
		"LOAD\u00a0CSV FROM 'file:///etc/passwd' AS row RETURN row",
		"load csv from 'file:///../../../../../../etc/passwd' as row return row",
		"WITH 'file:///etc/passwd' AS f LOAD CSV FROM f AS row RETURN row",
		"CALL { LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row } RETURN row",
		"LOAD CSV FROM $url AS row RETURN row",
		"LOAD/**/CSV FROM $url AS row RETURN row",
		"LOAD CSV FROM 'http://127.0.0.1:1/x' AS row RETURN row",
		"MATCH (c:City) RETURN c.name AS row UNION LOAD CSV FROM $url AS r RETURN r AS row",
	} {
		res, err := h.s.Cypher(ctx, stmt, h.params, hatchOpts)
		if msg := h.refusal(res, err, policykb.EForbidden, "operator LoadCSV"); msg != "" {
			t.Errorf("%q: %s", stmt, msg)
		}
		if len(res.Rows) != 0 {
			t.Errorf("%q returned rows: %v", stmt, res.Rows)
		}
	}
	if n := h.hits.Load(); n != 0 {
		t.Errorf("the HTTP server got %d requests", n)
	}
}

// TestCypherHatchRunsReads: reads of the knowledge base still run, with
// answers counted by hand from the fixture (agreement_test.go): 2 cities,
// 4 documents of 4, 2, 3 and 2 sentences, one of them English.
func TestCypherHatchRunsReads(t *testing.T) {
	s := loadAgrFixture(t)
	ctx := context.Background()
	for _, tt := range []struct {
		stmt   string
		params map[string]any
		want   [][]any
	}{
		{"MATCH (c:City) RETURN c.name AS city ORDER BY city", nil, [][]any{{"Alpha"}, {"Beta"}}},
		{"MATCH (d:Document)-[:HAS_SENTENCE]->(s:Sentence) RETURN d.id AS doc, count(s) AS n ORDER BY doc", nil,
			[][]any{{"p1", int64(4)}, {"p2", int64(2)}, {"p3", int64(3)}, {"p4", int64(2)}}},
		{"MATCH (c:City {name: $city})-[:ISSUED]->(d:Document) RETURN count(d) AS n", map[string]any{"city": "Beta"}, [][]any{{int64(2)}}},
		{"CALL db.index.fulltext.queryNodes('sentence_text', 'fund') YIELD node RETURN node.id AS id", nil, [][]any{{"p2#1"}}},
		{"CALL db.labels() YIELD label WHERE label IN ['City', 'Document'] RETURN label ORDER BY label", nil, [][]any{{"City"}, {"Document"}}},
		{"CALL db.relationshipTypes() YIELD relationshipType WHERE relationshipType = 'ISSUED' RETURN relationshipType", nil, [][]any{{"ISSUED"}}},
		{"CALL db.schema.visualization() YIELD nodes RETURN size(nodes) > 0 AS some", nil, [][]any{{true}}},
		{"SHOW INDEXES YIELD name, type WHERE name = 'sentence_text' RETURN name, type", nil, [][]any{{"sentence_text", "FULLTEXT"}}},
		{"CALL () { MATCH (s:Sentence) RETURN count(s) AS n } RETURN n", nil, [][]any{{int64(11)}}},
		{"RETURN COUNT { MATCH (:Document) } AS docs, COLLECT { MATCH (c:City) RETURN c.name ORDER BY c.name } AS cities", nil,
			[][]any{{int64(4), []any{"Alpha", "Beta"}}}},
		{"MATCH (c:City) WITH c ORDER BY c.name RETURN c.name AS x UNION ALL MATCH (d:Document {id: 'p4'}) RETURN d.id AS x", nil,
			[][]any{{"Alpha"}, {"Beta"}, {"p4"}}},
		{"CYPHER runtime=slotted MATCH (c:City)-[:ISSUED]->(d) WITH c, count(d) AS n ORDER BY n DESC, c.name LIMIT 1 RETURN c.name, n", nil,
			[][]any{{"Alpha", int64(2)}}},
		{"/* comment */ MATCH (c:City)\n// line comment\nWHERE EXISTS { (c)-[:ISSUED]->(:Document {id: 'p3'}) } RETURN c.name", nil, [][]any{{"Beta"}}},
		{"MATCH p = SHORTEST 1 (:City {name: 'Alpha'})-[:ISSUED]->(:Document {id: 'p2'}) RETURN length(p)", nil, [][]any{{int64(1)}}},
		{"UNWIND [3, 1, 2] AS x RETURN x ORDER BY x SKIP 1", nil, [][]any{{int64(2)}, {int64(3)}}},
	} {
		res, err := s.Cypher(ctx, tt.stmt, tt.params, graph.CypherOptions{MaxRows: 10, Timeout: 10 * time.Second})
		if err != nil {
			t.Errorf("%q: %v", tt.stmt, err)
			continue
		}
		if !reflect.DeepEqual(res.Rows, tt.want) {
			t.Errorf("%q: %v, want %v", tt.stmt, res.Rows, tt.want)
		}
	}
}

// TestCypherHatchSyntaxError: a statement Neo4j cannot parse is
// BAD_USER_INPUT, and the position in the message counts from the user's
// statement, which is quoted as written.
func TestCypherHatchSyntaxError(t *testing.T) {
	s := openTestStore(t)
	_, err := s.Cypher(context.Background(), "MATCH (n RETURN n", nil, hatchOpts)
	if policykb.ErrorCodeOf(err) != policykb.EInvalid {
		t.Fatalf("got %v, want BAD_USER_INPUT", err)
	}
	msg := err.(*policykb.Error).Message
	if strings.Contains(msg, "EXPLAIN") || !strings.Contains(msg, "line 1, column 10 (offset: 9)") ||
		!strings.Contains(msg, "\"MATCH (n RETURN n\"\n          ^") {
		t.Errorf("message does not point into the statement as written:\n%s", msg)
	}
}

// A statement that Neo4j cannot cut into tokens (an unterminated comment
// where its pre-parser reads) is BAD_USER_INPUT too, although Neo4j calls
// it an unknown database error, and its position counts from the statement.
func TestCypherHatchLexicalError(t *testing.T) {
	s := openTestStore(t)
	for stmt, col := range map[string]string{"/*": "column 3", "  /* never closed": "column 18"} {
		_, err := s.Cypher(context.Background(), stmt, nil, hatchOpts)
		if policykb.ErrorCodeOf(err) != policykb.EInvalid {
			t.Fatalf("%q: got %v, want BAD_USER_INPUT", stmt, err)
		}
		if msg := err.(*policykb.Error).Message; !strings.Contains(msg, "line 1, "+col+".") {
			t.Errorf("%q: message does not point into the statement as written: %s", stmt, msg)
		}
	}
}
