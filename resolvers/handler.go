package resolvers

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	graphql "github.com/graph-gophers/graphql-go"
	gqlerrors "github.com/graph-gophers/graphql-go/errors"
	gqllog "github.com/graph-gophers/graphql-go/log"

	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/schema"
)

// Options are the handler's limits and settings. Zero values take the
// defaults given on each field.
type Options struct {
	// MaxDepth is the deepest field nesting a query may have (default and
	// minimum 15: GraphiQL's schema introspection query reaches depth 15).
	MaxDepth int
	// MaxQueryLength is the longest query text accepted, in bytes (default
	// 16 KiB). Longer ones are refused with 400 and a BAD_USER_INPUT error.
	MaxQueryLength int
	// MaxPageSize caps first on every connection and on evidence (default
	// 100; at least 50, the schema's default page size).
	MaxPageSize int
	// Timeout bounds each request, Neo4j transactions included (default 30s).
	Timeout time.Duration
	// MaxBodyBytes caps a POST body (default 1 MiB); larger ones get 413.
	MaxBodyBytes int64
	// MaxParallelism is how many resolvers of one request may run at once
	// (default 10).
	MaxParallelism int
	// Log receives errors whose details the client does not see, and
	// resolver panics. Default: slog.Default().
	Log *slog.Logger
	// Examples are GraphiQL's opening tabs. Default: DefaultExamples().
	Examples []Example
	// Cypher configures Query.cypher, the read-only Cypher escape hatch;
	// it is off unless Cypher.Enabled. See cypher.go.
	Cypher CypherOptions

	// MaxCost is the most a query's estimated cost may be (cost.go;
	// default 5000, several times the dearest example query). A dearer
	// query is refused before it runs with BAD_USER_INPUT giving its cost.
	MaxCost int
	// AllowedHosts are the host names (of the Host header) served, any
	// port; "*" serves any. Default: LoopbackHosts. See httpsafe.go.
	AllowedHosts []string
	// AllowedOrigins are the web origins (https://kb.example.org) other
	// than the server's own whose pages may call it (CORS). Default none.
	AllowedOrigins []string
	// Token, when set, is required of every request but /healthz
	// (Authorization: Bearer Token). Default none.
	Token string
	// MaxConcurrent is how many requests may run at once (default 32);
	// more are answered 503 with Retry-After.
	MaxConcurrent int
	// Explorer, when set, is served at /explore/ (normally package
	// explorer's handler), behind the same middleware as the API.
	Explorer http.Handler
}

// minDepth is the depth of GraphiQL 4's introspection query
// (__schema.types.fields.args.type, then nine ofType levels, then name).
const minDepth = 15

