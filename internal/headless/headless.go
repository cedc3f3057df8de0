// Package headless starts Debian's Chromium without a head for the browser
// tests and the explorer benchmark, with the flags this kind of machine
// needs (no sandbox as root, no background networking: a closed network
// refuses its connections), and watches a page for what it does wrong.
package headless

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Path is Chromium's executable: $POLICYKB_CHROMIUM, else chromium on the
// PATH, else /usr/bin/chromium; "" when none is there.
func Path() string {
	for _, p := range []string{os.Getenv("POLICYKB_CHROMIUM"), "chromium", "/usr/bin/chromium"} {
		if p == "" {
			continue
		}
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	return ""
}

// Require is Path for a test of what: missing, the test fails, unless
// -short, which skips it.
func Require(t testing.TB, what string) string {
	t.Helper()
	if p := Path(); p != "" {
		return p
	}
	if testing.Short() {
		t.Skipf("SKIP (-short): %s needs chromium (apt-get install chromium)", what)
	}
	t.Fatalf("chromium is not installed: %s needs it (apt-get install chromium), or run with -short", what)
	return ""
}

// Allocator starts nothing yet: it gives the context in which
// chromedp.NewContext starts Chromium at path, headless, with a window of
// width × height and its profile in userDataDir.
func Allocator(path, userDataDir string, width, height int) (context.Context, context.CancelFunc) {
	return chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(userDataDir),
		chromedp.WindowSize(width, height),
	)
}

// Watch collects, from a tab's events (pass Listen to
// chromedp.WithListener), every URL the page asks for and every problem:
// an uncaught exception, a console error (and warning, when Warnings is
// set), an error in the browser's log (a Content-Security-Policy violation
// is one) other than the favicon's 404.
type Watch struct {
	Warnings bool

	mu       sync.Mutex
	urls     []string
	problems []string
}

// Listen takes one event of the tab.
func (w *Watch) Listen(ev any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		w.urls = append(w.urls, ev.Request.URL)
	case *runtime.EventExceptionThrown:
		w.problems = append(w.problems, "exception: "+ev.ExceptionDetails.Text+" "+ev.ExceptionDetails.URL)
		if ev.ExceptionDetails.Exception != nil {
			w.problems = append(w.problems, ev.ExceptionDetails.Exception.Description)
		}
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || w.Warnings && ev.Type == runtime.ConsoleAPICalledTypeWarning {
			var parts []string
			for _, a := range ev.Args {
				parts = append(parts, string(a.Value)+a.Description)
			}
			w.problems = append(w.problems, "console."+string(ev.Type)+": "+strings.Join(parts, " "))
		}
	case *log.EventEntryAdded:
		// Chromium asks for /favicon.ico on its own; a 404 there is no fault of the page.
		if ev.Entry.Level == log.EntryLevelError && !strings.HasSuffix(ev.Entry.URL, "/favicon.ico") {
			w.problems = append(w.problems, "log: "+ev.Entry.Text+" "+ev.Entry.URL)
		}
	}
}

// URLs is every URL asked for so far.
func (w *Watch) URLs() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.urls...)
}

// Problems is every problem seen so far.
func (w *Watch) Problems() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.problems...)
}
