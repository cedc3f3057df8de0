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
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/resolvers"
)

// countingStore is the real store with a hook (graph.Store.SetOnCall)
// that counts the calls of each method the resolvers make: the N+1 tests
// read the counts. It changes no data. fault, when set, runs first on every
// call: it can block, panic, or fail the call with an error of its own.
type countingStore struct {
	*graph.Store
	counted map[string]bool // the methods counted
	fault   func(ctx context.Context, method string) error
	mu      sync.Mutex
	calls   map[string]int
}

// countedMethods are the methods a countingStore counts, besides the ones
// newCountingStore is given.
var countedMethods = []string{"Ping", "Codes", "Cities", "Documents", "DocumentsByID", "DocumentsByCity",
	"SentenceCounts", "Sentences", "SentencesByDocument", "CodingsBySentence", "Counts", "CodeCounts",
	"CountsByCity", "CountsByDocument", "Citations", "CitationCounts", "Evidence", "Stats"}

// newCountingStore counts the calls of countedMethods and of more.
func newCountingStore(s *graph.Store, more ...string) *countingStore {
	return newFaultyStore(s, nil, more...)
}

// newFaultyStore is a countingStore whose calls run fault first.
func newFaultyStore(s *graph.Store, fault func(ctx context.Context, method string) error, more ...string) *countingStore {
	c := &countingStore{Store: s, counted: map[string]bool{}, fault: fault, calls: map[string]int{}}
	for _, m := range append(slices.Clone(countedMethods), more...) {
		c.counted[m] = true
	}
	s.SetOnCall(c.onCall)
	return c
}

func (c *countingStore) onCall(ctx context.Context, method string) error {
	var err error
	if c.fault != nil {
		err = c.fault(ctx, method)
	}
	if c.counted[method] {
		c.count(method)
	}
	return err
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

func newEnv[S *graph.Store | *countingStore](t *testing.T, s S, opts *resolvers.Options) *env {
	t.Helper()
	e := &env{log: &testLog{}}
	store, _ := any(s).(*graph.Store)
	if cs, ok := any(s).(*countingStore); ok {
		e.store, store = cs, cs.Store
	}
	o := testOptions(e.log)
	if opts != nil {
		o = *opts
		if o.Log == nil {
			o.Log = slog.New(slog.NewTextHandler(e.log, nil))
		}
	}
	h, err := resolvers.NewHandler(store, o)
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