func (o Options) withDefaults() (Options, error) {
	if o.MaxDepth == 0 {
		o.MaxDepth = minDepth
	}
	if o.MaxQueryLength == 0 {
		o.MaxQueryLength = 16 << 10
	}
	if o.MaxPageSize == 0 {
		o.MaxPageSize = 100
	}
	if o.Timeout == 0 {
		o.Timeout = 30 * time.Second
	}
	if o.MaxBodyBytes == 0 {
		o.MaxBodyBytes = 1 << 20
	}
	if o.MaxParallelism == 0 {
		o.MaxParallelism = 10
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Examples == nil {
		o.Examples = DefaultExamples()
	}
	if o.MaxCost == 0 {
		o.MaxCost = 5000
	}
	if o.MaxConcurrent == 0 {
		o.MaxConcurrent = 32
	}
	switch {
	case o.MaxDepth < 0, o.MaxQueryLength < 0, o.Timeout < 0, o.MaxBodyBytes < 0, o.MaxParallelism < 0,
		o.MaxCost < 0, o.MaxConcurrent < 0:
		return o, fmt.Errorf("resolvers: a limit is negative (MaxDepth %d, MaxQueryLength %d, Timeout %v, MaxBodyBytes %d, MaxParallelism %d, MaxCost %d, MaxConcurrent %d)",
			o.MaxDepth, o.MaxQueryLength, o.Timeout, o.MaxBodyBytes, o.MaxParallelism, o.MaxCost, o.MaxConcurrent)
	case o.MaxDepth < minDepth:
		return o, fmt.Errorf("resolvers: MaxDepth %d is below %d, the depth of GraphiQL's introspection query", o.MaxDepth, minDepth)
	case o.MaxPageSize < defaultPageSize:
		return o, fmt.Errorf("resolvers: MaxPageSize %d is below the schema's default page size %d", o.MaxPageSize, defaultPageSize)
	}
	return o, nil
}

// Handler serves the API over HTTP:
//
//	GET  /                      GraphiQL (offline, vendored)
//	GET  /graphiql/assets/...   its scripts and styles
//	POST /graphql               {"query", "variables", "operationName", "extensions"} as application/json
//	GET  /graphql?query=...     queries only (a mutation gets 405)
//	GET  /healthz               200 while the process runs
//	GET  /readyz                200 when Neo4j answers, else 503 saying why
//	GET  /export/T.F?...        table T (codings, counts, matrix) as F (csv, xlsx, json); see export_http.go
//
// /graphql speaks GraphQL over HTTP (graphqlhttp.go): the response is
// application/graphql-response+json or application/json as the Accept
// header asks (application/json when it asks for neither in particular).
// Every route sits inside the safety layer of httpsafe.go.
type Handler struct {
	store   *graph.Store
	opts    Options
	log     *slog.Logger
	schema  *graphql.Schema
	cost    *costModel
	mux     *http.ServeMux
	handler http.Handler // mux inside the safety layer (httpsafe.go)
	index   []byte
	// noDirect runs every query through graphql-go (tests compare the
	// direct answers of direct.go with graphql-go's).
	noDirect bool
}

// NewHandler parses the schema against the resolvers and builds the handler.
// The handler never closes store.
func NewHandler(store *graph.Store, opts Options) (*Handler, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	h := &Handler{store: store, opts: opts, log: opts.Log}
	h.schema, err = graphql.ParseSchema(schema.SDL(), &queryResolver{},
		graphql.UseStringDescriptions(),
		// The fields of the items of long lists (cities,
		// citations, counts, codes) are read from exported struct fields,
		// which graphql-go does without a reflected method call; every
		// other field still has a method, which takes precedence.
		graphql.UseFieldResolvers(),
		graphql.MaxDepth(opts.MaxDepth),
		graphql.MaxQueryLength(opts.MaxQueryLength),
		graphql.MaxParallelism(opts.MaxParallelism),
		graphql.Logger(gqllog.LoggerFunc(h.logPanic)),
		graphql.PanicHandler(panicHandler{}),
	)
	if err != nil {
		return nil, fmt.Errorf("resolvers: schema: %w", err)
	}
	if h.index, err = renderIndex(opts.Examples); err != nil {
		return nil, err
	}
	if h.cost, err = newCostModel(opts.MaxPageSize); err != nil {
		return nil, err
	}
	h.mux = http.NewServeMux()
	h.mux.HandleFunc("GET /{$}", h.serveIndex)
	h.mux.Handle("GET /graphiql/assets/", assetHandler())
	h.mux.HandleFunc("/graphql", h.serveGraphQL)
	h.mux.HandleFunc("GET /healthz", h.serveHealth)
	h.mux.HandleFunc("GET /readyz", h.serveReady)
	h.mux.HandleFunc("GET /export/{file}", h.serveExport) // export_http.go
	safe, err := newSafety(h, opts)
	if err != nil {
		return nil, err
	}
	h.handler = safe.wrap(h.mux)
	if opts.Explorer != nil {
		h.mux.Handle("/explore/", opts.Explorer)
	}
	return h, nil
}

// Handle adds a route to the handler's mux, inside its safety layer: the
// host, origin, token, content type and concurrency checks of httpsafe.go
// and its security headers apply to it as to every other route.
func (h *Handler) Handle(pattern string, handler http.Handler) { h.mux.Handle(pattern, handler) }

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.handler.ServeHTTP(w, r) }

