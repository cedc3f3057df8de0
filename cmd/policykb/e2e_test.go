package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/testneo4j"
	"github.com/policykb/policykb/resolvers"
)

// The reference study's figures (Sun 2025, Tables 3 and 4), as printed.
var (
	paperTable3 = map[string]int{
		"Guiding Ideology": 31, "Implementation Principles": 36, "Implementation Goals": 62,
		"Personnel Incentives": 20, "Resource Sharing": 109, "Organizational System": 47,
		"Supervision and Accountability": 29, "Assessment and Evaluation": 17, "Policy Support": 13,
		"Fund Support": 24, "Public Opinion Building": 18,
	}
	paperTable4 = map[string]int{
		"Concept Guidance Level": 129, "Internal Management Level": 176, "External Support Level": 101,
	}
)

// testURI is the test database's URI, which the CLI under test is pointed
// at, with the bundled server disabled: a test never starts one.
func testURI(t *testing.T) string {
	t.Helper()
	uri := testneo4j.URI(t)
	t.Setenv("POLICYKB_NEO4J_BUNDLED_ENABLED", "false")
	t.Setenv("POLICYKB_NEO4J_URI", uri)
	return uri
}

// run executes the CLI in-process, as a user would type it.
func run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := newRoot()
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(context.Background())
	return out.String() + errOut.String(), err
}

type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

// postQuery posts a GraphQL query to url and returns the decoded answer
// and the HTTP status.
func postQuery(t *testing.T, url, q string) (gqlResponse, int) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": q})
	resp, err := http.Post(url+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r gqlResponse
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatalf("decode response (HTTP %d): %v", resp.StatusCode, err)
	}
	return r, resp.StatusCode
}

func query(t *testing.T, url, q string, into any) {
	t.Helper()
	r, status := postQuery(t, url, q)
	if len(r.Errors) > 0 || status != http.StatusOK {
		t.Fatalf("query failed (HTTP %d): %+v", status, r.Errors)
	}
	if err := json.Unmarshal(r.Data, into); err != nil {
		t.Fatal(err)
	}
}

type countRow struct {
	Code struct {
		ID, Name string
		Parent   *struct{ ID string }
	}
	ReferencePoints, MaterialSources int
}

