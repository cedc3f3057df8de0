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
//
// The default model needs a manual score of X7:1 and X9:1 for every
// document; a generated base has no reader's scores, so
//
//	go run ./bench/pmc -url ... -write-scores scores.csv
//
// writes a stand-in scores file for every document the API lists (X7:1
// alternating 0 and 1, X9:1 always 1, each note saying so), to load with
// `policykb pmc add-model --scores scores.csv`.
package main

import (
	"bytes"
	"encoding/csv"
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
	scores := flag.String("write-scores", "", "write stand-in manual scores of every document to this file and stop")
	flag.Parse()
	if *scores != "" {
		if err := writeScores(*url, *scores); err != nil {
			fmt.Fprintln(os.Stderr, "bench/pmc:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*url, *model, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "bench/pmc:", err)
		os.Exit(1)
	}
}

func run(url, model string, runs int) error {
	body, _ := json.Marshal(map[string]any{"query": question, "variables": map[string]any{"model": model}})
	var times []float64
	warmups := 0
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
			if i == 0 && warmups < 10 && bytes.Contains(raw, []byte(`"TIMEOUT"`)) {
				// The first questions read every document's text once
				// (graph/pmc.go); each keeps what it read.
				warmups++
				fmt.Printf("warm-up %d: %.1f ms, TIMEOUT\n", warmups, ms)
				i--
				continue
			}
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

// writeScores lists every document through the API, a page at a time,
// and writes stand-in manual scores for them.
func writeScores(url, file string) error {
	var ids []string
	var after *string
	for {
		body, _ := json.Marshal(map[string]any{"query": `query($a: String) { documents(first: 100, after: $a) {
  edges { node { id } } pageInfo { hasNextPage endCursor } } }`, "variables": map[string]any{"a": after}})
		resp, err := http.Post(url, "application/json", bytes.NewReader(body))
		if err != nil {
			return err
		}
		var out struct {
			Data struct {
				Documents struct {
					Edges    []struct{ Node struct{ ID string } }
					PageInfo struct {
						HasNextPage bool
						EndCursor   *string
					}
				}
			}
			Errors []json.RawMessage
		}
		err = json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if err != nil || len(out.Errors) > 0 {
			return fmt.Errorf("list documents: %v %s", err, out.Errors)
		}
		for _, e := range out.Data.Documents.Edges {
			ids = append(ids, e.Node.ID)
		}
		if !out.Data.Documents.PageInfo.HasNextPage {
			break
		}
		after = out.Data.Documents.PageInfo.EndCursor
	}
	slices.Sort(ids)
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.Write([]string{"document", "variable", "score", "note"})
	for i, id := range ids {
		w.Write([]string{id, "X7:1", fmt.Sprint(i % 2), "benchmark stand-in: alternating scores, not a reading"})
		w.Write([]string{id, "X9:1", "1", "benchmark stand-in: every generated document counts as published"})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	fmt.Printf("wrote %s: %d documents\n", file, len(ids))
	return f.Close()
}
