package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/policykb/policykb/graph/neo4jserver"
)

// TestNeo4jStatusOnConfiguredPort starts the bundled Neo4j with the CLI on
// the port neo4j.uri names and checks that `policykb neo4j status` says it
// runs there (it used to look on the default port only, and say
// "stopped"); a port chosen with --port is found the same way, from the
// neo4j.conf the server was started with (graph/neo4jserver's test). It starts real servers: it needs
// Java and the jars (POLICYKB_NEO4J_BUNDLED_LIB, as `make test` sets it),
// and is skipped with -short.
func TestNeo4jStatusOnConfiguredPort(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIP (-short): starts the bundled Neo4j")
	}
	for _, how := range []string{"neo4j.uri"} {
		t.Run(how, func(t *testing.T) {
			home := filepath.Join(t.TempDir(), "neo4j")
			port, err := neo4jserver.FreePort()
			if err != nil {
				t.Fatal(err)
			}
			addr := "127.0.0.1:" + strconv.Itoa(port)
			t.Setenv("POLICYKB_NEO4J_BUNDLED_HOME", home)
			t.Setenv("POLICYKB_NEO4J_BUNDLED_HEAP", "512m")
			t.Setenv("POLICYKB_NEO4J_BUNDLED_PAGECACHE", "64m")
			start := []string{"neo4j", "start"}
			if how == "neo4j.uri" {
				t.Setenv("POLICYKB_NEO4J_URI", "bolt://"+addr)
			} else {
				t.Setenv("POLICYKB_NEO4J_URI", "bolt://127.0.0.1:7687")
				start = append(start, "--port", strconv.Itoa(port))
			}
			out, err := run(t, "neo4j", "status")
			if err != nil || !strings.HasPrefix(out, "stopped") {
				t.Fatalf("status before start: %v\n%s", err, out)
			}
			out, err = run(t, start...)
			t.Cleanup(func() { run(t, "neo4j", "stop") })
			if err != nil {
				t.Fatalf("start: %v\n%s", err, out)
			}
			out, err = run(t, "neo4j", "status")
			want := regexp.MustCompile(`^running: pid \d+, bolt://` + regexp.QuoteMeta(addr) + `, Neo4j 5\.26\.\d+, home ` + regexp.QuoteMeta(home))
			if err != nil || !want.MatchString(out) {
				t.Errorf("status: %v\n%s\nwant %s", err, out, want)
			}
			// Starting again finds it running, and says where.
			out, err = run(t, start...)
			if err != nil || !strings.Contains(out, "already running") || !strings.Contains(out, "bolt://"+addr) {
				t.Errorf("second start: %v\n%s", err, out)
			}
			if out, err := run(t, "neo4j", "stop"); err != nil {
				t.Fatalf("stop: %v\n%s", err, out)
			}
			out, err = run(t, "neo4j", "status")
			if err != nil || !strings.HasPrefix(out, "stopped") {
				t.Errorf("status after stop: %v\n%s", err, out)
			}
			if _, err := os.Stat(home); err != nil {
				t.Error(err)
			}
		})
	}
}
