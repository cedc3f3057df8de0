package resolvers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/resolvers"
)

// countingStore wraps the real store and counts the calls of each method:
// the N+1 tests read the counts. It changes no data.
type countingStore struct {
	*graph.Store
	mu    sync.Mutex
	calls map[string]int
}

func newCountingStore(s *graph.Store) *countingStore {
	return &countingStore{Store: s, calls: map[string]int{}}
}

func (c *countingStore) count(name string) {
	c.mu.Lock()
	c.calls[name]++
	c.mu.Unlock()
}

func (c *countingStore) reset() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.calls
	c.calls = map[string]int{}
	return old
}

func (c *countingStore) Ping(ctx context.Context) error { c.count("Ping"); return c.Store.Ping(ctx) }
func (c *countingStore) Codes(ctx context.Context) ([]policykb.Code, error) {
	c.count("Codes")
	return c.Store.Codes(ctx)
}
func (c *countingStore) Cities(ctx context.Context) ([]policykb.City, error) {
	c.count("Cities")
	return c.Store.Cities(ctx)
}
func (c *countingStore) Documents(ctx context.Context, f policykb.CorpusFilter, p graph.Page) ([]policykb.Document, int, error) {
	c.count("Documents")
	return c.Store.Documents(ctx, f, p)
}
func (c *countingStore) DocumentsByID(ctx context.Context, ids []string) (map[string]policykb.Document, error) {
	c.count("DocumentsByID")
	return c.Store.DocumentsByID(ctx, ids)
}
func (c *countingStore) DocumentsByCity(ctx context.Context, cities []string) (map[string][]policykb.Document, error) {
	c.count("DocumentsByCity")
	return c.Store.DocumentsByCity(ctx, cities)
}
func (c *countingStore) SentenceCounts(ctx context.Context, ids []string) (map[string]int, error) {
	c.count("SentenceCounts")
	return c.Store.SentenceCounts(ctx, ids)
}
func (c *countingStore) Sentences(ctx context.Context, q graph.SentenceQuery, p graph.Page) ([]policykb.Sentence, int, error) {
	c.count("Sentences")
	return c.Store.Sentences(ctx, q, p)
}
func (c *countingStore) SentencesByDocument(ctx context.Context, ids []string, p graph.Page) (map[string][]policykb.Sentence, error) {
	c.count("SentencesByDocument")
	return c.Store.SentencesByDocument(ctx, ids, p)
}
func (c *countingStore) CodingsBySentence(ctx context.Context, ids []string) (map[string][]policykb.Coding, error) {
	c.count("CodingsBySentence")
	return c.Store.CodingsBySentence(ctx, ids)
}
func (c *countingStore) Counts(ctx context.Context, l policykb.Level, f policykb.CorpusFilter) ([]policykb.Count, error) {
	c.count("Counts")
	return c.Store.Counts(ctx, l, f)
}
func (c *countingStore) CodeCounts(ctx context.Context, ids []string, f policykb.CorpusFilter) (map[string]policykb.Count, error) {
	c.count("CodeCounts")
	return c.Store.CodeCounts(ctx, ids, f)
}
func (c *countingStore) CountsByCity(ctx context.Context, l policykb.Level, f policykb.CorpusFilter) (map[string][]policykb.Count, error) {
	c.count("CountsByCity")
	return c.Store.CountsByCity(ctx, l, f)
}
func (c *countingStore) CountsByDocument(ctx context.Context, l policykb.Level, ids []string) (map[string][]policykb.Count, error) {
	c.count("CountsByDocument")
	return c.Store.CountsByDocument(ctx, l, ids)
}
func (c *countingStore) Citations(ctx context.Context, code string, f policykb.CorpusFilter) ([]graph.Citation, error) {
	c.count("Citations")
	return c.Store.Citations(ctx, code, f)
}
func (c *countingStore) CitationCounts(ctx context.Context, code string, f policykb.CorpusFilter) ([]graph.Citation, error) {
	c.count("CitationCounts")
	return c.Store.CitationCounts(ctx, code, f)
}
func (c *countingStore) Evidence(ctx context.Context, code string, f policykb.CorpusFilter, cities []string, n int) (map[string][]policykb.Sentence, error) {
	c.count("Evidence")
	return c.Store.Evidence(ctx, code, f, cities, n)
}
func (c *countingStore) Stats(ctx context.Context) (policykb.Stats, error) {
	c.count("Stats")
	return c.Store.Stats(ctx)
}

// testLog collects the handler's log lines so tests can check what reached
// the log (and print them when a test fails).
type testLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *testLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *testLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// env is a handler over a store, served by httptest.
type env struct {
	srv   *httptest.Server
	store *countingStore
	log   *testLog
}

// testOptions are the limits the tests run with.
func testOptions(log io.Writer) resolvers.Options {
	return resolvers.Options{
		MaxDepth:       15,
		MaxQueryLength: 4000,
		MaxPageSize:    60,
		MaxBodyBytes:   64 << 10,
		MaxParallelism: 4,
		Log:            slog.New(slog.NewTextHandler(log, nil)),
	}
}

