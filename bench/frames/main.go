// Command frames measures Query.crosstab on a loaded knowledge base with
// the instrument frame added (tier M: `policykb frames add` on the tier's
// study first): it starts `policykb serve` against the Neo4j at
// -neo4j-uri, posts each query -warmup times unmeasured and -reps times
// measured, one at a time, checks that every answer is the first one, and
// prints (and with -out writes) a Markdown table of p50, p95, min and max.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/policykb/policykb/internal/benchkit"
)

var queries = []struct{ name, query string }{
	{"type × city", `{ crosstab(rows: {frame: "instruments", level: "TYPE"}, columns: {dimension: CITY}) { columns { id } cells rowTotals columnTotals } }`},
	{"tool × city, share", `{ crosstab(rows: {frame: "instruments", level: "TOOL"}, columns: {dimension: CITY}, measure: SHARE) { columns { id } cells } }`},
	{"type × year", `{ crosstab(rows: {frame: "instruments", level: "TYPE"}, columns: {dimension: YEAR}) { columns { id } cells } }`},
}

func main() {
	uri := flag.String("neo4j-uri", os.Getenv("POLICYKB_NEO4J_URI"), "Bolt URI of the loaded Neo4j")
	bin := flag.String("policykb", "bin/policykb", "the policykb binary to serve GraphQL with")
	tier := flag.String("tier", "M", "the tier's name, for the table")
	warmup := flag.Int("warmup", 3, "unmeasured runs per query")
	reps := flag.Int("reps", 25, "measured runs per query")
	out := flag.String("out", "", "write the Markdown table to this file too")
	flag.Parse()
	if err := run(*uri, *bin, *tier, *warmup, *reps, *out); err != nil {
		fmt.Fprintln(os.Stderr, "bench frames:", err)
		os.Exit(1)
	}
}

func run(uri, bin, tier string, warmup, reps int, out string) error {
	srv, err := benchkit.Serve(bin, uri, "warn")
	if err != nil {
		return err
	}
	defer srv.Stop()
	load := func() string {
		b, _ := os.ReadFile("/proc/loadavg")
		return strings.Join(strings.Fields(string(b))[:3], " ")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# crosstab at tier %s\n\n%s · %s · load average %s before", tier, benchkit.Machine(), time.Now().UTC().Format(time.RFC3339), load())
	var rows []string
	for _, q := range queries {
		body, _ := json.Marshal(map[string]string{"query": q.query})
		var first []byte
		var ms []float64
		for i := range warmup + reps {
			t0 := time.Now()
			resp, err := http.Post(srv.Base+"/graphql", "application/json", bytes.NewReader(body))
			if err != nil {
				return err
			}
			got, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			d := time.Since(t0)
			if err != nil {
				return err
			}
			if resp.StatusCode != http.StatusOK || bytes.Contains(got, []byte(`"errors"`)) {
				return fmt.Errorf("%s: HTTP %d: %.500s", q.name, resp.StatusCode, got)
			}
			if first == nil {
				first = got
			} else if !bytes.Equal(got, first) {
				return fmt.Errorf("%s: run %d answered differently", q.name, i)
			}
			if i >= warmup {
				ms = append(ms, float64(d.Microseconds())/1000)
			}
		}
		slices.Sort(ms)
		pct := func(p float64) float64 { return ms[min(len(ms)-1, int(p*float64(len(ms))))] }
		rows = append(rows, fmt.Sprintf("| %s | `%s` | %d | %.1f | %.1f | %.1f | %.1f |", q.name, q.query, len(ms), pct(0.5), pct(0.95), ms[0], ms[len(ms)-1]))
	}
	fmt.Fprintf(&b, ", %s after · %d runs per query after %d warm-up, one at a time, through `policykb serve`\n\n", load(), reps, warmup)
	b.WriteString("| query | GraphQL | runs | p50 ms | p95 ms | min ms | max ms |\n|---|---|---:|---:|---:|---:|---:|\n")
	b.WriteString(strings.Join(rows, "\n") + "\n")
	fmt.Print(b.String())
	if out != "" {
		return os.WriteFile(out, []byte(b.String()), 0o644)
	}
	return nil
}
