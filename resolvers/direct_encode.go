package resolvers

import (
	"encoding/json"
	"math"
	"strconv"

	graphql "github.com/graph-gophers/graphql-go"

	"github.com/policykb/policykb"
)

// The writers of direct answers (direct.go). Each writes what graphql-go
// writes for the same selection: the fields in the order of the
// selection under their response keys, a value as graphql-go's
// json.Marshal of the resolver's value writes it (a string with the same
// escapes, a Float in the same notation), null for a null of a nullable
// field, [] for an empty list. The values come from the resolvers' own
// methods and fields, so that both ways answer the same.

// dwriter appends a direct answer; bad is set when a value is one
// graphql-go refuses (a NaN or an infinite Float, a level that is not one
// of the enum's), and the query then runs through graphql-go, which says
// so as it always has.
type dwriter struct {
	b   []byte
	bad bool
}

// encodeDirect appends the plan's selection of the root field's answer v
// to b.
func encodeDirect(b []byte, p *directPlan, v any) ([]byte, bool) {
	w := &dwriter{b: b}
	switch x := v.(type) {
	case []*citationResolver:
		items(w, x, p.sels, (*dwriter).citation)
	case []*codeCountResolver:
		items(w, x, p.sels, (*dwriter).codeCount)
	case []*codePairResolver:
		items(w, x, p.sels, (*dwriter).codePair)
	case *matrixResolver:
		w.matrix(x, p.sels)
	case *comparisonResolver:
		w.comparison(x, p.sels)
	case []*cityPair:
		items(w, x, p.sels, (*dwriter).cityPair)
	default:
		return b, false
	}
	return w.b, !w.bad
}

func (w *dwriter) comma(i int) {
	if i > 0 {
		w.b = append(w.b, ',')
	}
}

// field starts the i-th field of an object: a comma, then its key.
func (w *dwriter) field(i int, s dsel) {
	w.comma(i)
	w.b = append(w.b, '"')
	w.b = append(w.b, s.alias...)
	w.b = append(w.b, '"', ':')
}

// plain reports whether s needs no escape in JSON as encoding/json
// writes it (printable ASCII but for ", \, <, > and &).
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

func (w *dwriter) str(s string) {
	if plain(s) {
		w.b = append(append(append(w.b, '"'), s...), '"')
		return
	}
	out, _ := json.Marshal(s)
	w.b = append(w.b, out...)
}

func (w *dwriter) optStr(s *string) {
	if s == nil {
		w.b = append(w.b, "null"...)
		return
	}
	w.str(*s)
}

// id writes an ID as graphql-go does (graphql.ID's MarshalJSON, then
// encoding/json's escapes).
func (w *dwriter) id(s graphql.ID) {
	if plain(string(s)) {
		w.b = append(append(append(w.b, '"'), s...), '"')
		return
	}
	out, _ := json.Marshal(s)
	w.b = append(w.b, out...)
}

// levelNames are the values of the Level enum; graphql-go refuses any
// other (an error and a null), so a direct answer holding one is left to
// it.
var levelNames = func() map[string]bool {
	m := map[string]bool{}
	for _, l := range policykb.Levels {
		m[l.String()] = true
	}
	return m
}()

func (w *dwriter) level(s string) {
	if !levelNames[s] {
		w.bad = true
	}
	w.str(s)
}

func (w *dwriter) optLevel(s *string) {
	if s == nil {
		w.b = append(w.b, "null"...)
		return
	}
	w.level(*s)
}

func (w *dwriter) int(n int32) { w.b = strconv.AppendInt(w.b, int64(n), 10) }

func (w *dwriter) optInt(n *int32) {
	if n == nil {
		w.b = append(w.b, "null"...)
		return
	}
	w.int(*n)
}

// float writes f as encoding/json does.
func (w *dwriter) float(f float64) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		w.bad = true
		w.b = append(w.b, '0')
		return
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e15 && (f != 0 || !math.Signbit(f)) {
		// A whole number (counts, presences): the same digits.
		w.b = strconv.AppendInt(w.b, int64(f), 10)
		return
	}
	format := byte('f')
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		format = 'e'
	}
	w.b = strconv.AppendFloat(w.b, f, format, -1, 64)
	if format == 'e' {
		// 1e-07 is written 1e-7.
		if n := len(w.b); n >= 4 && w.b[n-4] == 'e' && w.b[n-3] == '-' && w.b[n-2] == '0' {
			w.b[n-2] = w.b[n-1]
			w.b = w.b[:n-1]
		}
	}
}

func (w *dwriter) floats(fs []float64) {
	w.b = append(w.b, '[')
	for i, f := range fs {
		w.comma(i)
		w.float(f)
	}
	w.b = append(w.b, ']')
}

func (w *dwriter) city(c *cityResolver, sels []dsel) {
	if c == nil {
		w.b = append(w.b, "null"...)
		return
	}
	w.b = append(w.b, '{')
	for i, s := range sels {
		w.field(i, s)
		switch s.name {
		case "__typename":
			w.str("City")
		case "name":
			w.str(c.Name)
		case "nameZh":
			w.optStr(c.NameZh())
		case "province":
			w.optStr(c.Province())
		}
	}
	w.b = append(w.b, '}')
}

func (w *dwriter) cities(cs []*cityResolver, sels []dsel) { items(w, cs, sels, (*dwriter).city) }