// TestSampleStudyEndToEnd loads the shipped study with the CLI, serves it
// over HTTP and checks the paper's Tables 3 and 4, then recomputes every
// count from the raw sentences and codings and compares.
func TestSampleStudyEndToEnd(t *testing.T) {
	uri := testURI(t)
	if out, err := run(t, "wipe", "--yes"); err != nil {
		t.Fatalf("wipe: %v\n%s", err, out)
	}
	out, err := run(t, "load", "sample")
	if err != nil {
		t.Fatalf("load sample: %v\n%s", err, out)
	}
	t.Logf("first load:\n%s", out)
	if !strings.Contains(out, "PMC model default (9 primary, 39 secondary variables) stored, 36 manual scores") {
		t.Errorf("load sample should store the default PMC model with the sample's 36 manual scores; it said:\n%s", out)
	}
	out, err = run(t, "load", "sample")
	if err != nil {
		t.Fatalf("second load sample: %v\n%s", err, out)
	}
	if !strings.Contains(out, "; 0 nodes and 0 relationships created") {
		t.Errorf("loading the sample twice should create nothing the second time; it said:\n%s", out)
	}
	if !strings.Contains(out, "PMC model default (9 primary, 39 secondary variables) unchanged") {
		t.Errorf("loading the sample twice should leave the PMC model as it was; it said:\n%s", out)
	}

	srv := serveStore(t, uri)

	var stats struct {
		Stats map[string]int
	}
	query(t, srv.URL, `{ stats { cities documents sentences codedSentences codings layers mainCategories categories concepts } }`, &stats)
	want := map[string]int{"cities": 18, "documents": 18, "codedSentences": 406, "layers": 3, "mainCategories": 11,
		"categories": 29, "concepts": 93}
	for k, v := range want {
		if stats.Stats[k] != v {
			t.Errorf("stats.%s = %d, want %d", k, stats.Stats[k], v)
		}
	}
	if stats.Stats["sentences"] <= 406 {
		t.Errorf("stats.sentences = %d: the documents should carry uncoded sentences beyond the 406 coded ones", stats.Stats["sentences"])
	}

	counts := map[string][]countRow{}
	for _, level := range []string{"LAYER", "MAIN_CATEGORY", "CATEGORY", "CONCEPT"} {
		var r struct{ Counts []countRow }
		query(t, srv.URL, `{ counts(level: `+level+`) { code { id name parent { id } } referencePoints materialSources } }`, &r)
		counts[level] = r.Counts
	}
	check := func(table string, rows []countRow, paper map[string]int) {
		if len(rows) != len(paper) {
			t.Errorf("%s: %d rows, want %d", table, len(rows), len(paper))
		}
		for _, r := range rows {
			if r.ReferencePoints != paper[r.Code.Name] {
				t.Errorf("%s: %s has %d reference points, the paper prints %d", table, r.Code.Name, r.ReferencePoints, paper[r.Code.Name])
			}
			if r.MaterialSources < 1 || r.MaterialSources > 18 || r.MaterialSources > r.ReferencePoints {
				t.Errorf("%s: %s has %d material sources for %d reference points", table, r.Code.Name, r.MaterialSources, r.ReferencePoints)
			}
		}
	}
	check("Table 4", counts["LAYER"], paperTable4)
	check("Table 3", counts["MAIN_CATEGORY"], paperTable3)
	for _, r := range counts["CONCEPT"] {
		if r.ReferencePoints < 2 {
			t.Errorf("concept %s (%s) has %d reference points; the study keeps only concepts with 2 or more", r.Code.ID, r.Code.Name, r.ReferencePoints)
		}
	}

	// Recompute from the raw material: every coded sentence with its codings,
	// rolled up the code tree here, independently of the server's counting.
	parent := map[string]string{}
	levelOf := map[string]string{}
	for level, rows := range counts {
		for _, r := range rows {
			levelOf[r.Code.ID] = level
			if r.Code.Parent != nil {
				parent[r.Code.ID] = r.Code.Parent.ID
			}
		}
	}
	refs := map[string]map[string]bool{} // code → sentence ids
	docs := map[string]map[string]bool{} // code → document ids
	after := ""
	seen := 0
	for {
		var page struct {
			Sentences struct {
				Edges []struct {
					Node struct {
						ID       string
						Document struct{ ID string }
						Codings  []struct {
							Code struct{ ID string }
						}
					}
				}
				PageInfo struct {
					HasNextPage bool
					EndCursor   string
				}
				TotalCount int
			}
		}
		args := `first: 100, filter: {coded: true}`
		if after != "" {
			args += `, after: "` + after + `"`
		}
		query(t, srv.URL, `{ sentences(`+args+`) { edges { node { id document { id } codings { code { id } } } } pageInfo { hasNextPage endCursor } totalCount } }`, &page)
		for _, e := range page.Sentences.Edges {
			seen++
			mains := map[string]bool{}
			for _, c := range e.Node.Codings {
				for id := c.Code.ID; id != ""; id = parent[id] {
					if refs[id] == nil {
						refs[id], docs[id] = map[string]bool{}, map[string]bool{}
					}
					refs[id][e.Node.ID] = true
					docs[id][e.Node.Document.ID] = true
					if levelOf[id] == "MAIN_CATEGORY" {
						mains[id] = true
					}
				}
			}
			if len(mains) != 1 {
				t.Errorf("sentence %s is coded in %d main categories, want exactly 1", e.Node.ID, len(mains))
			}
		}
		if !page.Sentences.PageInfo.HasNextPage {
			if page.Sentences.TotalCount != 406 {
				t.Errorf("sentences(coded: true).totalCount = %d, want 406", page.Sentences.TotalCount)
			}
			break
		}
		after = page.Sentences.PageInfo.EndCursor
	}
	if seen != 406 {
		t.Errorf("paged through %d coded sentences, want 406", seen)
	}
	for level, rows := range counts {
		for _, r := range rows {
			if r.ReferencePoints != len(refs[r.Code.ID]) || r.MaterialSources != len(docs[r.Code.ID]) {
				t.Errorf("%s %s: counts says %d/%d, the raw sentences give %d/%d", level, r.Code.ID,
					r.ReferencePoints, r.MaterialSources, len(refs[r.Code.ID]), len(docs[r.Code.ID]))
			}
		}
	}
}

// serveStore serves the GraphQL API on the database at uri, with the
// default limits, until the test ends.
func serveStore(t testing.TB, uri string) *httptest.Server {
	t.Helper()
	return serveConfig(t, graph.Config{URI: uri})
}

// serveConfig serves GraphQL over a store opened with cfg on a loopback
// test server, both closed when the test ends.
func serveConfig(t testing.TB, cfg graph.Config) *httptest.Server {
	t.Helper()
	ctx := context.Background()
	store, err := graph.Open(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close(ctx) })
	h, err := resolvers.NewHandler(store, resolvers.Options{MaxDepth: 15, MaxQueryLength: 20000, MaxPageSize: 500,
		Timeout: 30 * time.Second, MaxBodyBytes: 1 << 20, MaxParallelism: 16})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}
