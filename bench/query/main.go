package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/policykb/policykb/internal/benchkit"
)

func main() {
	var o options
	flag.StringVar(&o.tier, "tier", "S", "the tier's name, used for the results files")
	flag.StringVar(&o.uri, "neo4j-uri", os.Getenv("POLICYKB_NEO4J_URI"), "Bolt URI of the loaded Neo4j")
	flag.StringVar(&o.bin, "policykb", "bin/policykb", "the policykb binary to serve GraphQL with")
	flag.StringVar(&o.peerDir, "peer", "bench/peer", "the @neo4j/graphql project (npm ci done); empty: policykb and the floor only")
	flag.StringVar(&o.out, "out", "bench/results", "folder of the results files")
	flag.IntVar(&o.warmup, "warmup", 3, "unmeasured runs of each question and way before timing")
	flag.IntVar(&o.reps, "reps", 60, "measured runs per question and concurrency (at least 4 per client)")
	flag.DurationVar(&o.peerBudget, "peer-budget", 60*time.Second, "stop timing a peer question after this long (once it has -peer-min-runs runs)")
	flag.IntVar(&o.peerMinRuns, "peer-min-runs", 3, "runs of a peer question timed however long they take; with 1, the peer is not warmed up beyond the run that checks its answer")
	flag.StringVar(&o.against, "against", "", "another policykb binary: ask the floor, -policykb and it in turn, one request each per round, and print their p50s and servers' CPU per request instead of the usual timing (writes no results file)")
	flag.DurationVar(&o.peerTimeout, "peer-timeout", 0, "give up a peer question whose checking run takes longer (recorded as not finished, not timed; the Neo4j transactions running then are terminated, so make it long enough for the peer to have started them: seconds, not milliseconds); 0: wait however long")
	flag.Parse()
	if err := run(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type options struct {
	tier, uri, bin, peerDir, out string
	against                      string
	warmup, reps, peerMinRuns    int
	peerBudget, peerTimeout      time.Duration
}

// startPeer starts the @neo4j/graphql server of dir (node_modules
// installed) on a free port against uri.
func startPeer(dir, uri string) (*benchkit.Process, error) {
	addr, err := benchkit.FreeAddr()
	if err != nil {
		return nil, err
	}
	_, port, _ := net.SplitHostPort(addr)
	cmd := exec.Command("node", "server.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NEO4J_URI="+uri, "PORT="+port)
	p, err := benchkit.Start(cmd, "http://"+addr, "/healthz", time.Minute)
	if err != nil {
		return nil, fmt.Errorf("@neo4j/graphql server: %w", err)
	}
	return p, nil
}

var client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, MaxConnsPerHost: 64}, Timeout: 15 * time.Minute}

// post sends a GraphQL request and returns its data; GraphQL errors are
// errors.
func post(ctx context.Context, url string, r request) (json.RawMessage, error) {
	body, _ := json.Marshal(r)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	var out struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("%s answered %s: %.300s", url, resp.Status, raw)
	}
	if len(out.Errors) > 0 {
		return nil, fmt.Errorf("%s: %s", url, out.Errors[0].Message)
	}
	return out.Data, nil
}

// runFloor runs the floor's statement, which returns its whole answer as one
// record of one column, a list of rows, as policykb's statements do: the
// driver's cost per record would otherwise weigh on the floor (graph.packed).
func runFloor(ctx context.Context, d neo4j.DriverWithContext, q question) ([][]any, error) {
	res, err := neo4j.ExecuteQuery(ctx, d, q.floor, q.floorParams, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithReadersRouting())
	if err != nil {
		return nil, err
	}
	if len(res.Records) != 1 {
		return nil, fmt.Errorf("the floor returned %d records, want 1", len(res.Records))
	}
	var rows [][]any
	for _, r := range res.Records[0].Values[0].([]any) {
		rows = append(rows, r.([]any))
	}
	return rows, nil
}

