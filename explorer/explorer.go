package explorer

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed index.html assets
var files embed.FS

// Prefix is where the explorer is mounted.
const Prefix = "/explore/"

// ContentSecurityPolicy is the policy of the explorer's page: everything
// from this server, no inline script, no eval; inline style attributes
// (which ECharts writes) are allowed, and images from data: and blob: URLs
// (the PNG download draws the SVG figure through one).
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'"

type asset struct {
	body        []byte
	etag        string
	contentType string
}

// Handler serves the explorer under Prefix: GET /explore/assets/<file> the
// embedded scripts, styles and vendored files (with an ETag, revalidated
// on every use, so a new binary's files are never stale), and any other
// GET /explore/... the page (index.html), which routes on the client.
// Other methods get 405; an unknown asset 404.
type Handler struct {
	index  []byte
	assets map[string]asset
}

// New returns the explorer's handler, to be mounted at Prefix.
func New() *Handler {
	h := &Handler{assets: map[string]asset{}}
	var err error
	if h.index, err = files.ReadFile("index.html"); err != nil {
		panic(err) // embedded
	}
	err = fs.WalkDir(files, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		h.assets[strings.TrimPrefix(p, "assets/")] = asset{
			body:        b,
			etag:        `"` + hex.EncodeToString(sum[:12]) + `"`,
			contentType: contentType(p),
		}
		return nil
	})
	if err != nil {
		panic(err)
	}
	return h
}

// contentType is the type of an asset by its extension.
func contentType(p string) string {
	switch path.Ext(p) {
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".md", ".echarts", "":
		return "text/plain; charset=utf-8"
	}
	if t := mime.TypeByExtension(path.Ext(p)); t != "" {
		return t
	}
	return "application/octet-stream"
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "use GET", http.StatusMethodNotAllowed)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, Prefix)
	if !ok {
		if r.URL.Path+"/" == Prefix {
			http.Redirect(w, r, Prefix, http.StatusMovedPermanently)
			return
		}
		http.NotFound(w, r)
		return
	}
	hdr := w.Header()
	hdr.Set("X-Content-Type-Options", "nosniff")
	if name, ok := strings.CutPrefix(rest, "assets/"); ok {
		a, found := h.assets[name]
		if !found {
			http.NotFound(w, r)
			return
		}
		hdr.Set("Content-Type", a.contentType)
		hdr.Set("ETag", a.etag)
		hdr.Set("Cache-Control", "no-cache")
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.body))
		return
	}
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	hdr.Set("Content-Security-Policy", ContentSecurityPolicy)
	hdr.Set("Cache-Control", "no-cache")
	hdr.Set("Referrer-Policy", "same-origin")
	_, _ = w.Write(h.index)
}
