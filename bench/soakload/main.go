// Command soakload is the killed-load run (`make soak-load`, scripts/soak-load.sh):
// on a Neo4j it may wipe, it loads a corpus cleanly with `policykb load` and
// takes a snapshot of every count (internal/soak); then it loads the corpus
// again into an empty base, killing `policykb load` with SIGKILL at seeded
// random points, checks after each kill that every stored document is
// whole and every count agrees with what is stored, reruns the load to
// completion and compares everything with the clean load; then it does the
// same once killing Neo4j itself (SIGKILL) mid-load, restarting it and
// rerunning. It writes <out>/soak-load.json and .md and exits 1 when any
// count differs.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/benchkit"
	"github.com/policykb/policykb/internal/soak"
)

type options struct {
	bin, dir, uri, home, out, corpus string
	kills                            int
	seed                             uint64
}

func main() {
	var o options
	flag.StringVar(&o.bin, "bin", "bin/policykb", "the policykb binary")
	flag.StringVar(&o.dir, "dir", "", "the corpus folder (codebook.yaml, documents.csv, codings.csv, texts/)")
	flag.StringVar(&o.corpus, "corpus", "", "how the corpus was made, for the results")
	flag.StringVar(&o.uri, "neo4j-uri", "", "Bolt URI of a bundled Neo4j this run may wipe, kill and restart")
	flag.StringVar(&o.home, "neo4j-home", os.Getenv("POLICYKB_NEO4J_BUNDLED_HOME"), "that Neo4j's home (its pid file is under run/)")
	flag.StringVar(&o.out, "out", "bench/results", "folder of soak-load.json and .md")
	flag.IntVar(&o.kills, "kills", 5, "how many times to kill `policykb load` before the rerun")
	flag.Uint64Var(&o.seed, "seed", 1, "seed of the kill points")
	flag.Parse()
	res, err := run(context.Background(), o)
	if res != nil {
		if werr := write(o.out, res); werr != nil && err == nil {
			err = werr
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak-load:", err)
		os.Exit(1)
	}
	if !res.Exact {
		fmt.Fprintln(os.Stderr, "soak-load: counts differ from the clean load's (see the results)")
		os.Exit(1)
	}
}

// results is the file's shape.
type results struct {
	Machine  string `json:"machine"`
	Corpus   string `json:"corpus"`
	Seed     uint64 `json:"seed"`
	When     string `json:"when"`
	Contents struct {
		Documents int `json:"documents"`
		Sentences int `json:"sentences"`
		Codings   int `json:"codings"`
	} `json:"contents"`
	// Checks is how many numbers each comparison with the clean load
	// covers (besides the digest of every document, sentence and coding).
	Checks     int          `json:"numbers_compared"`
	CleanLoadS float64      `json:"clean_load_s"`
	LoadKills  []soak.Kill  `json:"load_kills"`
	RerunS     float64      `json:"rerun_s"`
	RerunDiff  []string     `json:"rerun_differences"`
	Neo4jKill  *neo4jResult `json:"neo4j_kill"`
	Exact      bool         `json:"exact"`
}

type neo4jResult struct {
	soak.Kill
	LoadExit  string   `json:"load_exit"`
	RestartS  float64  `json:"restart_s"`
	RerunS    float64  `json:"rerun_s"`
	RerunDiff []string `json:"rerun_differences"`
}

func run(ctx context.Context, o options) (*results, error) {
	if o.dir == "" || o.uri == "" || o.home == "" {
		return nil, errors.New("-dir, -neo4j-uri and -neo4j-home are required")
	}
	u, err := url.Parse(o.uri)
	if err != nil || u.Port() == "" {
		return nil, fmt.Errorf("-neo4j-uri %q: want bolt://127.0.0.1:PORT", o.uri)
	}
	res := &results{Machine: benchkit.Machine(), Corpus: o.corpus, Seed: o.seed, When: time.Now().UTC().Format(time.RFC3339)}
	store, err := graph.Open(ctx, graph.Config{URI: o.uri, CatalogMaxAge: -1, TxTimeout: 10 * time.Minute}, nil)
	if err != nil {
		return nil, err
	}
	defer func() { store.Close(context.Background()) }()
	wipe := func() error {
		_, err := store.Wipe(ctx)
		return err
	}
	rng := rand.New(rand.NewPCG(o.seed, 0x5eed))

	// The clean load.
	if err := wipe(); err != nil {
		return nil, err
	}
	t0 := time.Now()
	if err := runLoad(o); err != nil {
		return nil, fmt.Errorf("clean load: %w", err)
	}
	clean := time.Since(t0)
	res.CleanLoadS = secs(clean)
	want, err := soak.Take(ctx, store)
	if err != nil {
		return nil, err
	}
	if bad := want.SelfCheck(); len(bad) > 0 {
		return res, fmt.Errorf("the clean load's counts disagree with its sentences:\n%s", strings.Join(bad, "\n"))
	}
	res.Contents.Documents, res.Contents.Sentences, res.Contents.Codings = want.Documents, want.Sentences, want.Codings
	res.Checks = want.Checks
	fmt.Printf("clean load: %s, %d documents, %d sentences, %d codings; %d numbers to compare\n",
		clean.Round(time.Millisecond), want.Documents, want.Sentences, want.Codings, want.Checks)

	// Loads killed at random points, then a rerun.
	if err := wipe(); err != nil {
		return res, err
	}
	stored := 0
	for i := range o.kills {
		target, jitter, ok := soak.Target(rng, stored, want.Documents, o.kills-i)
		if !ok {
			break
		}
		k, err := soak.KillAt(ctx, store, loadCmd(o), target, jitter)
		if err != nil {
			return res, err
		}
		k.Target, k.JitterMS = target, jitter.Milliseconds()
		if k.Stored, k.Problems, err = soak.Partial(ctx, store, want); err != nil {
			return res, err
		}
		stored = k.Stored
		fmt.Printf("kill %d, once %d documents are stored and %s more: %s\n", i+1, target, jitter, k)
		res.LoadKills = append(res.LoadKills, k)
	}
	t0 = time.Now()
	if err := runLoad(o); err != nil {
		return res, fmt.Errorf("rerun: %w", err)
	}
	res.RerunS = secs(time.Since(t0))
	got, err := soak.Take(ctx, store)
	if err != nil {
		return res, err
	}
	res.RerunDiff = append(soak.Diff(want, got), got.SelfCheck()...)
	fmt.Printf("rerun: %s, %d differences\n", time.Since(t0).Round(time.Millisecond), len(res.RerunDiff))

	// Neo4j killed mid-load, restarted, the load rerun.
	if err := wipe(); err != nil {
		return res, err
	}
	// In the first half of the load: Neo4j then has most of the work ahead.
	target, jitter, _ := soak.Target(rng, 0, want.Documents, 2)
	nk, err := killNeo4j(ctx, o, store, u.Port(), target, jitter)
	res.Neo4jKill = nk
	if err != nil {
		return res, err
	}
	store.Close(ctx)
	if store, err = graph.Open(ctx, graph.Config{URI: o.uri, CatalogMaxAge: -1, TxTimeout: 10 * time.Minute}, nil); err != nil {
		return res, err
	}
	if nk.Stored, nk.Problems, err = soak.Partial(ctx, store, want); err != nil {
		return res, err
	}
	fmt.Printf("Neo4j killed: %s; the load %s; restarted in %.1fs\n", nk.Kill, nk.LoadExit, nk.RestartS)
	t0 = time.Now()
	if err := runLoad(o); err != nil {
		return res, fmt.Errorf("rerun after the Neo4j kill: %w", err)
	}
	nk.RerunS = secs(time.Since(t0))
	if got, err = soak.Take(ctx, store); err != nil {
		return res, err
	}
	nk.RerunDiff = append(soak.Diff(want, got), got.SelfCheck()...)
	fmt.Printf("rerun after the Neo4j kill: %s, %d differences\n", time.Since(t0).Round(time.Millisecond), len(nk.RerunDiff))

	res.Exact = len(res.RerunDiff) == 0 && len(nk.RerunDiff) == 0 && len(nk.Problems) == 0
	for _, k := range res.LoadKills {
		res.Exact = res.Exact && len(k.Problems) == 0
	}
	return res, nil
}

// loadCmd is `policykb load` of the corpus on the run's Neo4j, never
// starting a bundled one (a killed Neo4j must stay down until restarted).
func loadCmd(o options) *exec.Cmd {
	cmd := exec.Command(o.bin, "load", "--codebook", filepath.Join(o.dir, "codebook.yaml"),
		"--documents", filepath.Join(o.dir, "documents.csv"), "--codings", filepath.Join(o.dir, "codings.csv"))
	// A generous transaction timeout: the run shares the machine.
	cmd.Env = append(os.Environ(), "POLICYKB_NEO4J_URI="+o.uri, "POLICYKB_NEO4J_BUNDLED_ENABLED=false", "POLICYKB_LOG_LEVEL=warn",
		"POLICYKB_NEO4J_TX_TIMEOUT=5m")
	return cmd
}

// runLoad runs a load to completion; its error carries its output.
func runLoad(o options) error {
	out, err := loadCmd(o).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%v\n%s", err, out)
	}
	return nil
}

