package loaders

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/policykb/policykb"
)

// A PMC model file:
//
//	id: default
//	name: ...                  # nameZh, source optional
//	grades:                    # [min, max); the top band includes its max
//	  - {name: perfect, nameZh: 完美, min: 8, max: 9}
//	  - ...
//	variables:                 # primary variables X1…Xn
//	  - id: X1
//	    name: Policy nature
//	    secondary:             # each with exactly one of codings, attribute, manual
//	      - {id: X1:1, name: Prediction, codings: {codes: [main-3], atLeast: 1}}
//	      - {id: X2:1, name: Long term, attribute: {name: horizonYears, min: 5}}
//	      - {id: X3:1, name: Government, attribute: {name: issuerLevel, in: [government]}}
//	      - {id: X9:1, name: Published, manual: what the reader checks}
//
// A manual-scores CSV has the columns document, variable, score, note.

var (
	modelKeys     = "id, name, nameZh, description, source, grades or variables"
	variableKeys  = []string{"id", "name", "nameZh", "secondary"}
	secondaryKeys = []string{"id", "name", "nameZh", "description", "codings", "attribute", "manual"}
	gradeKeys     = []string{"name", "nameZh", "min", "max"}
)

// ParsePMCModel reads a PMC model file and checks it against the frames
// whose codes its codings rules name: known keys; unique variable ids; at
// least one secondary per primary variable; exactly one rule per secondary;
// codes that exist in exactly one of the frames; known attributes, with
// values they take and bounds only on numeric ones; atLeast ≥ 1; grade
// bands that cover 0 to the number of primary variables without gaps or
// overlaps. Grades are returned sorted by Min. Every problem found is
// returned in a Problems error with its file, line and field.
func ParsePMCModel(file string, data []byte, frames ...policykb.Frame) (policykb.PMCModel, error) {
	c := &collector{}
	m := parsePMCModel(file, data, frames, c)
	if len(c.problems) > 0 {
		return policykb.PMCModel{}, c.sorted()
	}
	return m, nil
}

func parsePMCModel(file string, data []byte, frames []policykb.Frame, c *collector) policykb.PMCModel {
	var m policykb.PMCModel
	root := yamlRoot(file, data, "a mapping with id, grades and variables", c)
	if root == nil {
		return m
	}
	var grades, vars *yaml.Node
	strs := map[string]*string{"id": &m.ID, "name": &m.Name, "nameZh": &m.NameZh, "source": &m.Source, "description": &m.Description}
	rootKeys(file, root, strs, map[string]**yaml.Node{"grades": &grades, "variables": &vars}, modelKeys, c)
	if m.ID == "" {
		c.add(file, root.Line, "id", "missing: the model needs an id")
	}
	if vars == nil {
		c.add(file, root.Line, "variables", "missing: expected the list of primary variables X1…Xn")
		return m
	}
	codes := frameCodes(frames)
	seen := map[string]int{}
	dupID := func(id string, line int) bool {
		if first, dup := seen[id]; dup {
			c.add(file, line, "id", "duplicate variable id %q: also at line %d", id, first)
			return true
		}
		seen[id] = line
		return false
	}
	for _, vn := range seqItems(file, "variables", vars, c) {
		var v policykb.PMCVariable
		var sec *yaml.Node
		for i := 0; i+1 < len(vn.Content); i += 2 {
			k, val := vn.Content[i], vn.Content[i+1]
			switch k.Value {
			case "secondary":
				sec = val
			case "id", "name", "nameZh":
				s, _ := scalarString(file, k.Value, val, c)
				*map[string]*string{"id": &v.ID, "name": &v.Name, "nameZh": &v.NameZh}[k.Value] = strings.TrimSpace(s)
			default:
				c.addAt(file, k.Line, k.Column, k.Value, "unknown field in a variable: expected %s", strings.Join(variableKeys, ", "))
			}
		}
		if v.ID == "" {
			c.addAt(file, vn.Line, vn.Column, "id", "missing: every primary variable needs an id (X1, X2, ...)")
			continue
		}
		if dupID(v.ID, vn.Line) {
			continue
		}
		if sec == nil || (sec.Kind == yaml.SequenceNode && len(sec.Content) == 0) {
			c.addAt(file, vn.Line, vn.Column, "secondary", "missing or empty for %s: a primary variable is the mean of its secondary variables, so it needs at least one", v.ID)
		} else {
			for _, sn := range seqItems(file, "secondary", sec, c) {
				s, ok := parseSecondary(file, sn, codes, c)
				if s.ID != "" && !dupID(s.ID, sn.Line) && ok {
					v.Secondary = append(v.Secondary, s)
				}
			}
		}
		m.Variables = append(m.Variables, v)
	}
	if len(m.Variables) == 0 {
		c.addAt(file, vars.Line, vars.Column, "variables", "empty: expected at least one primary variable")
		return m
	}
	if grades == nil {
		c.add(file, root.Line, "grades", "missing: expected grade bands covering 0 to %d", len(m.Variables))
		return m
	}
	m.Grades = parseGrades(file, grades, len(m.Variables), c)
	return m
}

