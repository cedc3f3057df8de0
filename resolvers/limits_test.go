package resolvers_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/testneo4j"
	"github.com/policykb/policykb/resolvers"
)

// TestCostLimit checks that a query dearer than the cost limit is refused
// before anything runs, saying its cost and the limit, while the study's
// example queries and GraphiQL's introspection run.
func TestCostLimit(t *testing.T) {
	store := newCountingStore(openStore(t))
	o := testOptions(io.Discard)
	o.MaxQueryLength = 20000
	e := newEnv(t, store, &o)

	var b strings.Builder
	b.WriteString("{")
	for i := range 900 {
		fmt.Fprintf(&b, " a%d:stats{cities}", i)
	}
	b.WriteString(" }")
	for _, media := range []struct {
		accept string
		status int
	}{{graphqlResponse, http.StatusBadRequest}, {"application/json", http.StatusOK}} {
		r := e.postAs(t, media.accept, b.String(), nil)
		er := assertError(t, r, media.status, "BAD_USER_INPUT", "query")
		if !strings.Contains(er.Message, "estimated cost is 9900") || !strings.Contains(er.Message, "5000 allowed") {
			t.Errorf("message does not give the cost and the limit: %q", er.Message)
		}
	}
	if n := store.reset()["Stats"]; n != 0 {
		t.Errorf("the refused query read the store %d times", n)
	}

	for _, ex := range resolvers.DefaultExamples() {
		r := e.post(t, ex.Query, nil)
		for _, er := range r.Errors {
			if strings.Contains(er.Message, "cost") {
				t.Errorf("example refused for its cost: %s\n%s", er.Message, ex.Query)
			}
		}
	}
	intro, err := os.ReadFile("introspection.graphql")
	if err != nil {
		t.Fatal(err)
	}
	if r := e.post(t, string(intro), nil); r.Status != http.StatusOK || len(r.Errors) > 0 || !strings.Contains(string(r.Data), "citiesCiting") {
		t.Errorf("GraphiQL's introspection: HTTP %d %.500s", r.Status, r.Raw)
	}
}

// TestListErrorsOncePerPath checks that a field failing for every item of a
// list is reported once, with the path of the list and the number of
// items, not once per item; the rest of the answer stands.
func TestListErrorsOncePerPath(t *testing.T) {
	// Evidence, which every item of citiesCiting reads (in one call), fails
	// as the database would when a heavy query times out.
	store := newFaultyStore(openStore(t), func(_ context.Context, method string) error {
		if method == "Evidence" {
			return &policykb.Error{Code: policykb.ETimeout, Message: "the query took longer than allowed", Err: context.DeadlineExceeded}
		}
		return nil
	})
	e := newEnv(t, store, nil)
	r := e.post(t, `{ citiesCiting(code: "main-2") { city { name } referencePoints evidence(first: 2) { text } } }`, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("HTTP %d: %s", r.Status, r.Raw)
	}
	// main-2 is cited by Linlan, Tingyang and Xichuan (fixture_test.go).
	if len(r.Errors) != 1 {
		t.Fatalf("%d errors, want one for the list: %s", len(r.Errors), r.Raw)
	}
	er := r.Errors[0]
	if er.Extensions["code"] != "TIMEOUT" || fmt.Sprint(er.Path) != "[citiesCiting]" || er.Extensions["count"] != 3.0 {
		t.Errorf("error %+v, want TIMEOUT at [citiesCiting] with count 3", er)
	}
	// evidence and citiesCiting are non-null lists: the null goes up to data.
	assertJSON(t, r.Data, `null`)

	// Errors of different codes or fields stay apart.
	r = e.post(t, `{ a: citiesCiting(code: "main-2") { evidence(first: 1) { text } } b: citiesCiting(code: "con-3") { evidence(first: 1) { text } } }`, nil)
	if len(r.Errors) != 2 {
		t.Errorf("%d errors, want one per list: %s", len(r.Errors), r.Raw)
	}
}

// TestResourceExhausted checks that Neo4j running out of transaction
// memory reaches the client as RESOURCE_EXHAUSTED, not INTERNAL.
func TestResourceExhausted(t *testing.T) {
	// Stats first runs a statement that needs more memory than the bundled
	// server lets one transaction have.
	base := openStore(t)
	store := newFaultyStore(base, func(ctx context.Context, method string) error {
		if method != "Stats" {
			return nil
		}
		_, err := base.Cypher(ctx, "WITH reduce(s = '', k IN range(1, 1000) | s + 'xxxxxxxxxx') AS pad "+
			"UNWIND range(1, 1000000) AS i RETURN size(collect(toString(i) + pad)) AS n", nil, graph.CypherOptions{Timeout: time.Minute})
		return err
	})
	o := testOptions(io.Discard)
	o.Timeout = time.Minute
	e := newEnv(t, store, &o)
	r := e.post(t, `{ stats { cities } }`, nil)
	er := assertError(t, r, http.StatusOK, "RESOURCE_EXHAUSTED", "")
	if !strings.Contains(er.Message, "memory") || strings.Contains(r.Raw, "db.memory") {
		t.Errorf("message %q: want it to speak of memory, without the server's details", er.Message)
	}
}

// TestUnavailable opens a store through a relay to the test Neo4j, then
// takes the relay down (connections reset, the port refusing new ones, as
// when Neo4j is killed) and brings it back: meanwhile queries fail as
// UNAVAILABLE and /readyz says why; afterwards the same handler answers
// again, without a restart.
func TestUnavailable(t *testing.T) {
	openStore(t) // the skip/fail rules, and a loaded database
	target, err := url.Parse(os.Getenv(testneo4j.Env))
	if err != nil {
		t.Fatal(err)
	}
	relay := testneo4j.NewRelay(t, target.Host)
	ctx := context.Background()
	store, err := graph.Open(ctx, graph.Config{URI: "bolt://" + relay.Addr()}, nil)
	if err != nil {
		t.Fatalf("open through the relay: %v", err)
	}
	defer store.Close(ctx)
	logs := &testLog{}
	o := testOptions(logs)
	o.Timeout = 20 * time.Second
	e := newEnv(t, store, &o)
	e.log = logs
	const query = `{ stats { cities } counts(level: LAYER) { referencePoints } }`
	before := e.ok(t, query, nil)

	relay.Stop()
	resp, err := http.Get(e.srv.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), `"reason"`) || !strings.Contains(string(body), "Neo4j") {
		t.Errorf("/readyz: HTTP %d %s, want 503 saying why", resp.StatusCode, body)
	}
	resp, err = http.Get(e.srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz: HTTP %d, want 200 (the process is alive)", resp.StatusCode)
	}
	for range 3 {
		r := e.post(t, query, nil)
		if len(r.Errors) == 0 {
			t.Fatalf("Neo4j down, no error: %s", r.Raw)
		}
		for _, er := range r.Errors {
			if er.Extensions["code"] != "UNAVAILABLE" || er.Message != "the knowledge base is unavailable" {
				t.Errorf("Neo4j down: error %+v, want UNAVAILABLE", er)
			}
		}
	}

	relay.Start()
	r := e.post(t, query, nil)
	if r.Status != http.StatusOK || len(r.Errors) > 0 {
		t.Fatalf("Neo4j back: HTTP %d %s", r.Status, r.Raw)
	}
	assertJSON(t, r.Data, string(before))
	resp, err = http.Get(e.srv.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/readyz once Neo4j is back: HTTP %d", resp.StatusCode)
	}
}
