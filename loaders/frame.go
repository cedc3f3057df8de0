package loaders

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/policykb/policykb"
)

// A frame file is the codebook format with levels named by the file:
//
//	id: instruments            # the frame's id (required when levels are given)
//	name: Policy instruments
//	nameZh: 政策工具             # optional, as are description and source
//	levels:                    # from the root down
//	  - {id: TYPE, name: Instrument type, nameZh: 工具类型}
//	  - {id: TOOL, name: Instrument}
//	codes:                     # flat, each code naming its parent one level up
//	  - {id: ins-supply, level: TYPE, name: Supply-side, nameZh: 供给型}
//	  - {id: ins-supply-talent, level: TOOL, parent: ins-supply, name: Talent cultivation, definition: ...}
//
// Without levels the file is a grounded-theory codebook: levels LAYER,
// MAIN_CATEGORY, CATEGORY, CONCEPT and, unless given, id "codebook". A code
// names its level by the level's id or name, case-insensitively, with spaces
// or dashes for underscores.

var frameKeys = "id, name, nameZh, description, source, levels or codes"

var frameCodeFields = map[string]bool{"id": true, "level": true, "parent": true, "number": true, "name": true,
	"nameZh": true, "definition": true, "source": true}

// frameEntry is a frame code as read, with where its parts were.
type frameEntry struct {
	code       policykb.FrameCode
	depth      int // index of its level; -1 when the level is missing or unknown (reported)
	line       int
	idLine     int
	parentLine int
}

// ParseFrame reads a frame file (see the format above) and checks it: known
// keys, unique level and code ids, known levels, parents that exist exactly
// one level up, no cycles, a name on every code. It returns the frame with
// its codes in tree order, or a Problems error naming file, line, field and
// what was expected for every problem found.
func ParseFrame(file string, data []byte) (policykb.Frame, error) {
	c := &collector{}
	f := parseFrame(file, data, c)
	if len(c.problems) > 0 {
		return policykb.Frame{}, c.sorted()
	}
	return f, nil
}

func parseFrame(file string, data []byte, c *collector) policykb.Frame {
	var f policykb.Frame
	root := yamlRoot(file, data, "a mapping with id, name, levels and codes", c)
	if root == nil {
		return f
	}
	var levels, codes *yaml.Node
	strs := map[string]*string{"id": &f.ID, "name": &f.Name, "nameZh": &f.NameZh, "description": &f.Description, "source": &f.Source}
	rootKeys(file, root, strs, map[string]**yaml.Node{"levels": &levels, "codes": &codes}, frameKeys, c)
	if levels == nil {
		for _, l := range policykb.Levels {
			f.Levels = append(f.Levels, policykb.FrameLevel{ID: l.String(), Name: l.Label()})
		}
		if f.ID == "" {
			f.ID = policykb.CodebookFrameID
		}
	} else {
		f.Levels = parseLevels(file, levels, c)
		if f.ID == "" {
			c.add(file, root.Line, "id", "missing: a frame with levels needs an id (e.g. id: instruments)")
		}
	}
	if codes == nil {
		c.add(file, root.Line, "codes", "missing: the frame has no codes list")
		return f
	}
	entries := parseFrameCodes(file, codes, f.Levels, c)
	f.Codes = checkFrame(file, entries, f.Levels, c)
	return f
}

// yamlRoot parses data and returns its top-level mapping, or nil after
// reporting why there is none; want describes the expected mapping.
// rootKeys reads the keys of a file's top-level mapping: the text ones
// named in strs into their strings (trimmed), the ones named in nodes into
// their nodes; any other key is a problem naming the expected ones. It
// returns the line of each key.
func rootKeys(file string, root *yaml.Node, strs map[string]*string, nodes map[string]**yaml.Node, expected string, c *collector) map[string]int {
	lines := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		lines[k.Value] = k.Line
		if p, ok := strs[k.Value]; ok {
			s, _ := scalarString(file, k.Value, v, c)
			*p = strings.TrimSpace(s)
		} else if n, ok := nodes[k.Value]; ok {
			*n = v
		} else {
			c.addAt(file, k.Line, k.Column, k.Value, "unknown key: expected %s", expected)
		}
	}
	return lines
}

