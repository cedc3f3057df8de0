package refiqda

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// node is a generic XML element; elements are matched on local names so
// that every namespace spelling seen in the wild reads the same.
type node struct {
	name     string
	attrs    map[string]string
	text     strings.Builder
	children []*node
	line     int
}

func (n *node) attr(k string) (string, bool) { v, ok := n.attrs[k]; return v, ok }

func (n *node) all(name string) []*node {
	var out []*node
	for _, c := range n.children {
		if c.name == name {
			out = append(out, c)
		}
	}
	return out
}

func (n *node) first(name string) *node {
	for _, c := range n.children {
		if c.name == name {
			return c
		}
	}
	return nil
}

// parseTree reads an XML document into a tree of nodes.
func parseTree(r io.Reader) (*node, error) {
	dec := xml.NewDecoder(r)
	dec.Strict = true
	var root *node
	var stack []*node
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			line, _ := dec.InputPos()
			n := &node{name: t.Name.Local, attrs: map[string]string{}, line: line}
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" || a.Name.Local == "xmlns" {
					continue
				}
				n.attrs[a.Name.Local] = a.Value
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
			} else if root == nil {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(t)
			}
		}
	}
	if root == nil {
		return nil, errors.New("no XML element")
	}
	return root, nil
}

var guidPattern = regexp.MustCompile(`^(\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$`)

// NormGUID returns a GUID in the form GUIDs are compared in: lower case,
// without braces and surrounding space.
func NormGUID(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}")
	return strings.ToLower(strings.TrimSpace(s))
}

// IsGUID reports whether s has the schema's GUID form (braces allowed).
func IsGUID(s string) bool { return guidPattern.MatchString(strings.TrimSpace(s)) }

// ParseError is a refusal: the file cannot be read with its meaning intact.
// Line is 1-based in the XML file, 0 when unknown.
type ParseError struct {
	File    string
	Line    int
	Message string
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Message)
	}
	return e.File + ": " + e.Message
}

// parser keeps the warnings and refusals of one file.
type parser struct {
	file     string
	warnings []string
	errs     []error
}

func (p *parser) warn(n *node, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if n != nil && n.line > 0 {
		msg = fmt.Sprintf("%s:%d: %s", p.file, n.line, msg)
	} else {
		msg = p.file + ": " + msg
	}
	p.warnings = append(p.warnings, msg)
}

func (p *parser) fail(n *node, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.line
	}
	p.errs = append(p.errs, &ParseError{File: p.file, Line: line, Message: fmt.Sprintf(format, args...)})
}

// guid reads and normalises a required guid attribute, warning when it does
// not have the schema's form.
func (p *parser) guid(n *node, attr string) string {
	v, ok := n.attr(attr)
	if !ok || strings.TrimSpace(v) == "" {
		p.warn(n, "<%s> has no %s (the schema requires one)", n.name, attr)
		return ""
	}
	if !IsGUID(v) {
		p.warn(n, "<%s %s=%q>: not a GUID as the schema defines it", n.name, attr, v)
	}
	return NormGUID(v)
}

// requireChildren warns about a container the schema wants non-empty.
func (p *parser) requireChildren(n *node, child string) {
	if n != nil && len(n.all(child)) == 0 {
		p.warn(n, "empty <%s>: the schema wants at least one <%s> in it", n.name, child)
	}
}

// Result is a parsed file: the project, the warnings (schema deviations
// that were accepted), and, when the file is refused, Err.
type Result struct {
	Project  *Project
	Warnings []string
}

func (p *parser) result(proj *Project) (*Result, error) {
	res := &Result{Project: proj, Warnings: p.warnings}
	if len(p.errs) > 0 {
		return res, errors.Join(p.errs...)
	}
	return res, nil
}