// items writes xs as an array, each item with write and the selection sels.
func items[T any](w *dwriter, xs []T, sels []dsel, write func(*dwriter, T, []dsel)) {
	w.b = append(w.b, '[')
	for i, x := range xs {
		w.comma(i)
		write(w, x, sels)
	}
	w.b = append(w.b, ']')
}

func (w *dwriter) code(c *codeResolver, sels []dsel) {
	if c == nil {
		w.b = append(w.b, "null"...)
		return
	}
	w.b = append(w.b, '{')
	for i, s := range sels {
		w.field(i, s)
		switch s.name {
		case "__typename":
			w.str("Code")
		case "id":
			w.id(c.ID)
		case "level":
			w.level(c.Level())
		case "number":
			w.optInt(c.Number())
		case "name":
			w.str(c.Name)
		case "nameZh":
			w.optStr(c.NameZh())
		case "source":
			w.optStr(c.Source())
		}
	}
	w.b = append(w.b, '}')
}

func (w *dwriter) citation(c *citationResolver, sels []dsel) {
	w.b = append(w.b, '{')
	for i, s := range sels {
		w.field(i, s)
		switch s.name {
		case "__typename":
			w.str("CityCitation")
		case "city":
			w.city(c.City, s.sub)
		case "referencePoints":
			w.int(c.ReferencePoints)
		case "materialSources":
			w.int(c.MaterialSources)
		}
	}
	w.b = append(w.b, '}')
}

func (w *dwriter) codeCount(c *codeCountResolver, sels []dsel) {
	w.b = append(w.b, '{')
	for i, s := range sels {
		w.field(i, s)
		switch s.name {
		case "__typename":
			w.str("CodeCount")
		case "code":
			w.code(c.Code, s.sub)
		case "referencePoints":
			w.int(c.ReferencePoints)
		case "materialSources":
			w.int(c.MaterialSources)
		}
	}
	w.b = append(w.b, '}')
}

func (w *dwriter) codePair(c *codePairResolver, sels []dsel) {
	w.b = append(w.b, '{')
	for i, s := range sels {
		w.field(i, s)
		switch s.name {
		case "__typename":
			w.str("CodePair")
		case "a":
			w.code(c.A(), s.sub)
		case "b":
			w.code(c.B(), s.sub)
		case "count":
			w.int(c.Count())
		case "countA":
			w.int(c.CountA())
		case "countB":
			w.int(c.CountB())
		case "cCoefficient":
			w.float(c.CCoefficient())
		}
	}
	w.b = append(w.b, '}')
}

func (w *dwriter) matrix(m *matrixResolver, sels []dsel) {
	w.b = append(w.b, '{')
	for i, s := range sels {
		w.field(i, s)
		switch s.name {
		case "__typename":
			w.str("Matrix")
		case "rows":
			items(w, m.Rows(), s.sub, (*dwriter).code)
		case "columns":
			w.b = append(w.b, '[')
			for j, c := range m.Columns() {
				w.comma(j)
				w.str(c)
			}
			w.b = append(w.b, ']')
		case "cells":
			w.b = append(w.b, '[')
			for j, row := range m.Cells() {
				w.comma(j)
				w.floats(row)
			}
			w.b = append(w.b, ']')
		case "rowTotals":
			w.floats(m.RowTotals())
		case "columnTotals":
			w.floats(m.ColumnTotals())
		}
	}
	w.b = append(w.b, '}')
}

func (w *dwriter) comparison(c *comparisonResolver, sels []dsel) {
	w.b = append(w.b, '{')
	for i, s := range sels {
		w.field(i, s)
		switch s.name {
		case "__typename":
			w.str("CityComparison")
		case "level":
			w.optLevel(c.Level())
		case "frame":
			w.id(c.Frame())
		case "frameLevel":
			w.str(c.FrameLevel())
		case "cities":
			w.cities(c.Cities(), s.sub)
		case "rows":
			items(w, c.Rows(), s.sub, (*dwriter).comparisonRow)
		case "similarity":
			items(w, c.Similarity(), s.sub, (*dwriter).cityPair)
		}
	}
	w.b = append(w.b, '}')
}

func (w *dwriter) comparisonRow(r *comparisonRow, sels []dsel) {
	w.b = append(w.b, '{')
	for i, s := range sels {
		w.field(i, s)
		switch s.name {
		case "__typename":
			w.str("ComparisonRow")
		case "code":
			w.code(r.Code(), s.sub)
		case "cells":
			items(w, r.Cells(), s.sub, (*dwriter).comparisonCell)
		}
	}
	w.b = append(w.b, '}')
}

func (w *dwriter) comparisonCell(c *comparisonCell, sels []dsel) {
	w.b = append(w.b, '{')
	for i, s := range sels {
		w.field(i, s)
		switch s.name {
		case "__typename":
			w.str("ComparisonCell")
		case "city":
			w.city(c.City(), s.sub)
		case "referencePoints":
			w.int(c.ReferencePoints())
		case "materialSources":
			w.int(c.MaterialSources())
		case "share":
			w.float(c.Share())
		}
	}
	w.b = append(w.b, '}')
}

func (w *dwriter) cityPair(p *cityPair, sels []dsel) {
	w.b = append(w.b, '{')
	for i, s := range sels {
		w.field(i, s)
		switch s.name {
		case "__typename":
			w.str("CityPair")
		case "a":
			w.city(p.A(), s.sub)
		case "b":
			w.city(p.B(), s.sub)
		case "cosine":
			w.float(p.Cosine())
		}
	}
	w.b = append(w.b, '}')
}
