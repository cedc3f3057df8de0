package explorer_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/policykb/policykb/internal/headless"
)

// tab is a headless Chromium tab (1280×800) on a test server, with the
// steps every browser test of the explorer takes. A failing step saves a
// screenshot and reports what the page's Watch saw.
type tab struct {
	ctx   context.Context // the tab, under the test's deadline
	root  context.Context // the tab without the deadline, to open other tabs from
	base  string          // the server's URL
	watch *headless.Watch
	shot  string // the screenshot a failing step leaves, in the temp dir
}

// newTab starts Chromium for the test and opens a tab whose steps must end
// within deadline; the browser is closed when the test ends.
func newTab(t *testing.T, chrome, base, shot string, deadline time.Duration) *tab {
	t.Helper()
	w := &headless.Watch{Warnings: true}
	allocCtx, cancelAlloc := headless.Allocator(chrome, t.TempDir(), 1280, 800)
	t.Cleanup(cancelAlloc)
	c, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithListener(w.Listen))
	t.Cleanup(cancelTab)
	if err := chromedp.Do(c); err != nil { // starts the browser, with no deadline
		t.Fatalf("start chromium: %v", err)
	}
	ctx, cancel := context.WithTimeout(c, deadline)
	t.Cleanup(cancel)
	return &tab{ctx: ctx, root: c, base: base, watch: w, shot: shot}
}

// must fails the test at a step that went wrong.
func (b *tab) must(t *testing.T, step string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if buf, e := chromedp.Run(b.ctx, chromedp.CaptureScreenshot()); e == nil {
		p := filepath.Join(os.TempDir(), b.shot)
		_ = os.WriteFile(p, buf, 0o644)
		t.Logf("screenshot: %s", p)
	}
	t.Fatalf("%s: %v\nproblems: %q", step, err, b.watch.Problems())
}

// eval evaluates js (awaiting a promise) and decodes its value into out.
func (b *tab) eval(t *testing.T, ctx context.Context, step, js string, out any) {
	t.Helper()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[json.RawMessage](js, chromedp.EvalAwaitPromise))
	b.must(t, step, err)
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatalf("%s: %v in %s", step, err, raw)
	}
}

// rendered waits until cond holds and the page marks a view rendered, and
// says which view.
func (b *tab) rendered(t *testing.T, ctx context.Context, step, cond string) string {
	t.Helper()
	got, err := chromedp.Run(ctx, chromedp.Poll[string](`(`+cond+`) && document.body.dataset.rendered || false`, chromedp.WithPollingTimeout(30*time.Second)))
	b.must(t, step, err)
	return got
}

// open navigates to path and waits until the explorer has rendered view.
func (b *tab) open(t *testing.T, ctx context.Context, path, view string) {
	t.Helper()
	b.must(t, "open "+path, chromedp.Do(ctx, chromedp.Navigate(b.base+path)))
	if got := b.rendered(t, ctx, "render "+path, "true"); got != view {
		var msg string
		b.eval(t, ctx, "read the view", `document.getElementById('view').innerText.slice(0, 400)`, &msg)
		t.Fatalf("%s: rendered %q, want %q: %s", path, got, view, msg)
	}
}

// panelIDs waits for the side panel's sentences and returns their ids.
func (b *tab) panelIDs(t *testing.T, ctx context.Context) []string {
	t.Helper()
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](`!!document.getElementById('panel').dataset.loaded`, chromedp.WithPollingTimeout(20*time.Second)))
	b.must(t, "wait for the panel's sentences", err)
	ids := []string{}
	b.eval(t, ctx, "read the sentences", `Array.from(document.querySelectorAll('#panel li.sentence')).map(li => li.dataset.id)`, &ids)
	return ids
}

// checkClean fails the test for every request that left the test server
// and every problem (console error, exception, stray null/undefined/NaN)
// the page's Watch saw.
func (b *tab) checkClean(t *testing.T) {
	t.Helper()
	for _, u := range b.watch.URLs() {
		switch {
		case strings.HasPrefix(u, b.base+"/"), strings.HasPrefix(u, "data:"), strings.HasPrefix(u, "blob:"), u == "about:blank":
		default:
			t.Errorf("a request left the test server: %s", u)
		}
	}
	for _, p := range b.watch.Problems() {
		t.Errorf("page problem: %s", p)
	}
}
