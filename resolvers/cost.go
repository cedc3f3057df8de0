package resolvers

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/policykb/policykb/schema"
)

// The cost of a query is a static estimate of how many fields it resolves,
// computed from the parsed document before anything runs:
//
//   - every selected field costs 1 (an alias is a field of its own: 900
//     aliases of one field cost 900 times as much as one), except a
//     top-level field or a field with arguments, which costs readCost (10):
//     each reads the knowledge base by itself (fields without arguments
//     below the top are read for all their siblings at once, except those
//     of ownReads, which read for each item);
//   - a list field multiplies the cost of its selection by its expected
//     length: its first argument when it has one (its default when not
//     given, capped by the maximum page size), else the page size of the
//     connection it belongs to (edges) or the top argument of the field
//     above it (words(top) { words }, keywords(top) { keywords }), else the
//     estimate of listEstimates for that field, else defaultListEstimate;
//     a list that takes the codes it lists (byCode(codes: [...])) is as long
//     as that list;
//   - introspection lists (__schema.types, __Type.fields, …) count what the
//     schema holds: its number of types, the average number of fields per
//     type, and so on;
//   - fragments count where they are spread;
//   - introspection fields (__schema, __type and everything below them)
//     cost 1 each and are summed apart: they are answered from memory,
//     and their allowance is twice the cost of GraphiQL's full
//     introspection query (introspection.graphql), so that it fits
//     however the schema grows, while 900 aliases of __schema do not.
//
// The handler refuses a query whose cost is over Options.MaxCost, or whose
// introspection is over its allowance, before it runs, with BAD_USER_INPUT
// giving the cost and the limit.
const (
	defaultListEstimate = 20
	readCost            = 10
)

//go:embed introspection.graphql
var introspectionQuery string

// listEstimates are the expected lengths of the lists that take no first
// argument, where they differ from defaultListEstimate. They are those of a
// study of the reference study's size (18 cities, 5 documents a city at
// most, 406 coded sentences): a query's cost is about its shape, and a
// list's real length grows with the data, which the page sizes and the
// request timeout bound.
var listEstimates = map[string]int{
	"Query.codebook":              4, // the layers
	"Query.cities":                20,
	"Query.citiesCiting":          20,
	"Code.children":               4,
	"Code.path":                   4, // a code and its ancestors: 4 levels at most
	"City.documents":              5,
	"Sentence.codings":            3,
	"CityCitation.documents":      5,
	"CityComparison.cities":       5,
	"ComparisonRow.cells":         5,
	"CityComparison.similarity":   10,
	"CodeAgreement.disagreements": 5,
	"Query.studies":               5,
	"Document.studies":            2,
	// PMC (pmc.go): the default model's nine primary variables, at most
	// six secondary variables each, four grade bands.
	"Query.pmcModels":            2,
	"PMCModel.variables":         9,
	"PMCModel.grades":            4,
	"PMCModel.frames":            2,
	"PMCVariable.secondary":      5,
	"PMCSecondaryVariable.codes": 3,
	"PMCDocument.variables":      9,
	"PMCDocument.surface":        3,
	"PMCPrimaryScore.secondary":  5,
	"PMC.means":                  9,
	"PMC.grades":                 4,
	"PMC.cities":                 20,
	"PMCCity.means":              9,
}

// ownReads are the fields below the top that read the knowledge base for
// each item of the list they are in even without arguments (not batched
// for their siblings): they cost readCost.
var ownReads = map[string]bool{"Study.stats": true, "Study.documents": true}

// levelLists are the lists of the codes of one level (the level argument of
// the field or of the nearest field above it that has one), whose length is
// that of levelEstimates.
var levelLists = map[string]bool{
	"Query.codes": true, "Query.counts": true, "City.profile": true, "Document.codes": true,
	"CityComparison.rows": true, "Matrix.rows": true, "Saturation.newCodes": true, "Agreement.byCode": true,
	"Study.codes": true,
}

// levelEstimates are the number of codes of each level, the reference
// study's rounded up (3 layers, 11 main categories, 27 categories, 89
// concepts); an unknown level counts as CONCEPT.
var levelEstimates = map[string]int{"LAYER": 4, "MAIN_CATEGORY": 12, "CATEGORY": 30, "CONCEPT": 90}

// recursionCaps bound lists that nest in themselves: a code's children are
// 3 levels deep at most (a layer's main categories, their categories, their
// concepts), so a fourth children inside children is empty.
var recursionCaps = map[string]int{"Code.children": 3}

// costModel estimates query costs against the schema.
type costModel struct {
	schema  *ast.Schema
	maxPage int
	lists   map[string]int // "Type.field" → expected length
	// maxIntrospection is twice the cost of a full introspection.
	maxIntrospection int64
}

// queryCost is a query's estimated cost: its data fields, and apart its
// introspection fields.
type queryCost struct{ data, introspection int64 }

