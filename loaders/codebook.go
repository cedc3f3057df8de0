package loaders

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/policykb/policykb"
)

// codeEntry is a code as read from the codebook, with where its parts were.
type codeEntry struct {
	code       policykb.Code
	line       int // of the entry
	col        int
	idLine     int
	parentLine int
	levelLine  int
	badLevel   bool // the level was missing or unknown (already reported)
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

var codeFields = map[string]bool{"id": true, "level": true, "parent": true, "number": true, "name": true, "nameZh": true, "source": true}

// parseCodebook reads a codebook file: a mapping with name (optional),
// description (optional) and codes, a flat list of {id, level, parent,
// number, name, nameZh, source}. Problems go to c; the returned entries are
// those that could be read, in file order.
func parseCodebook(file string, data []byte, c *collector) (name string, entries []codeEntry) {
	root := yamlRoot(file, data, "a mapping with name and codes", c)
	if root == nil {
		return "", nil
	}
	var codes *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "name":
			name, _ = scalarString(file, k.Value, v, c)
		case "description":
			scalarString(file, k.Value, v, c)
		case "codes":
			codes = v
		default:
			c.addAt(file, k.Line, k.Column, k.Value, "unknown key: expected name, description or codes")
		}
	}
	if codes == nil {
		c.add(file, root.Line, "codes", "missing: the codebook has no codes list")
		return name, nil
	}
	if codes.Kind != yaml.SequenceNode {
		c.addAt(file, codes.Line, codes.Column, "codes", "expected a list of codes, found %s", kindName(codes))
		return name, nil
	}
	if len(codes.Content) == 0 {
		c.addAt(file, codes.Line, codes.Column, "codes", "the list is empty")
	}
	for _, n := range codes.Content {
		if e, ok := parseCode(file, n, c); ok {
			entries = append(entries, e)
		}
	}
	return name, entries
}

func parseCode(file string, n *yaml.Node, c *collector) (codeEntry, bool) {
	e := codeEntry{line: n.Line, col: n.Column, idLine: n.Line, levelLine: n.Line}
	if n.Kind != yaml.MappingNode {
		c.addAt(file, n.Line, n.Column, "codes", "expected a code (a mapping with id, level, name...), found %s", kindName(n))
		return e, false
	}
	var hasLevel bool
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !codeFields[k.Value] {
			c.addAt(file, k.Line, k.Column, k.Value, "unknown field: expected id, level, parent, number, name, nameZh or source")
			continue
		}
		if k.Value == "number" {
			if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!int" {
				c.addAt(file, v.Line, v.Column, "number", "expected an integer, found %q", v.Value)
				continue
			}
			num, err := strconv.Atoi(v.Value)
			if err != nil {
				c.addAt(file, v.Line, v.Column, "number", "expected an integer, found %q", v.Value)
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
			hasLevel, e.levelLine = true, v.Line
			l, err := policykb.ParseLevel(s)
			if err != nil {
				c.addAt(file, v.Line, v.Column, "level", "unknown level %q: expected LAYER, MAIN_CATEGORY, CATEGORY or CONCEPT", s)
				e.badLevel = true
				continue
			}
			e.code.Level = l
		case "parent":
			e.code.Parent, e.parentLine = s, v.Line
		case "name":
			e.code.Name = s
		case "nameZh":
			e.code.NameZh = s
		case "source":
			e.code.Source = s
		}
	}
	if e.code.ID == "" {
		c.addAt(file, n.Line, n.Column, "id", "missing: every code needs an id")
		return e, false
	}
	if !hasLevel {
		c.addAt(file, n.Line, n.Column, "level", "missing for code %q: expected LAYER, MAIN_CATEGORY, CATEGORY or CONCEPT", e.code.ID)
		e.badLevel = true
	}
	if e.code.Name == "" {
		c.addAt(file, n.Line, n.Column, "name", "empty for code %q: every code needs a name", e.code.ID)
	}
	return e, true
}

// checkCodebook checks the scheme as a whole: unique ids, parents that exist
// exactly one level up, no cycles. stored holds the codes already in the
// database (nil offline); a parent may be one of them.
func checkCodebook(file string, entries []codeEntry, stored map[string]policykb.Code, c *collector) {
	byID := map[string]*codeEntry{}
	for i := range entries {
		e := &entries[i]
		if first, ok := byID[e.code.ID]; ok {
			c.add(file, e.idLine, "id", "duplicate id %q: also defined at line %d", e.code.ID, first.idLine)
			continue
		}
		byID[e.code.ID] = e
		if s, ok := stored[e.code.ID]; ok && !e.badLevel && s.Level != e.code.Level {
			c.add(file, e.levelLine, "level", "code %q is stored as %s; loading it as %s would leave both labels on it (wipe the database or use another id)",
				e.code.ID, s.Level, e.code.Level)
		}
	}

	// Cycles first: on a cycle, level checks would only say something confusing.
	onCycle := map[string]bool{}
	state := map[string]int{} // 0 unseen, 1 on the current path, 2 done
	for i := range entries {
		id := entries[i].code.ID
		var path []string
		for id != "" && state[id] == 0 {
			e, ok := byID[id]
			if !ok {
				break
			}
			state[id] = 1
			path = append(path, id)
			id = e.code.Parent
		}
		if id != "" && state[id] == 1 { // walked back onto the path: a cycle
			k := 0
			for path[k] != id {
				k++
			}
			cycle := append(append([]string{}, path[k:]...), id)
			first := byID[path[k]]
			for _, m := range path[k:] {
				onCycle[m] = true
				if byID[m].parentLine < first.parentLine {
					first = byID[m]
				}
			}
			c.add(file, first.parentLine, "parent", "cycle: %s", strings.Join(cycle, " → "))
		}
		for _, p := range path {
			state[p] = 2
		}
	}

	for i := range entries {
		e := &entries[i]
		if byID[e.code.ID] != e || onCycle[e.code.ID] || e.badLevel {
			continue
		}
		lvl := e.code.Level
		if lvl == policykb.LevelLayer {
			if e.code.Parent != "" {
				c.add(file, e.parentLine, "parent", "code %q is a LAYER and cannot have a parent", e.code.ID)
			}
			continue
		}
		want := lvl.Parent()
		if e.code.Parent == "" {
			c.add(file, e.line, "parent", "missing for %s %q: a %s must belong to a %s", strings.ToLower(lvl.String()), e.code.ID, lvl, want)
			continue
		}
		var parentLevel policykb.Level
		if p, ok := byID[e.code.Parent]; ok {
			if p.badLevel {
				continue
			}
			parentLevel = p.code.Level
		} else if s, ok := stored[e.code.Parent]; ok {
			parentLevel = s.Level
		} else {
			where := "in this codebook"
			if stored != nil {
				where += " or in the database"
			}
			c.add(file, e.parentLine, "parent", "unknown code %q: no such id %s", e.code.Parent, where)
			continue
		}
		if parentLevel != want {
			c.add(file, e.parentLine, "parent", "%q is a %s; the parent of %s %q must be a %s", e.code.Parent, parentLevel, lvl, e.code.ID, want)
		}
	}
}

func scalarString(file, field string, v *yaml.Node, c *collector) (string, bool) {
	if v.Kind != yaml.ScalarNode {
		c.addAt(file, v.Line, v.Column, field, "expected a string, found %s", kindName(v))
		return "", false
	}
	if v.ShortTag() == "!!null" {
		return "", true
	}
	return v.Value, true
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	case yaml.AliasNode:
		return "an alias"
	}
	return "nothing"
}