// ways holds the three ways of asking, as functions returning the answer.
type ways struct {
	policykb, floor, peer func(ctx context.Context, q question) (answer, error)
}

func newWays(d neo4j.DriverWithContext, policykbURL, peerURL string) ways {
	return ways{
		policykb: func(ctx context.Context, q question) (answer, error) {
			data, err := post(ctx, policykbURL, q.policykb)
			if err != nil {
				return nil, err
			}
			return q.fromPolicykb(data)
		},
		floor: func(ctx context.Context, q question) (answer, error) {
			rows, err := runFloor(ctx, d, q)
			if err != nil {
				return nil, err
			}
			return q.fromFloor(rows), nil
		},
		peer: func(ctx context.Context, q question) (answer, error) {
			data, err := post(ctx, peerURL, q.peer)
			if err != nil {
				return nil, err
			}
			return q.fromPeer(data)
		},
	}
}

// errPeerTimeout is check's answer when the peer did not answer within
// its time limit.
var errPeerTimeout = errors.New("@neo4j/graphql did not answer within the time limit")

// check asks q the three ways and returns an error naming every way whose
// answer differs from policykb's. With peerTimeout > 0, a peer slower than
// that is given up, and check returns errPeerTimeout when policykb and the
// floor agree.
func check(ctx context.Context, w ways, q question, peerTimeout time.Duration) error {
	want, err := w.policykb(ctx, q)
	if err != nil {
		return fmt.Errorf("%s via policykb: %w", q.name, err)
	}
	var problems []string
	timedOut := false
	for _, other := range []struct {
		name string
		ask  func(context.Context, question) (answer, error)
	}{{"the Cypher floor", w.floor}, {"@neo4j/graphql", w.peer}} {
		if other.ask == nil {
			continue // no peer (-peer "")
		}
		actx, cancel := ctx, context.CancelFunc(func() {})
		if other.name == "@neo4j/graphql" && peerTimeout > 0 {
			actx, cancel = context.WithTimeout(ctx, peerTimeout)
		}
		got, err := other.ask(actx, q)
		cancel()
		if err != nil && actx.Err() == context.DeadlineExceeded && ctx.Err() == nil {
			timedOut = true
			continue
		}
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", other.name, err))
			continue
		}
		if d := diff(want, got, 8); len(d) > 0 {
			problems = append(problems, fmt.Sprintf("%s differs from policykb (policykb vs it): %s", other.name, strings.Join(d, "; ")))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s: %s", q.name, strings.Join(problems, "\n  "))
	}
	if timedOut {
		return errPeerTimeout
	}
	return nil
}

// terminateOthers ends every transaction running on the database but the
// one that lists them: what a peer request given up left behind, which
// would otherwise run on and weigh on the timings that follow.
func terminateOthers(ctx context.Context, d neo4j.DriverWithContext) (int, error) {
	res, err := neo4j.ExecuteQuery(ctx, d, `SHOW TRANSACTIONS YIELD transactionId, currentQuery
WHERE NOT currentQuery STARTS WITH 'SHOW TRANSACTIONS' RETURN collect(transactionId)`, nil, neo4j.EagerResultTransformer)
	if err != nil {
		return 0, err
	}
	ids, _ := res.Records[0].Values[0].([]any)
	if len(ids) == 0 {
		return 0, nil
	}
	_, err = neo4j.ExecuteQuery(ctx, d, `TERMINATE TRANSACTIONS $ids`, map[string]any{"ids": ids}, neo4j.EagerResultTransformer)
	return len(ids), err
}

// timing is the outcome of timeIt: the durations of the runs that
// succeeded, and how many failed (with the first failure).
type timing struct {
	samples []time.Duration
	failed  int
	first   error
}

