package explorer_test

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/policykb/policykb/explorer"
)

func get(t *testing.T, h http.Handler, method, target string, hdr map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

func TestHandler(t *testing.T) {
	h := explorer.New()
	for _, p := range []string{"/explore/", "/explore/matrix", "/explore/document/d02", "/explore/compare?cities=A,B"} {
		w := get(t, h, "GET", p, nil)
		if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") ||
			w.Header().Get("Content-Security-Policy") != explorer.ContentSecurityPolicy ||
			!strings.Contains(w.Body.String(), `<script type="module" src="/explore/assets/app.js">`) {
			t.Errorf("GET %s: %d %v", p, w.Code, w.Header())
		}
		if strings.Contains(w.Body.String(), "<script>") {
			t.Errorf("GET %s: an inline script, which the policy forbids", p)
		}
	}
	w := get(t, h, "GET", "/explore/assets/app.js", nil)
	etag := w.Header().Get("ETag")
	if w.Code != 200 || w.Header().Get("Content-Type") != "text/javascript; charset=utf-8" || etag == "" {
		t.Fatalf("app.js: %d %v", w.Code, w.Header())
	}
	if w := get(t, h, "GET", "/explore/assets/app.js", map[string]string{"If-None-Match": etag}); w.Code != http.StatusNotModified {
		t.Errorf("app.js with its ETag: %d, want 304", w.Code)
	}
	for p, want := range map[string]string{
		"/explore/assets/app.css":                   "text/css; charset=utf-8",
		"/explore/assets/vendor/echarts.esm.min.js": "text/javascript; charset=utf-8",
		"/explore/assets/vendor/LICENSE.echarts":    "text/plain; charset=utf-8",
		"/explore/assets/views/matrix.js":           "text/javascript; charset=utf-8",
		"/explore/assets/nothing.js":                "",
		"/explore/assets/../index.html":             "",
		"/explore/assets/views/":                    "",
	} {
		w := get(t, h, "GET", p, nil)
		if want == "" {
			if w.Code != 404 {
				t.Errorf("GET %s: %d, want 404", p, w.Code)
			}
			continue
		}
		if w.Code != 200 || w.Header().Get("Content-Type") != want || w.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: %d %v, want %s", p, w.Code, w.Header(), want)
		}
	}
	if w := get(t, h, "POST", "/explore/matrix", nil); w.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d, want 405", w.Code)
	}
}

var importRE = regexp.MustCompile(`(?m)^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'`)

// TestModules checks that every module the explorer imports is embedded
// and that no module of ours evaluates code from strings, which the
// page's Content-Security-Policy forbids.
func TestModules(t *testing.T) {
	root := os.DirFS("assets")
	imports := 0
	err := fs.WalkDir(root, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".js" || strings.HasPrefix(p, "vendor/") {
			return err
		}
		b, err := fs.ReadFile(root, p)
		if err != nil {
			return err
		}
		src := string(b)
		for _, bad := range []string{"eval(", "new Function", "innerHTML =", "document.write"} {
			if strings.Contains(src, bad) {
				t.Errorf("%s uses %s", p, bad)
			}
		}
		for _, m := range importRE.FindAllStringSubmatch(src, -1) {
			imports++
			target := path.Join(path.Dir(p), m[1])
			if w := get(t, explorer.New(), "GET", "/explore/assets/"+target, nil); w.Code != 200 {
				t.Errorf("%s imports %s: GET gives %d", p, m[1], w.Code)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if imports < 20 {
		t.Errorf("found %d imports: the pattern no longer reads the modules", imports)
	}
}
