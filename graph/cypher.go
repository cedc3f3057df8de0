package graph

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
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

// Cypher runs a user's statement, with params as its parameters, if
// Neo4j's own plan of it shows a plain read of the knowledge base:
//
//   - In a read transaction of a session on the store's database, the
//     statement is first planned with EXPLAIN (same parameters). Every
//     operator of the plan must only read (cypherOperators: scans, seeks,
//     expands, filters, projections, aggregation, sorting, paging, joins,
//     unions, subqueries, SHOW INDEXES and SHOW CONSTRAINTS), on the
//     store's database; every procedure called must be on cypherProcedures
//     (db.labels, db.relationshipTypes, db.propertyKeys, db.schema.*,
//     db.index.fulltext.queryNodes and queryRelationships); no user-defined
//     function (from a plugin) may appear; and Neo4j must classify the
//     statement as read-only. Anything else (LOAD CSV, administration
//     commands, SHOW/TERMINATE TRANSACTIONS, SHOW SETTINGS, other
//     procedures, CALL { … } IN TRANSACTIONS, USE of another database,
//     writes) is refused with FORBIDDEN naming "statement" and the operator,
//     procedure or function that was refused; so is a statement whose plan
//     cannot be read.
//   - Then the statement itself runs, as given, in the same transaction.
//     Neo4j refuses any write in it too.
//
// An error Neo4j finds in the statement (syntax, unknown function or
// procedure) is BAD_USER_INPUT naming "statement" (a missing parameter:
// "params"), except Neo4j's refusal of an administration command, which is
// FORBIDDEN. The transaction times out after opts.Timeout (TIMEOUT). At most
// opts.MaxRows rows are read; Truncated says more existed.
//
// Values are converted to JSON values: integers, floats (NaN and ±Inf as
// the strings "NaN", "Infinity", "-Infinity"), strings, booleans, null,
// lists, maps; a node is {elementId, labels, properties}, a relationship
// {elementId, type, startElementId, endElementId, properties}, a path
// {nodes, relationships}; dates, times and date-times are ISO 8601 strings
// (2023-07-02, 2023-07-02T10:00:00Z), durations ISO 8601 durations
// (P1M2DT3S), points {srid, x, y[, z]}, byte arrays base64 strings.
func (s *Store) Cypher(ctx context.Context, statement string, params map[string]any, opts CypherOptions) (CypherResult, error) {
	ctx, end := s.enter(ctx, "Cypher")
	defer end()
	if opts.MaxRows <= 0 {
		opts.MaxRows = 1000
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if strings.TrimSpace(statement) == "" {
		return CypherResult{}, policykb.InvalidArgument("statement", "the statement is empty")
	}
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	funcs, err := s.userFunctions(ctx)
	if err != nil {
		return CypherResult{}, fmt.Errorf("graph: cypher: list the user-defined functions: %w", s.classify(ctx, err))
	}
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(ctx)
	out, err := sess.ExecuteRead(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		if err := s.vetCypher(ctx, tx, statement, params, funcs); err != nil {
			return nil, err
		}
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
		var pe *policykb.Error
		if errors.As(err, &pe) {
			return CypherResult{}, pe
		}
		var ne *neo4j.Neo4jError
		if errors.As(err, &ne) && isLexicalError(ne) {
			return CypherResult{}, &policykb.Error{Code: policykb.EInvalid, Argument: "statement",
				Message: "Neo4j could not read the statement: " + withoutExplain(ne.Msg), Err: err}
		}
		if errors.As(err, &ne) && strings.HasPrefix(ne.Code, "Neo.ClientError.") && !strings.Contains(ne.Code, "TransactionTimedOut") {
			code, arg := policykb.EInvalid, "statement"
			switch {
			case strings.Contains(ne.Code, "Parameter"):
				arg = "params"
			case strings.Contains(ne.Code, "AdministrationCommand") || strings.Contains(ne.Code, "NotSystemDatabase"):
				code = policykb.EForbidden
			}
			return CypherResult{}, &policykb.Error{Code: code, Argument: arg,
				Message: fmt.Sprintf("Neo4j refused the statement (%s): %s", ne.Code, withoutExplain(ne.Msg)), Err: err}
		}
		return CypherResult{}, fmt.Errorf("graph: cypher: %w", s.classify(ctx, err))
	}
	return out.(CypherResult), nil
}

// explainPrefix is put before a user's statement to have it planned.
const explainPrefix = "EXPLAIN "

// vetCypher plans statement with EXPLAIN in tx and returns a FORBIDDEN
// error unless the plan is a plain read (see Cypher and vetPlan), or the
// error Neo4j gave when planning it.
func (s *Store) vetCypher(ctx context.Context, tx neo4j.ManagedTransaction, statement string, params map[string]any, funcs []string) error {
	res, err := tx.Run(ctx, explainPrefix+statement, params)
	if err != nil {
		return err
	}
	sum, err := res.Consume(ctx)
	if err != nil {
		return err
	}
	if db := sum.Database(); db != nil && db.Name() != "" && !strings.EqualFold(db.Name(), s.cfg.Database) {
		return forbidden("it runs on the database %q; only the knowledge base's database %q may be read", db.Name(), s.cfg.Database)
	}
	plan, err := readPlan(sum.Plan())
	if err != nil {
		return forbidden("Neo4j's plan of it could not be read (%v)", err)
	}
	if v := vetPlan(plan, s.cfg.Database, funcs); v != nil {
		return v
	}
	if t := sum.StatementType(); t != neo4j.StatementTypeReadOnly {
		return forbidden("Neo4j classifies it as %s, not as read-only", statementKind(t))
	}
	return nil
}

func statementKind(t neo4j.StatementType) string {
	switch t {
	case neo4j.StatementTypeReadWrite:
		return "read-write"
	case neo4j.StatementTypeWriteOnly:
		return "write-only"
	case neo4j.StatementTypeSchemaWrite:
		return "a schema or server change"
	}
	return "of unknown kind"
}

// isLexicalError tells whether Neo4j failed to cut the statement into
// tokens before parsing it. Its pre-parser, which reads the CYPHER, EXPLAIN
// and PROFILE ahead of a statement, reports such a statement (one that is
// an unterminated comment, "/*") as an unknown database error rather than a
// syntax error; it is the statement's fault all the same. The message is
// the tokenizer's own: "Lexical error at line L, column C. …".
func isLexicalError(ne *neo4j.Neo4jError) bool {
	return ne.Code == "Neo.DatabaseError.General.UnknownError" && strings.HasPrefix(ne.Msg, "Lexical error at line ")
}

// explainAt finds a position Neo4j reports in an error about a planned
// statement, which counts the prefix: the parser's gives the offset too,
// the tokenizer's (isLexicalError) line and column only.
var explainAt = regexp.MustCompile(`line (\d+), column (\d+)(?: \(offset: (\d+)\))?`)

// withoutExplain rewrites Neo4j's message about explainPrefix+statement so
// it speaks of the statement as the user wrote it: offsets and columns on
// line 1 lose the prefix's length, the quoted statement loses the prefix,
// and the caret under it moves back.
func withoutExplain(msg string) string {
	n := len(explainPrefix)
	msg = explainAt.ReplaceAllStringFunc(msg, func(m string) string {
		sub := explainAt.FindStringSubmatch(m)
		line, _ := strconv.Atoi(sub[1])
		col, _ := strconv.Atoi(sub[2])
		if line == 1 && col <= n {
			return m
		}
		if line == 1 {
			col -= n
		}
		if sub[3] == "" {
			return fmt.Sprintf("line %d, column %d", line, col)
		}
		off, _ := strconv.Atoi(sub[3])
		if off < n {
			return m
		}
		return fmt.Sprintf("line %d, column %d (offset: %d)", line, col, off-n)
	})
	lines := strings.Split(msg, "\n")
	for i, l := range lines {
		if !strings.HasPrefix(l, `"`+explainPrefix) {
			continue
		}
		lines[i] = `"` + l[1+n:]
		if i+1 < len(lines) && strings.HasPrefix(lines[i+1], strings.Repeat(" ", n)) {
			lines[i+1] = lines[i+1][n:]
		}
	}
	return strings.Join(lines, "\n")
}

// userFunctions are the names, in lower case, of the functions plugins
// define (SHOW FUNCTIONS … WHERE NOT isBuiltIn), read once per store:
// plugins are loaded when the server starts.
func (s *Store) userFunctions(ctx context.Context) ([]string, error) {
	s.cypherFuncs.mu.Lock()
	defer s.cypherFuncs.mu.Unlock()
	if s.cypherFuncs.names != nil {
		return s.cypherFuncs.names, nil
	}
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		recs, err := collect(ctx, tx, "SHOW FUNCTIONS YIELD name, isBuiltIn WHERE NOT isBuiltIn RETURN name", nil)
		if err != nil {
			return nil, err
		}
		names := []string{}
		for _, r := range recs {
			if n, ok := r.Values[0].(string); ok && n != "" {
				names = append(names, strings.ToLower(n))
			}
		}
		return names, nil
	})
	if err != nil {
		return nil, err
	}
	s.cypherFuncs.names = out.([]string)
	return s.cypherFuncs.names, nil
}

// cypherFunctions holds userFunctions' answer.
type cypherFunctions struct {
	mu    sync.Mutex
	names []string // nil until read
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
