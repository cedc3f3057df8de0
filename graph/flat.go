package graph

import (
	"context"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
)

// CodingRow is one coding with what a flat export prints beside it: the
// sentence, its document and the document's city. Document carries ID,
// City, Title and IssuedOn; Sentence carries ID, DocumentID, Index and Text.
type CodingRow struct {
	City     policykb.City
	Document policykb.Document
	Sentence policykb.Sentence
	Coding   policykb.Coding
	// Quote is the coded passage (code points Start..End of the document
	// text) when the coding keeps a span, else "".
	Quote string
}

// DefaultDocumentsPerBatch is the batch size of EachCodingBatch when none
// is given.
const DefaultDocumentsPerBatch = 100

const flatDocuments = `
MATCH (city:City)-[:ISSUED]->(d:Document) WHERE %s
RETURN d.id ORDER BY city.name, d.issuedOn, d.id`

const flatCodings = `
MATCH (city:City)-[:ISSUED]->(d:Document)-[:HAS_SENTENCE]->(s:Sentence)-[r:CODED_AS]->(k:Code)
WHERE d.id IN $ids AND %s
RETURN city.name, city.nameZh, city.province, d.id, d.title, d.issuedOn,
       s.id, s.index, s.text, k.id, r.coder, r.origin, r.at, r.start, r.end
ORDER BY city.name, d.issuedOn, d.id, s.index, k.ord, k.id, r.coder`

const flatTexts = `
MATCH (d:Document) WHERE d.id IN $ids RETURN d.id, d.text`

// EachCodingBatch reads every coding of the documents the filter admits
// (its coders restricting the codings too) and hands them to fn a batch of
// documents at a time: documents in the order of Documents (city, issue
// date, id), codings within one by sentence index, code (codebook order)
// and coder. A batch holds the codings of up to docsPerBatch documents
// (DefaultDocumentsPerBatch when docsPerBatch <= 0) and is read in a
// transaction of its own, so a large corpus is never in memory at once and
// no transaction runs for the whole export; documents changed by a load
// while the export runs are read as they are when their batch is. fn is
// not called for a batch without codings. An error from fn stops the
// reading and is returned as it is.
func (s *Store) EachCodingBatch(ctx context.Context, f policykb.CorpusFilter, docsPerBatch int, fn func([]CodingRow) error) error {
	ctx, end := s.enter(ctx, "EachCodingBatch")
	defer end()
	if docsPerBatch <= 0 {
		docsPerBatch = DefaultDocumentsPerBatch
	}
	params, err := s.filterParams(ctx, f, map[string]any{})
	if err != nil {
		return fmt.Errorf("graph: codings export: %w", err)
	}
	where := filterClause(f, params, false) + " AND " + coderDocCondition(f, params)
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return collect(ctx, tx, fmt.Sprintf(flatDocuments, where), params)
	})
	if err != nil {
		return fmt.Errorf("graph: codings export: %w", err)
	}
	recs := out.([]*neo4j.Record)
	ids := make([]string, len(recs))
	for i, rec := range recs {
		ids[i] = str(rec.Values[0])
	}
	cypher := fmt.Sprintf(flatCodings, coderCond(f, params, "r"))
	for start := 0; start < len(ids); start += docsPerBatch {
		batch := ids[start:min(start+docsPerBatch, len(ids))]
		rows, err := s.codingBatch(ctx, cypher, batch, f.Coders, f.Study)
		if err != nil {
			return fmt.Errorf("graph: codings export: %w", err)
		}
		if len(rows) == 0 {
			continue
		}
		if err := fn(rows); err != nil {
			return err
		}
	}
	return nil
}

// codingBatch reads the codings of one batch of documents, with the text of
// the documents whose codings keep a span, to cut the quotes.
func (s *Store) codingBatch(ctx context.Context, cypher string, ids, coders []string, study string) ([]CodingRow, error) {
	var rows []CodingRow
	_, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		rows = rows[:0]
		recs, err := collect(ctx, tx, cypher, map[string]any{"ids": ids, "fCoders": coders, "fStudy": study})
		if err != nil {
			return nil, err
		}
		spans := map[string]bool{}
		for _, rec := range recs {
			v := rec.Values
			at, _ := v[12].(time.Time)
			row := CodingRow{
				City:     policykb.City{Name: str(v[0]), NameZh: str(v[1]), Province: str(v[2])},
				Document: policykb.Document{ID: str(v[3]), City: str(v[0]), Title: str(v[4]), IssuedOn: date(v[5])},
				Sentence: policykb.Sentence{ID: str(v[6]), DocumentID: str(v[3]), Index: integer(v[7]), Text: str(v[8])},
				Coding: policykb.Coding{SentenceID: str(v[6]), CodeID: str(v[9]), Coder: str(v[10]), Origin: str(v[11]),
					At: at, Start: optInt(v[13]), End: optInt(v[14])},
			}
			if row.Coding.Start != nil && row.Coding.End != nil {
				spans[row.Document.ID] = true
			}
			rows = append(rows, row)
		}
		if len(spans) == 0 {
			return nil, nil
		}
		withSpans := make([]string, 0, len(spans))
		for id := range spans {
			withSpans = append(withSpans, id)
		}
		recs, err = collect(ctx, tx, flatTexts, map[string]any{"ids": withSpans})
		if err != nil {
			return nil, err
		}
		texts := map[string][]rune{}
		for _, rec := range recs {
			texts[str(rec.Values[0])] = []rune(str(rec.Values[1]))
		}
		for i := range rows {
			c := rows[i].Coding
			if c.Start == nil || c.End == nil {
				continue
			}
			text := texts[rows[i].Document.ID]
			if *c.Start >= 0 && *c.Start <= *c.End && *c.End <= len(text) {
				rows[i].Quote = string(text[*c.Start:*c.End])
			}
		}
		return nil, nil
	})
	return rows, err
}
