package resolvers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"regexp"
	"slices"
	"strings"

	gqlerrors "github.com/graph-gophers/graphql-go/errors"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
)

// apiError is the only error the resolvers hand to graphql-go: Error() is
// safe to show and Extensions() (which graphql-go copies into the response)
// carries the code.
type apiError struct {
	Code       policykb.ErrorCode
	Message    string
	Argument   string      // the offending argument, for BAD_USER_INPUT
	Candidates []candidate // for an ambiguous code reference
}

// candidate is one of several codes a reference could mean.
type candidate struct {
	ID    string `json:"id"`
	Level string `json:"level"`
	Name  string `json:"name"`
}

func (e *apiError) Error() string { return e.Message }

// Extensions implements graphql-go's extensions interface.
func (e *apiError) Extensions() map[string]any {
	ext := map[string]any{"code": string(e.Code)}
	if e.Argument != "" {
		ext["argument"] = e.Argument
	}
	if len(e.Candidates) > 0 {
		list := make([]any, len(e.Candidates))
		for i, c := range e.Candidates {
			list[i] = map[string]any{"id": c.ID, "level": c.Level, "name": c.Name}
		}
		ext["candidates"] = list
	}
	return ext
}

// badInput is a BAD_USER_INPUT error naming the argument.
func badInput(arg, format string, args ...any) *apiError {
	return &apiError{Code: policykb.EInvalid, Argument: arg, Message: fmt.Sprintf(format, args...)}
}

// Messages of the errors whose details are kept out of the response.
const (
	msgInternal    = "internal error"
	msgUnavailable = "the knowledge base is unavailable"
	msgTimeout     = "the request took too long"
	msgExhausted   = "the knowledge base ran out of memory for this request: ask for less (a narrower filter, fewer levels, a smaller page)"
)

// classify turns any error into an apiError. What the user must not see (the
// cause of an INTERNAL, UNAVAILABLE or TIMEOUT error) goes to the log.
func classify(ctx context.Context, log *slog.Logger, err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	var pe *policykb.Error
	if errors.As(err, &pe) {
		switch pe.Code {
		case policykb.EInvalid, policykb.ENotFound, policykb.EForbidden:
			return &apiError{Code: pe.Code, Argument: pe.Argument, Message: pe.Message}
		case policykb.EUnavailable:
			log.ErrorContext(ctx, "graphql: knowledge base unavailable", "err", err)
			return &apiError{Code: policykb.EUnavailable, Message: msgUnavailable}
		case policykb.ETimeout:
			log.WarnContext(ctx, "graphql: timeout", "err", err)
			return &apiError{Code: policykb.ETimeout, Message: msgTimeout}
		case policykb.EResourceExhausted:
			log.WarnContext(ctx, "graphql: resource exhausted", "err", err)
			return &apiError{Code: policykb.EResourceExhausted, Message: msgExhausted}
		}
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		log.WarnContext(ctx, "graphql: timeout", "err", err)
		return &apiError{Code: policykb.ETimeout, Message: msgTimeout}
	case errors.Is(err, graph.ErrNotFound):
		return &apiError{Code: policykb.ENotFound, Message: "not found"}
	}
	log.ErrorContext(ctx, "graphql: internal error", "err", err)
	return &apiError{Code: policykb.EInternal, Message: msgInternal}
}

// argumentInMessage finds the argument graphql-go's validation names, as in
// `Argument "level" has invalid value FOO.`
var argumentInMessage = regexp.MustCompile(`(?i)argument "(\w+)"`)

// aboutValue tells validation messages about a bad value (such as `Value
// "FOO" does not exist in "Level" enum.`), which do not name the argument;
// argumentBefore then finds it in the query text just before the value.
var (
	aboutValue     = regexp.MustCompile(`(?i)\bvalue\b|expected type`)
	argumentBefore = regexp.MustCompile(`(\w+)\s*:\s*[\[{\s]*$`)
)

// argumentOf names the argument a validation error is about, or "".
func argumentOf(query string, qe *gqlerrors.QueryError) string {
	if m := argumentInMessage.FindStringSubmatch(qe.Message); m != nil {
		return m[1]
	}
	if !aboutValue.MatchString(qe.Message) || len(qe.Locations) == 0 {
		return ""
	}
	lines := strings.Split(query, "\n")
	loc := qe.Locations[0]
	if loc.Line < 1 || loc.Line > len(lines) {
		return ""
	}
	prefix := strings.Join(lines[:loc.Line-1], "\n") + "\n"
	line := []rune(lines[loc.Line-1]) // columns count code points
	if loc.Column < 1 || loc.Column-1 > len(line) {
		return ""
	}
	prefix += string(line[:loc.Column-1])
	if m := argumentBefore.FindStringSubmatch(prefix); m != nil {
		return m[1]
	}
	return ""
}

