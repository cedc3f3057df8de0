package resolvers_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// raw sends req to the env's server and reads the answer as a GraphQL
// response when it is JSON.
func (e *env) raw(t *testing.T, req *http.Request) gqlResponse {
	t.Helper()
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := gqlResponse{Status: resp.StatusCode, Header: resp.Header, Raw: string(body)}
	if strings.Contains(resp.Header.Get("Content-Type"), "json") {
		if err := json.Unmarshal(body, &r); err != nil {
			t.Fatalf("%s %s: response is not JSON: %v\n%s", req.Method, req.URL, err, body)
		}
	}
	return r
}

// statsPost is a POST of `{ stats { cities } }` with the given content type.
func (e *env) statsPost(t *testing.T, contentType string) *http.Request {
	t.Helper()
	body := `{"query": "{ stats { cities } }"}`
	if strings.HasPrefix(contentType, "application/x-www-form-urlencoded") {
		body = url.Values{"query": {"{ stats { cities } }"}}.Encode()
	}
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/graphql", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return req
}

// TestHostHeader checks that a request whose Host is not one of the
// server's names (a web page's host name pointed at 127.0.0.1: DNS
// rebinding) is refused on every route, before anything runs.
func TestHostHeader(t *testing.T) {
	store := newCountingStore(openStore(t))
	e := newEnv(t, store, nil)
	port := e.srv.Listener.Addr().(interface{ String() string }).String()
	port = port[strings.LastIndex(port, ":"):]
	for _, path := range []string{"/", "/graphiql/assets/policykb.js", "/readyz", "/export/counts.csv?level=LAYER", "/graphql?query=%7Bstats%7Bcities%7D%7D"} {
		for _, host := range []string{"attacker.example", "attacker.example" + port, "localhost.attacker.example", "127.0.0.1.nip.io" + port} {
			req, _ := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
			req.Host = host
			r := e.raw(t, req)
			assertError(t, r, http.StatusMisdirectedRequest, "FORBIDDEN", "")
			if len(r.Errors) > 0 && (!strings.Contains(r.Errors[0].Message, "server.allowed_hosts") || !strings.Contains(r.Errors[0].Message, "localhost")) {
				t.Errorf("Host %s: message does not say which hosts are served and where to set them: %q", host, r.Errors[0].Message)
			}
		}
	}
	req := e.statsPost(t, "application/json")
	req.Host = "attacker.example" + port
	assertError(t, e.raw(t, req), http.StatusMisdirectedRequest, "FORBIDDEN", "")
	if n := store.reset()["Stats"]; n != 0 {
		t.Errorf("a refused request read the store %d times", n)
	}
	for _, host := range []string{"localhost" + port, "127.0.0.1" + port, "[::1]" + port, "LOCALHOST", "127.0.0.1"} {
		req := e.statsPost(t, "application/json")
		req.Host = host
		if r := e.raw(t, req); r.Status != http.StatusOK || len(r.Errors) > 0 {
			t.Errorf("Host %s: HTTP %d %s", host, r.Status, r.Raw)
		}
	}

	o := testOptions(e.log)
	o.AllowedHosts = []string{"kb.example.org"}
	named := newEnv(t, store, &o)
	for host, want := range map[string]int{"kb.example.org" + port: http.StatusOK, "KB.example.org": http.StatusOK,
		"localhost" + port: http.StatusMisdirectedRequest, "example.org": http.StatusMisdirectedRequest} {
		req := named.statsPost(t, "application/json")
		req.Host = host
		if r := named.raw(t, req); r.Status != want {
			t.Errorf("AllowedHosts kb.example.org, Host %s: HTTP %d, want %d: %s", host, r.Status, want, r.Raw)
		}
	}
}

// TestContentType checks that only application/json bodies reach the API:
// text/plain, form and multipart posts (which any web page may send to
// any address without asking) and posts without a content type are
// refused with 415 before anything runs.
func TestContentType(t *testing.T) {
	store := newCountingStore(openStore(t))
	e := newEnv(t, store, nil)
	for _, ct := range []string{"text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
		"multipart/form-data; boundary=x", "", "application/json; charset=latin1", "application/jsonx", "application/graphql"} {
		r := e.raw(t, e.statsPost(t, ct))
		assertError(t, r, http.StatusUnsupportedMediaType, "BAD_USER_INPUT", "")
		if len(r.Errors) > 0 && !strings.Contains(r.Errors[0].Message, "application/json") {
			t.Errorf("Content-Type %q: message does not say what to send: %q", ct, r.Errors[0].Message)
		}
	}
	if n := store.reset()["Stats"]; n != 0 {
		t.Errorf("refused requests read the store %d times", n)
	}
	for _, ct := range []string{"application/json", "application/json; charset=utf-8", "Application/JSON; charset=UTF-8"} {
		if r := e.raw(t, e.statsPost(t, ct)); r.Status != http.StatusOK || len(r.Errors) > 0 {
			t.Errorf("Content-Type %q: HTTP %d %s", ct, r.Status, r.Raw)
		}
	}
}

