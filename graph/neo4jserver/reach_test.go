//go:build unix

package neo4jserver

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// checkReach runs queries on a started bundled server (home is its Home)
// and checks what its neo4j.conf takes away from them: LOAD CSV reads no
// file and fetches no URL, whatever the query; no procedure runs
// unrestricted and no plugin is loaded; while the built-in procedures
// policykb and its benchmark peer call still run.
func checkReach(t *testing.T, uri, home string) {
	ctx := context.Background()
	d, err := neo4j.NewDriverWithContext(uri, neo4j.NoAuth())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(ctx)
	run := func(cypher string, params map[string]any) ([]*neo4j.Record, error) {
		res, err := neo4j.ExecuteQuery(ctx, d, cypher, params, neo4j.EagerResultTransformer)
		if err != nil {
			return nil, err
		}
		return res.Records, nil
	}
	must := func(cypher string, params map[string]any) []*neo4j.Record {
		t.Helper()
		recs, err := run(cypher, params)
		if err != nil {
			t.Fatalf("%s: %v", cypher, err)
		}
		return recs
	}

	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		fmt.Fprintln(w, "a,b")
	}))
	defer srv.Close()
	localhost := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	for _, tt := range []struct{ url, says string }{
		{"file:///etc/passwd", "allow_csv_import_from_file_urls"},
		{"file:///" + filepath.Join(home, "conf", "neo4j.conf"), "allow_csv_import_from_file_urls"},
		{srv.URL + "/x.csv", "is blocked"},
		{localhost + "/x.csv", "is blocked"},
	} {
		recs, err := run("LOAD CSV FROM $url AS r RETURN r", map[string]any{"url": tt.url})
		if err == nil || !strings.Contains(err.Error(), tt.says) {
			t.Errorf("LOAD CSV FROM %s: %d rows, %v; want an error saying %q", tt.url, len(recs), err, tt.says)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("LOAD CSV sent %d requests to a server on loopback", n)
	}

	settings := map[string]string{}
	for _, r := range must("SHOW SETTINGS YIELD name, value WHERE name STARTS WITH 'dbms.security.' OR name = 'server.directories.import' RETURN name, value", nil) {
		settings[r.Values[0].(string)] = fmt.Sprint(r.Values[1])
	}
	for name, want := range map[string]string{
		"dbms.security.allow_csv_import_from_file_urls": "false",
		"server.directories.import":                     filepath.Join(home, "import"),
		"dbms.security.procedures.unrestricted":         "",
		"dbms.security.procedures.allowlist":            "db.awaitIndexes,db.index.fulltext.queryNodes,dbms.components",
	} {
		if got, ok := settings[name]; !ok || got != want {
			t.Errorf("%s = %q (set: %v), want %q", name, got, ok, want)
		}
	}
	if n := must("SHOW FUNCTIONS YIELD isBuiltIn WHERE NOT isBuiltIn RETURN count(*)", nil)[0].Values[0]; n != int64(0) {
		t.Errorf("%v functions from plugins", n)
	}
	if n := must("SHOW PROCEDURES YIELD name WHERE NOT name STARTS WITH 'db.' AND NOT name STARTS WITH 'dbms.' AND NOT name STARTS WITH 'tx.' RETURN count(*)", nil)[0].Values[0]; n != int64(0) {
		t.Errorf("%v procedures from plugins", n)
	}

	// What policykb (graph/schema.go, graph/search.go) and the benchmark's
	// @neo4j/graphql (dbms.components) call.
	if recs := must("CALL dbms.components() YIELD name RETURN name", nil); len(recs) != 1 || recs[0].Values[0] != "Neo4j Kernel" {
		t.Errorf("dbms.components: %v", recs)
	}
	must("CREATE FULLTEXT INDEX reach_text IF NOT EXISTS FOR (n:Reach) ON EACH [n.text]", nil)
	must("CREATE (:Reach {text: 'the special fund'})", nil)
	must("CALL db.awaitIndexes(60)", nil)
	recs := must("CALL db.index.fulltext.queryNodes('reach_text', 'fund') YIELD node RETURN node.text", nil)
	if len(recs) != 1 || recs[0].Values[0] != "the special fund" {
		t.Errorf("db.index.fulltext.queryNodes: %v", recs)
	}
}
