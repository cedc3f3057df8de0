// Command soak checks policykb under faults: it serves the loaded sample
// study with `policykb serve`, records the answer to each example query
// (resolvers/examples.graphql) before any fault, then runs clients that ask
// those queries in turn for the run's duration while it kills Neo4j
// (SIGKILL) and starts it again, several times. It checks that every
// successful answer equals the one recorded before the faults, that every
// failure is a clean UNAVAILABLE (or HTTP 503), and that full service comes
// back within the allowed time once Neo4j answers again; it writes counts,
// failure codes, latencies and recovery times to OUT/soak.json and
// OUT/soak.md, and exits 1 when a check fails. scripts/soak.sh (make soak)
// runs it against a throwaway Neo4j.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"

	"github.com/policykb/policykb/internal/benchkit"
	"github.com/policykb/policykb/resolvers"
)

type options struct {
	bin, uri, out string
	clients       int
	duration      time.Duration
	faults        int
	down          time.Duration // from a kill to the restart
	between       time.Duration // from Neo4j back to the next kill
	recoveryLimit time.Duration
}

func main() {
	var o options
	flag.StringVar(&o.bin, "policykb", "bin/policykb", "the policykb binary (serve, neo4j status, neo4j start)")
	flag.StringVar(&o.uri, "neo4j-uri", "", "bolt:// URI of the bundled Neo4j (its home from POLICYKB_NEO4J_BUNDLED_HOME)")
	flag.StringVar(&o.out, "out", "bench/results", "folder for soak.json and soak.md")
	flag.IntVar(&o.clients, "clients", 8, "concurrent clients")
	flag.DurationVar(&o.duration, "duration", 60*time.Second, "how long the clients run (longer if the last restart is not over)")
	flag.IntVar(&o.faults, "faults", 2, "how many times Neo4j is killed and started again")
	flag.DurationVar(&o.down, "down", 3*time.Second, "how long Neo4j stays dead before it is started again")
	flag.DurationVar(&o.between, "between", 10*time.Second, "how long Neo4j runs between faults")
	flag.DurationVar(&o.recoveryLimit, "recovery-limit", 5*time.Second, "the longest allowed from Neo4j answering again to full service")
	flag.Parse()
	if o.uri == "" {
		fmt.Fprintln(os.Stderr, "soak: -neo4j-uri is required")
		os.Exit(2)
	}
	rep, err := run(o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
	if err := write(o.out, rep); err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
	md, _ := os.ReadFile(filepath.Join(o.out, "soak.md"))
	os.Stdout.Write(md)
	if len(rep.Problems) > 0 {
		os.Exit(1)
	}
}

// query is one of the mix, with the answer recorded before the faults.
type query struct {
	Name  string
	Query string
	want  []byte // canonical JSON of data
}

// outcome is one request's result.
type outcome struct {
	client       int
	query        string
	start, end   time.Time
	ok, wrong    bool
	status       int
	codes        []string // extensions.code of each error
	transportErr string
}

// fault is one kill and restart of Neo4j.
type fault struct {
	Killed     time.Time `json:"killed"`
	PID        int       `json:"pid"`
	Restarted  time.Time `json:"restartStarted"`
	Answering  time.Time `json:"neo4jAnswering"`
	FullAt     time.Time `json:"fullService"`
	Recovery   float64   `json:"recoverySeconds"`  // FullAt - Answering
	Down       float64   `json:"downSeconds"`      // Answering - Killed
	Failed     int       `json:"failedRequests"`   // requests that failed in this fault's window
	FirstFail  float64   `json:"firstFailSeconds"` // from the kill to the first failed answer
	RestartLog string    `json:"restartLog,omitempty"`
}

// report is what soak.json holds.
type report struct {
	Date            string         `json:"date"`
	Clients         int            `json:"clients"`
	DurationSeconds float64        `json:"durationSeconds"`
	Queries         []string       `json:"queries"`
	Requests        int            `json:"requests"`
	OK              int            `json:"ok"`
	Wrong           int            `json:"wrong"`
	Failed          int            `json:"failed"`
	FailureCodes    map[string]int `json:"failureCodes"` // "503 UNAVAILABLE" → count
	Unclean         int            `json:"unclean"`
	OKLatencyMS     latency        `json:"okLatencyMs"`
	FailLatencyMS   latency        `json:"unavailableLatencyMs"` // of the clean failures
	Faults          []fault        `json:"faults"`
	RecoveryLimit   float64        `json:"recoveryLimitSeconds"`
	Problems        []string       `json:"problems"`
}

type latency struct {
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
	Max float64 `json:"max"`
}

func run(o options) (*report, error) {
	srv, err := benchkit.Serve(o.bin, o.uri, "error")
	if err != nil {
		return nil, err
	}
	defer srv.Stop()
	client := &http.Client{Timeout: 60 * time.Second}

	// The mix: every example that answers without errors, with its answer.
	var mix []*query
	for _, ex := range resolvers.DefaultExamples() {
		name := regexp.MustCompile(`(?m)^query (\w+)`).FindStringSubmatch(ex.Query)[1]
		o := ask(client, srv.Base+"/graphql", ex.Query)
		if o.status != http.StatusOK || len(o.codes) > 0 || o.transportErr != "" {
			fmt.Fprintf(os.Stderr, "soak: %s is left out of the mix: HTTP %d, errors %v %s\n", name, o.status, o.codes, o.transportErr)
			continue
		}
		mix = append(mix, &query{Name: name, Query: ex.Query, want: o.data})
	}
	if len(mix) == 0 {
		return nil, fmt.Errorf("no example query answers before the faults: is the sample loaded?")
	}

	rep := &report{Date: time.Now().UTC().Format(time.RFC3339), Clients: o.clients, FailureCodes: map[string]int{},
		RecoveryLimit: o.recoveryLimit.Seconds()}
	for _, q := range mix {
		rep.Queries = append(rep.Queries, q.Name)
	}
	start := time.Now()
	stop := make(chan struct{})
	var mu sync.Mutex
	var outcomes []outcome
	var wg sync.WaitGroup
	for c := range o.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := c; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				q := mix[i%len(mix)]
				res := ask(client, srv.Base+"/graphql", q.Query)
				res.client, res.query = c, q.Name
				if res.ok = res.status == http.StatusOK && len(res.codes) == 0 && res.transportErr == ""; res.ok {
					res.wrong = !bytes.Equal(res.data, q.want)
				}
				mu.Lock()
				outcomes = append(outcomes, res.outcome)
				mu.Unlock()
				if !res.ok {
					time.Sleep(100 * time.Millisecond) // a client backs off a little after a failure
				}
			}
		}()
	}

	// The faults, one after another, from 5 s on.
	time.Sleep(5 * time.Second)
	for i := range o.faults {
		f, err := killAndRestart(o)
		rep.Faults = append(rep.Faults, f)
		if err != nil {
			close(stop)
			wg.Wait()
			return nil, fmt.Errorf("fault %d: %w", i+1, err)
		}
		if i < o.faults-1 {
			time.Sleep(o.between)
		}
	}
	// Run the rest of the duration, and at least long enough after the
	// last restart to see full service.
	end := start.Add(o.duration)
	if last := rep.Faults[len(rep.Faults)-1].Answering.Add(o.recoveryLimit + 5*time.Second); last.After(end) {
		end = last
	}
	time.Sleep(time.Until(end))
	close(stop)
	wg.Wait()
	rep.DurationSeconds = time.Since(start).Seconds()
	analyse(rep, outcomes, o)
	return rep, nil
}