// TestOrigin checks that a browser's request from another web origin is
// refused, unless that origin is allowed, which then gets CORS headers.
func TestOrigin(t *testing.T) {
	store := newCountingStore(openStore(t))
	e := newEnv(t, store, nil)
	for _, origin := range []string{"http://attacker.example", "null", "http://localhost.attacker.example", "https://127.0.0.1:1"} {
		req := e.statsPost(t, "application/json")
		req.Header.Set("Origin", origin)
		r := e.raw(t, req)
		assertError(t, r, http.StatusForbidden, "FORBIDDEN", "")
		if r.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("Origin %s: CORS header %q", origin, r.Header.Get("Access-Control-Allow-Origin"))
		}
	}
	// A cross-site request without Origin that is not a navigation: an
	// <img> or a no-cors fetch aimed at the API.
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/graphql?query=%7Bstats%7Bcities%7D%7D", nil)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Sec-Fetch-Mode", "no-cors")
	assertError(t, e.raw(t, req), http.StatusForbidden, "FORBIDDEN", "")
	if n := store.reset()["Stats"]; n != 0 {
		t.Errorf("refused requests read the store %d times", n)
	}

	// The server's own pages, clients that send no Origin, and a link
	// followed from elsewhere pass.
	same := e.statsPost(t, "application/json")
	same.Header.Set("Origin", e.srv.URL)
	same.Header.Set("Sec-Fetch-Site", "same-origin")
	for name, req := range map[string]*http.Request{"same origin": same, "no Origin": e.statsPost(t, "application/json")} {
		if r := e.raw(t, req); r.Status != http.StatusOK || len(r.Errors) > 0 {
			t.Errorf("%s: HTTP %d %s", name, r.Status, r.Raw)
		}
	}
	nav, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/", nil)
	nav.Header.Set("Sec-Fetch-Site", "cross-site")
	nav.Header.Set("Sec-Fetch-Mode", "navigate")
	if r := e.raw(t, nav); r.Status != http.StatusOK {
		t.Errorf("a link from elsewhere to GraphiQL: HTTP %d", r.Status)
	}

	o := testOptions(e.log)
	o.AllowedOrigins = []string{"https://notebook.example.org"}
	allowed := newEnv(t, store, &o)
	req = allowed.statsPost(t, "application/json")
	req.Header.Set("Origin", "https://notebook.example.org")
	r := allowed.raw(t, req)
	if r.Status != http.StatusOK || len(r.Errors) > 0 || r.Header.Get("Access-Control-Allow-Origin") != "https://notebook.example.org" {
		t.Errorf("allowed origin: HTTP %d, Access-Control-Allow-Origin %q: %s", r.Status, r.Header.Get("Access-Control-Allow-Origin"), r.Raw)
	}
	pre, _ := http.NewRequest(http.MethodOptions, allowed.srv.URL+"/graphql", nil)
	pre.Header.Set("Origin", "https://notebook.example.org")
	pre.Header.Set("Access-Control-Request-Method", "POST")
	pre.Header.Set("Access-Control-Request-Headers", "content-type")
	if r := allowed.raw(t, pre); r.Status != http.StatusNoContent || !strings.Contains(r.Header.Get("Access-Control-Allow-Headers"), "Content-Type") {
		t.Errorf("preflight: HTTP %d, headers %v", r.Status, r.Header)
	}
	req = allowed.statsPost(t, "application/json")
	req.Header.Set("Origin", "https://other.example.org")
	assertError(t, allowed.raw(t, req), http.StatusForbidden, "FORBIDDEN", "")
}

// TestSecurityHeaders checks the headers every response carries, and that
// the GraphiQL page has no inline script for its policy to allow.
func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t, openStore(t), nil)
	requests := map[string]*http.Request{}
	for _, path := range []string{"/", "/graphiql/assets/policykb.js", "/healthz", "/readyz", "/export/counts.csv?level=LAYER", "/nowhere",
		"/graphql?query=%7Bstats%7Bcities%7D%7D"} {
		requests["GET "+path], _ = http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
	}
	requests["POST /graphql"] = e.statsPost(t, "application/json")
	requests["POST text/plain"] = e.statsPost(t, "text/plain")
	rebound, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/", nil)
	rebound.Host = "attacker.example"
	requests["rebound host"] = rebound
	for name, req := range requests {
		r := e.raw(t, req)
		csp := r.Header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "connect-src 'self'",
			"style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:", "object-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: Content-Security-Policy %q lacks %q", name, csp, want)
			}
		}
		if _, script, _ := strings.Cut(csp, "script-src"); strings.Contains(csp, "unsafe-eval") || strings.Contains(strings.Split(script, ";")[0], "unsafe-inline") {
			t.Errorf("%s: scripts are not limited to files: %q", name, csp)
		}
		for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"} {
			if got := r.Header.Get(k); got != want {
				t.Errorf("%s: %s %q, want %q", name, k, got, want)
			}
		}
	}

	resp, err := http.Get(e.srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, tag := range regexp.MustCompile(`(?is)<script\b[^>]*>`).FindAllString(string(page), -1) {
		if !strings.Contains(tag, `src="`) && !strings.Contains(tag, `type="application/json"`) {
			t.Errorf("the GraphiQL page has an inline script: %s", tag)
		}
	}
}

