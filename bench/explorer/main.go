package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/policykb/policykb/internal/benchkit"
	"github.com/policykb/policykb/internal/headless"
)

type options struct {
	tier, uri, bin, out, chromium string
	runs                          int
}

func main() {
	var o options
	flag.StringVar(&o.tier, "tier", "M", "the tier loaded (names the results)")
	flag.StringVar(&o.uri, "neo4j-uri", "bolt://127.0.0.1:7687", "the loaded knowledge base")
	flag.StringVar(&o.bin, "policykb", "bin/policykb", "the policykb binary to serve with")
	flag.StringVar(&o.out, "out", "bench/results", "where to write explorer-<tier>.json and .md")
	flag.StringVar(&o.chromium, "chromium", headless.Path(), "Chromium (default: $POLICYKB_CHROMIUM, chromium on the PATH, /usr/bin/chromium)")
	flag.IntVar(&o.runs, "runs", 9, "timed runs per view")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "bench/explorer:", err)
		os.Exit(1)
	}
}

// view is one timed page.
type view struct {
	Name string `json:"name"`
	Path string `json:"path"`
	mark string // the rendered marker: the view's route name
}

type result struct {
	view
	P50  float64   `json:"p50_ms"`
	P95  float64   `json:"p95_ms"`
	Min  float64   `json:"min_ms"`
	Max  float64   `json:"max_ms"`
	Runs []float64 `json:"runs_ms"`
	// Failed counts the timed runs whose view rendered an error (say, the
	// API's TIMEOUT) instead of itself; they are left out of the figures.
	Failed int    `json:"failed"`
	Error  string `json:"error,omitempty"`
}

type results struct {
	Tier    string `json:"tier"`
	Machine string `json:"machine"`
	// Load is /proc/loadavg's 1-minute figure before and after the runs:
	// the machine is shared, and a busy one slows every view.
	Load   [2]float64 `json:"load_average"`
	When   string     `json:"when"`
	Runs   int        `json:"runs"`
	Target float64    `json:"target_p50_ms"`
	Views  []result   `json:"views"`
}

const targetMS = 1500

func run(o options) error {
	srv, err := benchkit.Serve(o.bin, o.uri, "warn")
	if err != nil {
		return err
	}
	defer srv.Stop()
	views, err := pickViews(srv.Base)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "policykb-bench-chromium-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	alloc, cancelAlloc := headless.Allocator(o.chromium, dir, 1280, 800)
	defer cancelAlloc()
	tab, cancelTab := chromedp.NewContext(alloc)
	defer cancelTab()
	if err := chromedp.Do(tab); err != nil {
		return fmt.Errorf("start chromium: %w", err)
	}
	res := results{Tier: o.tier, Machine: benchkit.Machine(), When: time.Now().UTC().Format(time.RFC3339), Runs: o.runs, Target: targetMS}
	res.Load[0] = loadAverage()
	for _, v := range views {
		var samples []time.Duration
		failed, lastErr := 0, ""
		for i := 0; i <= o.runs; i++ {
			d, err := timeView(tab, srv.Base+v.Path, v.mark)
			var rendered *wrongView
			switch {
			case errors.As(err, &rendered):
				if i > 0 {
					failed++
					lastErr = rendered.Error()
				}
				continue
			case err != nil:
				return fmt.Errorf("%s (%s): %w", v.Name, v.Path, err)
			}
			if i > 0 { // the first run warms up
				samples = append(samples, d)
			}
		}
		r := result{view: v, P50: ms(percentile(samples, 50)), P95: ms(percentile(samples, 95)),
			Min: ms(percentile(samples, 0)), Max: ms(percentile(samples, 100)), Failed: failed, Error: lastErr}
		for _, s := range samples {
			r.Runs = append(r.Runs, ms(s))
		}
		fmt.Fprintf(os.Stderr, "%-14s p50 %7.0f ms  p95 %7.0f ms  failed %d\n", v.Name, r.P50, r.P95, failed)
		res.Views = append(res.Views, r)
	}
	res.Load[1] = loadAverage()
	return write(o.out, res)
}

func loadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(f[0], 64)
	return v
}

