package graph

import (
	"context"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
)

const sentenceFields = `s.id, d.id, s.index, s.kind, s.text, s.start, s.end`

func sentenceOf(v []any) policykb.Sentence {
	return policykb.Sentence{ID: str(v[0]), DocumentID: str(v[1]), Index: integer(v[2]),
		Kind: policykb.SentenceKind(str(v[3])), Text: str(v[4]), Start: integer(v[5]), End: integer(v[6])}
}

// SentenceQuery selects sentences: those of documents the filter admits, and
// optionally only those coded at a code (or any code below it), containing a
// text, or coded / not coded at all. The filter's coders restrict which
// codings count (human codings only unless it names coders or includes
// automatic ones).
type SentenceQuery struct {
	Filter policykb.CorpusFilter
	CodeID string
	Text   string
	Coded  *bool
}

func (q SentenceQuery) where(params map[string]any) string {
	where := filterClause(q.Filter, params, false)
	coder := coderCond(q.Filter, params, "r")
	if q.CodeID != "" {
		// $under, the code and every code below it, is bound by
		// pageSentences: a sentence's codings are looked up in a set rather
		// than each walked up the coding scheme.
		params["code"] = q.CodeID
		where += " AND EXISTS { MATCH (s)-[r:CODED_AS]->(c:Code) WHERE c.id IN $under AND " + coder + " }"
	}
	if q.Text != "" {
		params["text"] = q.Text
		where += " AND toLower(s.text) CONTAINS toLower($text)"
	}
	switch {
	case q.Coded != nil && *q.Coded:
		where += " AND EXISTS { MATCH (s)-[r:CODED_AS]->() WHERE " + coder + " }"
	case q.Coded != nil && !*q.Coded:
		where += " AND NOT EXISTS { MATCH (s)-[r:CODED_AS]->() WHERE " + coder + " }"
	case len(q.Filter.Coders) > 0 && q.CodeID == "":
		where += " AND EXISTS { MATCH (s)-[r:CODED_AS]->() WHERE " + coder + " }"
	}
	return where
}

// Sentences lists the sentences a query selects in document order (city,
// issue date, document id) then sentence order, with the total selected.
func (s *Store) Sentences(ctx context.Context, q SentenceQuery, p Page) ([]policykb.Sentence, int, error) {
	ctx, end := s.enter(ctx, "Sentences")
	defer end()
	params, err := s.filterParams(ctx, q.Filter, map[string]any{"offset": int64(p.Offset), "limit": int64(p.Limit)})
	if err != nil {
		return nil, 0, err
	}
	where := q.where(params)
	// The sentences coded under a code in whole cities are that code's
	// reference points in them, which the city rollups hold.
	count := ""
	if q.CodeID != "" && q.Text == "" && q.Coded == nil && cityLevel(q.Filter) {
		count = wholeRollupMatch("ROLLUP", "cr", "k.id = $code", q.Filter, params) + "\nRETURN sum(cr.sentences) AS total"
	}
	sentences, total, err := s.pageSentences(ctx, count, where, params)
	if err != nil {
		return nil, 0, fmt.Errorf("graph: sentences: %w", err)
	}
	return sentences, total, nil
}

const sentencesOfDocuments = `
MATCH (d:Document)-[:HAS_SENTENCE]->(s:Sentence)
WHERE d.id IN $ids AND s.index >= $offset AND s.index < $offset + $limit
RETURN ` + sentenceFields + ` ORDER BY d.id, s.index`

// SentencesByDocument returns, for each document, its sentences with index
// in [Offset, Offset+Limit), in order. Sentence indexes are contiguous from
// 0, so this is one page of each document.
func (s *Store) SentencesByDocument(ctx context.Context, docIDs []string, p Page) (map[string][]policykb.Sentence, error) {
	ctx, end := s.enter(ctx, "SentencesByDocument")
	defer end()
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return collect(ctx, tx, sentencesOfDocuments, map[string]any{"ids": docIDs, "offset": int64(p.Offset), "limit": int64(p.Limit)})
	})
	if err != nil {
		return nil, fmt.Errorf("graph: sentences by document: %w", err)
	}
	res := map[string][]policykb.Sentence{}
	for _, rec := range out.([]*neo4j.Record) {
		st := sentenceOf(rec.Values)
		res[st.DocumentID] = append(res[st.DocumentID], st)
	}
	return res, nil
}

const sentencesByID = `
MATCH (d:Document)-[:HAS_SENTENCE]->(s:Sentence) WHERE s.id IN $ids
RETURN ` + sentenceFields

// SentencesByID returns the sentences with the given ids, keyed by id.
func (s *Store) SentencesByID(ctx context.Context, ids []string) (map[string]policykb.Sentence, error) {
	ctx, end := s.enter(ctx, "SentencesByID")
	defer end()
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return collect(ctx, tx, sentencesByID, map[string]any{"ids": ids})
	})
	if err != nil {
		return nil, fmt.Errorf("graph: sentences by id: %w", err)
	}
	res := map[string]policykb.Sentence{}
	for _, rec := range out.([]*neo4j.Record) {
		st := sentenceOf(rec.Values)
		res[st.ID] = st
	}
	return res, nil
}

const codingsOfSentences = `
MATCH (s:Sentence)-[r:CODED_AS]->(k:Code) WHERE s.id IN $ids
RETURN s.id, k.id, r.coder, r.origin, r.at, r.start, r.end, r.confidence, k.study
ORDER BY s.id, k.ord, k.id, r.coder`

// CodingsBySentence returns the codings of each sentence (of every study,
// each with its Study), ordered by code (codebook order) then coder.
func (s *Store) CodingsBySentence(ctx context.Context, sentenceIDs []string) (map[string][]policykb.Coding, error) {
	ctx, end := s.enter(ctx, "CodingsBySentence")
	defer end()
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return collect(ctx, tx, codingsOfSentences, map[string]any{"ids": sentenceIDs})
	})
	if err != nil {
		return nil, fmt.Errorf("graph: codings: %w", err)
	}
	res := map[string][]policykb.Coding{}
	for _, rec := range out.([]*neo4j.Record) {
		v := rec.Values
		at, _ := v[4].(time.Time)
		c := policykb.Coding{SentenceID: str(v[0]), CodeID: str(v[1]), Coder: str(v[2]), Origin: str(v[3]),
			At: at, Start: optInt(v[5]), End: optInt(v[6]), Confidence: optFloat(v[7]), Study: str(v[8])}
		res[c.SentenceID] = append(res[c.SentenceID], c)
	}
	return res, nil
}

// pageSentences counts and pages the sentences a WHERE (on city, d and s)
// admits, in the order of Sentences (count, when not empty, returns their
// total from derived data; see countAndPage). params must hold offset and
// limit; when they hold a code (SentenceQuery.where), $under is bound to
// it and the codes below it.
func (s *Store) pageSentences(ctx context.Context, count, where string, params map[string]any) ([]policykb.Sentence, int, error) {
	if code, ok := params["code"].(string); ok {
		study, _ := params["fStudy"].(string) // bound by the filter's conditions under a study
		codes, err := s.StudyCodes(ctx, study)
		if err != nil {
			return nil, 0, err
		}
		params["under"] = subtree(codes, code)
	}
	match := "\nMATCH (city:City)-[:ISSUED]->(d:Document)-[:HAS_SENTENCE]->(s:Sentence) WHERE " + where
	return countAndPage(ctx, s, count, match, "city.name, d.issuedOn, d.id, s.index", sentenceFields, params, sentenceOf)
}