// killNeo4j starts a load, kills Neo4j with SIGKILL once the base holds
// target documents and jitter more has passed, waits for the load to give
// up (killing it after two minutes), and restarts Neo4j on the same port
// and home.
func killNeo4j(ctx context.Context, o options, store *graph.Store, port string, target int, jitter time.Duration) (*neo4jResult, error) {
	res := &neo4jResult{}
	res.Target, res.JitterMS = target, jitter.Milliseconds()
	pidFile := filepath.Join(o.home, "run", "policykb-neo4j.pid")
	b, err := os.ReadFile(pidFile)
	if err != nil {
		return res, fmt.Errorf("the Neo4j to kill: %w", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return res, fmt.Errorf("pid file %s: %q", pidFile, b)
	}
	load := loadCmd(o)
	stderr := &benchkit.Buffer{}
	load.Stderr = stderr
	began := time.Now()
	if err := load.Start(); err != nil {
		return res, err
	}
	exited := make(chan error, 1)
	go func() { exited <- load.Wait() }()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
wait:
	for {
		select {
		case err := <-exited:
			return res, fmt.Errorf("the load ended (%v) before it stored %d documents", err, target)
		case <-tick.C:
			if st, err := store.Stats(ctx); err == nil && st.Documents >= target {
				time.Sleep(jitter)
				break wait
			}
		}
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		return res, fmt.Errorf("kill Neo4j (pid %d): %w", pid, err)
	}
	res.Killed, res.After, res.AfterMS = true, time.Since(began), time.Since(began).Milliseconds()
	for _, line := range strings.Split(stderr.String(), "\n") {
		if strings.HasPrefix(line, "documents ") {
			res.Progress = line
		}
	}
	select {
	case err := <-exited:
		res.LoadExit = fmt.Sprintf("exited after %s: %v", time.Since(began).Round(time.Millisecond), err)
		if err == nil {
			res.LoadExit = "finished after " + time.Since(began).Round(time.Millisecond).String() + " without error"
		}
	case <-time.After(2 * time.Minute):
		load.Process.Kill()
		<-exited
		res.LoadExit = "still retrying after 2 minutes: killed"
	}
	if msg := lastLine(stderr.String()); msg != "" {
		res.LoadExit += " (" + msg + ")"
	}
	t0 := time.Now()
	start := exec.CommandContext(ctx, o.bin, "neo4j", "start", "--port", port)
	// Recovery after a kill can take a while on a busy machine.
	start.Env = append(os.Environ(), "POLICYKB_NEO4J_BUNDLED_HOME="+o.home, "POLICYKB_NEO4J_BUNDLED_START_TIMEOUT=10m")
	if out, err := start.CombinedOutput(); err != nil {
		return res, fmt.Errorf("restart Neo4j: %v\n%s", err, out)
	}
	res.RestartS = secs(time.Since(t0))
	return res, nil
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	l := strings.TrimSpace(lines[len(lines)-1])
	if len(l) > 240 {
		l = l[:240] + "…"
	}
	return l
}

func secs(d time.Duration) float64 { return float64(d.Milliseconds()) / 1000 }

// write writes soak-load.json and soak-load.md.
func write(dir string, r *results) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "soak-load.json"), append(b, '\n'), 0o644); err != nil {
		return err
	}
	var m strings.Builder
	fmt.Fprintf(&m, "# Killed loads, rerun: are the counts exact?\n\n")
	fmt.Fprintf(&m, "Run of `make soak-load` on %s (%s), seed %d.\n\n", r.When, r.Machine, r.Seed)
	fmt.Fprintf(&m, "Corpus: %s — %d documents, %d sentences, %d codings. A clean `policykb load` took %.1f s. "+
		"Each kill point is drawn from the seed: a number of stored documents (the load is killed once the base holds that many) and a jitter of 0–100 ms after it, so that the kill falls anywhere in the next transaction. ",
		r.Corpus, r.Contents.Documents, r.Contents.Sentences, r.Contents.Codings, r.CleanLoadS)
	fmt.Fprintf(&m, "Each comparison with the clean load covers %d numbers (stats; counts at every level, unfiltered and for three cities and their provinces; counts by city; citiesCiting of a code of each level; three matrices; the recount of every code in all and in each city from the raw codings) and a SHA-256 over every stored document, sentence and coding.\n\n", r.Checks)
	fmt.Fprintf(&m, "| kill | once stored | + jitter | after | last progress line | documents stored | problems |\n|---|---|---|---|---|---|---|\n")
	for i, k := range r.LoadKills {
		what := "SIGKILL"
		if !k.Killed {
			what = "finished first"
		}
		fmt.Fprintf(&m, "| %d: `policykb load` %s | %d | %d ms | %.1f s | %s | %d | %d |\n", i+1, what, k.Target, k.JitterMS,
			float64(k.AfterMS)/1000, orDash(k.Progress), k.Stored, len(k.Problems))
	}
	fmt.Fprintf(&m, "\nRerun to completion: %.1f s, %d differences from the clean load.\n\n", r.RerunS, len(r.RerunDiff))
	if n := r.Neo4jKill; n != nil {
		fmt.Fprintf(&m, "Neo4j killed (SIGKILL) %.1f s into a load, once %d documents were stored and %d ms more (%s); the load %s. Neo4j restarted in %.1f s, holding %d documents, %d problems. ",
			float64(n.AfterMS)/1000, n.Target, n.JitterMS, orDash(n.Progress), n.LoadExit, n.RestartS, n.Stored, len(n.Problems))
		fmt.Fprintf(&m, "Rerun to completion: %.1f s, %d differences from the clean load.\n\n", n.RerunS, len(n.RerunDiff))
	}
	verdict := "every count equals the clean load's"
	if !r.Exact {
		verdict = "COUNTS DIFFER: see soak-load.json"
	}
	fmt.Fprintf(&m, "Verdict: %s.\n", verdict)
	return os.WriteFile(filepath.Join(dir, "soak-load.md"), []byte(m.String()), 0o644)
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// machine describes the computer the figures come from.