// ParseProject reads a .qde project file. file names it in messages. It
// returns an error, joining every refusal found (a *ParseError each), when
// the XML is malformed or its meaning cannot be kept: a duplicate code GUID,
// a CodeRef to no code, a selection whose positions are not integers or end
// before they start. Schema deviations are Result.Warnings.
func ParseProject(file string, r io.Reader) (*Result, error) {
	p := &parser{file: file}
	root, err := parseTree(r)
	if err != nil {
		return nil, &ParseError{File: file, Message: "not well-formed XML: " + err.Error()}
	}
	if root.name != "Project" {
		return nil, &ParseError{File: file, Line: root.line, Message: fmt.Sprintf("the root element is <%s>, not <Project>", root.name)}
	}
	proj := &Project{}
	proj.Name, _ = root.attr("name")
	proj.Origin, _ = root.attr("origin")
	if _, ok := root.attr("name"); !ok {
		p.warn(root, "<Project> has no name (the schema requires one)")
	}
	if us := root.first("Users"); us != nil {
		p.requireChildren(us, "User")
		for _, u := range us.all("User") {
			name, _ := u.attr("name")
			id, _ := u.attr("id")
			proj.Users = append(proj.Users, User{GUID: p.guid(u, "guid"), Name: name, ID: id})
		}
	}
	codeIndex := map[string]*Code{}
	if cb := root.first("CodeBook"); cb != nil {
		proj.Codes = p.codes(cb.first("Codes"), codeIndex)
	}
	if vs := root.first("Variables"); vs != nil {
		p.requireChildren(vs, "Variable")
		for _, v := range vs.all("Variable") {
			name, _ := v.attr("name")
			typ, _ := v.attr("typeOfVariable")
			proj.Variables = append(proj.Variables, Variable{GUID: p.guid(v, "guid"), Name: name, Type: typ})
		}
	}
	if cs := root.first("Cases"); cs != nil {
		p.requireChildren(cs, "Case")
		for _, c := range cs.all("Case") {
			name, _ := c.attr("name")
			k := Case{GUID: p.guid(c, "guid"), Name: name, Values: p.values(c)}
			for _, sr := range c.all("SourceRef") {
				k.SourceRefs = append(k.SourceRefs, p.guid(sr, "targetGUID"))
			}
			proj.Cases = append(proj.Cases, k)
		}
	}
	if ss := root.first("Sources"); ss != nil {
		if len(ss.children) == 0 {
			p.warn(ss, "empty <Sources>: the schema wants at least one source in it")
		}
		for _, s := range ss.children {
			proj.Sources = append(proj.Sources, p.source(s))
		}
	}
	for _, name := range []string{"Notes", "Links", "Sets", "Graphs"} {
		if n := root.first(name); n != nil && len(n.children) == 0 {
			p.warn(n, "empty <%s>: the schema wants at least one element in it", name)
		}
	}
	// Every CodeRef must name a code of the codebook.
	for _, s := range proj.Sources {
		for _, ref := range s.CodeRefs {
			if _, ok := codeIndex[ref]; !ok && ref != "" {
				p.fail(nil, "source %q (%s): a CodeRef targets %s, which is no code of the codebook", s.Name, s.GUID, ref)
			}
		}
	}
	return p.result(proj)
}

// ParseCodebook reads a .qdc codebook (root <CodeBook>); its Project has
// only Origin and Codes. An empty <Sets/> and other schema deviations are
// warnings.
func ParseCodebook(file string, r io.Reader) (*Result, error) {
	p := &parser{file: file}
	root, err := parseTree(r)
	if err != nil {
		return nil, &ParseError{File: file, Message: "not well-formed XML: " + err.Error()}
	}
	if root.name != "CodeBook" {
		return nil, &ParseError{File: file, Line: root.line, Message: fmt.Sprintf("the root element is <%s>, not <CodeBook>", root.name)}
	}
	proj := &Project{}
	proj.Origin, _ = root.attr("origin")
	proj.Codes = p.codes(root.first("Codes"), map[string]*Code{})
	if sets := root.first("Sets"); sets != nil {
		p.requireChildren(sets, "Set")
	}
	return p.result(proj)
}

func (p *parser) codes(n *node, index map[string]*Code) []*Code {
	if n == nil {
		return nil
	}
	p.requireChildren(n, "Code")
	var walk func(n *node) []*Code
	walk = func(n *node) []*Code {
		var out []*Code
		for _, c := range n.all("Code") {
			k := &Code{GUID: p.guid(c, "guid")}
			var ok bool
			if k.Name, ok = c.attr("name"); !ok {
				p.warn(c, "<Code> has no name (the schema requires one)")
			}
			if v, ok := c.attr("isCodable"); !ok {
				p.warn(c, "<Code %q> has no isCodable (the schema requires one)", k.Name)
				k.IsCodable = true
			} else {
				k.IsCodable = v == "true" || v == "1"
			}
			k.Color, _ = c.attr("color")
			if d := c.first("Description"); d != nil {
				k.Description = d.text.String()
			}
			if k.GUID == "" {
				p.fail(c, "code %q has no guid: codings cannot refer to it", k.Name)
			} else if prev, dup := index[k.GUID]; dup {
				p.fail(c, "code %q has the guid %s of code %q too", k.Name, k.GUID, prev.Name)
			} else {
				index[k.GUID] = k
			}
			k.Children = walk(c)
			out = append(out, k)
		}
		return out
	}
	return walk(n)
}

