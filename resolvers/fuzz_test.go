package resolvers

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	graphql "github.com/graph-gophers/graphql-go"
	gqlerrors "github.com/graph-gophers/graphql-go/errors"

	"github.com/policykb/policykb"
)

// FuzzCorpusFilter feeds arbitrary values to the filter's conversion (the
// Date scalar and the checks that need no database): never a panic; a bad
// value is BAD_USER_INPUT naming filter; an accepted date is the calendar
// day written, and an accepted filter round-trips through its key.
func FuzzCorpusFilter(f *testing.F) {
	f.Add("2023-01-01", "2023-12-31", "Linlan", "Province A", "d1", "alice")
	f.Add("2024-02-29", "2024-02-28", "", "", "", "")
	f.Add("2023-13-01", "", "临澜市", "", "", "")
	f.Add("0000-01-01", "9999-12-31", "a,b", " ", "d#1", "")
	f.Add("2023-1-1", "+2023-01-01", "", "", "", "")
	f.Fuzz(func(t *testing.T, from, to, city, province, doc, coder string) {
		var in corpusFilterInput
		dates := []struct {
			s   string
			dst **Date
		}{{from, &in.IssuedFrom}, {to, &in.IssuedTo}}
		for _, d := range dates {
			if d.s == "" {
				continue
			}
			var v Date
			if err := v.UnmarshalGraphQL(d.s); err != nil {
				if e, ok := err.(*apiError); !ok || e.Code != policykb.EInvalid || e.Argument != "filter" {
					t.Fatalf("date %q: %v is not BAD_USER_INPUT on filter", d.s, err)
				}
				continue
			}
			if got := v.Format(dateLayout); got != d.s {
				t.Fatalf("date %q read as %s", d.s, got)
			}
			js, err := v.MarshalJSON()
			if err != nil || string(js) != `"`+d.s+`"` {
				t.Fatalf("date %q written as %s, %v", d.s, js, err)
			}
			*d.dst = &v
		}
		for _, v := range []struct {
			s   string
			dst **[]string
		}{{city, &in.Cities}, {province, &in.Provinces}, {coder, &in.Coders}} {
			if v.s != "" {
				list := []string{v.s}
				*v.dst = &list
			}
		}
		if doc != "" {
			in.Documents = &[]graphql.ID{graphql.ID(doc)}
		}
		fl, key, err := in.convert()
		if err != nil {
			if e, ok := err.(*apiError); !ok || e.Code != policykb.EInvalid || e.Argument != "filter" {
				t.Fatalf("convert: %v is not BAD_USER_INPUT on filter", err)
			}
			if fl.IssuedFrom == nil || fl.IssuedTo == nil || !fl.IssuedTo.Before(*fl.IssuedFrom) {
				t.Fatalf("refused a filter whose dates are in order: %v", err)
			}
			return
		}
		if fl.IssuedFrom != nil && fl.IssuedTo != nil && fl.IssuedTo.Before(*fl.IssuedFrom) {
			t.Fatalf("accepted issuedTo %v before issuedFrom %v", fl.IssuedTo, fl.IssuedFrom)
		}
		if key != filterKey(fl) {
			t.Fatalf("key %q is not the filter's %q", key, filterKey(fl))
		}
		var nilIn *corpusFilterInput
		if empty, _, err := nilIn.convert(); err != nil || filterKey(empty) != filterKey(policykb.CorpusFilter{}) {
			t.Fatalf("no filter: %+v, %v", empty, err)
		}
	})
}

// FuzzCursor: any after value is refused with BAD_USER_INPUT naming after,
// or gives a page that starts at a non-negative offset; a cursor the server
// gives decodes to its offset.
func FuzzCursor(f *testing.F) {
	for _, s := range []string{"", "x", encodeCursor(0), encodeCursor(49), "b2Zmc2V0Oi0x", "bm90IGEgY3Vyc29y", "%%%",
		base64.StdEncoding.EncodeToString([]byte("offset:9223372036854775807")),
		base64.StdEncoding.EncodeToString([]byte("offset:+5")), base64.StdEncoding.EncodeToString([]byte("offset:0x10"))} {
		f.Add(s, int32(50), 7)
	}
	r := newRequest(nil, nil, 500)
	f.Fuzz(func(t *testing.T, after string, first int32, n int) {
		p, err := r.page(first, &after)
		if err != nil {
			var e *apiError
			if !errors.As(err, &e) || e.Code != policykb.EInvalid || (e.Argument != "after" && e.Argument != "first") {
				t.Fatalf("page(%d, %q): %v", first, after, err)
			}
		} else if p.Offset < 0 || p.Limit < 0 || p.Limit > 500 {
			t.Fatalf("page(%d, %q) = %+v", first, after, p)
		}
		if n < 0 {
			n = -(n + 1)
		}
		if n > maxCursorOffset {
			n %= maxCursorOffset + 1
		}
		if got, err := decodeCursor(encodeCursor(n)); err != nil || got != n {
			t.Fatalf("cursor of %d decodes to %d, %v", n, got, err)
		}
	})
}

// FuzzArgumentOf: finding the argument a validation error is about, from
// the query text and the error's location, never panics, and names an
// argument only when the query text holds it.
func FuzzArgumentOf(f *testing.F) {
	f.Add("{ counts(level: FOO) { code { id } } }", `Value "FOO" does not exist in "Level" enum.`, 1, 17)
	f.Add("{\n  counts(\n    level: 3\n  ) { x } }", `Argument "level" has invalid value 3.`, 3, 12)
	f.Add("{ a(b: [1, {c: ", "Expected type Int, found x.", 1, 100)
	f.Add("", "value", 0, 0)
	f.Add("é: ", "value", 1, 3)
	f.Fuzz(func(t *testing.T, query, message string, line, column int) {
		qe := &gqlerrors.QueryError{Message: message, Locations: []gqlerrors.Location{{Line: line, Column: column}}}
		arg := argumentOf(query, qe)
		if arg != "" && !strings.Contains(query, arg) && !strings.Contains(message, arg) {
			t.Fatalf("argumentOf named %q, in neither the query nor the message", arg)
		}
	})
}

// FuzzOperationType: telling a query from a mutation in any document never
// panics and answers one of the three kinds, or "".
func FuzzOperationType(f *testing.F) {
	for _, s := range []string{`{ stats { cities } }`, `mutation M { x }`, `query A { a } mutation B { b }`, `{ a(s: """ mutation """) }`,
		"# mutation\n{ a }", `subscription S { x }`, `"`, `{`, `}}}`, `query Q($a: Int = 3) @dir { stats }`} {
		f.Add(s, "")
		f.Add(s, "B")
	}
	f.Fuzz(func(t *testing.T, doc, op string) {
		switch got := operationType(doc, op); got {
		case "", "query", "mutation", "subscription":
		default:
			t.Fatalf("operationType(%q, %q) = %q", doc, op, got)
		}
	})
}