func yamlRoot(file string, data []byte, want string, c *collector) *yaml.Node {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		msg, line := err.Error(), 0
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = m[2]
		} else {
			msg = strings.TrimPrefix(msg, "yaml: ")
		}
		c.add(file, line, "", "invalid YAML: %s", msg)
		return nil
	}
	if len(doc.Content) == 0 || (doc.Content[0].Kind == yaml.ScalarNode && doc.Content[0].Tag == "!!null" && doc.Content[0].Value == "") {
		// No document, or one that is only "---" or comments.
		c.add(file, 0, "", "the file is empty: expected %s", want)
		return nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		c.addAt(file, root.Line, root.Column, "", "expected %s, found %s", want, kindName(root))
		return nil
	}
	return root
}

// normLevel folds a level spelling for comparison: upper case, spaces and
// dashes as underscores.
func normLevel(s string) string {
	return strings.ToUpper(strings.NewReplacer(" ", "_", "-", "_").Replace(strings.TrimSpace(s)))
}

func parseLevels(file string, n *yaml.Node, c *collector) []policykb.FrameLevel {
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		c.addAt(file, n.Line, n.Column, "levels", "expected a list of levels from the root down (each with id and name), found %s", kindName(n))
		return nil
	}
	var out []policykb.FrameLevel
	seen := map[string]int{}
	for _, ln := range n.Content {
		if ln.Kind != yaml.MappingNode {
			c.addAt(file, ln.Line, ln.Column, "levels", "expected a level (a mapping with id and name), found %s", kindName(ln))
			continue
		}
		var l policykb.FrameLevel
		for i := 0; i+1 < len(ln.Content); i += 2 {
			k, v := ln.Content[i], ln.Content[i+1]
			s, ok := scalarString(file, k.Value, v, c)
			s = strings.TrimSpace(s)
			switch {
			case k.Value == "id" && ok:
				l.ID = s
			case k.Value == "name" && ok:
				l.Name = s
			case k.Value == "nameZh" && ok:
				l.NameZh = s
			case k.Value != "id" && k.Value != "name" && k.Value != "nameZh":
				c.addAt(file, k.Line, k.Column, k.Value, "unknown field: expected id, name or nameZh")
			}
		}
		if l.ID == "" {
			c.addAt(file, ln.Line, ln.Column, "id", "missing: every level needs an id (e.g. TYPE)")
			continue
		}
		if first, dup := seen[normLevel(l.ID)]; dup {
			c.addAt(file, ln.Line, ln.Column, "id", "duplicate level %q: also defined at line %d", l.ID, first)
			continue
		}
		seen[normLevel(l.ID)] = ln.Line
		if l.Name == "" {
			l.Name = l.ID
		}
		out = append(out, l)
	}
	return out
}

// levelIndex returns the index of the level a code names, or -1.
func levelIndex(levels []policykb.FrameLevel, s string) int {
	n := normLevel(s)
	for i, l := range levels {
		if n == normLevel(l.ID) || n == normLevel(l.Name) {
			return i
		}
	}
	return -1
}

func levelList(levels []policykb.FrameLevel) string {
	ids := make([]string, len(levels))
	for i, l := range levels {
		ids[i] = l.ID
	}
	return strings.Join(ids, ", ")
}

func parseFrameCodes(file string, n *yaml.Node, levels []policykb.FrameLevel, c *collector) []frameEntry {
	if n.Kind != yaml.SequenceNode {
		c.addAt(file, n.Line, n.Column, "codes", "expected a list of codes, found %s", kindName(n))
		return nil
	}
	if len(n.Content) == 0 {
		c.addAt(file, n.Line, n.Column, "codes", "the list is empty")
	}
	var out []frameEntry
	for _, cn := range n.Content {
		if cn.Kind != yaml.MappingNode {
			c.addAt(file, cn.Line, cn.Column, "codes", "expected a code (a mapping with id, level, name...), found %s", kindName(cn))
			continue
		}
		e := frameEntry{depth: -1, line: cn.Line, idLine: cn.Line, parentLine: cn.Line}
		hasLevel := false
		for i := 0; i+1 < len(cn.Content); i += 2 {
			k, v := cn.Content[i], cn.Content[i+1]
			if !frameCodeFields[k.Value] {
				c.addAt(file, k.Line, k.Column, k.Value, "unknown field: expected id, level, parent, number, name, nameZh, definition or source")
				continue
			}
			if k.Value == "number" {
				num, err := strconv.Atoi(v.Value)
				if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!int" || err != nil {
					c.addAt(file, v.Line, v.Column, "number", "expected an integer, found %s", kindName(v))
					continue
				}
				e.code.Number = &num
				continue
			}
			s, ok := scalarString(file, k.Value, v, c)
			if !ok {
				continue
			}
			s = strings.TrimSpace(s)
			switch k.Value {
			case "id":
				e.code.ID, e.idLine = s, v.Line
			case "level":
				hasLevel = true
				if e.depth = levelIndex(levels, s); e.depth < 0 {
					c.addAt(file, v.Line, v.Column, "level", "unknown level %q: expected %s", s, levelList(levels))
					continue
				}
				e.code.Level = levels[e.depth].ID
			case "parent":
				e.code.Parent, e.parentLine = s, v.Line
			case "name":
				e.code.Name = s
			case "nameZh":
				e.code.NameZh = s
			case "definition":
				e.code.Definition = s
			case "source":
				e.code.Source = s
			}
		}
		if e.code.ID == "" {
			c.addAt(file, cn.Line, cn.Column, "id", "missing: every code needs an id")
			continue
		}
		if !hasLevel {
			c.addAt(file, cn.Line, cn.Column, "level", "missing for code %q: expected %s", e.code.ID, levelList(levels))
		}
		if e.code.Name == "" {
			c.addAt(file, cn.Line, cn.Column, "name", "empty for code %q: every code needs a name", e.code.ID)
		}
		out = append(out, e)
	}
	return out
}

