package resolvers

import (
	"context"
	"fmt"
	"runtime/debug"

	graphql "github.com/graph-gophers/graphql-go"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/lexer"
)

// Direct answers. graphql-go executes every field of every list item on
// its own: a goroutine-limiter round, a trace hook, a buffer and a
// json.Marshal per field, a map and a slice per object. For the long
// answers of the analysis questions (300 cities citing a code, 3,300
// cells of a matrix, 55 pairs of codes with their codes, 44,850 pairs of
// cities) that work costs
// more than reading the answer from Neo4j. So when a query asks for one
// of the fields of directRoots and, below it, only plain fields the
// answer already holds (those of directTypes: no arguments, no
// directives, no fragments), the handler lets graphql-go run the same
// query with the field's selection cut to __typename (so that it parses,
// validates, checks the variables and calls the resolver with the
// arguments it has always had, and reports any error exactly where the
// query has it), the resolver hands its answer to the request instead of
// to graphql-go (keepDirect), and the handler writes the selection of the
// answer itself, as graphql-go would have (direct_encode.go). Any other
// query runs as before.

// directRoots are the Query fields answered directly, with the type of
// their items (or of their object).
var directRoots = map[string]string{
	"citiesCiting":  "CityCitation",
	"counts":        "CodeCount",
	"cooccurrence":  "CodePair",
	"matrix":        "Matrix",
	"compareCities": "CityComparison",
	"similarity":    "CityPair",
}

// directTypes are, for each object type written directly, the fields
// written directly and the object type of those whose value is an object
// or a list of objects ("" for a leaf). A field missing here (one with
// arguments, one that reads the knowledge base) makes the query run
// through graphql-go.
var directTypes = map[string]map[string]string{
	"CityCitation":   {"city": "City", "referencePoints": "", "materialSources": ""},
	"City":           {"name": "", "nameZh": "", "province": ""},
	"CodeCount":      {"code": "Code", "referencePoints": "", "materialSources": ""},
	"Code":           {"id": "", "level": "", "number": "", "name": "", "nameZh": "", "source": ""},
	"CodePair":       {"a": "Code", "b": "Code", "count": "", "countA": "", "countB": "", "cCoefficient": ""},
	"Matrix":         {"rows": "Code", "columns": "", "cells": "", "rowTotals": "", "columnTotals": ""},
	"CityComparison": {"level": "", "frame": "", "frameLevel": "", "cities": "City", "rows": "ComparisonRow", "similarity": "CityPair"},
	"ComparisonRow":  {"code": "Code", "cells": "ComparisonCell"},
	"ComparisonCell": {"city": "City", "referencePoints": "", "materialSources": "", "share": ""},
	"CityPair":       {"a": "City", "b": "City", "cosine": ""},
}

// dsel is one field of a selection answered directly: its response key,
// its name and, for an object field, its selection.
type dsel struct {
	alias, name string
	sub         []dsel
}

// directPlan is a query answered directly: the query graphql-go runs
// (the selection of the root field cut to __typename), the root field's
// name, its response key, and the selection written directly.
type directPlan struct {
	query       string
	field       string
	alias       string
	typ         string
	sels        []dsel
	openByte    int // the root selection's braces in the original query, by byte
	closeByte   int
	rootStartRn int
}

// planDirect returns the plan of a query answered directly, or nil.
func planDirect(query string, pq parsedQuery) *directPlan {
	doc, op := pq.doc, pq.op
	if doc == nil || op == nil || len(doc.Operations) != 1 || len(doc.Fragments) != 0 ||
		op.Operation != ast.Query || len(op.Directives) != 0 || len(op.SelectionSet) != 1 {
		return nil
	}
	root, ok := op.SelectionSet[0].(*ast.Field)
	if !ok || len(root.Directives) != 0 || len(root.SelectionSet) == 0 || root.Position == nil {
		return nil
	}
	typ, ok := directRoots[root.Name]
	if !ok {
		return nil
	}
	sels, ok := directSelection(root.SelectionSet, typ, 0)
	if !ok {
		return nil
	}
	p := &directPlan{field: root.Name, alias: root.Alias, typ: typ, sels: sels, rootStartRn: root.Position.Start}
	if p.alias == "" {
		p.alias = root.Name
	}
	if !p.cut(query) {
		return nil
	}
	return p
}

// maxDirectDepth bounds the nesting written directly (the deepest the
// types allow is compareCities.rows.cells.city.name).
const maxDirectDepth = 6

