package graph

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
)

// CodedDocuments are the documents a filter admits in issue order, each
// with the codes of a level coded in it: what a saturation curve is drawn
// from (analysis.SaturationCurve).
type CodedDocuments struct {
	Level policykb.Level
	// Documents are every admitted document (with coders: every document
	// they coded a sentence in), by issue date (undated ones
	// last), then id.
	Documents []policykb.Document
	// Codes[i] are the ids of the codes of the level coded in Documents[i]
	// (at the code or below it; by the filter's coders when it names some),
	// in codebook order; empty for a document with no such coding. Past
	// the document that brings the last code coded under the filter, they
	// may be left empty: nothing in them is new, and the curve is the same.
	Codes [][]string
}

// codedUnderFilter is every code of the level the admitted documents are
// coded at, from the group or city rollups (cityLevel filters only).
func codedUnderFilter(f policykb.CorpusFilter, params map[string]any) string {
	return wholeRollupMatch("ROLLUP", "cr", "k.level = $level", f, params) + "\nRETURN collect(DISTINCT k.id)"
}

// chunkCodes reads the codes of the level coded in the documents $chunk.
func chunkCodes(f policykb.CorpusFilter, params map[string]any) string {
	return `
UNWIND $chunk AS id
MATCH (d:Document {id: id})-[ru:ROLLUP]->(k:Code)
WHERE ` + studyKey("k.level = $level", f, params) + `
RETURN d.id, collect(k.id)`
}

// curveChunk is how many documents' codes a saturation curve reads at a
// time when it can stop once every code is seen.
var curveChunk = 500

const codedDocumentsOrder = `
RETURN ` + documentFields + `
ORDER BY d.issuedOn IS NULL, d.issuedOn, d.id`

// CodedDocuments reads the documents the filter admits in issue order with
// the codes of the level coded in each, from the document rollups (or,
// when the filter names coders, from the codings), in one transaction.
func (s *Store) CodedDocuments(ctx context.Context, level policykb.Level, f policykb.CorpusFilter) (CodedDocuments, error) {
	ctx, end := s.enter(ctx, "CodedDocuments")
	defer end()
	res := CodedDocuments{Level: level}
	codes, err := s.StudyCodes(ctx, f.Study)
	if err != nil {
		return res, fmt.Errorf("graph: coded documents: %w", err)
	}
	rank := map[string]int{}
	for i, c := range codes {
		rank[c.ID] = i
	}
	params, err := s.filterParams(ctx, f, map[string]any{"level": level.String()})
	if err != nil {
		return res, fmt.Errorf("graph: coded documents: %w", err)
	}
	docsQ := admittedDocuments + filterClause(f, params, false) + " AND " + coderDocCondition(f, params) + codedDocumentsOrder
	// Under a filter that admits or rejects whole cities, the codes coded
	// at all are known from the rollup groups: the documents' codes are
	// read in issue order, a chunk at a time, until each has been seen
	// (a curve usually levels off within the first hundred documents).
	// Otherwise every admitted document's codes are read at once.
	early := cityLevel(f)
	var codesQ, allQ, chunkQ string
	switch {
	case early:
		allQ, chunkQ = codedUnderFilter(f, params), chunkCodes(f, params)
	case sentenceLevel(f):
		codesQ = codedPath + "\nWHERE k.level = $level AND " + filterClause(f, params, true) +
			"\nRETURN d.id, collect(DISTINCT k.id)"
	default:
		codesQ = rollupMatch("ROLLUP", "ru", "k.level = $level", f, params, false) +
			"\nRETURN d.id, collect(k.id)"
	}
	byDoc := map[string][]string{}
	_, err = s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		res.Documents, byDoc = nil, map[string][]string{}
		recs, err := collect(ctx, tx, docsQ, params)
		if err != nil {
			return nil, err
		}
		for _, rec := range recs {
			res.Documents = append(res.Documents, documentOf(rec.Values))
		}
		read := func(recs []*neo4j.Record) {
			for _, rec := range recs {
				ids, _ := rec.Values[1].([]any)
				list := make([]string, 0, len(ids))
				for _, id := range ids {
					list = append(list, str(id))
				}
				byDoc[str(rec.Values[0])] = list
			}
		}
		if !early {
			recs, err = collect(ctx, tx, codesQ, params)
			read(recs)
			return nil, err
		}
		recs, err = collect(ctx, tx, allQ, params)
		if err != nil {
			return nil, err
		}
		left := map[string]bool{}
		if len(recs) > 0 {
			for _, id := range recs[0].Values[0].([]any) {
				left[str(id)] = true
			}
		}
		for from := 0; from < len(res.Documents) && len(left) > 0; from += curveChunk {
			var ids []string
			for _, d := range res.Documents[from:min(from+curveChunk, len(res.Documents))] {
				ids = append(ids, d.ID)
			}
			params["chunk"] = ids
			recs, err := collect(ctx, tx, chunkQ, params)
			if err != nil {
				return nil, err
			}
			read(recs)
			for _, id := range ids {
				for _, k := range byDoc[id] {
					delete(left, k)
				}
			}
		}
		return nil, nil
	})
	if err != nil {
		return res, fmt.Errorf("graph: coded documents: %w", err)
	}
	res.Codes = make([][]string, len(res.Documents))
	for i, d := range res.Documents {
		list := byDoc[d.ID]
		slices.SortFunc(list, func(a, b string) int { return cmp.Compare(rank[a], rank[b]) })
		res.Codes[i] = list
	}
	return res, nil
}