// timeIt runs ask n times over c concurrent clients (after warmup
// sequential runs, which must succeed) and returns the durations; with a
// budget, it stops starting new runs after that long once it has minRuns.
// A failed run (a timeout under load, say) is counted, not fatal.
func timeIt(ctx context.Context, ask func(context.Context, question) (answer, error), q question, warmup, n, c int, budget time.Duration, minRuns int) (timing, error) {
	for i := 0; i < warmup; i++ {
		if _, err := ask(ctx, q); err != nil {
			return timing{}, err
		}
	}
	var (
		mu   sync.Mutex
		out  timing
		next atomic.Int64
		wg   sync.WaitGroup
	)
	start := time.Now()
	for w := 0; w < c; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				if next.Add(1) > int64(n) {
					return
				}
				mu.Lock()
				stop := budget > 0 && len(out.samples)+out.failed >= minRuns && time.Since(start) > budget
				mu.Unlock()
				if stop {
					return
				}
				t0 := time.Now()
				_, err := ask(ctx, q)
				d := time.Since(t0)
				mu.Lock()
				if err != nil {
					out.failed++
					if out.first == nil {
						out.first = err
					}
				} else {
					out.samples = append(out.samples, d)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if out.first != nil {
		fmt.Fprintf(os.Stderr, "%s: %d of %d runs at %d clients failed; the first: %v\n", q.name, out.failed, out.failed+len(out.samples), c, out.first)
	}
	return out, nil
}

// memory reads a process's peak and current resident set size in MB.
func memory(pid int) (hwm, rss float64, err error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	for _, line := range strings.Split(string(raw), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "VmHWM:":
			hwm = kb / 1024
		case "VmRSS:":
			rss = kb / 1024
		}
	}
	return hwm, rss, nil
}

// machine describes this machine: CPU model, cores, memory, OS.
// queryResult is one question's line of the results.
type queryResult struct {
	Name      string  `json:"name"`
	P50       float64 `json:"p50_ms"`
	P95       float64 `json:"p95_ms"`
	P99       float64 `json:"p99_ms"`
	P50At8    float64 `json:"p50_ms_8"`
	P99At8    float64 `json:"p99_ms_8"`
	P50At32   float64 `json:"p50_ms_32"`
	P99At32   float64 `json:"p99_ms_32"`
	FloorP50  float64 `json:"floor_p50_ms"`
	PeerP50   float64 `json:"peer_p50_ms"`
	PeerRuns  int     `json:"peer_runs"`
	PeerError string  `json:"peer_error,omitempty"`
	// Failed is the number of failed policykb runs at 1, 8 and 32 clients
	// (left out of the percentiles; a percentile of no runs is 0).
	Failed      [3]int `json:"failed"`
	PeerHow     string `json:"peer_how"`
	FloorCypher string `json:"floor_cypher"`
}

// results is the shape of bench/results/<tier>.json.
type results struct {
	Tier      string          `json:"tier"`
	Machine   string          `json:"machine"`
	When      string          `json:"when"`
	Load      json.RawMessage `json:"load"`
	RSSMB     float64         `json:"rss_mb"`
	RSSNowMB  float64         `json:"rss_now_mb"`
	PeerRSSMB float64         `json:"peer_rss_mb"`
	Reps      int             `json:"reps"`
	Queries   []queryResult   `json:"queries"`
}

