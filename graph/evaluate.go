package graph

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
)

// Comparison is what evaluating one coder against another reads: the units
// and each coder's codings on them, as coded (any level).
type Comparison struct {
	// Documents are the units' documents, in document order.
	Documents []string
	// Units are the sentence ids of Documents, in order.
	Units []string
	// Reference and Candidate map a unit to the codes the coder coded it at.
	Reference, Candidate map[string][]string
}

const comparisonUnits = `
MATCH (d:Document)-[:HAS_SENTENCE]->(s:Sentence) WHERE d.id IN $docs
WITH d, s ORDER BY s.index
RETURN d.id, collect(s.id)`

const comparisonCodings = `
MATCH (d:Document)-[:HAS_SENTENCE]->(s:Sentence)-[r:CODED_AS]->(k:Code)
WHERE d.id IN $docs AND r.coder IN [$coderA, $coderB]
RETURN collect([s.id, r.coder, k.id])`

// CompareCoders reads what evaluating coder candidate against coder
// reference needs, with the units of Agreement: the sentences of the
// documents the filter admits that both coded at least one sentence in.
// The filter may not name coders; an unknown coder is BAD_USER_INPUT, as
// in Agreement.
func (s *Store) CompareCoders(ctx context.Context, reference, candidate string, f policykb.CorpusFilter) (Comparison, error) {
	ctx, end := s.enter(ctx, "CompareCoders")
	defer end()
	c := Comparison{Reference: map[string][]string{}, Candidate: map[string][]string{}}
	switch {
	case len(f.Coders) > 0:
		return c, policykb.InvalidArgument("filter", "the coders compared are the reference and the candidate: the filter may not name coders")
	case reference == candidate:
		return c, policykb.InvalidArgument("candidate", "the candidate is the reference (%q): compare two different coders", reference)
	}
	params, err := s.filterParams(ctx, f, map[string]any{"coderA": reference, "coderB": candidate, "coders": []string{reference, candidate}})
	if err != nil {
		return c, err
	}
	var present map[string]bool
	_, err = s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		c.Units = nil
		clear(c.Reference)
		clear(c.Candidate)
		var err error
		present, c.Documents, _, err = coderDocuments(ctx, tx, f, params, reference, candidate)
		if err != nil || !present[reference] || !present[candidate] {
			return nil, err
		}
		params["docs"] = c.Documents
		rs, err := collect(ctx, tx, comparisonUnits, params)
		if err != nil {
			return nil, err
		}
		units := map[string][]string{}
		for _, rec := range rs {
			for _, id := range rec.Values[1].([]any) {
				units[str(rec.Values[0])] = append(units[str(rec.Values[0])], str(id))
			}
		}
		for _, d := range c.Documents {
			c.Units = append(c.Units, units[d]...)
		}
		rows, err := packed(ctx, tx, comparisonCodings, params)
		if err != nil {
			return nil, err
		}
		for _, v := range rows {
			m := c.Candidate
			if str(v[1]) == reference {
				m = c.Reference
			}
			m[str(v[0])] = append(m[str(v[0])], str(v[2]))
		}
		return nil, nil
	})
	if err != nil {
		return c, fmt.Errorf("graph: compare coders: %w", err)
	}
	if err := unknownCoder(present, "reference", reference, "candidate", candidate); err != nil {
		return c, err
	}
	return c, nil
}