// TestToken checks the access token: without it, or with a wrong one,
// every route but /healthz answers 401 with FORBIDDEN; with it the API
// answers; a browser opening a page once with ?token= gets it as a cookie.
func TestToken(t *testing.T) {
	const token = "correct-horse-battery-staple-42"
	store := newCountingStore(openStore(t))
	o := testOptions(io.Discard)
	o.Token = token
	e := newEnv(t, store, &o)
	withAuth := func(req *http.Request, auth string) *http.Request {
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		return req
	}
	for _, auth := range []string{"", "Bearer wrong", "Bearer " + token + "x", "Bearer " + token[:len(token)-1], "Basic " + token, token} {
		r := e.raw(t, withAuth(e.statsPost(t, "application/json"), auth))
		assertError(t, r, http.StatusUnauthorized, "FORBIDDEN", "")
		if !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("Authorization %q: WWW-Authenticate %q", auth, r.Header.Get("WWW-Authenticate"))
		}
		for _, path := range []string{"/", "/readyz", "/export/counts.csv?level=LAYER"} {
			req, _ := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
			if r := e.raw(t, withAuth(req, auth)); r.Status != http.StatusUnauthorized {
				t.Errorf("%s with Authorization %q: HTTP %d, want 401", path, auth, r.Status)
			}
		}
	}
	if n := store.reset()["Stats"]; n != 0 {
		t.Errorf("refused requests read the store %d times", n)
	}
	if r := e.raw(t, withAuth(e.statsPost(t, "application/json"), "Bearer "+token)); r.Status != http.StatusOK || len(r.Errors) > 0 {
		t.Errorf("with the token: HTTP %d %s", r.Status, r.Raw)
	}
	health, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/healthz", nil)
	if r := e.raw(t, health); r.Status != http.StatusOK {
		t.Errorf("/healthz without the token: HTTP %d", r.Status)
	}

	// A browser: the page with ?token= sets the cookie and sends it back
	// to the page without the token in its address.
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(e.srv.URL + "/?token=" + url.QueryEscape(token) + "&x=1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, cookies := resp.Header.Get("Location"), resp.Cookies()
	if resp.StatusCode != http.StatusSeeOther || strings.Contains(loc, "token") || len(cookies) != 1 ||
		!cookies[0].HttpOnly || cookies[0].SameSite != http.SameSiteStrictMode {
		t.Fatalf("?token=: HTTP %d, Location %q, cookies %+v", resp.StatusCode, loc, cookies)
	}
	req := e.statsPost(t, "application/json")
	req.AddCookie(cookies[0])
	if r := e.raw(t, req); r.Status != http.StatusOK || len(r.Errors) > 0 {
		t.Errorf("with the cookie: HTTP %d %s", r.Status, r.Raw)
	}
	resp, err = client.Get(e.srv.URL + "/?token=wrong")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || len(resp.Cookies()) != 0 {
		t.Errorf("?token=wrong: HTTP %d, cookies %v", resp.StatusCode, resp.Cookies())
	}
}

// TestConcurrencyLimit holds one request open under a limit of one: the
// next is answered 503 with Retry-After at once, /healthz still answers,
// and once the first is done the server takes requests again.
func TestConcurrencyLimit(t *testing.T) {
	// Stats waits, once entered, until released: a request held open.
	entered, released := make(chan struct{}), make(chan struct{})
	store := newFaultyStore(openStore(t), func(_ context.Context, method string) error {
		if method == "Stats" {
			entered <- struct{}{}
			<-released
		}
		return nil
	})
	o := testOptions(io.Discard)
	o.MaxConcurrent = 1
	e := newEnv(t, store, &o)
	var once sync.Once
	release := func() { once.Do(func() { close(released) }) }
	t.Cleanup(release) // before the server closes, should the test stop early
	var wg sync.WaitGroup
	var first gqlResponse
	wg.Add(1)
	go func() {
		defer wg.Done()
		first = e.raw(t, e.statsPost(t, "application/json"))
	}()
	<-entered // the first request holds the one slot
	r := e.raw(t, e.statsPost(t, "application/json"))
	assertError(t, r, http.StatusServiceUnavailable, "UNAVAILABLE", "")
	if r.Header.Get("Retry-After") == "" || !strings.Contains(r.Raw, "server.max_concurrent") {
		t.Errorf("busy: Retry-After %q: %s", r.Header.Get("Retry-After"), r.Raw)
	}
	health, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/healthz", nil)
	if r := e.raw(t, health); r.Status != http.StatusOK {
		t.Errorf("/healthz while busy: HTTP %d", r.Status)
	}
	release()
	wg.Wait()
	if first.Status != http.StatusOK || len(first.Errors) > 0 {
		t.Errorf("the request held open: HTTP %d %s", first.Status, first.Raw)
	}
	go func() { <-entered }()
	if r := e.raw(t, e.statsPost(t, "application/json")); r.Status != http.StatusOK || len(r.Errors) > 0 {
		t.Errorf("after the first ended: HTTP %d %s", r.Status, r.Raw)
	}
}
