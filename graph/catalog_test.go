package graph_test

import (
	"context"
	"testing"
	"time"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/testneo4j"
)

// A server keeps the codebook and the cities between requests. A write
// made through another store (another policykb process: a load while the
// server runs) must be seen by the server's reads once CatalogMaxAge has
// passed, at once by a store that checks on every read, and a store's own
// writes at once; what a caller does to the slices it gets must not reach
// the next caller.
func TestCatalogSeesWritesOfOtherStores(t *testing.T) {
	ctx := context.Background()
	loader := openTestStore(t)
	loadFixture(t, loader)
	open := func(maxAge time.Duration) *graph.Store {
		s, err := graph.Open(ctx, graph.Config{URI: testneo4j.URI(t), CatalogMaxAge: maxAge}, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close(ctx) })
		return s
	}
	const maxAge = 300 * time.Millisecond
	server, checking := open(maxAge), open(-1)
	codes, err := server.Codes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cities, err := server.Cities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != 14 || codes[0].Name != "Layer one" || len(cities) != 2 {
		t.Fatalf("before: %d codes (first %q), %d cities; want 14, Layer one, 2", len(codes), codes[0].Name, len(cities))
	}
	if _, err := checking.Codes(ctx); err != nil {
		t.Fatal(err)
	}
	codes[0].Name = "scribbled by a caller"
	cities[0].Name = "scribbled by a caller"
	if again, err := server.Codes(ctx); err != nil || again[0].Name != "Layer one" {
		t.Fatalf("after a caller changed its copy: first code %q (%v), want Layer one", again[0].Name, err)
	}
	if again, err := server.Cities(ctx); err != nil || again[0].Name != "Alpha" {
		t.Fatalf("after a caller changed its copy: first city %q (%v), want Alpha", again[0].Name, err)
	}

	other := open(0)
	changed := fixtureCodes()
	changed[0].Name = "Layer one, renamed"
	changed = append(changed, policykb.Code{ID: "K6", Level: policykb.LevelConcept, Number: num(6), Name: "Concept six", Parent: "C4"})
	if _, err := other.WriteCodebook(ctx, changed); err != nil {
		t.Fatal(err)
	}
	gamma := policykb.City{Name: "Gamma", Province: "P3"}
	if _, err := other.WriteDocuments(ctx, []graph.DocumentBundle{bundle(gamma, "g1", "2024-01-02", 2, [][3]string{{"g1#0", "K6", "x"}})}, nil); err != nil {
		t.Fatal(err)
	}

	if codes, err := checking.Codes(ctx); err != nil || len(codes) != 15 || codes[0].Name != "Layer one, renamed" {
		t.Errorf("a store checking on every read, after another store's codebook write: %d codes (%v); want 15, the first renamed", len(codes), err)
	}
	time.Sleep(maxAge)
	codes, err = server.Codes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != 15 || codes[0].Name != "Layer one, renamed" {
		t.Errorf("after another store's codebook write: %d codes, first %q; want 15, Layer one, renamed", len(codes), codes[0].Name)
	}
	cities, err = server.Cities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(cities) != 3 || cities[2].Name != "Gamma" {
		t.Errorf("after another store's documents write: cities %+v; want Alpha, Beta, Gamma", cities)
	}
	// Counts list the new concept, with its coding.
	counts, err := server.Counts(ctx, policykb.LevelConcept, policykb.CorpusFilter{})
	if err != nil {
		t.Fatal(err)
	}
	last := counts[len(counts)-1]
	if len(counts) != 6 || last.CodeID != "K6" || last.ReferencePoints != 1 || last.MaterialSources != 1 {
		t.Errorf("concept counts after the writes: %+v; want 6 concepts, K6 last with 1 reference point in 1 source", counts)
	}

	// A store sees its own writes at once, whatever it held.
	if _, err := loader.Codes(ctx); err != nil {
		t.Fatal(err)
	}
	changed[0].Name = "Layer one, renamed twice"
	if _, err := loader.WriteCodebook(ctx, changed); err != nil {
		t.Fatal(err)
	}
	if codes, err := loader.Codes(ctx); err != nil || codes[0].Name != "Layer one, renamed twice" {
		t.Errorf("a store's own codebook write: first code %q (%v), want Layer one, renamed twice", codes[0].Name, err)
	}
}