// logPanic bridges graphql-go's panic logger to slog.
func (h *Handler) logPanic(ctx context.Context, value any) {
	h.log.ErrorContext(ctx, "graphql: panic in resolver", "panic", fmt.Sprint(value), "stack", string(debug.Stack()))
}

// storeGrace is how much earlier than the request the store's calls must
// end, so that their errors are not lost to the request's deadline: a tenth
// of the timeout, at most a second.
func storeGrace(timeout time.Duration) time.Duration {
	return min(timeout/10, time.Second)
}

// refuse answers a request that cannot run with one coded error, as JSON.
func (h *Handler) refuse(w http.ResponseWriter, status int, e *apiError) {
	h.refuseAs(w, mediaJSON, status, e)
}

// refuseAs answers a request that cannot run with one coded error, in the
// media type the client accepts.
func (h *Handler) refuseAs(w http.ResponseWriter, media string, status int, e *apiError) {
	h.writeAs(w, media, status, &graphql.Response{Errors: []*gqlerrors.QueryError{{
		Message:    e.Message,
		Extensions: e.Extensions(),
	}}})
}

func (h *Handler) write(w http.ResponseWriter, status int, v any) {
	h.writeAs(w, mediaJSON, status, v)
}

func (h *Handler) writeAs(w http.ResponseWriter, media string, status int, v any) {
	var b []byte
	var err error
	if resp, ok := v.(*graphql.Response); ok {
		b, err = encodeResponse(resp)
	} else {
		b, err = json.Marshal(v)
	}
	if err != nil {
		h.log.Error("graphql: encode response", "err", err)
		status = http.StatusInternalServerError
		b = []byte(`{"errors":[{"message":"internal error","extensions":{"code":"INTERNAL"}}]}`)
	}
	w.Header().Set("Content-Type", media+"; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// encodeResponse encodes a GraphQL response as json.Marshal would, but
// copies the data graphql-go wrote instead of re-reading it to compact it,
// which for a large answer (a matrix of a few thousand cells) costs a
// noticeable part of the request.
func encodeResponse(resp *graphql.Response) ([]byte, error) {
	b := make([]byte, 0, len(resp.Data)+64)
	b = append(b, '{')
	if len(resp.Errors) > 0 {
		errs, err := json.Marshal(resp.Errors)
		if err != nil {
			return nil, err
		}
		b = append(append(b, `"errors":`...), errs...)
	}
	if len(resp.Data) > 0 {
		if len(b) > 1 {
			b = append(b, ',')
		}
		b = append(append(b, `"data":`...), resp.Data...)
	}
	if len(resp.Extensions) > 0 {
		ext, err := json.Marshal(resp.Extensions)
		if err != nil {
			return nil, err
		}
		if len(b) > 1 {
			b = append(b, ',')
		}
		b = append(append(b, `"extensions":`...), ext...)
	}
	return append(b, '}'), nil
}

func (h *Handler) serveHealth(w http.ResponseWriter, r *http.Request) {
	h.write(w, http.StatusOK, map[string]string{"status": "ok"})
}

// serveReady answers 200 when Neo4j answers a ping within the timeout,
// else 503 saying why.
func (h *Handler) serveReady(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), min(h.opts.Timeout, 5*time.Second))
	defer cancel()
	if err := h.store.Ping(ctx); err != nil {
		h.log.WarnContext(ctx, "readyz: knowledge base unavailable", "err", err)
		reason := "Neo4j does not answer: " + err.Error()
		if ctx.Err() != nil {
			reason = "Neo4j did not answer within " + min(h.opts.Timeout, 5*time.Second).String()
		}
		w.Header().Set("Retry-After", "1")
		h.write(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": reason})
		return
	}
	h.write(w, http.StatusOK, map[string]string{"status": "ready"})
}
