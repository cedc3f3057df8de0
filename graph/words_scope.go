package graph

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
)

// wordScope is what a filter admits of the word index: documents (their
// positions in idx.docs, in order) and, when the filter names coders or a
// question is about the sentences of a code, which of each document's
// sentences.
type wordScope struct {
	docs []int
	// only, when not nil, holds for each admitted document the indexes of
	// its sentences that count (a document absent from it counts none).
	only map[int]map[int32]bool
}

// sentences calls f with the global number of every admitted sentence, in
// order, with the position of its document.
func (sc wordScope) sentences(idx *wordIndex, f func(g int32, doc int)) {
	for _, di := range sc.docs {
		d := idx.docs[di]
		if sc.only == nil {
			for g := d.first; g < d.first+d.n; g++ {
				f(g, di)
			}
			continue
		}
		keep := sc.only[di]
		for g := d.first; g < d.first+d.n; g++ {
			if keep[g-d.first] {
				f(g, di)
			}
		}
	}
}

// restrict keeps, of the scope, the sentences in sets (document id →
// sentence indexes).
func (sc wordScope) restrict(idx *wordIndex, sets map[string][]int32) wordScope {
	out := wordScope{only: map[int]map[int32]bool{}}
	for _, di := range sc.docs {
		list := sets[idx.docs[di].id]
		if len(list) == 0 {
			continue
		}
		keep := map[int32]bool{}
		for _, i := range list {
			if sc.only == nil || sc.only[di][i] {
				keep[i] = true
			}
		}
		if len(keep) > 0 {
			out.docs = append(out.docs, di)
			out.only[di] = keep
		}
	}
	return out
}

// wordScope returns what the filter admits: documents by city, province,
// id and issue date (like every question), and, when it names coders,
// only the sentences they coded.
func (s *Store) wordScope(ctx context.Context, idx *wordIndex, f policykb.CorpusFilter) (wordScope, error) {
	var sc wordScope
	cityOK := func(string) bool { return true }
	if len(f.Cities) > 0 || len(f.Provinces) > 0 {
		cities, err := s.Cities(ctx)
		if err != nil {
			return sc, err
		}
		admitted := map[string]bool{}
		for _, c := range cities {
			if f.NamesCity(c) {
				admitted[c.Name] = true
			}
		}
		cityOK = func(name string) bool { return admitted[name] }
	}
	docs := map[string]bool{}
	for _, id := range f.Documents {
		docs[id] = true
	}
	for i, d := range idx.docs {
		switch {
		case !cityOK(d.city),
			len(docs) > 0 && !docs[d.id],
			f.IssuedFrom != nil && (d.issuedOn.IsZero() || d.issuedOn.Before(*f.IssuedFrom)),
			f.IssuedTo != nil && (d.issuedOn.IsZero() || d.issuedOn.After(*f.IssuedTo)):
			continue
		}
		sc.docs = append(sc.docs, i)
	}
	if len(f.Coders) == 0 {
		return sc, nil
	}
	sets, err := s.codedSentenceSets(ctx, f, nil)
	if err != nil {
		return sc, err
	}
	return sc.restrict(idx, sets[""]), nil
}

// codedSentenceSets returns the admitted sentences coded at each code (or
// below it), by the filter's coders (human codings unless it names coders
// or includes automatic ones), as code id → document id → sentence
// indexes. With codes nil, it returns the sentences coded at all, under "".
func (s *Store) codedSentenceSets(ctx context.Context, f policykb.CorpusFilter, codes []string) (map[string]map[string][]int32, error) {
	params, err := s.filterParams(ctx, f, map[string]any{"codes": codes})
	if err != nil {
		return nil, err
	}
	var cypher string
	if codes == nil {
		cypher = `
MATCH (city:City)-[:ISSUED]->(d:Document)-[:HAS_SENTENCE]->(s:Sentence)-[r:CODED_AS]->()
WHERE ` + filterClause(f, params, true) + `
WITH '' AS code, d.id AS doc, collect(DISTINCT s.index) AS idx
RETURN collect([code, doc, idx])`
	} else {
		cypher = codedPath + `
WHERE k.id IN $codes AND ` + filterClause(f, params, true) + `
WITH k.id AS code, d.id AS doc, collect(DISTINCT s.index) AS idx
RETURN collect([code, doc, idx])`
	}
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return packed(ctx, tx, cypher, params)
	})
	if err != nil {
		return nil, fmt.Errorf("graph: coded sentences: %w", err)
	}
	sets := map[string]map[string][]int32{}
	for _, row := range out.([][]any) {
		code, doc := str(row[0]), str(row[1])
		if sets[code] == nil {
			sets[code] = map[string][]int32{}
		}
		for _, i := range row[2].([]any) {
			sets[code][doc] = append(sets[code][doc], int32(integer(i)))
		}
	}
	return sets, nil
}