// checkFrame checks the tree as a whole — unique ids, no cycles, parents that
// exist exactly one level up — and returns the codes in tree order.
func checkFrame(file string, entries []frameEntry, levels []policykb.FrameLevel, c *collector) []policykb.FrameCode {
	byID := map[string]*frameEntry{}
	var unique []*frameEntry
	for i := range entries {
		e := &entries[i]
		if first, ok := byID[e.code.ID]; ok {
			c.add(file, e.idLine, "id", "duplicate id %q: also defined at line %d", e.code.ID, first.idLine)
			continue
		}
		byID[e.code.ID] = e
		unique = append(unique, e)
	}

	// Cycles first: on a cycle, level checks would only confuse.
	onCycle := map[string]bool{}
	state := map[string]int{} // 0 unseen, 1 on the current path, 2 done
	for _, start := range unique {
		var path []string
		id := start.code.ID
		for id != "" && state[id] == 0 {
			e, ok := byID[id]
			if !ok {
				break
			}
			state[id] = 1
			path = append(path, id)
			id = e.code.Parent
		}
		if id != "" && state[id] == 1 {
			k := 0
			for path[k] != id {
				k++
			}
			first := byID[path[k]]
			for _, m := range path[k:] {
				onCycle[m] = true
				if byID[m].parentLine < first.parentLine {
					first = byID[m]
				}
			}
			c.add(file, first.parentLine, "parent", "cycle: %s → %s: a code cannot be its own ancestor", strings.Join(path[k:], " → "), id)
		}
		for _, p := range path {
			state[p] = 2
		}
	}

	for _, e := range unique {
		if onCycle[e.code.ID] || e.depth < 0 {
			continue
		}
		if e.depth == 0 {
			if e.code.Parent != "" {
				c.add(file, e.parentLine, "parent", "code %q is on the top level %s and cannot have a parent", e.code.ID, levels[0].ID)
			}
			continue
		}
		want := levels[e.depth-1].ID
		if e.code.Parent == "" {
			c.add(file, e.line, "parent", "missing for %s %q: expected a code of level %s", e.code.Level, e.code.ID, want)
			continue
		}
		p, ok := byID[e.code.Parent]
		if !ok {
			c.add(file, e.parentLine, "parent", "unknown code %q: no such id in this frame", e.code.Parent)
			continue
		}
		if p.depth >= 0 && p.depth != e.depth-1 {
			c.add(file, e.parentLine, "parent", "%q is a %s; the parent of %s %q must be a %s", p.code.ID, p.code.Level, e.code.Level, e.code.ID, want)
		}
	}

	// Tree order: each code after its parent, siblings in file order.
	children := map[string][]*frameEntry{}
	var out []policykb.FrameCode
	var roots []*frameEntry
	for _, e := range unique {
		if _, ok := byID[e.code.Parent]; e.code.Parent == "" || !ok {
			roots = append(roots, e)
		} else {
			children[e.code.Parent] = append(children[e.code.Parent], e)
		}
	}
	var walk func(e *frameEntry)
	walk = func(e *frameEntry) {
		out = append(out, e.code)
		for _, ch := range children[e.code.ID] {
			walk(ch)
		}
	}
	for _, r := range roots {
		walk(r)
	}
	return out
}