func newEnv(t *testing.T, s resolvers.Store, opts *resolvers.Options) *env {
	t.Helper()
	e := &env{log: &testLog{}}
	if cs, ok := s.(*countingStore); ok {
		e.store = cs
	}
	o := testOptions(e.log)
	if opts != nil {
		o = *opts
		if o.Log == nil {
			o.Log = slog.New(slog.NewTextHandler(e.log, nil))
		}
	}
	h, err := resolvers.NewHandler(s, o)
	if err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(h)
	t.Cleanup(e.srv.Close)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server log:\n%s", e.log)
		}
	})
	return e
}

// gqlError is one error of a response.
type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

type gqlResponse struct {
	Status int             `json:"-"`
	Header http.Header     `json:"-"`
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
	Raw    string          `json:"-"`
}

// graphqlResponse is the media type of GraphQL over HTTP whose status codes
// tell request errors (400) from answers (200).
const graphqlResponse = "application/graphql-response+json"

// post sends a query as a JSON POST to /graphql (no Accept: the response
// is application/json).
func (e *env) post(t *testing.T, query string, vars map[string]any) gqlResponse {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	return e.send(t, http.MethodPost, "/graphql", "application/json", bytes.NewReader(body))
}

// postAs posts a query asking for the response media type accept.
func (e *env) postAs(t *testing.T, accept, query string, vars map[string]any) gqlResponse {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	return e.sendWith(t, http.MethodPost, "/graphql", http.Header{"Content-Type": {"application/json"}, "Accept": {accept}}, bytes.NewReader(body))
}

func (e *env) send(t *testing.T, method, path, contentType string, body io.Reader) gqlResponse {
	t.Helper()
	h := http.Header{}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	return e.sendWith(t, method, path, h, body)
}

// sendWith sends a request with the given headers and reads a GraphQL
// response (application/json or application/graphql-response+json).
func (e *env) sendWith(t *testing.T, method, path string, header http.Header, body io.Reader) gqlResponse {
	t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	want := "application/json"
	if header.Get("Accept") == graphqlResponse && path == "/graphql" {
		want = graphqlResponse
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, want) {
		t.Errorf("%s %s: Content-Type %q, want %s", method, path, ct, want)
	}
	r := gqlResponse{Status: resp.StatusCode, Header: resp.Header, Raw: string(raw)}
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("%s %s: response is not JSON: %v\n%s", method, path, err, raw)
	}
	return r
}

// ok posts a query that must succeed and returns its data.
func (e *env) ok(t *testing.T, query string, vars map[string]any) json.RawMessage {
	t.Helper()
	r := e.post(t, query, vars)
	if r.Status != http.StatusOK || len(r.Errors) > 0 {
		t.Fatalf("query failed (HTTP %d): %s\nquery: %s", r.Status, r.Raw, query)
	}
	return r.Data
}

// assertJSON compares got with the JSON want, numbers within 1e-9.
func assertJSON(t *testing.T, got json.RawMessage, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("got is not JSON: %v\n%s", err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want is not JSON: %v\n%s", err, want)
	}
	if diff := jsonDiff("", g, w); diff != "" {
		gi, _ := json.MarshalIndent(g, "", "  ")
		t.Errorf("JSON differs at %s\ngot:\n%s", diff, gi)
	}
}

// jsonDiff returns the path of the first difference, with both values.
func jsonDiff(path string, got, want any) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: got %v, want an object", path, got)
		}
		keys := make([]string, 0, len(w)+len(g))
		for k := range w {
			keys = append(keys, k)
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			gv, gok := g[k]
			wv, wok := w[k]
			if gok != wok {
				return fmt.Sprintf("%s.%s: present in got %v, in want %v", path, k, gok, wok)
			}
			if d := jsonDiff(path+"."+k, gv, wv); d != "" {
				return d
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok {
			return fmt.Sprintf("%s: got %v, want a list", path, got)
		}
		if len(g) != len(w) {
			return fmt.Sprintf("%s: got %d elements, want %d", path, len(g), len(w))
		}
		for i := range w {
			if d := jsonDiff(fmt.Sprintf("%s[%d]", path, i), g[i], w[i]); d != "" {
				return d
			}
		}
	case float64:
		g, ok := got.(float64)
		if !ok || math.Abs(g-w) > 1e-9 {
			return fmt.Sprintf("%s: got %v, want %v", path, got, w)
		}
	default:
		if got != want {
			return fmt.Sprintf("%s: got %#v, want %#v", path, got, want)
		}
	}
	return ""
}

// assertError checks that r failed with one error of the code (and, when
// argument is not empty, naming that argument).
func assertError(t *testing.T, r gqlResponse, status int, code, argument string) gqlError {
	t.Helper()
	if r.Status != status {
		t.Errorf("HTTP %d, want %d: %s", r.Status, status, r.Raw)
	}
	if len(r.Errors) == 0 {
		t.Fatalf("no error, want %s: %s", code, r.Raw)
	}
	e := r.Errors[0]
	if e.Extensions["code"] != code {
		t.Errorf("extensions.code %v, want %s: %s", e.Extensions["code"], code, r.Raw)
	}
	if argument != "" && e.Extensions["argument"] != argument {
		t.Errorf("extensions.argument %v, want %s: %s", e.Extensions["argument"], argument, r.Raw)
	}
	return e
}
