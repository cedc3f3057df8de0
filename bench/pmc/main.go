// Command pmc measures GraphQL's pmc over a loaded knowledge base: it posts
// one question (every document scored with a model, the summary and the
// first page of the ranking) to a running `policykb serve` a number of times
// after one warm-up request, one request at a time, and prints each
// request's time and the p50, p95, min and max in milliseconds.
//
//	go run ./bench/pmc -url http://127.0.0.1:8080/graphql -model default -runs 30
//
// A request is timed from sending it to reading the whole answer; an
// answer with errors stops the run.
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
	"time"
)

const question = `query($model: ID!) { pmc(model: $model) { documentCount meanPMC meanDepression
  means { variable { id } mean } grades { grade { name } documents } cities { city { name } documents meanPMC }
  documents(first: 50) { totalCount edges { node { rank document { id } city { name } pmc depression grade
    variables { value } } } } } }`

func main() {
	url := flag.String("url", "http://127.0.0.1:8080/graphql", "the GraphQL endpoint of a running policykb serve")
	model := flag.String("model", "default", "the PMC model")
	runs := flag.Int("runs", 30, "timed requests after one warm-up")
	flag.Parse()
	if err := run(*url, *model, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "bench/pmc:", err)
		os.Exit(1)
	}
}

func run(url, model string, runs int) error {
	body, _ := json.Marshal(map[string]any{"query": question, "variables": map[string]any{"model": model}})
	var times []float64
	for i := 0; i <= runs; i++ {
		t0 := time.Now()
		resp, err := http.Post(url, "application/json", bytes.NewReader(body))
		if err != nil {
			return err
		}
		raw, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		ms := float64(time.Since(t0).Microseconds()) / 1000
		if err != nil {
			return err
		}
		var out struct {
			Data struct {
				Pmc struct{ DocumentCount int }
			}
			Errors []json.RawMessage
		}
		if err := json.Unmarshal(raw, &out); err != nil || len(out.Errors) > 0 {
			return fmt.Errorf("request %d: %s", i, raw)
		}
		if i == 0 {
			fmt.Printf("warm-up: %.1f ms, %d documents scored\n", ms, out.Data.Pmc.DocumentCount)
			continue
		}
		fmt.Printf("run %d: %.1f ms\n", i, ms)
		times = append(times, ms)
	}
	slices.Sort(times)
	at := func(q float64) float64 { return times[min(len(times)-1, int(q*float64(len(times))))] }
	fmt.Printf("runs %d: p50 %.1f ms, p95 %.1f ms, min %.1f ms, max %.1f ms\n", len(times), at(0.5), at(0.95), times[0], times[len(times)-1])
	return nil
}