// directSelection checks that every selection of set is a plain field of
// typ that is written directly, each response key once, and returns them.
func directSelection(set ast.SelectionSet, typ string, depth int) ([]dsel, bool) {
	fields := directTypes[typ]
	if fields == nil || depth > maxDirectDepth {
		return nil, false
	}
	out := make([]dsel, 0, len(set))
	seen := map[string]bool{}
	for _, s := range set {
		f, ok := s.(*ast.Field)
		if !ok || len(f.Arguments) != 0 || len(f.Directives) != 0 {
			return nil, false
		}
		alias := f.Alias
		if alias == "" {
			alias = f.Name
		}
		if seen[alias] {
			return nil, false // merged fields: left to graphql-go
		}
		seen[alias] = true
		if f.Name == "__typename" {
			if len(f.SelectionSet) != 0 {
				return nil, false
			}
			out = append(out, dsel{alias: alias, name: f.Name})
			continue
		}
		sub, known := fields[f.Name]
		switch {
		case !known:
			return nil, false
		case sub == "" && len(f.SelectionSet) != 0, sub != "" && len(f.SelectionSet) == 0:
			return nil, false // invalid: graphql-go says why
		}
		d := dsel{alias: alias, name: f.Name}
		if sub != "" {
			if d.sub, ok = directSelection(f.SelectionSet, sub, depth+1); !ok {
				return nil, false
			}
		}
		out = append(out, d)
	}
	return out, true
}

// cut finds the root field's selection in query and makes p.query the
// query with that selection cut to __typename. Everything before the
// selection keeps its place, so that the line and column of an error
// graphql-go reports (in the operation, its variables or the root field's
// arguments) are those of the query as sent.
func (p *directPlan) cut(query string) bool {
	lx := lexer.New(&ast.Source{Input: query})
	depth, open := 0, -1
	for {
		tok, err := lx.ReadToken()
		if err != nil || tok.Kind == lexer.EOF {
			return false
		}
		if tok.Pos.Start < p.rootStartRn {
			continue
		}
		switch tok.Kind {
		case lexer.ParenL, lexer.BracketL:
			depth++
		case lexer.ParenR, lexer.BracketR:
			depth--
		case lexer.BraceL:
			if depth == 0 && open < 0 {
				open = tok.Pos.Start
			}
			depth++
		case lexer.BraceR:
			depth--
			if open >= 0 && depth == 0 {
				p.openByte, p.closeByte = byteOffset(query, open), byteOffset(query, tok.Pos.Start)
				if p.openByte < 0 || p.closeByte < 0 || query[p.openByte] != '{' || query[p.closeByte] != '}' {
					return false
				}
				p.query = query[:p.openByte+1] + " __typename " + query[p.closeByte:]
				return true
			}
		}
	}
}

// byteOffset converts a rune offset of s (the lexer's positions) to a
// byte offset, or -1.
func byteOffset(s string, runes int) int {
	n := 0
	for i := range s {
		if n == runes {
			return i
		}
		n++
	}
	if n == runes {
		return len(s)
	}
	return -1
}

// directAnswer is where a root resolver leaves its answer for the handler
// to write (keepDirect).
type directAnswer struct {
	field string
	value any
}

// keepDirect hands the answer of the root field field to the handler
// when the request is answered directly; the resolver then returns an
// empty list (or its object, of which graphql-go writes only the
// __typename).
func (r *request) keepDirect(field string, v any) bool {
	if r.direct == nil || r.direct.field != field {
		return false
	}
	r.direct.value = v
	return true
}

// execDirect runs a query answered directly and returns its response, or
// nil when the query must run through graphql-go after all (its answer
// holds a number JSON cannot write).
func (h *Handler) execDirect(ctx context.Context, p *directPlan, operationName string, variables map[string]any) (resp *graphql.Response) {
	defer func() {
		if v := recover(); v != nil { // a bug of the writers: graphql-go answers
			h.log.ErrorContext(ctx, "graphql: panic in a direct answer", "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			resp = nil
		}
	}()
	r := requestFrom(ctx)
	r.direct = &directAnswer{field: p.field}
	resp = h.schema.Exec(ctx, p.query, operationName, variables)
	if r.direct.value == nil || len(resp.Errors) > 0 {
		return resp // the resolver failed: graphql-go's answer is the query's
	}
	b := make([]byte, 0, 4096)
	b = append(append(append(b, `{"`...), p.alias...), `":`...)
	b, ok := encodeDirect(b, p, r.direct.value)
	if !ok {
		return nil
	}
	resp.Data = append(b, '}')
	return resp
}
