package resolvers_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestHTTP checks the handler's routes, limits and error codes.
func TestHTTP(t *testing.T) {
	store := openStore(t)
	e := newEnv(t, store, nil)

	t.Run("GET query", func(t *testing.T) {
		q := url.Values{"query": {`query($ref: String!) { code(ref: $ref) { id } }`}, "variables": {`{"ref": "资金支持"}`}}
		r := e.send(t, http.MethodGet, "/graphql?"+q.Encode(), "", nil)
		if r.Status != http.StatusOK {
			t.Fatalf("HTTP %d: %s", r.Status, r.Raw)
		}
		assertJSON(t, r.Data, `{"code": {"id": "main-2"}}`)
	})

	t.Run("GET refuses mutations", func(t *testing.T) {
		for _, doc := range []string{
			`mutation { stats { cities } }`,
			`# a comment with query { }
			 mutation M { stats { cities } }`,
		} {
			r := e.send(t, http.MethodGet, "/graphql?"+url.Values{"query": {doc}}.Encode(), "", nil)
			assertError(t, r, http.StatusMethodNotAllowed, "BAD_USER_INPUT", "query")
		}
		// The schema has no mutations, so POST refuses them too, before running anything:
		// a request error, 400 under application/graphql-response+json, 200 under application/json.
		assertError(t, e.postAs(t, graphqlResponse, `mutation { stats { cities } }`, nil), http.StatusBadRequest, "BAD_USER_INPUT", "")
		assertError(t, e.post(t, `mutation { stats { cities } }`, nil), http.StatusOK, "BAD_USER_INPUT", "")
	})

	t.Run("methods and bodies", func(t *testing.T) {
		assertError(t, e.send(t, http.MethodPut, "/graphql", "application/json", strings.NewReader(`{}`)), http.StatusMethodNotAllowed, "BAD_USER_INPUT", "")
		assertError(t, e.send(t, http.MethodPost, "/graphql", "application/json", strings.NewReader(`{"query": `)), http.StatusBadRequest, "BAD_USER_INPUT", "")
		assertError(t, e.send(t, http.MethodPost, "/graphql", "application/json", strings.NewReader(`{"query": ""}`)), http.StatusBadRequest, "BAD_USER_INPUT", "query")
		assertError(t, e.send(t, http.MethodGet, "/graphql?variables=%7B", "", nil), http.StatusBadRequest, "BAD_USER_INPUT", "variables")
	})

	t.Run("body too large", func(t *testing.T) {
		// The tests' handler takes 64 KiB bodies at most.
		big := `{"query": "{ stats { cities } }", "variables": {"pad": "` + strings.Repeat("x", 70<<10) + `"}}`
		r := e.send(t, http.MethodPost, "/graphql", "application/json", strings.NewReader(big))
		assertError(t, r, http.StatusRequestEntityTooLarge, "BAD_USER_INPUT", "")
	})

	t.Run("query too long", func(t *testing.T) {
		// The tests' handler takes queries of 4000 bytes at most.
		q := `{ stats { cities } }` + strings.Repeat(" ", 4000)
		assertError(t, e.post(t, q, nil), http.StatusOK, "BAD_USER_INPUT", "query")
		er := assertError(t, e.postAs(t, graphqlResponse, q, nil), http.StatusBadRequest, "BAD_USER_INPUT", "query")
		if !strings.Contains(er.Message, "4000") {
			t.Errorf("message does not give the limit: %q", er.Message)
		}
	})

	t.Run("query too deep", func(t *testing.T) {
		// The tests' handler allows depth 15: codebook, 14 × children, id is 16.
		q := `{ codebook { ` + strings.Repeat(`children { `, 14) + `id` + strings.Repeat(` }`, 15) + ` }`
		er := assertError(t, e.postAs(t, graphqlResponse, q, nil), http.StatusBadRequest, "BAD_USER_INPUT", "")
		if !strings.Contains(er.Message, "depth") {
			t.Errorf("message does not speak of depth: %q", er.Message)
		}
		// 13 × children (depth 15) is fine.
		q = `{ codebook { ` + strings.Repeat(`children { `, 13) + `id` + strings.Repeat(` }`, 14) + ` }`
		e.ok(t, q, nil)
	})

	t.Run("invalid queries", func(t *testing.T) {
		// Request errors: 400 under application/graphql-response+json, 200
		// under application/json, with no data either way.
		for _, media := range []struct {
			accept string
			status int
		}{{graphqlResponse, http.StatusBadRequest}, {"application/json", http.StatusOK}} {
			post := func(q string, vars map[string]any) gqlResponse {
				r := e.postAs(t, media.accept, q, vars)
				if r.Data != nil {
					t.Errorf("a request error has data: %s", r.Raw)
				}
				return r
			}
			er := assertError(t, post(`{ counts(level: FOO) { referencePoints } }`, nil), media.status, "BAD_USER_INPUT", "level")
			if !strings.Contains(er.Message, "FOO") {
				t.Errorf("message does not name the value: %q", er.Message)
			}
			assertError(t, post(`{ nonsense }`, nil), media.status, "BAD_USER_INPUT", "")
			assertError(t, post(`{ stats { cities }`, nil), media.status, "BAD_USER_INPUT", "")
			assertError(t, post(`query($l: Level!) { counts(level: $l) { referencePoints } }`, map[string]any{"l": "NOPE"}),
				media.status, "BAD_USER_INPUT", "")
		}
		assertError(t, e.post(t, `{ counts(level: LAYER, filter: {issuedFrom: "2024-13-45"}) { referencePoints } }`, nil),
			http.StatusOK, "BAD_USER_INPUT", "filter")
		assertError(t, e.post(t, `{ counts(level: LAYER, filter: {issuedFrom: "2024-02-01", issuedTo: "2024-01-01"}) { referencePoints } }`, nil),
			http.StatusOK, "BAD_USER_INPUT", "filter")
	})

	t.Run("health", func(t *testing.T) {
		for _, path := range []string{"/healthz", "/readyz"} {
			resp, err := http.Get(e.srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("%s: HTTP %d %s", path, resp.StatusCode, body)
			}
		}
	})

	t.Run("GraphiQL page", func(t *testing.T) {
		resp, err := http.Get(e.srv.URL + "/")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		page := string(body)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("HTTP %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
			t.Errorf("Content-Security-Policy %q", csp)
		}
		for _, want := range []string{"Table4_layers", "Table3_main_categories", "Which_cities_cite_Fund_Support", "Compare_three_cities",
			"graphiql/assets/graphiql.min.js", "graphiql/assets/react.production.min.js"} {
			if !strings.Contains(page, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		if strings.Contains(page, "http://") || strings.Contains(page, "https://") || strings.Contains(page, "//cdn") {
			t.Errorf("page names an external URL:\n%s", page)
		}
		for path, ctype := range map[string]string{
			"/graphiql/assets/graphiql.min.js":             "text/javascript",
			"/graphiql/assets/graphiql.min.css":            "text/css",
			"/graphiql/assets/react.production.min.js":     "text/javascript",
			"/graphiql/assets/react-dom.production.min.js": "text/javascript",
			"/graphiql/assets/policykb.js":                 "text/javascript",
			"/graphiql/assets/LICENSE.graphiql":            "text/plain",
			"/graphiql/assets/index.html":                  "404",
			"/graphiql/assets/":                            "404",
			"/graphiql/assets/../../handler.go":            "404",
			"/nowhere":                                     "404",
		} {
			resp, err := http.Get(e.srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if ctype == "404" {
				if resp.StatusCode != http.StatusNotFound {
					t.Errorf("%s: HTTP %d, want 404", path, resp.StatusCode)
				}
				continue
			}
			if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), ctype) {
				t.Errorf("%s: HTTP %d %q, want 200 %s", path, resp.StatusCode, resp.Header.Get("Content-Type"), ctype)
			}
		}
	})

	t.Run("timeout", func(t *testing.T) {
		o := testOptions(io.Discard)
		o.Timeout = time.Nanosecond
		slow := newEnv(t, store, &o)
		assertError(t, slow.post(t, `{ stats { cities } }`, nil), http.StatusGatewayTimeout, "TIMEOUT", "")
	})

	t.Run("internal error", func(t *testing.T) {
		// Stats fails with an error that is neither coded nor fit for users.
		failing := newFaultyStore(store, func(_ context.Context, method string) error {
			if method == "Stats" {
				return errors.New("graph: stats: secret detail")
			}
			return nil
		})
		t.Cleanup(func() { store.SetOnCall(nil) })
		fe := newEnv(t, failing, nil)
		r := fe.post(t, `{ stats { cities } }`, nil)
		er := assertError(t, r, http.StatusOK, "INTERNAL", "")
		if er.Message != "internal error" || strings.Contains(r.Raw, "secret") {
			t.Errorf("the response shows details: %s", r.Raw)
		}
		if !strings.Contains(fe.log.String(), "secret detail") {
			t.Errorf("the log lacks the details:\n%s", fe.log)
		}
	})

	t.Run("panic", func(t *testing.T) {
		panicking := newFaultyStore(store, func(_ context.Context, method string) error {
			if method == "Stats" {
				panic("stats exploded")
			}
			return nil
		})
		t.Cleanup(func() { store.SetOnCall(nil) })
		pe := newEnv(t, panicking, nil)
		r := pe.post(t, `{ stats { cities } }`, nil)
		er := assertError(t, r, http.StatusOK, "INTERNAL", "")
		if er.Message != "internal error" || strings.Contains(r.Raw, "exploded") {
			t.Errorf("the response shows details: %s", r.Raw)
		}
		// graphql-go recovers the panic and logs it through the handler's slog logger.
		if log := pe.log.String(); !strings.Contains(log, "stats exploded") || !strings.Contains(log, "graphql: panic in resolver") {
			t.Errorf("the log lacks the panic:\n%s", log)
		}
	})
}