func run(ctx context.Context, o options) error {
	if o.uri == "" {
		return errors.New("-neo4j-uri (or POLICYKB_NEO4J_URI) is required")
	}
	d, err := neo4j.NewDriverWithContext(o.uri, neo4j.NoAuth())
	if err != nil {
		return err
	}
	defer d.Close(ctx)
	c, err := readCorpus(ctx, d)
	if err != nil {
		return err
	}
	pk, err := benchkit.Serve(o.bin, o.uri, "warn")
	if err != nil {
		return err
	}
	defer pk.Stop()
	var peer *benchkit.Process
	w := newWays(d, pk.Base+"/graphql", "")
	if o.peerDir != "" {
		peer, err = startPeer(o.peerDir, o.uri)
		if err != nil {
			return err
		}
		defer peer.Stop()
		w = newWays(d, pk.Base+"/graphql", peer.Base+"/graphql")
	} else {
		w.peer = nil
	}
	qs := questions(c)
	peerGaveUp := map[string]bool{}
	for _, q := range qs {
		err := check(ctx, w, q, o.peerTimeout)
		if errors.Is(err, errPeerTimeout) {
			peerGaveUp[q.name] = true
			n, terr := terminateOthers(ctx, d)
			fmt.Fprintf(os.Stderr, "same numbers policykb and floor: %s; @neo4j/graphql did not answer within %s (%d transactions terminated, %v)\n", q.name, o.peerTimeout, n, terr)
			continue
		}
		if err != nil {
			return err
		}
		if peer == nil {
			fmt.Fprintf(os.Stderr, "same numbers policykb and floor: %s\n", q.name)
			continue
		}
		fmt.Fprintf(os.Stderr, "same numbers three ways: %s\n", q.name)
	}
	if o.against != "" {
		return interleave(ctx, o, d, qs, w, pk)
	}

	res := results{Tier: o.tier, Machine: benchkit.Machine(), When: time.Now().UTC().Format(time.RFC3339), Reps: o.reps}
	// The load half (bench/load) writes <tier>-load.json; its "load" object
	// becomes this file's.
	if raw, err := os.ReadFile(filepath.Join(o.out, o.tier+"-load.json")); err == nil {
		var f struct {
			Load json.RawMessage `json:"load"`
		}
		if json.Unmarshal(raw, &f) == nil && len(f.Load) > 0 {
			res.Load = f.Load
		}
	}
	for _, q := range qs {
		r := queryResult{Name: q.name, PeerHow: q.peerHow, FloorCypher: q.floor}
		for ci, conc := range []int{1, 8, 32} {
			n := o.reps
			if n < 4*conc {
				n = 4 * conc
			}
			t, err := timeIt(ctx, w.policykb, q, o.warmup, n, conc, 0, 0)
			if err != nil {
				return fmt.Errorf("%s via policykb at %d clients: %w", q.name, conc, err)
			}
			s := t.samples
			r.Failed[ci] = t.failed
			switch conc {
			case 1:
				r.P50, r.P95, r.P99 = ms(percentile(s, 50)), ms(percentile(s, 95)), ms(percentile(s, 99))
			case 8:
				r.P50At8, r.P99At8 = ms(percentile(s, 50)), ms(percentile(s, 99))
			case 32:
				r.P50At32, r.P99At32 = ms(percentile(s, 50)), ms(percentile(s, 99))
			}
		}
		t, err := timeIt(ctx, w.floor, q, o.warmup, o.reps, 1, 0, 0)
		if err != nil {
			return fmt.Errorf("%s via the floor: %w", q.name, err)
		}
		r.FloorP50 = ms(percentile(t.samples, 50))
		peerWarmup := min(o.warmup, 1)
		if o.peerMinRuns <= 1 {
			peerWarmup = 0
		}
		switch {
		case peer == nil:
			t, err = timing{}, errors.New(`not asked (-peer "")`)
		case peerGaveUp[q.name]:
			t, err = timing{}, fmt.Errorf("did not finish within %s (-peer-timeout): not timed", o.peerTimeout)
		default:
			t, err = timeIt(ctx, w.peer, q, peerWarmup, o.reps, 1, o.peerBudget, max(o.peerMinRuns, 1))
		}
		if err != nil {
			r.PeerError = err.Error()
		} else if t.first != nil {
			r.PeerError = fmt.Sprintf("%d of %d runs failed; the first: %v", t.failed, t.failed+len(t.samples), t.first)
		}
		r.PeerP50, r.PeerRuns = ms(percentile(t.samples, 50)), len(t.samples)
		fmt.Fprintf(os.Stderr, "%-45s policykb p50 %8.2f ms  p99@8 %8.2f  p99@32 %8.2f  floor %8.2f  peer %9.2f (%d runs)\n",
			r.Name, r.P50, r.P99At8, r.P99At32, r.FloorP50, r.PeerP50, r.PeerRuns)
		res.Queries = append(res.Queries, r)
	}
	hwm, now, err := memory(pk.Cmd.Process.Pid)
	if err != nil {
		return fmt.Errorf("read the policykb server's memory: %w", err)
	}
	res.RSSMB, res.RSSNowMB = round1(hwm), round1(now)
	if peer != nil {
		if phwm, _, err := memory(peer.Cmd.Process.Pid); err == nil {
			res.PeerRSSMB = round1(phwm)
		}
	}
	return write(o.out, res)
}

