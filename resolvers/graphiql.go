package resolvers

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"regexp"
	"strings"
)

//go:embed graphiql
var graphiqlFiles embed.FS

//go:embed examples.graphql
var examplesGraphQL string

// Example is one of GraphiQL's opening tabs. GraphiQL titles a tab with the
// name of its operation, so Query should hold one named operation.
type Example struct {
	Query     string `json:"query"`
	Variables string `json:"variables,omitempty"`
}

var operationStart = regexp.MustCompile(`(?m)^(query|mutation|subscription)\s+(\w+)`)

// DefaultExamples returns the study's questions (examples.graphql), one tab
// per operation, each with the comment above it.
func DefaultExamples() []Example {
	return SplitExamples(examplesGraphQL)
}

// SplitExamples cuts a GraphQL document into one Example per operation; the
// comment lines right above an operation go with it.
func SplitExamples(doc string) []Example {
	lines := strings.SplitAfter(doc, "\n")
	var starts []int
	for i, l := range lines {
		if operationStart.MatchString(l) {
			s := i
			for s > 0 && strings.HasPrefix(lines[s-1], "#") {
				s--
			}
			starts = append(starts, s)
		}
	}
	var out []Example
	for k, s := range starts {
		e := len(lines)
		if k+1 < len(starts) {
			e = starts[k+1]
		}
		out = append(out, Example{Query: strings.TrimSpace(strings.Join(lines[s:e], "")) + "\n"})
	}
	return out
}

var indexTemplate = template.Must(template.ParseFS(graphiqlFiles, "graphiql/index.html"))

func renderIndex(examples []Example) ([]byte, error) {
	var b bytes.Buffer
	if err := indexTemplate.Execute(&b, struct{ Tabs []Example }{examples}); err != nil {
		return nil, fmt.Errorf("resolvers: render GraphiQL page: %w", err)
	}
	return b.Bytes(), nil
}

// serveIndex serves the GraphiQL page; its Content-Security-Policy
// (httpsafe.go) lets it load and fetch only from this server (its fonts are
// inlined as data: URLs, its one script that is not a library is
// policykb.js).
func (h *Handler) serveIndex(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(h.index)
}

// assetHandler serves the vendored files under /graphiql/assets/.
func assetHandler() http.Handler {
	sub, err := fs.Sub(graphiqlFiles, "graphiql")
	if err != nil {
		panic(err) // the embedded directory exists
	}
	files := http.StripPrefix("/graphiql/assets/", http.FileServer(http.FS(sub)))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") || strings.HasSuffix(r.URL.Path, ".html") {
			http.NotFound(w, r) // no directory listings, no second copy of the page
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=86400")
		files.ServeHTTP(w, r)
	})
}