func (p *parser) values(n *node) []VariableValue {
	var out []VariableValue
	for _, vv := range n.all("VariableValue") {
		ref := vv.first("VariableRef")
		if ref == nil {
			p.warn(vv, "<VariableValue> without <VariableRef>")
			continue
		}
		v := VariableValue{VariableGUID: p.guid(ref, "targetGUID")}
		for _, c := range vv.children {
			if strings.HasSuffix(c.name, "Value") {
				v.Value = strings.TrimSpace(c.text.String())
			}
		}
		out = append(out, v)
	}
	return out
}

func (p *parser) source(n *node) Source {
	s := Source{Kind: n.name, GUID: p.guid(n, "guid")}
	s.Name, _ = n.attr("name")
	s.CreatingUser = NormGUID(attrOr(n, "creatingUser"))
	switch n.name {
	case KindText, KindPDF, KindPicture, KindAudio, KindVideo:
	default:
		p.warn(n, "<%s> is not a source element of the schema; skipped", n.name)
	}
	// Count every coding and code reference inside, whatever the kind.
	var count func(n *node)
	count = func(n *node) {
		for _, c := range n.children {
			switch c.name {
			case "Coding":
				s.CodingCount++
			case "CodeRef":
				s.CodeRefs = append(s.CodeRefs, NormGUID(attrOr(c, "targetGUID")))
			}
			count(c)
		}
	}
	count(n)
	if n.name != KindText {
		return s
	}
	s.PlainTextPath, _ = n.attr("plainTextPath")
	if c := n.first("PlainTextContent"); c != nil {
		s.PlainTextContent, s.HasContent = c.text.String(), true
	}
	if s.PlainTextPath != "" && s.HasContent {
		p.warn(n, "source %q has both plainTextPath and PlainTextContent (the schema allows one); the inline text is used", s.Name)
	}
	s.Values = p.values(n)
	for _, c := range n.all("Coding") { // codings of the whole source
		_ = c
		p.warn(c, "source %q: a <Coding> on the whole source is not imported (only selections are)", s.Name)
	}
	for _, sel := range n.all("PlainTextSelection") {
		x := Selection{GUID: p.guid(sel, "guid"), CreatingUser: NormGUID(attrOr(sel, "creatingUser")),
			Created: dateTime(attrOr(sel, "creationDateTime"))}
		x.Name, _ = sel.attr("name")
		var ok1, ok2 bool
		x.Start, ok1 = p.position(sel, "startPosition", s.Name)
		x.End, ok2 = p.position(sel, "endPosition", s.Name)
		if ok1 && ok2 && x.End < x.Start {
			p.fail(sel, "source %q: selection %s ends (%d) before it starts (%d)", s.Name, x.GUID, x.End, x.Start)
		}
		for _, c := range sel.all("Coding") {
			ref := c.first("CodeRef")
			if ref == nil {
				p.warn(c, "source %q: a <Coding> without <CodeRef>; skipped", s.Name)
				continue
			}
			x.Codings = append(x.Codings, Coding{GUID: NormGUID(attrOr(c, "guid")), CodeGUID: p.guid(ref, "targetGUID"),
				CreatingUser: NormGUID(attrOr(c, "creatingUser")), Created: dateTime(attrOr(c, "creationDateTime"))})
		}
		s.Selections = append(s.Selections, x)
	}
	return s
}

func (p *parser) position(n *node, attr, source string) (int, bool) {
	v, ok := n.attr(attr)
	if !ok {
		p.fail(n, "source %q: a selection has no %s", source, attr)
		return 0, false
	}
	i, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || i < 0 {
		p.fail(n, "source %q: %s=%q is not a position (a whole number from 0)", source, attr, v)
		return 0, false
	}
	return i, true
}

func attrOr(n *node, k string) string { v, _ := n.attr(k); return v }

func dateTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}
