package graph

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
)

// CodingDocument is one stored document as automatic coders read it: its
// sentences in order, each one's stored words (words_write.go; nil for a
// document whose words were not made), and its codings.
type CodingDocument struct {
	Document  policykb.Document
	Sentences []policykb.Sentence
	Words     [][]string
	Codings   []policykb.Coding
}

// CodingDocumentsQuery selects the documents EachCodingDocument reads.
type CodingDocumentsQuery struct {
	// Filter admits documents (cities, provinces, documents, dates); its
	// coders, when given, restrict the codings read.
	Filter policykb.CorpusFilter
	// Human, when set, reads only documents with a human coding (with the
	// filter's coders, one of theirs), and only those codings; HumanFree
	// only documents without a human coding.
	Human, HumanFree bool
	// Codings reads the documents' codings (all of them, or the filter's
	// coders'); without it Codings is nil.
	Codings bool
}

const codingDocumentIDs = `
MATCH (city:City)-[:ISSUED]->(d:Document) WHERE %s
RETURN d.id ORDER BY city.name, d.issuedOn, d.id`

const codingDocumentSentences = `
MATCH (city:City)-[:ISSUED]->(d:Document) WHERE d.id IN $ids
CALL (d) {
  MATCH (d)-[:HAS_SENTENCE]->(s:Sentence)
  WITH s ORDER BY s.index
  RETURN collect([s.id, s.index, s.kind, s.text, s.start, s.end]) AS ss
}
RETURN collect([` + documentFields + `, d.words, d.wordsVersion, ss])`

const codingDocumentCodings = `
MATCH (d:Document)-[:HAS_SENTENCE]->(s:Sentence)-[r:CODED_AS]->(k:Code) WHERE d.id IN $ids AND %s
RETURN collect([s.id, k.id, r.coder, r.origin, r.confidence])`

// EachCodingDocument calls fn with the documents a query selects, in
// document order (city, issue date, id), batch documents at a time, each
// batch read in a read transaction of its own. An error from fn stops the
// reading and is returned as it is.
func (s *Store) EachCodingDocument(ctx context.Context, q CodingDocumentsQuery, batch int, fn func([]CodingDocument) error) error {
	ctx, end := s.enter(ctx, "EachCodingDocument")
	defer end()
	if batch < 1 {
		batch = DefaultDocumentsPerBatch
	}
	params, err := s.filterParams(ctx, q.Filter, map[string]any{})
	if err != nil {
		return err
	}
	where := filterClause(q.Filter, params, false)
	// Documents with a human coding; with the filter's coders, with one of theirs.
	human := "EXISTS { (d)-[:HAS_SENTENCE]->(:Sentence)-[r:CODED_AS]->() WHERE " +
		coderCond(policykb.CorpusFilter{Coders: q.Filter.Coders, Study: q.Filter.Study}, params, "r") + " }"
	switch {
	case q.Human:
		where += " AND " + human
	case q.HumanFree:
		where += " AND NOT " + human
	}
	coderF := q.Filter
	if q.Human {
		coderF = policykb.CorpusFilter{Coders: q.Filter.Coders, Study: q.Filter.Study}
	} else if len(coderF.Coders) == 0 {
		coderF.IncludeAutomatic = true
	}
	codings := fmt.Sprintf(codingDocumentCodings, coderCond(coderF, params, "r"))
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return collect(ctx, tx, fmt.Sprintf(codingDocumentIDs, where), params)
	})
	if err != nil {
		return fmt.Errorf("graph: coding documents: %w", err)
	}
	var ids []string
	for _, r := range out.([]*neo4j.Record) {
		ids = append(ids, str(r.Values[0]))
	}
	version := ""
	if s.cfg.Words != nil {
		version = s.cfg.Words.Version()
	}
	for start := 0; start < len(ids); start += batch {
		part := ids[start:min(start+batch, len(ids))]
		var docs []CodingDocument
		_, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
			docs = docs[:0]
			p := map[string]any{"ids": part}
			for k, v := range params {
				p[k] = v
			}
			rows, err := packed(ctx, tx, codingDocumentSentences, p)
			if err != nil {
				return nil, err
			}
			at := map[string]int{}
			byDoc := make([]CodingDocument, len(part))
			for i, id := range part {
				at[id] = i
			}
			for _, v := range rows {
				d := documentOf(v)
				cd := &byDoc[at[d.ID]]
				cd.Document = d
				for _, sv := range v[12].([]any) {
					x := sv.([]any)
					cd.Sentences = append(cd.Sentences, policykb.Sentence{ID: str(x[0]), DocumentID: d.ID, Index: integer(x[1]),
						Kind: policykb.SentenceKind(str(x[2])), Text: str(x[3]), Start: integer(x[4]), End: integer(x[5])})
				}
				if words := str(v[10]); str(v[11]) == version && version != "" {
					lines := strings.Split(words, "\n")
					if len(lines) == len(cd.Sentences) {
						cd.Words = make([][]string, len(lines))
						for i, l := range lines {
							cd.Words[i] = strings.Fields(l)
						}
					}
				}
			}
			if q.Codings {
				rows, err := packed(ctx, tx, codings, p)
				if err != nil {
					return nil, err
				}
				for _, v := range rows {
					sid := str(v[0])
					doc, _, _ := strings.Cut(sid, "#")
					if i, ok := at[doc]; ok {
						byDoc[i].Codings = append(byDoc[i].Codings, policykb.Coding{SentenceID: sid, CodeID: str(v[1]),
							Coder: str(v[2]), Origin: str(v[3]), Confidence: optFloat(v[4])})
					}
				}
			}
			for _, cd := range byDoc {
				if cd.Document.ID != "" {
					docs = append(docs, cd)
				}
			}
			return nil, nil
		})
		if err != nil {
			return fmt.Errorf("graph: coding documents: %w", err)
		}
		if err := fn(docs); err != nil {
			return err
		}
	}
	return nil
}

