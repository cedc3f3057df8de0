package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/policykb/policykb/internal/testneo4j"
	"github.com/policykb/policykb/resolvers"
)

// BenchmarkLoadSample measures `policykb load sample` into an empty
// knowledge base (validation, segmentation and all writes), and the
// idempotent reload that finds everything in place.
func BenchmarkLoadSample(b *testing.B) {
	benchURI(b)
	b.Run("empty", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			if out, err := runB(b, "wipe", "--yes"); err != nil {
				b.Fatalf("wipe: %v\n%s", err, out)
			}
			b.StartTimer()
			if out, err := runB(b, "load", "sample"); err != nil {
				b.Fatalf("load: %v\n%s", err, out)
			}
		}
	})
	b.Run("reload", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if out, err := runB(b, "load", "sample"); err != nil {
				b.Fatalf("load: %v\n%s", err, out)
			}
		}
	})
}

var operationName = regexp.MustCompile(`(?m)^query\s+(\w+)`)

// BenchmarkExampleQueries runs GraphiQL's example tabs (the study's
// questions) over HTTP against the loaded sample, one client, and reports
// the median and 95th percentile latency of each.
func BenchmarkExampleQueries(b *testing.B) {
	uri := benchURI(b)
	// The agreement example compares the sample's two coders.
	for _, args := range [][]string{{"load", "sample"}, {"load-second-coder"}} {
		if out, err := runB(b, args...); err != nil {
			b.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	srv := serveStore(b, uri)
	for _, ex := range resolvers.DefaultExamples() {
		name := operationName.FindStringSubmatch(ex.Query)[1]
		body, _ := json.Marshal(map[string]any{"query": ex.Query})
		b.Run(name, func(b *testing.B) {
			var lat []time.Duration
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				resp, err := http.Post(srv.URL+"/graphql", "application/json", bytes.NewReader(body))
				if err != nil {
					b.Fatal(err)
				}
				var r struct{ Errors []any }
				err = json.NewDecoder(resp.Body).Decode(&r)
				resp.Body.Close()
				if err != nil || len(r.Errors) > 0 {
					b.Fatalf("%s: %v %v", name, err, r.Errors)
				}
				lat = append(lat, time.Since(t0))
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
		})
	}
}

func benchURI(b *testing.B) string {
	b.Helper()
	uri := testneo4j.URI(b)
	b.Setenv("POLICYKB_NEO4J_BUNDLED_ENABLED", "false")
	b.Setenv("POLICYKB_NEO4J_URI", uri)
	return uri
}

func runB(b *testing.B, args ...string) (string, error) {
	b.Helper()
	cmd := newRoot()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(append(args, "--log-level", "warn"))
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}
