package graph

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
)

// Saturation is the outcome of a theoretical saturation test: the codes of
// a level that the held-out documents bring and the other documents do not.
type Saturation struct {
	Level policykb.Level
	// HeldOut are the held-out documents, as given (duplicates removed).
	HeldOut []string
	// Others is the number of admitted documents that are not held out:
	// the corpus the held-out documents are compared with.
	Others int
	// NewCodes are the ids of the codes of the level coded in at least one
	// held-out document and in none of the others, in codebook order.
	NewCodes []string
}

// Saturated reports whether the held-out documents bring no new code.
func (s Saturation) Saturated() bool { return len(s.NewCodes) == 0 }

const admittedDocuments = `
MATCH (city:City)-[:ISSUED]->(d:Document) WHERE `

// saturationPresence tells, for every code of the level coded in an
// admitted document (aggregate coding, DESIGN §2, the filter's coders
// only), whether it is coded in a held-out document and whether in another.
const saturationPresence = `
WITH k, collect(DISTINCT d.id IN $held) AS where
RETURN k.id, true IN where, false IN where`

// Saturation tests theoretical saturation the way grounded-theory studies
// do: it holds the given documents out and lists the codes of the level
// that are coded (at the code or below it, by the filter's coders when it
// names some) in a held-out document but in none of the other documents the
// filter admits. An empty list means the held-out documents add no code:
// the scheme is saturated at that level.
//
// heldOut must name at least one document; an unknown id, or a document
// the filter does not admit, is BAD_USER_INPUT naming "heldOut".
func (s *Store) Saturation(ctx context.Context, heldOut []string, level policykb.Level, f policykb.CorpusFilter) (Saturation, error) {
	ctx, end := s.enter(ctx, "Saturation")
	defer end()
	res := Saturation{Level: level}
	for _, id := range heldOut {
		if !slices.Contains(res.HeldOut, id) {
			res.HeldOut = append(res.HeldOut, id)
		}
	}
	if len(res.HeldOut) == 0 {
		return res, policykb.InvalidArgument("heldOut", "hold out at least one document")
	}
	codes, err := s.StudyCodes(ctx, f.Study)
	if err != nil {
		return res, fmt.Errorf("graph: saturation: %w", err)
	}
	params, err := s.filterParams(ctx, f, map[string]any{"held": res.HeldOut, "level": level.String()})
	if err != nil {
		return res, fmt.Errorf("graph: saturation: %w", err)
	}
	docWhere := filterClause(f, params, false)
	codedWhere := "k.level = $level AND " + filterClause(f, params, true)
	var admitted []string
	var existing map[string]bool
	in := map[string][2]bool{} // code → (in a held-out document, in another)
	_, err = s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		admitted, existing, in = nil, map[string]bool{}, map[string][2]bool{}
		recs, err := collect(ctx, tx, "MATCH (d:Document) WHERE d.id IN $held RETURN d.id", params)
		if err != nil {
			return nil, err
		}
		for _, rec := range recs {
			existing[str(rec.Values[0])] = true
		}
		recs, err = collect(ctx, tx, admittedDocuments+docWhere+" RETURN d.id", params)
		if err != nil {
			return nil, err
		}
		for _, rec := range recs {
			admitted = append(admitted, str(rec.Values[0]))
		}
		recs, err = collect(ctx, tx, codedPath+"\nWHERE "+codedWhere+saturationPresence, params)
		if err != nil {
			return nil, err
		}
		for _, rec := range recs {
			in[str(rec.Values[0])] = [2]bool{boolean(rec.Values[1]), boolean(rec.Values[2])}
		}
		return nil, nil
	})
	if err != nil {
		return res, fmt.Errorf("graph: saturation: %w", err)
	}
	var unknown, excluded []string
	for _, id := range res.HeldOut {
		switch {
		case !existing[id]:
			unknown = append(unknown, id)
		case !slices.Contains(admitted, id):
			excluded = append(excluded, id)
		}
	}
	if len(unknown) > 0 {
		return res, policykb.InvalidArgument("heldOut", "no document has the id %s", strings.Join(unknown, ", "))
	}
	if len(excluded) > 0 {
		return res, policykb.InvalidArgument("heldOut", "the filter excludes the held-out document %s", strings.Join(excluded, ", "))
	}
	res.Others = len(admitted) - len(res.HeldOut)
	for _, c := range codes {
		if c.Level != level {
			continue
		}
		if where := in[c.ID]; where[0] && !where[1] {
			res.NewCodes = append(res.NewCodes, c.ID)
		}
	}
	return res, nil
}