func round1(x float64) float64 { return float64(int64(x*10+0.5)) / 10 }

func ratio(a, b float64) string {
	if b <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f×", a/b)
}

// markdown renders the results as the README's table.
func markdown(r results) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Tier %s on %s (%s); %d runs per question and concurrency after warm-up.\n\n", r.Tier, r.Machine, r.When, r.Reps)
	b.WriteString("| question | policykb p50 | p95 | p99 | p50 @8 | p99 @8 | p50 @32 | p99 @32 | Cypher floor p50 | policykb ÷ floor | @neo4j/graphql p50 | @neo4j/graphql ÷ policykb |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, q := range r.Queries {
		peer, peerRatio := fmt.Sprintf("%.1f", q.PeerP50), ratio(q.PeerP50, q.P50)
		if q.PeerRuns == 0 {
			peer, peerRatio = "not timed", "–" // said below the table
		}
		fmt.Fprintf(&b, "| %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %s | %s | %s |\n",
			q.Name, q.P50, q.P95, q.P99, q.P50At8, q.P99At8, q.P50At32, q.P99At32, q.FloorP50, ratio(q.P50, q.FloorP50), peer, peerRatio)
	}
	b.WriteString("\nTimes in milliseconds; policykb at 1, 8 and 32 concurrent clients, the floor and @neo4j/graphql at 1.\n")
	for _, q := range r.Queries {
		if q.Failed != [3]int{} {
			fmt.Fprintf(&b, "\n%s: policykb runs failed at 1, 8 and 32 clients: %d, %d, %d (left out of the percentiles; 0.0 where none succeeded).\n",
				q.Name, q.Failed[0], q.Failed[1], q.Failed[2])
		}
		if q.PeerError != "" {
			fmt.Fprintf(&b, "\n%s via @neo4j/graphql: %s\n", q.Name, q.PeerError)
		}
	}
	fmt.Fprintf(&b, "\npolicykb server RSS: peak %.1f MB (%.1f MB after the 32-client runs); the @neo4j/graphql server peaked at %.1f MB.\n",
		r.RSSMB, r.RSSNowMB, r.PeerRSSMB)
	var load struct {
		Sentences float64 `json:"sentences_per_s"`
		Raw       float64 `json:"raw_sentences_per_s"`
		Codings   float64 `json:"codings_per_s"`
		Ratio     float64 `json:"ratio"`
	}
	if len(r.Load) > 0 && json.Unmarshal(r.Load, &load) == nil {
		fmt.Fprintf(&b, "\nLoad (bench/load): `policykb load` %.0f sentences/s (%.0f codings/s); raw UNWIND CREATE baseline %.0f sentences/s; ratio %.2f.\n",
			load.Sentences, load.Codings, load.Raw, load.Ratio)
	}
	b.WriteString("\nHow @neo4j/graphql is asked:\n\n")
	for _, q := range r.Queries {
		fmt.Fprintf(&b, "- %s: %s\n", q.Name, q.PeerHow)
	}
	return b.String()
}

func write(dir string, r results) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	raw, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	js := filepath.Join(dir, r.Tier+".json")
	if err := os.WriteFile(js, append(raw, '\n'), 0o644); err != nil {
		return err
	}
	md := filepath.Join(dir, r.Tier+".md")
	if err := os.WriteFile(md, []byte(markdown(r)), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wrote %s and %s\n", js, md)
	return nil
}