// frameCodes maps each code id to the ids of the frames that hold it.
func frameCodes(frames []policykb.Frame) map[string][]string {
	out := map[string][]string{}
	for _, f := range frames {
		for _, code := range f.Codes {
			out[code.ID] = append(out[code.ID], f.ID)
		}
	}
	return out
}

func parseSecondary(file string, n *yaml.Node, codes map[string][]string, c *collector) (policykb.PMCSecondary, bool) {
	s := policykb.PMCSecondary{Line: n.Line}
	var rules []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "id", "name", "nameZh", "description":
			str, _ := scalarString(file, k.Value, v, c)
			*map[string]*string{"id": &s.ID, "name": &s.Name, "nameZh": &s.NameZh, "description": &s.Description}[k.Value] = strings.TrimSpace(str)
		case "codings", "attribute", "manual":
			rules = append(rules, k, v)
		default:
			c.addAt(file, k.Line, k.Column, k.Value, "unknown field in a secondary variable: expected %s", strings.Join(secondaryKeys, ", "))
		}
	}
	if s.ID == "" {
		c.addAt(file, n.Line, n.Column, "id", "missing: every secondary variable needs an id (X1:1, ...)")
		return s, false
	}
	switch len(rules) {
	case 0:
		c.addAt(file, n.Line, n.Column, "codings", "missing for %s: expected exactly one of codings, attribute or manual", s.ID)
		return s, false
	case 2:
	default:
		c.addAt(file, rules[2].Line, rules[2].Column, rules[2].Value, "%s has both %s and %s: expected exactly one scoring rule", s.ID, rules[0].Value, rules[2].Value)
		return s, false
	}
	k, v := rules[0], rules[1]
	ok := true
	switch k.Value {
	case "manual":
		str, isStr := scalarString(file, "manual", v, c)
		s.Rule = policykb.PMCRule{Kind: policykb.RuleManual, Manual: strings.TrimSpace(str)}
		if isStr && s.Rule.Manual == "" {
			c.addAt(file, v.Line, v.Column, "manual", "empty for %s: expected what the reader checks", s.ID)
			ok = false
		}
		ok = ok && isStr
	case "codings":
		s.Rule, ok = parseCodingsRule(file, s.ID, v, codes, c)
	case "attribute":
		s.Rule, ok = parseAttributeRule(file, s.ID, v, c)
	}
	if s.Name == "" {
		c.addAt(file, n.Line, n.Column, "name", "empty for %s: every variable needs a name", s.ID)
		ok = false
	}
	return s, ok
}

