package resolvers_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/policykb/policykb/internal/headless"
)

// TestBrowser opens GraphiQL in headless Chromium against the handler and the
// fixture: the example tabs are there, running the first one shows the
// fixture's numbers, the schema loads into the documentation explorer, and
// no request leaves the test server; all of it under the server's
// Content-Security-Policy, which the browser enforces (a violation is a
// console error, which fails the test).
func TestBrowser(t *testing.T) {
	store := openStore(t)
	chrome := headless.Require(t, "the browser test")
	e := newEnv(t, store, nil) // httptest listens on 127.0.0.1
	local := e.srv.URL + "/"

	watch := &headless.Watch{}
	var mu sync.Mutex
	var pageCSP string
	listen := func(ev any) {
		watch.Listen(ev)
		if ev, ok := ev.(*network.EventResponseReceived); ok && ev.Type == network.ResourceTypeDocument {
			mu.Lock()
			defer mu.Unlock()
			for k, v := range ev.Response.Headers {
				if strings.EqualFold(k, "Content-Security-Policy") {
					pageCSP = fmt.Sprint(v)
				}
			}
		}
	}

	allocCtx, cancelAlloc := headless.Allocator(chrome, t.TempDir(), 1440, 900)
	defer cancelAlloc()
	ctx, cancelCtx := chromedp.NewContext(allocCtx, chromedp.WithListener(listen))
	defer cancelCtx()
	if err := chromedp.Do(ctx); err != nil { // starts the browser, with no deadline
		t.Fatalf("start chromium: %v", err)
	}
	tctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	screenshot := func(name string) {
		buf, err := chromedp.Run(tctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Logf("screenshot: %v", err)
			return
		}
		// One file per outcome, overwritten by the next run.
		path := filepath.Join(os.TempDir(), "policykb-graphiql-"+name+".png")
		if err := os.WriteFile(path, buf, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", path)
	}
	must := func(step string, err error) {
		t.Helper()
		if err != nil {
			screenshot("failed")
			t.Fatalf("%s: %v\nrequests: %q\nproblems: %q", step, err, watch.URLs(), watch.Problems())
		}
	}

	must("load GraphiQL", chromedp.Do(tctx,
		chromedp.Navigate(local),
		chromedp.WaitVisible(chromedp.CSS(".graphiql-query-editor .CodeMirror")),
	))
	tabs, err := chromedp.Run(tctx, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll('.graphiql-tab')).map(e => e.textContent.trim())`))
	must("read the tabs", err)
	for _, want := range []string{"Table4_layers", "Table3_main_categories", "Which_cities_cite_Fund_Support", "Compare_three_cities"} {
		found := false
		for _, tab := range tabs {
			found = found || strings.Contains(tab, want)
		}
		if !found {
			t.Errorf("no tab %q among %q", want, tabs)
		}
	}
	query, err := chromedp.Run(tctx, chromedp.Evaluate[string](
		`document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.getValue()`))
	must("read the query editor", err)
	if !strings.HasPrefix(query, "# Table 4 — layers") || !strings.Contains(query, "counts(level: LAYER)") {
		t.Errorf("the first tab holds %q", query)
	}

	// Run it: layer-2 has 7 reference points in the fixture.
	must("run the query", chromedp.Do(tctx, chromedp.Click(chromedp.CSS(".graphiql-execute-button"))))
	_, err = chromedp.Run(tctx, chromedp.Poll[bool](`(() => {
		const cm = document.querySelector('.graphiql-response .CodeMirror');
		return !!cm && cm.CodeMirror.getValue().includes('"referencePoints": 7');
	})()`, chromedp.WithPollingTimeout(30*time.Second)))
	must("wait for the response", err)
	response, err := chromedp.Run(tctx, chromedp.Evaluate[string](
		`document.querySelector('.graphiql-response .CodeMirror').CodeMirror.getValue()`))
	must("read the response", err)
	if !strings.Contains(response, `"nameZh": "资源保障层"`) || strings.Contains(response, `"errors"`) {
		t.Errorf("response:\n%s", response)
	}

	// The schema (introspection, depth 15) reached the documentation explorer,
	// with the descriptions of the counts.
	must("open the documentation explorer", chromedp.Do(tctx,
		chromedp.Evaluate[chromedp.Void](`document.querySelector('.graphiql-sidebar button').click()`)))
	_, err = chromedp.Run(tctx, chromedp.Poll[bool](`!!document.querySelector('.graphiql-doc-explorer-root-type')`,
		chromedp.WithPollingTimeout(20*time.Second)))
	must("wait for the schema", err)
	must("open Query", chromedp.Do(tctx, chromedp.Evaluate[chromedp.Void](
		`Array.from(document.querySelectorAll('.graphiql-doc-explorer a')).find(a => a.textContent === 'Query').click()`)))
	_, err = chromedp.Run(tctx, chromedp.Poll[bool](
		`(document.querySelector('.graphiql-doc-explorer') || {textContent: ''}).textContent.includes('citiesCiting')`,
		chromedp.WithPollingTimeout(20*time.Second)))
	must("wait for the fields of Query", err)
	screenshot("ok")

	mu.Lock()
	defer mu.Unlock()
	urls := watch.URLs()
	sawAPI := false
	for _, u := range urls {
		switch {
		case strings.HasPrefix(u, local):
			sawAPI = sawAPI || strings.HasPrefix(u, local+"graphql")
		case strings.HasPrefix(u, "data:"), strings.HasPrefix(u, "blob:"), u == "about:blank":
		default:
			t.Errorf("a request left the test server: %s", u)
		}
	}
	if !sawAPI {
		t.Errorf("no request reached /graphql; requests: %q", urls)
	}
	if !strings.Contains(pageCSP, "script-src 'self'") || !strings.Contains(pageCSP, "frame-ancestors 'none'") {
		t.Errorf("the page came without the Content-Security-Policy: %q", pageCSP)
	}
	for _, p := range watch.Problems() {
		t.Errorf("page problem: %s", p)
	}
}
