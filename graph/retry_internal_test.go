package graph

import (
	"context"
	"os"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
)

// TestResourceExhausted runs a statement that needs more memory than the
// bundled server lets one transaction have (neo4j.bundled.transaction_memory,
// db.memory.transaction.max): it fails as RESOURCE_EXHAUSTED, not INTERNAL,
// after one attempt (the same statement would fail again), and the store
// answers right after. (An internal test: it runs its own statements, which
// the package's API does not offer; internal/testneo4j imports this package,
// so its rules are repeated here.)
func TestResourceExhausted(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIP (-short): integration test needs Neo4j (run `make test`)")
	}
	uri := os.Getenv("POLICYKB_TEST_NEO4J_URI")
	if uri == "" {
		t.Fatal("POLICYKB_TEST_NEO4J_URI is not set: integration tests need a Neo4j; run them with `make test`, or with -short to skip them")
	}
	ctx := context.Background()
	s, err := Open(ctx, Config{URI: uri}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return collect(ctx, tx, "SHOW SETTINGS YIELD name, value WHERE name = 'db.memory.transaction.max' RETURN value", nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	recs := out.([]*neo4j.Record)
	if len(recs) != 1 || recs[0].Values[0] == "0B" {
		t.Fatalf("the test Neo4j sets no db.memory.transaction.max (%v): start it with `policykb neo4j start`, whose neo4j.conf sets one", recs)
	}
	limit := recs[0].Values[0]

	// A million strings of 10 kB (10 GB) collected: far over any sensible
	// limit, and ended by it long before the heap is at risk.
	attempts := 0
	_, err = s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		attempts++
		return collect(ctx, tx, "WITH reduce(s = '', k IN range(1, 1000) | s + 'xxxxxxxxxx') AS pad "+
			"UNWIND range(1, 1000000) AS i RETURN size(collect(toString(i) + pad)) AS n", nil)
	})
	if code := policykb.ErrorCodeOf(err); code != policykb.EResourceExhausted {
		t.Fatalf("memory-hungry statement (limit %v): %v (code %q), want RESOURCE_EXHAUSTED", limit, err, code)
	}
	if attempts != 1 {
		t.Errorf("the statement ran %d times, want once: memory exhaustion is not retried", attempts)
	}
	if _, err := s.Stats(ctx); err != nil {
		t.Errorf("after the refused statement: %v", err)
	}
}
