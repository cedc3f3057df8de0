package resolvers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	graphql "github.com/graph-gophers/graphql-go"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
)

// GraphQL over HTTP, as the GraphQL-over-HTTP specification says (its
// graphql-http audit passes every MUST and SHOULD; see the README):
//
//   - POST /graphql takes a JSON object {query, operationName, variables,
//     extensions} as application/json (other content types get 415 from
//     the safety layer); query must be a string, operationName a string or
//     null, variables and extensions objects or null, else 400. GET takes
//     the same as URL parameters (variables and extensions JSON-encoded),
//     and refuses a mutation with 405.
//   - The response's media type is negotiated from Accept:
//     application/graphql-response+json when the client lists it before
//     (or above) application/json, else application/json (also for */*
//     and no Accept at all); a client that accepts neither gets 406.
//   - A request that is well-formed but refused before running (a document
//     that does not parse or validate, variables that do not coerce, a
//     query too long or too dear) is 400 under
//     application/graphql-response+json and 200 under application/json,
//     with the errors and no data either way. A query that ran is 200,
//     whatever errors its fields had. A request that is not well-formed
//     (unreadable body, no query, parameters of the wrong type) is 400, a
//     body too large 413. When nothing ran for want of the database the
//     status says so: 503 (UNAVAILABLE, with Retry-After) or 504 (TIMEOUT).
const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// params is a GraphQL-over-HTTP request.
type params struct {
	Query         string
	OperationName string
	Variables     map[string]any
	Extensions    map[string]any
}

func (h *Handler) serveGraphQL(w http.ResponseWriter, r *http.Request) {
	media, ok := negotiate(r.Header.Get("Accept"))
	w.Header().Add("Vary", "Accept")
	if !ok {
		h.refuse(w, http.StatusNotAcceptable, badInput("", "this endpoint answers %s or %s, and Accept asks for %q",
			mediaGraphQLResponse, mediaJSON, r.Header.Get("Accept")))
		return
	}
	var p params
	switch r.Method {
	case http.MethodPost:
		// The whole body is read, so that an oversized one is refused even
		// when its JSON object ends within the limit.
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.opts.MaxBodyBytes))
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			h.refuseAs(w, media, http.StatusRequestEntityTooLarge, badInput("", "the request body is larger than %d bytes", h.opts.MaxBodyBytes))
			return
		case err != nil:
			h.refuseAs(w, media, http.StatusBadRequest, badInput("", "cannot read the request body: %v", err))
			return
		}
		if p, err = decodeBody(body); err != nil {
			h.refuseAs(w, media, http.StatusBadRequest, err.(*apiError))
			return
		}
	case http.MethodGet:
		var err error
		if p, err = decodeURL(r); err != nil {
			h.refuseAs(w, media, http.StatusBadRequest, err.(*apiError))
			return
		}
	default:
		w.Header().Set("Allow", "GET, POST")
		h.refuseAs(w, media, http.StatusMethodNotAllowed, badInput("", "use GET or POST"))
		return
	}
	if p.Query == "" {
		h.refuseAs(w, media, http.StatusBadRequest, badInput("query", "no query given"))
		return
	}
	// From here on the request is well-formed: what is wrong with it is a
	// GraphQL request error.
	requestError := func(e *apiError) { h.refuseAs(w, media, requestErrorStatus(media), e) }
	if len(p.Query) > h.opts.MaxQueryLength {
		requestError(badInput("query", "the query is %d bytes long, more than the %d allowed", len(p.Query), h.opts.MaxQueryLength))
		return
	}
	pq := parseQuery(p.Query, p.OperationName)
	if op := pq.operationType(); r.Method == http.MethodGet && (op == "mutation" || op == "subscription") {
		w.Header().Set("Allow", "POST")
		h.refuseAs(w, media, http.StatusMethodNotAllowed, badInput("query", "a %s must be sent with POST", op))
		return
	}
	cost := h.cost.cost(pq, p.Variables)
	if cost.data > int64(h.opts.MaxCost) {
		requestError(badInput("query", "the query's estimated cost is %d, more than the %d allowed (server.max_cost): "+
			"ask for fewer fields, aliases or items (a smaller first)", cost.data, h.opts.MaxCost))
		return
	}
	if cost.introspection > h.cost.maxIntrospection {
		requestError(badInput("query", "the query's introspection costs %d, more than the %d allowed (twice a full introspection of the schema)",
			cost.introspection, h.cost.maxIntrospection))
		return
	}

	start := time.Now()
	ctx, cancel := context.WithDeadline(r.Context(), start.Add(h.opts.Timeout))
	defer cancel()
	ctx = graph.WithCallDeadline(ctx, start.Add(h.opts.Timeout-storeGrace(h.opts.Timeout)))
	ctx = withCypher(ctx, h.opts.Cypher)
	var resp *graphql.Response
	if plan := planDirect(p.Query, pq); plan != nil && !h.noDirect {
		resp = h.execDirect(withRequest(ctx, newRequest(h.store, h.log, h.opts.MaxPageSize)), plan, p.OperationName, p.Variables)
	}
	if resp == nil {
		resp = h.schema.Exec(withRequest(ctx, newRequest(h.store, h.log, h.opts.MaxPageSize)), p.Query, p.OperationName, p.Variables)
	}
	resp.Errors = finishErrors(ctx, h.log, p.Query, resp.Errors)
	status := statusOf(resp, media)
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds))
	}
	h.writeAs(w, media, status, resp)
}

