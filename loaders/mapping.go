package loaders

import (
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/policykb/policykb"
)

// A mapping file derives codes of a target frame from codes of a source frame:
//
//	id: sample-instruments
//	name: Sample study codes as policy instruments
//	description: ...           # optional
//	source: codebook           # the source frame's id
//	target: instruments        # the target frame's id
//	entries:                   # a source code at any level → a target code, with the reason
//	  - {code: cat-25, to: ins-supply-funds, reason: Fiscal support is direct fund input.}
//	  - {code: con-82, to: ins-demand-procurement, reason: ...}   # the concept's own entry wins over cat-25's
//	excluded:                  # source codes that derive nothing, with the reason
//	  - {code: main-1, reason: Guiding ideology states why, not a measure.}
//
// The derivation rule (most specific wins) is policykb.Mapping's contract.

var mappingKeys = "id, name, description, source, target, entries or excluded"

// ParseMapping reads a mapping file and checks it against the two frames it
// connects: known keys and fields; source and target naming the given
// frames' ids; every entry's code in the source frame and its target in the
// target frame; a reason on every entry and exclusion; no (code, target)
// twice; no code excluded twice or both mapped and excluded. It returns the
// mapping in file order, or a Problems error listing every problem found.
func ParseMapping(file string, data []byte, source, target policykb.Frame) (policykb.Mapping, error) {
	c := &collector{}
	m := parseMapping(file, data, source, target, c)
	if len(c.problems) > 0 {
		return policykb.Mapping{}, c.sorted()
	}
	return m, nil
}

func parseMapping(file string, data []byte, source, target policykb.Frame, c *collector) policykb.Mapping {
	var m policykb.Mapping
	root := yamlRoot(file, data, "a mapping with id, source, target and entries", c)
	if root == nil {
		return m
	}
	var entries, excluded *yaml.Node
	strs := map[string]*string{"id": &m.ID, "name": &m.Name, "description": &m.Description, "source": &m.Source, "target": &m.Target}
	lines := rootKeys(file, root, strs, map[string]**yaml.Node{"entries": &entries, "excluded": &excluded}, mappingKeys, c)
	if m.ID == "" {
		c.add(file, root.Line, "id", "missing: the mapping needs an id")
	}
	for _, side := range []struct {
		key, got string
		frame    policykb.Frame
	}{{"source", m.Source, source}, {"target", m.Target, target}} {
		switch {
		case side.got == "":
			c.add(file, root.Line, side.key, "missing: expected the id of the %s frame (%q)", side.key, side.frame.ID)
		case side.got != side.frame.ID:
			c.add(file, lines[side.key], side.key, "the mapping's %s frame is %q, but it is checked against frame %q", side.key, side.got, side.frame.ID)
		}
	}
	if entries == nil {
		c.add(file, root.Line, "entries", "missing: the mapping has no entries list")
		return m
	}
	inSource, inTarget := codeSet(source), codeSet(target)
	type pair struct{ code, to string }
	firstPair := map[pair]int{}
	mapped := map[string]int{}
	for _, n := range seqItems(file, "entries", entries, c) {
		fields := mapFields(file, "entries", n, []string{"code", "to", "reason"}, c)
		e := policykb.MappingEntry{Line: n.Line}
		e.Code, e.To, e.Reason = fields["code"].value, fields["to"].value, fields["reason"].value
		ok := requireField(file, n, fields, "code", "the source code to map", c)
		if ok && !inSource[e.Code] {
			c.add(file, fields["code"].line, "code", "unknown code %q: not in the source frame %q", e.Code, source.ID)
			ok = false
		}
		if requireField(file, n, fields, "to", "the target code", c) && !inTarget[e.To] {
			c.add(file, fields["to"].line, "to", "unknown code %q: not in the target frame %q", e.To, target.ID)
			ok = false
		}
		requireField(file, n, fields, "reason", "why the code is this target", c)
		if !ok || e.To == "" {
			continue
		}
		if first, dup := firstPair[pair{e.Code, e.To}]; dup {
			c.add(file, n.Line, "code", "%q → %q is mapped twice: also at line %d", e.Code, e.To, first)
			continue
		}
		firstPair[pair{e.Code, e.To}] = n.Line
		if _, seen := mapped[e.Code]; !seen {
			mapped[e.Code] = n.Line
		}
		m.Entries = append(m.Entries, e)
	}
	if excluded == nil {
		return m
	}
	firstExcl := map[string]int{}
	for _, n := range seqItems(file, "excluded", excluded, c) {
		fields := mapFields(file, "excluded", n, []string{"code", "reason"}, c)
		x := policykb.MappingExclusion{Code: fields["code"].value, Reason: fields["reason"].value, Line: n.Line}
		ok := requireField(file, n, fields, "code", "the source code that derives nothing", c)
		requireField(file, n, fields, "reason", "why it derives nothing", c)
		if !ok {
			continue
		}
		switch first, dup := firstExcl[x.Code]; {
		case !inSource[x.Code]:
			c.add(file, fields["code"].line, "code", "unknown code %q: not in the source frame %q", x.Code, source.ID)
		case dup:
			c.add(file, fields["code"].line, "code", "%q is excluded twice: also at line %d", x.Code, first)
		case mapped[x.Code] > 0:
			c.add(file, fields["code"].line, "code", "%q is both mapped (line %d) and excluded: keep one", x.Code, mapped[x.Code])
		default:
			firstExcl[x.Code] = n.Line
			m.Excluded = append(m.Excluded, x)
		}
	}
	return m
}

func codeSet(f policykb.Frame) map[string]bool {
	s := make(map[string]bool, len(f.Codes))
	for _, c := range f.Codes {
		s[c.ID] = true
	}
	return s
}

// field is a scalar value read from a YAML mapping, with its line.
type field struct {
	value string
	line  int
}

// seqItems returns the mapping items of a YAML list, reporting anything else.
func seqItems(file, key string, n *yaml.Node, c *collector) []*yaml.Node {
	if n.Kind != yaml.SequenceNode {
		c.addAt(file, n.Line, n.Column, key, "expected a list, found %s", kindName(n))
		return nil
	}
	var out []*yaml.Node
	for _, item := range n.Content {
		if item.Kind != yaml.MappingNode {
			c.addAt(file, item.Line, item.Column, key, "expected a mapping, found %s", kindName(item))
			continue
		}
		out = append(out, item)
	}
	return out
}

// mapFields reads the scalar fields of a YAML mapping, reporting unknown
// and non-scalar ones.
func mapFields(file, key string, n *yaml.Node, known []string, c *collector) map[string]field {
	out := map[string]field{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !slices.Contains(known, k.Value) {
			c.addAt(file, k.Line, k.Column, k.Value, "unknown field in %s: expected %s", key, strings.Join(known, ", "))
			continue
		}
		if s, ok := scalarString(file, k.Value, v, c); ok {
			out[k.Value] = field{strings.TrimSpace(s), v.Line}
		}
	}
	return out
}

// requireField reports a missing or empty field and says whether it is set.
func requireField(file string, n *yaml.Node, fields map[string]field, name, what string, c *collector) bool {
	if fields[name].value == "" {
		c.addAt(file, n.Line, n.Column, name, "missing or empty: expected %s", what)
		return false
	}
	return true
}
