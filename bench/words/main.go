// Command words measures word statistics and automatic coding on a loaded
// knowledge base (`make bench-words`, tier M by default): the word index's
// first build, words(top: 50) and coword(top: 100) through the GraphQL
// handler, and autocode's apply rate (a model learned from coder A, applied
// to every document, then applied again), and writes
// bench/results/<tier>-words.json.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"time"

	"github.com/policykb/policykb/autocode"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/resolvers"
	"github.com/policykb/policykb/words"
)

type timing struct {
	Query string  `json:"query"`
	Runs  int     `json:"runs"`
	P50   float64 `json:"p50_ms"`
	P95   float64 `json:"p95_ms"`
	Max   float64 `json:"max_ms"`
}

type results struct {
	Tier              string          `json:"tier"`
	Machine           string          `json:"machine"`
	Documents         int             `json:"documents"`
	Sentences         int             `json:"sentences"`
	IndexBuildS       float64         `json:"index_build_s"`
	Queries           []timing        `json:"queries"`
	TrainSentences    int             `json:"train_sentences"`
	TrainS            float64         `json:"train_s"`
	Apply             autocodeResults `json:"autocode_apply"`
	ApplyAgain        autocodeResults `json:"autocode_apply_again"`
	HeapAfterIndexMiB float64         `json:"heap_after_index_mib"`
}

type autocodeResults struct {
	Sentences     int     `json:"sentences"`
	Codings       int     `json:"codings"`
	Created       int     `json:"created"`
	Deleted       int     `json:"deleted"`
	S             float64 `json:"s"`
	SentencesPerS float64 `json:"sentences_per_s"`
}

func main() {
	tier := flag.String("tier", "M", "the tier's name, for the results file")
	uri := flag.String("neo4j-uri", os.Getenv("POLICYKB_NEO4J_URI"), "Bolt URI of a loaded knowledge base (autocode writes auto:model:bench codings)")
	out := flag.String("out", "bench/results", "folder of the results file")
	reps := flag.Int("reps", 20, "timed runs of each query (after 2 warm-ups)")
	train := flag.Int("train", 30000, "training sentences at most")
	flag.Parse()
	if err := run(context.Background(), *tier, *uri, *out, *reps, *train); err != nil {
		fmt.Fprintln(os.Stderr, "bench-words:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, tier, uri, out string, reps, train int) error {
	seg, err := words.New(words.DefaultConfig())
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	store, err := graph.Open(ctx, graph.Config{URI: uri, TxTimeout: 10 * time.Minute, Words: seg}, log)
	if err != nil {
		return err
	}
	defer store.Close(ctx)
	if err := store.EnsureSchema(ctx); err != nil {
		return err
	}
	st, err := store.Stats(ctx)
	if err != nil {
		return err
	}
	res := results{Tier: tier, Machine: fmt.Sprintf("%s/%s, %d CPUs", runtime.GOOS, runtime.GOARCH, runtime.NumCPU()),
		Documents: st.Documents, Sentences: st.Sentences}

	began := time.Now()
	if _, err := store.Words(ctx, graph.WordQuery{Top: 1, MinLength: 2}); err != nil {
		return err
	}
	res.IndexBuildS = time.Since(began).Seconds()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	res.HeapAfterIndexMiB = float64(ms.HeapAlloc) / (1 << 20)
	fmt.Printf("word index: %.1f s, heap %.0f MiB\n", res.IndexBuildS, res.HeapAfterIndexMiB)

	h, err := resolvers.NewHandler(store, resolvers.Options{MaxDepth: 15, MaxQueryLength: 20000, MaxPageSize: 500,
		Timeout: 60 * time.Second, MaxBodyBytes: 1 << 20, MaxParallelism: 16, Log: log})
	if err != nil {
		return err
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	for _, q := range []string{
		`{ words(top: 50) { words { word frequency documents sentenceCount } tokens } }`,
		`{ coword(top: 100) { units words { word units } pairs { a { index } b { index } count value } clusters { a b height size } } }`,
		`{ words(top: 50, filter: {provinces: ["Zhejiang"]}) { words { word frequency } } }`,
		`{ keywords(of: CITY, top: 10) { unit keywords { word tfidf } } }`,
	} {
		t, err := timeQuery(srv.URL, q, reps)
		if err != nil {
			return err
		}
		fmt.Printf("%s\n  p50 %.1f ms, p95 %.1f ms, max %.1f ms\n", q, t.P50, t.P95, t.Max)
		res.Queries = append(res.Queries, t)
	}

	// autocode: a model learned from coder A, applied to every document.
	codes, err := store.Codes(ctx)
	if err != nil {
		return err
	}
	began = time.Now()
	opt := autocode.TrainOptions{Coders: []string{"A"}, MaxSentences: train, Thresholds: autocode.DefaultThresholds}
	docs, err := autocode.ReadTraining(ctx, store, seg, opt)
	if err != nil {
		return err
	}
	examples := autocode.Examples(docs)
	model, err := opt.Trainer(codes, seg)(examples)
	if err != nil {
		return err
	}
	res.TrainSentences, res.TrainS = len(examples), time.Since(began).Seconds()
	fmt.Printf("trained on %d sentences in %.1f s\n", res.TrainSentences, res.TrainS)
	for i, dst := range []*autocodeResults{&res.Apply, &res.ApplyAgain} {
		sum, err := autocode.Apply(ctx, store, seg, "auto:model:bench", model, autocode.ApplyOptions{})
		if err != nil {
			return err
		}
		*dst = autocodeResults{Sentences: sum.Sentences, Codings: sum.Codings, Created: sum.Written.RelationshipsCreated,
			Deleted: sum.Written.RelationshipsDeleted, S: sum.Elapsed.Seconds(), SentencesPerS: float64(sum.Sentences) / sum.Elapsed.Seconds()}
		fmt.Printf("apply %d: %s\n", i+1, sum)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, tier+"-words.json"), append(b, '\n'), 0o644)
}

func timeQuery(url, query string, reps int) (timing, error) {
	body, _ := json.Marshal(map[string]any{"query": query})
	var ms []float64
	for i := range reps + 2 {
		began := time.Now()
		resp, err := http.Post(url+"/graphql", "application/json", bytes.NewReader(body))
		if err != nil {
			return timing{}, err
		}
		var r struct {
			Errors []json.RawMessage `json:"errors"`
		}
		err = json.NewDecoder(resp.Body).Decode(&r)
		resp.Body.Close()
		took := float64(time.Since(began).Microseconds()) / 1000
		if err != nil {
			return timing{}, err
		}
		if len(r.Errors) > 0 {
			return timing{}, fmt.Errorf("%s: %s", query, r.Errors[0])
		}
		if i >= 2 {
			ms = append(ms, took)
		}
	}
	slices.Sort(ms)
	pick := func(p float64) float64 { return ms[min(len(ms)-1, int(p*float64(len(ms))))] }
	return timing{Query: query, Runs: len(ms), P50: pick(0.5), P95: pick(0.95), Max: ms[len(ms)-1]}, nil
}