func newCostModel(maxPage int) (*costModel, error) {
	s, err := gqlparser.LoadSchema(&ast.Source{Name: "schema", Input: schema.SDL()})
	if err != nil {
		return nil, fmt.Errorf("resolvers: cost model: load the schema: %w", err)
	}
	m := &costModel{schema: s, maxPage: maxPage, lists: map[string]int{}}
	for k, v := range listEstimates {
		m.lists[k] = v
	}
	m.introspectionSizes()
	m.maxIntrospection = 2 * m.cost(parseQuery(introspectionQuery, ""), nil).introspection
	return m, nil
}

// introspectionSizes sets the introspection lists' lengths from the
// schema: __schema.types is the number of types, and a type's fields,
// inputFields, enumValues, interfaces and possibleTypes are each the
// schema's total of them over its number of types (rounded up), so that
// their sum over all types is what the schema holds, whichever types have
// them; a field's args are the average over all fields.
func (m *costModel) introspectionSizes() {
	var fields, args, inputs, enums, ifaces, possible int
	for _, d := range m.schema.Types {
		switch d.Kind {
		case ast.Object, ast.Interface:
			fields += len(d.Fields)
			for _, f := range d.Fields {
				args += len(f.Arguments)
			}
			ifaces += len(d.Interfaces)
		case ast.InputObject:
			inputs += len(d.Fields)
		case ast.Enum:
			enums += len(d.EnumValues)
		case ast.Union:
			possible += len(d.Types)
		}
	}
	for _, impl := range m.schema.PossibleTypes {
		possible += len(impl)
	}
	dirArgs := 0
	for _, d := range m.schema.Directives {
		dirArgs += len(d.Arguments)
	}
	per := func(n, of int) int {
		if of == 0 {
			return 0
		}
		return (n + of - 1) / of
	}
	types := len(m.schema.Types)
	m.lists["__Schema.types"] = types
	m.lists["__Schema.directives"] = len(m.schema.Directives)
	m.lists["__Type.fields"] = per(fields, types)
	m.lists["__Type.inputFields"] = per(inputs, types)
	m.lists["__Type.enumValues"] = per(enums, types)
	m.lists["__Type.interfaces"] = per(ifaces, types)
	m.lists["__Type.possibleTypes"] = per(possible, types)
	m.lists["__Field.args"] = per(args, fields)
	m.lists["__Directive.args"] = per(dirArgs, len(m.schema.Directives))
}

// costCap keeps the arithmetic of absurd queries from overflowing.
const costCap = math.MaxInt64 / 4

// cost estimates the cost of the operation q selects. A document that does
// not parse, or names no such operation, costs nothing: graphql-go then
// reports the problem.
func (m *costModel) cost(q parsedQuery, vars map[string]any) queryCost {
	if q.op == nil {
		return queryCost{}
	}
	root := m.schema.Query
	switch q.op.Operation {
	case ast.Mutation:
		root = m.schema.Mutation
	case ast.Subscription:
		root = m.schema.Subscription
	}
	if root == nil {
		return queryCost{}
	}
	w := costWalk{m: m, doc: q.doc, vars: vars, op: q.op, spreading: map[string]bool{}, nesting: map[string]int{}}
	return w.selections(q.op.SelectionSet, root, 0, true)
}

type costWalk struct {
	m         *costModel
	doc       *ast.QueryDocument
	vars      map[string]any
	op        *ast.OperationDefinition
	spreading map[string]bool // fragments being spread (a cycle is invalid: stop)
	nesting   map[string]int  // recursive lists open on the current path
	level     string          // the level argument in force ("": none)
}

// selections is the cost of a selection set on the type def; page is the
// page size of the connection def belongs to (0: none), top says def is
// the operation's root type.
func (w *costWalk) selections(set ast.SelectionSet, def *ast.Definition, page int, top bool) queryCost {
	var total queryCost
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			total = total.add(w.field(s, def, page, top))
		case *ast.InlineFragment:
			on := def
			if s.TypeCondition != "" {
				if d := w.m.schema.Types[s.TypeCondition]; d != nil {
					on = d
				}
			}
			total = total.add(w.selections(s.SelectionSet, on, page, top))
		case *ast.FragmentSpread:
			f := w.doc.Fragments.ForName(s.Name)
			if f == nil || w.spreading[s.Name] {
				continue
			}
			on := def
			if d := w.m.schema.Types[f.TypeCondition]; d != nil {
				on = d
			}
			w.spreading[s.Name] = true
			total = total.add(w.selections(f.SelectionSet, on, page, top))
			delete(w.spreading, s.Name)
		}
	}
	return total
}