// decodeBody reads a POST body, checking the type of each parameter.
func decodeBody(body []byte) (params, error) {
	var p params
	if len(bytes.TrimSpace(body)) == 0 {
		return p, badInput("", "the request body is empty: send a JSON object {query, variables, operationName}")
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil || raw == nil {
		if err == nil {
			err = errors.New("it is null")
		}
		return p, badInput("", "the body is not a JSON object {query, variables, operationName}: %v", err)
	}
	for name, dst := range map[string]any{"query": &p.Query, "operationName": &p.OperationName,
		"variables": &p.Variables, "extensions": &p.Extensions} {
		v, ok := raw[name]
		if !ok || string(v) == "null" {
			continue
		}
		if err := decodeParam(name, v, dst); err != nil {
			return p, err
		}
	}
	return p, nil
}

// decodeURL reads the parameters of a GET.
func decodeURL(r *http.Request) (params, error) {
	q := r.URL.Query()
	p := params{Query: q.Get("query"), OperationName: q.Get("operationName")}
	for name, dst := range map[string]any{"variables": &p.Variables, "extensions": &p.Extensions} {
		if v := q.Get(name); v != "" && v != "null" {
			if err := decodeParam(name, json.RawMessage(v), dst); err != nil {
				return p, err
			}
		}
	}
	return p, nil
}

// decodeParam decodes one parameter, whose JSON type must match dst's: a
// string for query and operationName, an object for variables and
// extensions.
func decodeParam(name string, v json.RawMessage, dst any) error {
	want := "a string"
	if _, ok := dst.(*map[string]any); ok {
		want = "a JSON object"
		if t := strings.TrimSpace(string(v)); !strings.HasPrefix(t, "{") {
			return badInput(name, "%s must be %s, not %s", name, want, jsonKind(t))
		}
	}
	if err := json.Unmarshal(v, dst); err != nil {
		return badInput(name, "%s must be %s, not %s", name, want, jsonKind(strings.TrimSpace(string(v))))
	}
	return nil
}

// jsonKind names the JSON type of a value for an error message.
func jsonKind(v string) string {
	switch {
	case v == "":
		return "empty"
	case v[0] == '{':
		return "an object"
	case v[0] == '[':
		return "an array"
	case v[0] == '"':
		return "a string"
	case v == "true" || v == "false":
		return "a boolean"
	case v == "null":
		return "null"
	}
	return "a number or something else"
}

// negotiate picks the response's media type from an Accept header: the
// acceptable range of the highest quality, the first of equals, where
// application/graphql-response+json and application/json stand for
// themselves and */* and application/* for application/json. No Accept
// means application/json; ok is false when nothing listed is acceptable.
func negotiate(accept string) (media string, ok bool) {
	if strings.TrimSpace(accept) == "" {
		return mediaJSON, true
	}
	bestQ := 0.0
	for _, part := range strings.Split(accept, ",") {
		fields := strings.Split(part, ";")
		mt := strings.ToLower(strings.TrimSpace(fields[0]))
		q := 1.0
		for _, f := range fields[1:] {
			k, v, _ := strings.Cut(strings.TrimSpace(f), "=")
			if strings.EqualFold(strings.TrimSpace(k), "q") {
				if x, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = x
				}
			}
		}
		var m string
		switch mt {
		case mediaGraphQLResponse, mediaJSON:
			m = mt
		case "*/*", "application/*":
			m = mediaJSON
		default:
			continue
		}
		if q > bestQ {
			media, bestQ = m, q
		}
	}
	return media, bestQ > 0
}

// requestErrorStatus is the status of a GraphQL request error (the request
// was well-formed, the document or its variables were not).
func requestErrorStatus(media string) int {
	if media == mediaGraphQLResponse {
		return http.StatusBadRequest
	}
	return http.StatusOK
}

// statusOf is 200 when the query ran (the response has data, even null);
// a response without data was refused before running, and its first
// error says why.
func statusOf(resp *graphql.Response, media string) int {
	if resp.Data != nil || len(resp.Errors) == 0 {
		return http.StatusOK
	}
	switch resp.Errors[0].Extensions["code"] {
	case string(policykb.EInvalid):
		return requestErrorStatus(media)
	case string(policykb.EForbidden):
		return http.StatusForbidden
	case string(policykb.EUnavailable):
		return http.StatusServiceUnavailable
	case string(policykb.ETimeout):
		return http.StatusGatewayTimeout
	}
	return http.StatusInternalServerError
}