// finishErrors gives every error of a response an extensions.code, then
// collapses the errors the items of one list had alike (collapseErrors).
// Resolver errors already have a code (they are apiErrors or were
// classified); what is left are graphql-go's own: document, validation and
// argument errors before execution (BAD_USER_INPUT), the request's deadline
// (TIMEOUT), and anything else during execution (INTERNAL, details logged).
func finishErrors(ctx context.Context, log *slog.Logger, query string, errs []*gqlerrors.QueryError) []*gqlerrors.QueryError {
	codeErrors(ctx, log, query, errs)
	return collapseErrors(errs)
}

func codeErrors(ctx context.Context, log *slog.Logger, query string, errs []*gqlerrors.QueryError) {
	for _, qe := range errs {
		if qe == nil {
			continue
		}
		if _, ok := qe.Extensions["code"]; ok {
			continue
		}
		var cause error = qe.ResolverError
		if cause == nil {
			cause = qe.Err
		}
		var ae *apiError
		switch {
		case cause != nil && errors.As(cause, &ae):
		case cause != nil && (errors.Is(cause, context.DeadlineExceeded) || errors.Is(cause, context.Canceled)):
			ae = &apiError{Code: policykb.ETimeout, Message: msgTimeout}
		case qe.ResolverError != nil:
			ae = classify(ctx, log, qe.ResolverError)
		case qe.Path == nil:
			ae = &apiError{Code: policykb.EInvalid, Message: qe.Message, Argument: argumentOf(query, qe)}
		default:
			log.ErrorContext(ctx, "graphql: internal error", "err", qe.Message, "path", qe.Path)
			ae = &apiError{Code: policykb.EInternal, Message: msgInternal}
		}
		if ae.Code != policykb.EInvalid || qe.ResolverError != nil {
			qe.Message = ae.Message
		}
		qe.Extensions = ae.Extensions()
	}
}

// panicHandler turns a panic inside a resolver into an INTERNAL error; the
// panic itself is logged by the Logger bridge.
type panicHandler struct{}

func (panicHandler) MakePanicError(ctx context.Context, value any) *gqlerrors.QueryError {
	return &gqlerrors.QueryError{
		Message:    msgInternal,
		Extensions: map[string]any{"code": string(policykb.EInternal)},
	}
}

// collapseErrors reports a failure of a list's items once. Errors with the
// same code and message whose paths differ only in list indexes (every item
// of citiesCiting failing to read its evidence, say) become one error in
// the place of the first, whose path is what their paths share (up to the
// list) and whose extensions.count is how many there were.
func collapseErrors(errs []*gqlerrors.QueryError) []*gqlerrors.QueryError {
	if len(errs) < 2 {
		return errs
	}
	type group struct {
		first  *gqlerrors.QueryError
		n      int
		prefix []any
	}
	groups := map[string]*group{}
	var order []*group
	out := make([]*gqlerrors.QueryError, 0, len(errs))
	for _, qe := range errs {
		key, ok := collapseKey(qe)
		if !ok {
			out = append(out, qe)
			continue
		}
		if g := groups[key]; g != nil {
			g.n++
			g.prefix = commonPath(g.prefix, qe.Path)
			continue
		}
		g := &group{first: qe, n: 1, prefix: qe.Path}
		groups[key] = g
		order = append(order, g)
		out = append(out, qe)
	}
	for _, g := range order {
		if g.n == 1 {
			continue
		}
		g.first.Path = slices.Clone(g.prefix)
		ext := maps.Clone(g.first.Extensions)
		if ext == nil {
			ext = map[string]any{}
		}
		ext["count"] = g.n
		g.first.Extensions = ext
	}
	return out
}

// collapseKey is an error's code, message and path with its list indexes
// left out; ok is false for an error outside any list.
func collapseKey(qe *gqlerrors.QueryError) (key string, ok bool) {
	if qe == nil {
		return "", false
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%v\x00%s", qe.Extensions["code"], qe.Message)
	for _, p := range qe.Path {
		switch p := p.(type) {
		case int, int32, int64, float64:
			ok = true
			b.WriteString("\x00#")
		default:
			fmt.Fprintf(&b, "\x00%v", p)
		}
	}
	return b.String(), ok
}

// commonPath is the longest common prefix of two paths.
func commonPath(a, b []any) []any {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return a[:n]
}