func (w *costWalk) field(f *ast.Field, parent *ast.Definition, page int, top bool) queryCost {
	introspection := strings.HasPrefix(f.Name, "__") || parent != nil && strings.HasPrefix(parent.Name, "__")
	own := queryCost{data: 1}
	switch {
	case introspection:
		own = queryCost{introspection: 1}
	case top || len(f.Arguments) > 0 || parent != nil && ownReads[parent.Name+"."+f.Name]:
		own = queryCost{data: readCost}
	}
	if parent == nil {
		return own
	}
	fd := parent.Fields.ForName(f.Name)
	if fd == nil || len(f.SelectionSet) == 0 {
		return own // a scalar, or unknown (validation refuses it)
	}
	child := w.m.schema.Types[fd.Type.Name()]
	first, hasFirst := w.first(f, fd)
	if a := levelArgument(f); a != nil {
		outer := w.level
		w.level = "CONCEPT"
		if v, ok := w.value(a.Value).(string); ok {
			w.level = v
		}
		defer func() { w.level = outer }()
	}
	// A top argument (words, keywords, coword) is the length of the lists
	// right below the field, as a connection's first is its edges'.
	topN, hasTop := w.sized(f, fd, "top")
	if fd.Type.Elem == nil {
		// An object: a connection passes its page size to its edges.
		childPage := 0
		switch {
		case hasFirst:
			childPage = first
		case hasTop:
			childPage = topN
		}
		return own.add(w.selections(f.SelectionSet, child, childPage, false))
	}
	key := parent.Name + "." + f.Name
	n, known := w.m.lists[key]
	switch {
	case hasFirst:
		n = first
	case page > 0:
		n = page
	case levelLists[key]:
		n = levelEstimates["CONCEPT"]
		if l, ok := levelEstimates[w.level]; ok {
			n = l
		}
	case !known:
		n = defaultListEstimate
	}
	if a := f.Arguments.ForName("codes"); a != nil {
		// byCode(codes: [...]), cooccurrence(codes: [...]): one item a code.
		if list, ok := w.value(a.Value).([]any); ok {
			n = len(list)
		}
	}
	if limit, ok := recursionCaps[key]; ok {
		if w.nesting[key] >= limit {
			n = 0
		}
		w.nesting[key]++
		defer func() { w.nesting[key]-- }()
	}
	return own.add(w.selections(f.SelectionSet, child, topN, false).times(int64(n)))
}

// levelArgument is the field's level argument (matrix calls it rows).
func levelArgument(f *ast.Field) *ast.Argument {
	if a := f.Arguments.ForName("level"); a != nil {
		return a
	}
	return f.Arguments.ForName("rows")
}

// first is the value of the field's first argument (given, from a variable,
// or the schema's default), capped by the maximum page size.
func (w *costWalk) first(f *ast.Field, fd *ast.FieldDefinition) (int, bool) {
	return w.sized(f, fd, "first")
}

// sized is the value of the field's argument called name (given, from a
// variable, or the schema's default), capped by the maximum page size; false
// when the field has no such argument.
func (w *costWalk) sized(f *ast.Field, fd *ast.FieldDefinition, name string) (int, bool) {
	ad := fd.Arguments.ForName(name)
	if ad == nil {
		return 0, false
	}
	var v any
	if a := f.Arguments.ForName(name); a != nil {
		v = w.value(a.Value)
	} else if ad.DefaultValue != nil {
		v = w.value(ad.DefaultValue)
	}
	n, ok := toInt(v)
	if !ok {
		n = w.m.maxPage // unknown: assume the worst the server allows
	}
	return min(max(n, 0), w.m.maxPage), true
}

// value resolves a literal or a variable (the request's value, else the
// variable's default).
func (w *costWalk) value(v *ast.Value) any {
	if v == nil {
		return nil
	}
	if v.Kind == ast.Variable {
		if x, ok := w.vars[v.Raw]; ok {
			return x
		}
		if vd := w.op.VariableDefinitions.ForName(v.Raw); vd != nil && vd.DefaultValue != nil {
			return w.value(vd.DefaultValue)
		}
		return nil
	}
	switch v.Kind {
	case ast.IntValue, ast.EnumValue, ast.StringValue:
		return v.Raw
	case ast.ListValue:
		list := make([]any, len(v.Children))
		for i, c := range v.Children {
			list[i] = w.value(c.Value)
		}
		return list
	}
	return nil
}

func toInt(v any) (int, bool) {
	switch x := v.(type) {
	case string:
		n, err := strconv.Atoi(x)
		return n, err == nil
	case float64:
		return int(x), x == math.Trunc(x)
	case int:
		return x, true
	case int64:
		return int(x), true
	case json.Number:
		n, err := strconv.Atoi(string(x))
		return n, err == nil
	}
	return 0, false
}

func (c queryCost) add(d queryCost) queryCost {
	return queryCost{addCost(c.data, d.data), addCost(c.introspection, d.introspection)}
}

func (c queryCost) times(n int64) queryCost {
	return queryCost{mulCost(n, c.data), mulCost(n, c.introspection)}
}

func addCost(a, b int64) int64 { return min(a+b, costCap) }

func mulCost(a, b int64) int64 {
	if a != 0 && b > costCap/a {
		return costCap
	}
	return a * b
}
