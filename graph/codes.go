package graph

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
)

const allCodes = `
MATCH (c:Code)
OPTIONAL MATCH (c)-[:BELONGS_TO]->(p:Code)
RETURN c.id, c.level, c.number, c.name, c.nameZh, c.source, p.id, c.ord, coalesce(c.study, '')`

// Codes returns the coding schemes of every study, one study after the
// other (by study id), each in depth-first tree order: each code is
// followed by its children, siblings in the order they were loaded (then
// by number and name).
func (s *Store) Codes(ctx context.Context) ([]policykb.Code, error) {
	ctx, end := s.enter(ctx, "Codes")
	defer end()
	codes, err := readShared(ctx, s, &s.catalog.codes, s.codesIn)
	if err != nil {
		return nil, fmt.Errorf("graph: codes: %w", err)
	}
	return codes, nil
}

// StudyCodes returns the coding scheme of one study in the order of Codes;
// study "" (see ResolveStudy): every code.
func (s *Store) StudyCodes(ctx context.Context, study string) ([]policykb.Code, error) {
	ctx, end := s.enter(ctx, "StudyCodes")
	defer end()
	codes, err := s.Codes(ctx)
	if err != nil || study == "" {
		return codes, err
	}
	return codesOfStudy(codes, study), nil
}

// readCodes reads the coding scheme in tx, in the order Codes returns.
func readCodes(ctx context.Context, tx neo4j.ManagedTransaction) ([]policykb.Code, error) {
	recs, err := collect(ctx, tx, allCodes, nil)
	if err != nil {
		return nil, err
	}
	type node struct {
		code policykb.Code
		ord  int
	}
	// Codes are keyed by study and id: ids are unique within a study.
	children := map[string][]node{}
	var studies []string
	for _, rec := range recs {
		v := rec.Values
		level, err := policykb.ParseLevel(str(v[1]))
		if err != nil {
			return nil, fmt.Errorf("code %s: %w", str(v[0]), err)
		}
		n := node{policykb.Code{ID: str(v[0]), Level: level, Number: optInt(v[2]), Name: str(v[3]),
			NameZh: str(v[4]), Source: str(v[5]), Parent: str(v[6]), Study: str(v[8])}, integer(v[7])}
		if !slices.Contains(studies, n.code.Study) {
			studies = append(studies, n.code.Study)
		}
		key := n.code.Study + "\x00" + n.code.Parent
		children[key] = append(children[key], n)
	}
	slices.Sort(studies)
	var codes []policykb.Code
	var walk func(parent string)
	walk = func(parent string) {
		kids := children[parent]
		slices.SortFunc(kids, func(a, b node) int {
			if c := cmp.Compare(a.ord, b.ord); c != 0 {
				return c
			}
			an, bn := -1, -1
			if a.code.Number != nil {
				an = *a.code.Number
			}
			if b.code.Number != nil {
				bn = *b.code.Number
			}
			if c := cmp.Compare(an, bn); c != 0 {
				return c
			}
			return cmp.Compare(a.code.Name, b.code.Name)
		})
		for _, k := range kids {
			codes = append(codes, k.code)
			walk(k.code.Study + "\x00" + k.code.ID)
		}
	}
	for _, st := range studies {
		walk(st + "\x00")
	}
	return codes, nil
}

// subtree returns the id of the code and of every code below it.
func subtree(codes []policykb.Code, id string) []string {
	children := map[string][]string{}
	for _, c := range codes {
		children[c.Parent] = append(children[c.Parent], c.ID)
	}
	out, seen := []string{id}, map[string]bool{id: true}
	for i := 0; i < len(out); i++ {
		for _, c := range children[out[i]] {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	return out
}
