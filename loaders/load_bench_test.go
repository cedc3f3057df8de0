package loaders_test

import (
	"context"
	"testing"

	"github.com/policykb/policykb/gen"
	"github.com/policykb/policykb/loaders"
)

// BenchmarkValidate validates, offline, a synthetic corpus of 10 cities
// (100 documents, 30,000 sentences): reading, segmenting, parsing the
// codings and locating their quotes.
func BenchmarkValidate(b *testing.B) {
	dir := b.TempDir()
	spec := gen.Tiers["M4"]
	spec.Cities = 10
	if _, err := gen.Generate(dir, spec); err != nil {
		b.Fatal(err)
	}
	in := loaders.SampleInput(dir)
	b.ResetTimer()
	for b.Loop() {
		if _, err := loaders.Validate(context.Background(), nil, in); err != nil {
			b.Fatal(err)
		}
	}
}
