package graph

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"github.com/policykb/policykb"
)

// CypherOptions bound a user's Cypher statement.
type CypherOptions struct {
	// MaxRows is the most rows returned (default 1000); more set Truncated.
	MaxRows int
	// Timeout bounds the transaction on the server (default 10s); the
	// context's deadline bounds it too.
	Timeout time.Duration
}

// CypherResult is what a user's statement returned.
type CypherResult struct {
	// Columns are the statement's result keys, in order.
	Columns []string
	// Rows hold one value per column, converted to JSON values (see Cypher).
	Rows [][]any
	// Truncated is true when the statement had more than MaxRows rows.
	Truncated bool
}

// loadCSV finds LOAD CSV, which reads files of the database server or
// fetches URLs even in a read transaction.
var loadCSV = regexp.MustCompile(`(?i)\bload\s+csv\b`)

// Cypher runs a user's statement, as given, with params as its parameters,
// in a read transaction: Neo4j refuses any write (CREATE, MERGE, SET,
// DELETE, schema changes), which is reported as BAD_USER_INPUT naming
// "statement", like any other error Neo4j finds in the statement (syntax,
// unknown function, missing parameter: "params"). LOAD CSV is refused
// before it runs. The transaction times out after opts.Timeout (TIMEOUT).
// At most opts.MaxRows rows are read; Truncated says more existed.
//
// Values are converted to JSON values: integers, floats (NaN and ±Inf as
// the strings "NaN", "Infinity", "-Infinity"), strings, booleans, null,
// lists, maps; a node is {elementId, labels, properties}, a relationship
// {elementId, type, startElementId, endElementId, properties}, a path
// {nodes, relationships}; dates, times and date-times are ISO 8601 strings
// (2023-07-02, 2023-07-02T10:00:00Z), durations ISO 8601 durations
// (P1M2DT3S), points {srid, x, y[, z]}, byte arrays base64 strings.
func (s *Store) Cypher(ctx context.Context, statement string, params map[string]any, opts CypherOptions) (CypherResult, error) {
	if opts.MaxRows <= 0 {
		opts.MaxRows = 1000
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if strings.TrimSpace(statement) == "" {
		return CypherResult{}, policykb.InvalidArgument("statement", "the statement is empty")
	}
	if loadCSV.MatchString(statement) {
		return CypherResult{}, policykb.InvalidArgument("statement", "LOAD CSV is not allowed here: it reads the database server's files")
	}
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(ctx)
	out, err := sess.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		res, err := tx.Run(ctx, statement, params)
		if err != nil {
			return nil, err
		}
		keys, err := res.Keys()
		if err != nil {
			return nil, err
		}
		r := CypherResult{Columns: keys, Rows: [][]any{}}
		for res.Next(ctx) {
			if len(r.Rows) == opts.MaxRows {
				r.Truncated = true
				break
			}
			row := make([]any, len(res.Record().Values))
			for i, v := range res.Record().Values {
				row[i] = jsonValue(v)
			}
			r.Rows = append(r.Rows, row)
		}
		if err := res.Err(); err != nil {
			return nil, err
		}
		return r, nil
	}, neo4j.WithTxTimeout(opts.Timeout))
	if err != nil {
		var ne *neo4j.Neo4jError
		if errors.As(err, &ne) && strings.HasPrefix(ne.Code, "Neo.ClientError.") && !strings.Contains(ne.Code, "TransactionTimedOut") {
			arg := "statement"
			if strings.Contains(ne.Code, "Parameter") {
				arg = "params"
			}
			return CypherResult{}, &policykb.Error{Code: policykb.EInvalid, Argument: arg,
				Message: fmt.Sprintf("Neo4j refused the statement (%s): %s", ne.Code, ne.Msg), Err: err}
		}
		return CypherResult{}, fmt.Errorf("graph: cypher: %w", s.classify(ctx, err))
	}
	return out.(CypherResult), nil
}

// jsonValue converts a value the driver returned into one encoding/json
// writes as documented on Cypher.
func jsonValue(v any) any {
	switch x := v.(type) {
	case nil, bool, int64, string:
		return x
	case float64:
		switch {
		case math.IsNaN(x):
			return "NaN"
		case math.IsInf(x, 1):
			return "Infinity"
		case math.IsInf(x, -1):
			return "-Infinity"
		}
		return x
	case []byte:
		return base64.StdEncoding.EncodeToString(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonValue(e)
		}
		return out
	case map[string]any:
		return jsonMap(x)
	case dbtype.Node:
		return nodeJSON(x)
	case dbtype.Relationship:
		return relationshipJSON(x)
	case dbtype.Path:
		nodes := make([]any, len(x.Nodes))
		for i, n := range x.Nodes {
			nodes[i] = nodeJSON(n)
		}
		rels := make([]any, len(x.Relationships))
		for i, r := range x.Relationships {
			rels[i] = relationshipJSON(r)
		}
		return map[string]any{"nodes": nodes, "relationships": rels}
	case dbtype.Date:
		return x.String()
	case dbtype.LocalTime:
		return x.String()
	case dbtype.Time:
		return x.String()
	case dbtype.LocalDateTime:
		return x.String()
	case time.Time:
		return x.Format(time.RFC3339Nano)
	case dbtype.Duration:
		return x.String()
	case dbtype.Point2D:
		return map[string]any{"srid": int64(x.SpatialRefId), "x": jsonValue(x.X), "y": jsonValue(x.Y)}
	case dbtype.Point3D:
		return map[string]any{"srid": int64(x.SpatialRefId), "x": jsonValue(x.X), "y": jsonValue(x.Y), "z": jsonValue(x.Z)}
	}
	return fmt.Sprint(v)
}

func jsonMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = jsonValue(v)
	}
	return out
}

func nodeJSON(n dbtype.Node) map[string]any {
	labels := make([]any, len(n.Labels))
	for i, l := range n.Labels {
		labels[i] = l
	}
	return map[string]any{"elementId": n.ElementId, "labels": labels, "properties": jsonMap(n.Props)}
}

func relationshipJSON(r dbtype.Relationship) map[string]any {
	return map[string]any{"elementId": r.ElementId, "type": r.Type, "startElementId": r.StartElementId,
		"endElementId": r.EndElementId, "properties": jsonMap(r.Props)}
}
