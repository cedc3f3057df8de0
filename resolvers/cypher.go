package resolvers

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/policykb/policykb/graph"
)

// CypherOptions configure Query.cypher, the read-only Cypher escape hatch
// (config keys cypher.enabled, cypher.max_rows, cypher.timeout).
type CypherOptions struct {
	// Enabled turns the query on; when false (the default) every call is
	// BAD_USER_INPUT naming statement, saying it is disabled.
	Enabled bool
	// MaxRows caps the rows returned (default 1000); more set truncated.
	MaxRows int
	// Timeout bounds the statement's transaction (default 10s); the
	// request's own timeout bounds it too.
	Timeout time.Duration
}

type cypherKey struct{}

func withCypher(ctx context.Context, o CypherOptions) context.Context {
	return context.WithValue(ctx, cypherKey{}, o)
}

func cypherFrom(ctx context.Context) CypherOptions {
	o, _ := ctx.Value(cypherKey{}).(CypherOptions)
	return o
}

// JSON is the GraphQL JSON scalar: any JSON value. As input, integers
// (whole numbers within ±2^53, however written) become int64, other
// numbers float64, objects map[string]any and lists []any.
type JSON struct{ Value any }

// ImplementsGraphQLType maps JSON to the schema's JSON scalar.
func (JSON) ImplementsGraphQLType(name string) bool { return name == "JSON" }

// UnmarshalGraphQL accepts any input value. JSON only appears as cypher's
// params, so a bad one is reported against that argument.
func (j *JSON) UnmarshalGraphQL(input any) error {
	v, err := fromGraphQL(input)
	if err != nil {
		return badInput("params", "%v", err)
	}
	j.Value = v
	return nil
}

// MarshalJSON writes the value as it is.
func (j JSON) MarshalJSON() ([]byte, error) { return json.Marshal(j.Value) }

func fromGraphQL(v any) (any, error) {
	switch x := v.(type) {
	case nil, bool, string, int64:
		return x, nil
	case int32:
		return int64(x), nil
	case int:
		return int64(x), nil
	case float64:
		if x == math.Trunc(x) && math.Abs(x) <= 1<<53 {
			return int64(x), nil
		}
		return x, nil
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n, nil
		}
		f, err := x.Float64()
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", x)
		}
		return f, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			var err error
			if out[i], err = fromGraphQL(e); err != nil {
				return nil, err
			}
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			var err error
			if out[k], err = fromGraphQL(e); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("unsupported value %v (%T)", v, v)
}

type cypherArgs struct {
	Statement string
	Params    *JSON
}

// Cypher resolves Query.cypher (see graph.Store.Cypher) when the server
// enables it.
func (*queryResolver) Cypher(ctx context.Context, args cypherArgs) (*cypherResolver, error) {
	r := requestFrom(ctx)
	o := cypherFrom(ctx)
	if !o.Enabled {
		return nil, badInput("statement", "the cypher query is disabled on this server (config key cypher.enabled)")
	}
	var params map[string]any
	if args.Params != nil && args.Params.Value != nil {
		m, ok := args.Params.Value.(map[string]any)
		if !ok {
			return nil, badInput("params", "params must be a JSON object of parameter names to values")
		}
		params = m
	}
	res, err := r.store.Cypher(ctx, args.Statement, params, graph.CypherOptions{MaxRows: o.MaxRows, Timeout: o.Timeout})
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	return &cypherResolver{res}, nil
}

type cypherResolver struct{ r graph.CypherResult }

func (c *cypherResolver) Columns() []string { return nonNil(c.r.Columns) }
func (c *cypherResolver) Truncated() bool   { return c.r.Truncated }
func (c *cypherResolver) Rows() [][]*JSON {
	out := make([][]*JSON, len(c.r.Rows))
	for i, row := range c.r.Rows {
		out[i] = make([]*JSON, len(row))
		for j, v := range row {
			if v != nil {
				out[i][j] = &JSON{v}
			}
		}
	}
	return out
}