func parseCodingsRule(file, id string, n *yaml.Node, codes map[string][]string, c *collector) (policykb.PMCRule, bool) {
	r := policykb.PMCRule{Kind: policykb.RuleCodings, AtLeast: 1}
	if n.Kind != yaml.MappingNode {
		c.addAt(file, n.Line, n.Column, "codings", "expected {codes: [...], atLeast: k} for %s, found %s", id, kindName(n))
		return r, false
	}
	ok, hasCodes := true, false
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "codes":
			hasCodes = true
			if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
				c.addAt(file, v.Line, v.Column, "codes", "expected a non-empty list of code ids for %s, found %s", id, kindName(v))
				ok = false
				continue
			}
			for _, cn := range v.Content {
				code, isStr := scalarString(file, "codes", cn, c)
				code = strings.TrimSpace(code)
				switch in := codes[code]; {
				case !isStr:
					ok = false
				case len(in) == 0:
					c.addAt(file, cn.Line, cn.Column, "codes", "unknown code %q in %s: not in the frames %s", code, id, strings.Join(frameIDs(codes), ", "))
					ok = false
				case len(in) > 1:
					c.addAt(file, cn.Line, cn.Column, "codes", "code %q in %s is in frames %s: ids must be unique across the frames a model uses", code, id, strings.Join(in, " and "))
					ok = false
				default:
					r.Codes = append(r.Codes, code)
				}
			}
		case "atLeast":
			k, err := strconv.Atoi(v.Value)
			if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!int" || err != nil || k < 1 {
				c.addAt(file, v.Line, v.Column, "atLeast", "expected a whole number from 1 for %s, found %s", id, kindName(v))
				ok = false
				continue
			}
			r.AtLeast = k
		default:
			c.addAt(file, k.Line, k.Column, k.Value, "unknown field in codings: expected codes or atLeast")
			ok = false
		}
	}
	if !hasCodes {
		c.addAt(file, n.Line, n.Column, "codes", "missing for %s: expected the codes whose sentences count", id)
		ok = false
	}
	return r, ok
}

// frameIDs lists the frames known to a model check, for messages.
func frameIDs(codes map[string][]string) []string {
	var ids []string
	for _, in := range codes {
		for _, f := range in {
			if !slices.Contains(ids, f) {
				ids = append(ids, f)
			}
		}
	}
	slices.Sort(ids)
	if len(ids) == 0 {
		return []string{"(none given)"}
	}
	return ids
}

func attributeNames() string {
	names := make([]string, len(policykb.PMCAttributes))
	for i, a := range policykb.PMCAttributes {
		names[i] = a.Name
	}
	return strings.Join(names, ", ")
}

func parseAttributeRule(file, id string, n *yaml.Node, c *collector) (policykb.PMCRule, bool) {
	r := policykb.PMCRule{Kind: policykb.RuleAttribute}
	if n.Kind != yaml.MappingNode {
		c.addAt(file, n.Line, n.Column, "attribute", "expected {name: ..., in: [...]} or {name: ..., min: a, max: b} for %s, found %s", id, kindName(n))
		return r, false
	}
	ok := true
	var attr *policykb.PMCAttribute
	var nameNode, inNode *yaml.Node
	bounds := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "name":
			nameNode = v
			s, isStr := scalarString(file, "name", v, c)
			r.Attribute = strings.TrimSpace(s)
			for j := range policykb.PMCAttributes {
				if policykb.PMCAttributes[j].Name == r.Attribute {
					attr = &policykb.PMCAttributes[j]
				}
			}
			if isStr && attr == nil {
				c.addAt(file, v.Line, v.Column, "name", "unknown attribute %q in %s: expected %s", r.Attribute, id, attributeNames())
			}
			ok = ok && attr != nil
		case "in":
			inNode = v
		case "min", "max":
			bounds[k.Value] = v
		default:
			c.addAt(file, k.Line, k.Column, k.Value, "unknown field in attribute: expected name, in, min or max")
			ok = false
		}
	}
	if nameNode == nil {
		c.addAt(file, n.Line, n.Column, "name", "missing for %s: expected an attribute (%s)", id, attributeNames())
		return r, false
	}
	if inNode == nil && len(bounds) == 0 {
		c.addAt(file, n.Line, n.Column, "in", "missing for %s: expected in (the values that score 1) or min/max", id)
		ok = false
	}
	if inNode != nil {
		if inNode.Kind != yaml.SequenceNode || len(inNode.Content) == 0 {
			c.addAt(file, inNode.Line, inNode.Column, "in", "expected a non-empty list of values for %s, found %s", id, kindName(inNode))
			ok = false
		} else {
			for _, vn := range inNode.Content {
				s, isStr := scalarString(file, "in", vn, c)
				s = strings.TrimSpace(s)
				if isStr && attr != nil && attr.Values != nil && !slices.Contains(attr.Values, s) {
					c.addAt(file, vn.Line, vn.Column, "in", "%s never takes the value %q: expected one of %s", attr.Name, s, strings.Join(attr.Values, ", "))
					ok = false
				}
				r.In = append(r.In, s)
			}
		}
	}
	for _, key := range []string{"min", "max"} {
		v := bounds[key]
		if v == nil {
			continue
		}
		if attr != nil && !attr.Numeric {
			c.addAt(file, v.Line, v.Column, key, "%s is not a number: use in with its values", attr.Name)
			ok = false
			continue
		}
		x, isNum := yamlNumber(v)
		if !isNum {
			c.addAt(file, v.Line, v.Column, key, "expected a number for %s, found %s", id, kindName(v))
			ok = false
			continue
		}
		if key == "min" {
			r.Min = &x
		} else {
			r.Max = &x
		}
	}
	if r.Min != nil && r.Max != nil && *r.Min > *r.Max {
		c.addAt(file, bounds["max"].Line, bounds["max"].Column, "max", "%v is below min %v in %s: nothing would score 1", *r.Max, *r.Min, id)
		ok = false
	}
	return r, ok
}

