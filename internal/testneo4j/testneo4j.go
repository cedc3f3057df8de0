// Package testneo4j gives integration tests the Neo4j that `make test`
// starts: its URI from POLICYKB_TEST_NEO4J_URI, or an empty store on it.
// Without the variable a test fails, and says how to run it, unless it runs
// with -short, which skips it with a visible message. It imports graph and
// the standard library, and is imported only by tests.
package testneo4j

import (
	"context"
	"os"
	"testing"

	"github.com/policykb/policykb/graph"
)

// Env is the variable that names the test database.
const Env = "POLICYKB_TEST_NEO4J_URI"

// URI returns the test database's Bolt URI, skipping the test under -short
// and failing it when the variable is not set.
func URI(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("SKIP (-short): integration test needs Neo4j (run `make test`)")
	}
	uri := os.Getenv(Env)
	if uri == "" {
		t.Fatal(Env + " is not set: integration tests need a Neo4j; run them with `make test`, or with -short to skip them")
	}
	return uri
}

// EmptyStore opens the test database with the given write batch size (0:
// the default), ensures the schema and deletes every node, so the test
// starts from nothing. The store is closed when the test ends. Tests that
// use it must not run in parallel with one another (make test runs
// packages one at a time).
func EmptyStore(t testing.TB, batchSize int) *graph.Store {
	t.Helper()
	uri := URI(t)
	ctx := context.Background()
	// Tests write through other stores and processes (policykb load) and
	// read at once: the store checks the knowledge base's version on every
	// read instead of holding the codebook for a second.
	s, err := graph.Open(ctx, graph.Config{URI: uri, BatchSize: batchSize, CatalogMaxAge: -1}, nil)
	if err != nil {
		t.Fatalf("open %s: %v", uri, err)
	}
	t.Cleanup(func() { s.Close(ctx) })
	if err := s.EnsureSchema(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Wipe(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}
