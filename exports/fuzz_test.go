package exports

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/policykb/policykb"
)

// FuzzParseRequest: any table name and query string give a request or a
// BAD_USER_INPUT error naming a parameter, never a panic; an accepted
// request, written back out as parameters, reads the same.
func FuzzParseRequest(f *testing.F) {
	for _, s := range []struct{ table, query string }{
		{"codings", "city=Linlan&city=溪川市,Tingyang&from=2023-01-01&to=2023-12-31"},
		{"counts", "level=main_category&province=Province+A&coder=alice"},
		{"matrix", "rows=LAYER&columns=year&measure=share&document=d1,d2"},
		{"Matrix", "rows=CONCEPT&columns=doc_type&measure=PRESENCE"},
		{"counts", "level=LAYER&level=CONCEPT"},
		{"counts", "rows=LAYER"},
		{"codings", "from=2024-01-01&to=2023-01-01"},
		{"codings", "city=%ZZ&nope=1"},
		{"pivot", ""},
	} {
		f.Add(s.table, s.query)
	}
	f.Fuzz(func(t *testing.T, table, query string) {
		q, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		req, err := ParseRequest(table, q)
		if err != nil {
			var pe *policykb.Error
			if code := policykb.ErrorCodeOf(err); code != policykb.EInvalid {
				t.Fatalf("ParseRequest(%q, %q): %v is %s, not BAD_USER_INPUT", table, query, err, code)
			}
			if errorsAs(err, &pe) && pe.Argument == "" {
				t.Fatalf("ParseRequest(%q, %q): %v names no parameter", table, query, err)
			}
			return
		}
		back, err := ParseRequest(string(req.Table), encodeRequest(req))
		if err != nil {
			t.Fatalf("%+v written out as %q is refused: %v", req, encodeRequest(req).Encode(), err)
		}
		if !reflect.DeepEqual(back, req) {
			t.Fatalf("round trip:\n got  %+v\n want %+v", back, req)
		}
	})
}

func errorsAs(err error, pe **policykb.Error) bool {
	e, ok := err.(*policykb.Error)
	if ok {
		*pe = e
	}
	return ok
}

// encodeRequest writes a request out as the parameters ParseRequest reads.
func encodeRequest(r Request) url.Values {
	q := url.Values{}
	switch r.Table {
	case Counts:
		q.Set("level", r.Level.String())
	case Matrix:
		q.Set("rows", r.Rows.String())
		q.Set("columns", r.Columns.String())
		q.Set("measure", r.Measure.String())
	}
	f := r.Filter
	for k, vs := range map[string][]string{"city": f.Cities, "province": f.Provinces, "document": f.Documents, "coder": f.Coders} {
		if len(vs) > 0 {
			q.Set(k, strings.Join(vs, ","))
		}
	}
	for k, d := range map[string]*time.Time{"from": f.IssuedFrom, "to": f.IssuedTo} {
		if d != nil {
			q.Set(k, d.Format(time.DateOnly))
		}
	}
	return q
}