func yamlNumber(v *yaml.Node) (float64, bool) {
	if v.Kind != yaml.ScalarNode || (v.ShortTag() != "!!int" && v.ShortTag() != "!!float") {
		return 0, false
	}
	x, err := strconv.ParseFloat(v.Value, 64)
	return x, err == nil
}

type gradeAt struct {
	policykb.PMCGrade
	line int
}

// parseGrades reads the bands and checks that, sorted by min, they tile
// [0, n]: each band's max is the next band's min.
func parseGrades(file string, n *yaml.Node, top int, c *collector) []policykb.PMCGrade {
	var gs []gradeAt
	ok := true
	for _, gn := range seqItems(file, "grades", n, c) {
		g := gradeAt{line: gn.Line}
		has := map[string]bool{}
		for i := 0; i+1 < len(gn.Content); i += 2 {
			k, v := gn.Content[i], gn.Content[i+1]
			has[k.Value] = true
			switch k.Value {
			case "name", "nameZh":
				s, _ := scalarString(file, k.Value, v, c)
				*map[string]*string{"name": &g.Name, "nameZh": &g.NameZh}[k.Value] = strings.TrimSpace(s)
			case "min", "max":
				x, isNum := yamlNumber(v)
				if !isNum || x < 0 {
					c.addAt(file, v.Line, v.Column, k.Value, "expected a number from 0, found %s", kindName(v))
					ok = false
				}
				*map[string]*float64{"min": &g.Min, "max": &g.Max}[k.Value] = x
			default:
				c.addAt(file, k.Line, k.Column, k.Value, "unknown field in a grade: expected %s", strings.Join(gradeKeys, ", "))
			}
		}
		for _, req := range []string{"name", "min", "max"} {
			if !has[req] {
				c.addAt(file, gn.Line, gn.Column, req, "missing: every grade needs name, min and max")
				ok = false
			}
		}
		if has["min"] && has["max"] && g.Min >= g.Max {
			c.addAt(file, gn.Line, gn.Column, "max", "grade %q: max %v must be above min %v", g.Name, g.Max, g.Min)
			ok = false
		}
		gs = append(gs, g)
	}
	if !ok || len(gs) == 0 {
		if ok {
			c.addAt(file, n.Line, n.Column, "grades", "empty: expected bands covering 0 to %d", top)
		}
		return nil
	}
	slices.SortStableFunc(gs, func(a, b gradeAt) int { return cmp.Compare(a.Min, b.Min) })
	if gs[0].Min != 0 {
		c.add(file, gs[0].line, "min", "gap: no grade covers [0, %v); the lowest band must start at 0", gs[0].Min)
	}
	for i := 1; i < len(gs); i++ {
		a, b := gs[i-1], gs[i]
		switch {
		case a.Max < b.Min:
			c.add(file, b.line, "min", "gap: no grade covers [%v, %v) between %q (line %d) and %q", a.Max, b.Min, a.Name, a.line, b.Name)
		case a.Max > b.Min:
			c.add(file, b.line, "min", "overlap: %q (line %d) and %q both cover [%v, %v); a band's max must be the next band's min", a.Name, a.line, b.Name, b.Min, min(a.Max, b.Max))
		}
	}
	if last := gs[len(gs)-1]; last.Max != float64(top) {
		c.add(file, last.line, "max", "the highest band ends at %v, but the PMC of %d primary variables reaches %d: expected max %d", last.Max, top, top, top)
	}
	out := make([]policykb.PMCGrade, len(gs))
	for i, g := range gs {
		out[i] = g.PMCGrade
	}
	return out
}