// result is an outcome with the answer's data.
type result struct {
	outcome
	data []byte
}

// ask posts a query and reads the answer: its status, its errors' codes and
// its data in canonical JSON.
func ask(client *http.Client, url, q string) (r result) {
	r.start = time.Now()
	defer func() { r.end = time.Now() }()
	body, _ := json.Marshal(map[string]any{"query": q})
	resp, err := client.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		r.transportErr = err.Error()
		return r
	}
	defer resp.Body.Close()
	r.status = resp.StatusCode
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		r.transportErr = err.Error()
		return r
	}
	var g struct {
		Data   any `json:"data"`
		Errors []struct {
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		r.transportErr = "not JSON: " + err.Error()
		return r
	}
	for _, e := range g.Errors {
		r.codes = append(r.codes, fmt.Sprint(e.Extensions["code"]))
	}
	r.data, _ = json.Marshal(g.Data) // maps marshal with sorted keys: canonical
	return r
}

// killAndRestart kills Neo4j with SIGKILL, waits o.down, starts it again on
// the same port and data, and notes when it answers a query again.
func killAndRestart(o options) (fault, error) {
	var f fault
	out, err := exec.Command(o.bin, "neo4j", "status").CombinedOutput()
	if err != nil {
		return f, fmt.Errorf("neo4j status: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`running: pid (\d+)`).FindSubmatch(out)
	if m == nil {
		return f, fmt.Errorf("neo4j status does not say it runs: %s", out)
	}
	f.PID, _ = strconv.Atoi(string(m[1]))
	if err := syscall.Kill(f.PID, syscall.SIGKILL); err != nil {
		return f, fmt.Errorf("kill %d: %w", f.PID, err)
	}
	f.Killed = time.Now()
	for alive(f.PID) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(o.down)

	_, port, err := net.SplitHostPort(strings.TrimPrefix(o.uri, "bolt://"))
	if err != nil {
		return f, err
	}
	answering := make(chan time.Time, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go probe(ctx, o.uri, answering)
	f.Restarted = time.Now()
	restart, err := exec.Command(o.bin, "neo4j", "start", "--port", port).CombinedOutput()
	if err != nil {
		f.RestartLog = string(restart)
		return f, fmt.Errorf("neo4j start: %v\n%s", err, restart)
	}
	select {
	case f.Answering = <-answering:
	case <-time.After(2 * time.Minute):
		return f, fmt.Errorf("Neo4j was started again but does not answer RETURN 1")
	}
	return f, nil
}

// alive is a process that exists and is not a zombie (the killed server's
// parent, `neo4j start`, has exited: whoever adopted it may be slow to reap).
func alive(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return syscall.Kill(pid, 0) == nil
	}
	_, rest, ok := strings.Cut(string(stat), ") ")
	return ok && !strings.HasPrefix(rest, "Z") && !strings.HasPrefix(rest, "X")
}

// probe runs RETURN 1 against uri every 50 ms on a fresh connection until
// one succeeds, and sends the time it did (the time the query was sent,
// since a busy machine may take a while to answer).
func probe(ctx context.Context, uri string, answering chan<- time.Time) {
	for ctx.Err() == nil {
		sent := time.Now()
		if ping(ctx, uri) == nil {
			answering <- sent
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func ping(ctx context.Context, uri string) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	d, err := neo4j.NewDriverWithContext(uri, neo4j.NoAuth(), func(c *config.Config) { c.MaxTransactionRetryTime = 0 })
	if err != nil {
		return err
	}
	defer d.Close(ctx)
	_, err = neo4j.ExecuteQuery(ctx, d, "RETURN 1", nil, neo4j.EagerResultTransformer)
	return err
}

// analyse counts the outcomes and checks them: no wrong answer, every
// failure clean, full service within the limit of each fault.
func analyse(rep *report, outcomes []outcome, o options) {
	sort.Slice(outcomes, func(i, j int) bool { return outcomes[i].start.Before(outcomes[j].start) })
	var okLat, failLat []float64
	var unclean []string
	for _, oc := range outcomes {
		rep.Requests++
		ms := float64(oc.end.Sub(oc.start).Microseconds()) / 1000
		switch {
		case oc.wrong:
			rep.Wrong++
			rep.Problems = append(rep.Problems, fmt.Sprintf("wrong answer to %s at %s", oc.query, oc.end.Format(time.RFC3339Nano)))
		case oc.ok:
			rep.OK++
			okLat = append(okLat, ms)
		default:
			rep.Failed++
			if clean(oc) {
				failLat = append(failLat, ms)
			}
			key := fmt.Sprintf("%d %s", oc.status, strings.Join(uniq(oc.codes), ","))
			if oc.transportErr != "" {
				key = "transport error"
			}
			rep.FailureCodes[key]++
			if !clean(oc) {
				rep.Unclean++
				if len(unclean) < 10 {
					unclean = append(unclean, fmt.Sprintf("%s: HTTP %d codes %v %s (sent %s, answered after %.1f s)", oc.query, oc.status,
						oc.codes, oc.transportErr, oc.start.Format("15:04:05.000"), oc.end.Sub(oc.start).Seconds()))
				}
			}
		}
	}
	for _, u := range unclean {
		rep.Problems = append(rep.Problems, "unclean failure: "+u)
	}
	rep.OKLatencyMS, rep.FailLatencyMS = summary(okLat), summary(failLat)

	for i := range rep.Faults {
		f := &rep.Faults[i]
		windowEnd := time.Now()
		if i+1 < len(rep.Faults) {
			windowEnd = rep.Faults[i+1].Killed
		}
		f.FullAt = f.Answering
		first := time.Time{}
		for _, oc := range outcomes {
			if oc.start.Before(f.Killed.Add(-time.Minute)) || !oc.start.Before(windowEnd) || oc.ok {
				continue
			}
			if oc.end.After(f.Killed) {
				f.Failed++
				if first.IsZero() || oc.end.Before(first) {
					first = oc.end
				}
			}
			// Full service: the end of the last failed request that
			// started once Neo4j answered again (and ended before the
			// next kill, which fails requests of its own).
			if !oc.start.Before(f.Answering) && oc.end.Before(windowEnd) && oc.end.After(f.FullAt) {
				f.FullAt = oc.end
			}
		}
		if !first.IsZero() {
			f.FirstFail = first.Sub(f.Killed).Seconds()
		}
		f.Recovery = f.FullAt.Sub(f.Answering).Seconds()
		f.Down = f.Answering.Sub(f.Killed).Seconds()
		if f.FullAt.Sub(f.Answering) > o.recoveryLimit {
			rep.Problems = append(rep.Problems, fmt.Sprintf("fault %d: full service %.1f s after Neo4j answered again, more than %v",
				i+1, f.Recovery, o.recoveryLimit))
		}
		if f.Failed == 0 {
			rep.Problems = append(rep.Problems, fmt.Sprintf("fault %d: no request failed while Neo4j was down: the fault did not bite", i+1))
		}
	}
}

// clean is a failure as the contract says Neo4j being down must look:
// every error UNAVAILABLE, or HTTP 503.
func clean(oc outcome) bool {
	if oc.transportErr != "" {
		return false
	}
	if oc.status == http.StatusServiceUnavailable {
		return true
	}
	return len(oc.codes) > 0 && !slices.ContainsFunc(oc.codes, func(c string) bool { return c != "UNAVAILABLE" })
}

func uniq(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

func summary(ms []float64) latency {
	if len(ms) == 0 {
		return latency{}
	}
	sort.Float64s(ms)
	at := func(p float64) float64 { return round(ms[min(len(ms)-1, int(p*float64(len(ms))))]) }
	return latency{P50: at(0.5), P95: at(0.95), Max: round(ms[len(ms)-1])}
}

func round(x float64) float64 { return float64(int(x*10+0.5)) / 10 }
