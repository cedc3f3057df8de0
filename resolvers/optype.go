package resolvers

import "strings"

// operationType returns the type (query, mutation or subscription) of the
// operation a GraphQL document would run with operationName, or "" when it
// cannot tell (graphql-go then reports the problem). It only scans tokens,
// enough to refuse a mutation sent over GET without parsing twice.
func operationType(doc, operationName string) string {
	type op struct{ kind, name string }
	var ops []op
	depth := 0          // nesting of {} () []
	inDef := false      // inside a top-level definition
	expectName := false // the next name is the operation's name
	for i := 0; i < len(doc); {
		c := doc[i]
		switch {
		case c == '#':
			for i < len(doc) && doc[i] != '\n' && doc[i] != '\r' {
				i++
			}
			continue
		case strings.HasPrefix(doc[i:], `"""`):
			end := strings.Index(doc[i+3:], `"""`)
			if end < 0 {
				return ""
			}
			i += 3 + end + 3
			continue
		case c == '"':
			for i++; i < len(doc) && doc[i] != '"' && doc[i] != '\n'; i++ {
				if doc[i] == '\\' {
					i++
				}
			}
			i++
			continue
		case c == '{' || c == '(' || c == '[':
			if depth == 0 && c == '{' && !inDef {
				ops = append(ops, op{kind: "query"})
				inDef = true
			}
			expectName = false
			depth++
		case c == '}' || c == ')' || c == ']':
			depth--
			if depth == 0 && c == '}' {
				inDef = false
			}
		case c == '@' || c == '$':
			expectName = false
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i
			for j < len(doc) && (doc[j] == '_' || doc[j] >= 'a' && doc[j] <= 'z' || doc[j] >= 'A' && doc[j] <= 'Z' || doc[j] >= '0' && doc[j] <= '9') {
				j++
			}
			name := doc[i:j]
			i = j
			if depth != 0 {
				continue
			}
			switch {
			case expectName:
				ops[len(ops)-1].name = name
				expectName = false
			case !inDef && (name == "query" || name == "mutation" || name == "subscription"):
				ops = append(ops, op{kind: name})
				inDef, expectName = true, true
			case !inDef && name == "fragment":
				inDef = true
			}
			continue
		}
		i++
	}
	if operationName != "" {
		for _, o := range ops {
			if o.name == operationName {
				return o.kind
			}
		}
		return ""
	}
	if len(ops) == 1 {
		return ops[0].kind
	}
	return ""
}