const (
	humanCodingsOfCoder = `
RETURN EXISTS { MATCH ()-[r:CODED_AS]->() WHERE r.coder = $coder AND coalesce(r.origin, '') <> 'auto' }`
	deleteAutoCodings = `
MATCH (d:Document)-[:HAS_SENTENCE]->(s:Sentence)-[r:CODED_AS]->(k:Code)
WHERE d.id IN $docs AND r.coder = $coder AND r.origin = 'auto' AND k.study = $study AND NOT s.id + ' ' + k.id IN $keep
DELETE r`
	mergeAutoCodings = `
UNWIND $rows AS row
MATCH (s:Sentence {id: row.sentence})
MATCH (k:Code {study: $study, id: row.code})
MERGE (s)-[r:CODED_AS {coder: $coder}]->(k)
ON CREATE SET r.origin = 'auto', r.at = $at, r.confidence = row.confidence
WITH r, row WHERE r.confidence <> row.confidence
SET r.confidence = row.confidence`
)

// ReplaceAutoCodings makes the given codings the automatic coder's codings
// on the given documents: codings it has there and that are not given are
// deleted, the given ones are created (origin "auto", with their
// Confidence) or have their confidence updated. Its codings on other
// documents stay. Writing the same codings again changes nothing. The
// coder's name must begin with "auto:" and be no human coder's (an error
// before anything is written), so a human's codings are never touched.
// Documents go in transactions of BatchSize codings or so; automatic
// codings count in no rollup, so none is recomputed. study (and the
// codings' Study, where set: the same) is the study whose codes they are
// at, and whose automatic codings of the documents are replaced; empty: the
// base's one study (see ResolveStudy). The coder's codings at other
// studies' codes stay.
func (s *Store) ReplaceAutoCodings(ctx context.Context, coder, study string, docIDs []string, codings []policykb.Coding) (WriteSummary, error) {
	ctx, end := s.enter(ctx, "ReplaceAutoCodings")
	defer end()
	if !strings.HasPrefix(coder, policykb.AutoCoderPrefix) {
		return WriteSummary{}, policykb.InvalidArgument("coder", "an automatic coder's name begins with %q, got %q", policykb.AutoCoderPrefix, coder)
	}
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		recs, err := collect(ctx, tx, humanCodingsOfCoder, map[string]any{"coder": coder})
		if err != nil {
			return nil, err
		}
		return boolean(recs[0].Values[0]), nil
	})
	if err != nil {
		return WriteSummary{}, fmt.Errorf("graph: automatic codings: %w", err)
	}
	if out.(bool) {
		return WriteSummary{}, policykb.InvalidArgument("coder", "%q is the name of a human coder's codings: automatic coding never touches them; choose another name", coder)
	}
	study, err = s.oneStudy(ctx, len(codings)+1, func(i int) string {
		if i == 0 {
			return study
		}
		return codings[i-1].Study
	})
	if err != nil {
		return WriteSummary{}, fmt.Errorf("graph: automatic codings: %w", err)
	}
	byDoc := map[string][]policykb.Coding{}
	for _, c := range codings {
		doc, _, _ := strings.Cut(c.SentenceID, "#")
		byDoc[doc] = append(byDoc[doc], c)
	}
	at := time.Now().UTC().Truncate(time.Second)
	var total WriteSummary
	for start := 0; start < len(docIDs); {
		end, n := start, 0
		for end < len(docIDs) && (end == start || n+len(byDoc[docIDs[end]]) <= s.cfg.BatchSize) {
			n += len(byDoc[docIDs[end]])
			end++
		}
		docs := docIDs[start:end]
		var rows []map[string]any
		keep := []string{}
		for _, d := range docs {
			for _, c := range byDoc[d] {
				conf := 1.0
				if c.Confidence != nil {
					conf = *c.Confidence
				}
				rows = append(rows, map[string]any{"sentence": c.SentenceID, "code": c.CodeID, "confidence": conf})
				keep = append(keep, c.SentenceID+" "+c.CodeID)
			}
		}
		out, err := s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
			var c counter
			if err := c.run(ctx, tx, deleteAutoCodings, map[string]any{"docs": docs, "coder": coder, "keep": keep, "study": study}); err != nil {
				return nil, err
			}
			if len(rows) > 0 {
				if err := c.run(ctx, tx, mergeAutoCodings, map[string]any{"rows": rows, "coder": coder, "at": at, "study": study}); err != nil {
					return nil, err
				}
			}
			return c.sum, nil
		})
		if err != nil {
			return total, fmt.Errorf("graph: automatic codings: %w", err)
		}
		total = total.Add(out.(WriteSummary))
		total.Documents += len(docs)
		total.Codings += len(rows)
		start = end
	}
	return total, nil
}
