package loaders

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Problem is one thing wrong with the input, located as precisely as the
// format allows: File (as given to the loader), Line (1-based, 0 when the
// problem concerns the whole file), Column (1-based, YAML only), Field (a
// YAML key or a CSV column name, may be empty).
type Problem struct {
	File    string
	Line    int
	Column  int
	Field   string
	Message string
}

// String formats the problem as file:line: field: message, leaving out the
// parts that are unknown.
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		b.WriteString(":" + strconv.Itoa(p.Line))
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	if p.Field != "" {
		b.WriteString(p.Field + ": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// Problems is every problem found in an input; validation collects them all
// rather than stopping at the first. It is the error Validate and Load
// return for bad input (use errors.As to get at it).
type Problems []Problem

// Error prints one problem per line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// collector gathers problems while one input is read.
type collector struct {
	problems Problems
}

func (c *collector) add(file string, line int, field, format string, args ...any) {
	c.problems = append(c.problems, Problem{File: file, Line: line, Field: field, Message: fmt.Sprintf(format, args...)})
}

func (c *collector) addAt(file string, line, col int, field, format string, args ...any) {
	c.problems = append(c.problems, Problem{File: file, Line: line, Column: col, Field: field, Message: fmt.Sprintf(format, args...)})
}

// sorted returns the problems grouped by file in order of first appearance,
// by line within a file; problems on one line keep the order they were found.
func (c *collector) sorted() Problems {
	order := map[string]int{}
	for _, p := range c.problems {
		if _, ok := order[p.File]; !ok {
			order[p.File] = len(order)
		}
	}
	out := slices.Clone(c.problems)
	slices.SortStableFunc(out, func(a, b Problem) int {
		if c := cmp.Compare(order[a.File], order[b.File]); c != 0 {
			return c
		}
		return cmp.Compare(a.Line, b.Line)
	})
	return out
}