var manualColumns = columns{
	known:    []string{"document", "variable", "score", "note"},
	required: []string{"document", "variable", "score", "note"},
}

// ParseManualScores reads a manual-scores CSV (document, variable, score,
// note) for a model: every variable must be one of the model's secondary
// variables scored manually, every score 0 or 1, every note non-empty (it
// is the evidence), no (document, variable) twice. When documents is not
// nil, every document must be one of them and every one of them needs a
// score on every manual variable. Every problem found is returned in a
// Problems error.
func ParseManualScores(file string, data []byte, model policykb.PMCModel, documents []string) ([]policykb.ManualScore, error) {
	c := &collector{}
	t, ok := readTable(file, data, manualColumns, c)
	if !ok {
		return nil, c.sorted()
	}
	kinds := map[string]policykb.PMCRuleKind{}
	var manual []string
	for _, v := range model.Variables {
		for _, s := range v.Secondary {
			kinds[s.ID] = s.Rule.Kind
			if s.Rule.Kind == policykb.RuleManual {
				manual = append(manual, s.ID)
			}
		}
	}
	type key struct{ doc, variable string }
	first := map[key]int{}
	var out []policykb.ManualScore
	for _, r := range t.rows {
		s := policykb.ManualScore{Document: t.get(r, "document"), Variable: t.get(r, "variable"), Note: t.get(r, "note"), Line: r.line}
		good := true
		switch {
		case s.Document == "":
			c.add(file, r.line, "document", "empty: expected a document id")
			good = false
		case documents != nil && !slices.Contains(documents, s.Document):
			c.add(file, r.line, "document", "unknown document %q", s.Document)
			good = false
		}
		switch kind, known := kinds[s.Variable]; {
		case !known:
			c.add(file, r.line, "variable", "unknown variable %q: expected a secondary variable of model %q scored manually (%s)", s.Variable, model.ID, strings.Join(manual, ", "))
			good = false
		case kind != policykb.RuleManual:
			c.add(file, r.line, "variable", "%s is scored by its %s rule, not manually", s.Variable, kind)
			good = false
		}
		switch v := t.get(r, "score"); v {
		case "0", "1":
			s.Score = int(v[0] - '0')
		default:
			c.add(file, r.line, "score", "%q: expected 0 or 1", v)
			good = false
		}
		if s.Note == "" {
			c.add(file, r.line, "note", "empty: the note is the evidence for the score; say what was found or not found")
			good = false
		}
		if !good {
			continue
		}
		k := key{s.Document, s.Variable}
		if l, dup := first[k]; dup {
			c.add(file, r.line, "variable", "document %s, %s scored twice: also on line %d", s.Document, s.Variable, l)
			continue
		}
		first[k] = r.line
		out = append(out, s)
	}
	if documents != nil && len(c.problems) == 0 {
		for _, d := range documents {
			for _, v := range manual {
				if _, has := first[key{d, v}]; !has {
					c.add(file, 0, "", "missing: no score for document %s, variable %s", d, v)
				}
			}
		}
	}
	if len(c.problems) > 0 {
		return nil, c.sorted()
	}
	return out, nil
}