// timeView navigates and waits for the view's rendered marker.
func timeView(tab context.Context, u, mark string) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(tab, 60*time.Second)
	defer cancel()
	start := time.Now()
	if err := chromedp.Do(ctx, chromedp.Navigate(u)); err != nil {
		return 0, err
	}
	got, err := chromedp.Run(ctx, chromedp.Poll[string](`document.body.dataset.rendered || false`,
		chromedp.WithPollingInterval(5*time.Millisecond), chromedp.WithPollingTimeout(55*time.Second)))
	if err != nil {
		return 0, err
	}
	d := time.Since(start)
	if got != mark {
		msg, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('view').innerText.slice(0, 300)`))
		return 0, &wrongView{got, mark, msg}
	}
	return d, nil
}

// wrongView is a run whose page rendered something else than the view:
// an error.
type wrongView struct{ got, want, text string }

func (w *wrongView) Error() string {
	return fmt.Sprintf("rendered %q, want %q: %s", w.got, w.want, strings.Join(strings.Fields(w.text), " "))
}

// pickViews asks the API for what the views need: three cities, the
// first document, a word of its text to search for.
func pickViews(base string) ([]view, error) {
	var d struct {
		Cities    []struct{ Name string }
		Documents struct {
			Edges []struct {
				Node struct {
					ID        string
					Sentences struct {
						Edges []struct{ Node struct{ Text string } }
					}
				}
			}
		}
	}
	if err := gql(base, `{ cities { name } documents(first: 1) { edges { node { id sentences(first: 5) { edges { node { text } } } } } } }`, &d); err != nil {
		return nil, err
	}
	if len(d.Cities) < 3 || len(d.Documents.Edges) == 0 {
		return nil, errors.New("the knowledge base needs three cities and a document")
	}
	doc := d.Documents.Edges[0].Node
	term := "资金"
	for _, s := range doc.Sentences.Edges {
		if r := []rune(s.Node.Text); len(r) >= 8 {
			term = string(r[4:6])
			break
		}
	}
	cities := d.Cities[0].Name + "," + d.Cities[len(d.Cities)/2].Name + "," + d.Cities[len(d.Cities)-1].Name
	return []view{
		{"codebook", "/explore/codebook", "codebook"},
		{"matrix", "/explore/matrix?rows=MAIN_CATEGORY&columns=CITY&measure=SHARE", "matrix"},
		{"matrix-cluster", "/explore/matrix?rows=CATEGORY&columns=CITY&measure=PER_1000_SENTENCES&rorder=similarity&corder=similarity", "matrix"},
		{"compare", "/explore/compare?level=MAIN_CATEGORY&cities=" + url.QueryEscape(cities), "compare"},
		{"similarity", "/explore/similarity?level=MAIN_CATEGORY", "similarity"},
		{"cooccurrence", "/explore/cooccurrence?level=CATEGORY&scope=SENTENCE", "cooccurrence"},
		{"saturation", "/explore/saturation?level=CATEGORY", "saturation"},
		{"agreement", "/explore/agreement?a=A&b=B&level=CONCEPT", "agreement"},
		// Without rows, instruments shows the instrument frame, else the
		// study's first frame, else the codebook; without model, pmc the
		// default model, else the study's first (or says there is none).
		{"instruments", "/explore/instruments?columns=CITY&measure=SHARE", "instruments"},
		{"pmc", "/explore/pmc", "pmc"},
		{"document", "/explore/document/" + url.PathEscape(doc.ID), "document"},
		{"search", "/explore/search?q=" + url.QueryEscape(term), "search"},
	}, nil
}

func gql(base, query string, out any) error {
	body, _ := json.Marshal(map[string]any{"query": query})
	resp, err := http.Post(base+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var r struct {
		Data   json.RawMessage
		Errors []any
	}
	if err := json.Unmarshal(b, &r); err != nil || len(r.Errors) > 0 {
		return fmt.Errorf("query failed: %s", b)
	}
	return json.Unmarshal(r.Data, out)
}

func percentile(samples []time.Duration, p float64) time.Duration {
	if len(samples) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), samples...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	rank := min(max(int(math.Ceil(p/100*float64(len(s)))), 1), len(s))
	return s[rank-1]
}

func ms(d time.Duration) float64 { return math.Round(float64(d)/float64(time.Millisecond)*10) / 10 }

func write(dir string, r results) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "explorer-"+r.Tier+".json"), append(b, '\n'), 0o644); err != nil {
		return err
	}
	var md strings.Builder
	fmt.Fprintf(&md, "# Explorer: time to a rendered view, tier %s\n\n%s · %s · load average %.1f before, %.1f after · %d runs per view after one warm-up; target p50 ≤ %.0f ms\n\n",
		r.Tier, r.Machine, r.When, r.Load[0], r.Load[1], r.Runs, r.Target)
	md.WriteString("| view | URL | p50 ms | p95 ms | min ms | max ms | failed runs | target |\n|---|---|---:|---:|---:|---:|---:|---|\n")
	for _, v := range r.Views {
		ok := "met"
		if v.P50 > r.Target || len(v.Runs) == 0 {
			ok = "missed"
		}
		fmt.Fprintf(&md, "| %s | `%s` | %.0f | %.0f | %.0f | %.0f | %d | %s |\n", v.Name, v.Path, v.P50, v.P95, v.Min, v.Max, v.Failed, ok)
	}
	for _, v := range r.Views {
		if v.Error != "" {
			fmt.Fprintf(&md, "\n%s: %d of %d runs failed, e.g. %s\n", v.Name, v.Failed, r.Runs, v.Error)
		}
	}
	return os.WriteFile(filepath.Join(dir, "explorer-"+r.Tier+".md"), []byte(md.String()), 0o644)
}
