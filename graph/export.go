package graph

import (
	"context"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
)

// ExportDocument is one stored document with its text, its sentences in
// order and every coding on them.
type ExportDocument struct {
	Document  policykb.Document // Text set
	Sentences []policykb.Sentence
	Codings   []policykb.Coding // by sentence order, then code id, then coder
	// FrameCodings are the codings in the study's frames besides its
	// codebook (direct and derived), by sentence order, then frame, code
	// id and coder.
	FrameCodings []ExportFrameCoding
}

// ExportFrameCoding is a coding in a frame: Coding.CodeID is a code of
// Frame; a derived coding (Derived) has the coder and origin
// "derived:<Mapping>".
type ExportFrameCoding struct {
	Frame string
	policykb.Coding
	Derived bool
	Mapping string
}

const allCoders = `
MATCH ()-[r:CODED_AS]->() RETURN DISTINCT coalesce(r.coder, '') AS coder ORDER BY coder`

// Coders returns every distinct coder of a coding, in order ("" stands for
// codings without a coder). The list is held like the codebook (see
// catalog.go): it is read from the database once per change of the
// knowledge base.
func (s *Store) Coders(ctx context.Context) ([]string, error) {
	ctx, end := s.enter(ctx, "Coders")
	defer end()
	coders, err := readShared(ctx, s, &s.catalog.coders, s.codersIn)
	if err != nil {
		return nil, fmt.Errorf("graph: coders: %w", err)
	}
	return coders, nil
}

func readCoders(ctx context.Context, tx neo4j.ManagedTransaction) ([]string, error) {
	recs, err := collect(ctx, tx, allCoders, nil)
	if err != nil {
		return nil, err
	}
	coders := make([]string, 0, len(recs))
	for _, rec := range recs {
		coders = append(coders, str(rec.Values[0]))
	}
	return coders, nil
}

const documentIDsAfter = `
MATCH (d:Document) WHERE d.id > $after AND ($study = '' OR EXISTS { (:Study {id: $study})-[:INCLUDES]->(d) })
RETURN d.id ORDER BY d.id LIMIT $limit`

const documentsWithText = `
MATCH (city:City)-[:ISSUED]->(d:Document) WHERE d.id IN $ids
RETURN ` + documentFields + `, d.text`

const codingsOfDocuments = `
MATCH (d:Document)-[:HAS_SENTENCE]->(s:Sentence)-[r:CODED_AS]->(k:Code) WHERE d.id IN $ids AND ($study = '' OR k.study = $study)
RETURN d.id, s.id, k.id, r.coder, r.origin, r.at, r.start, r.end
ORDER BY d.id, s.index, k.id, r.coder`

const frameCodingsOfDocuments = `
MATCH (d:Document)-[:HAS_SENTENCE]->(s:Sentence)-[r:CODED_IN]->(k:FrameCode) WHERE d.id IN $ids AND ($study = '' OR k.study = $study)
RETURN d.id, s.id, k.frame, k.id, r.coder, r.origin, r.at, r.start, r.end, coalesce(r.derived, false), coalesce(r.mapping, '')
ORDER BY d.id, s.index, k.frame, k.id, r.coder`

const frameCoders = `
MATCH ()-[r:CODED_IN]->(k:FrameCode) WHERE $study = '' OR k.study = $study
RETURN DISTINCT coalesce(r.coder, '') AS coder ORDER BY coder`

// FrameCoders returns every distinct coder of a coding in a study's frames
// (its id; "" for the whole base), derived coders ("derived:<mapping>")
// included, in order.
func (s *Store) FrameCoders(ctx context.Context, study string) ([]string, error) {
	ctx, end := s.enter(ctx, "FrameCoders")
	defer end()
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return collect(ctx, tx, frameCoders, map[string]any{"study": study})
	})
	if err != nil {
		return nil, fmt.Errorf("graph: frame coders: %w", err)
	}
	var coders []string
	for _, rec := range out.([]*neo4j.Record) {
		coders = append(coders, str(rec.Values[0]))
	}
	return coders, nil
}

// EachDocument calls fn for every stored document in id order, with its
// text, sentences and codings, reading batchSize documents per read
// transaction (at least 1), so that only one batch is held in memory. It
// stops at the first error fn returns, and returns it.
func (s *Store) EachDocument(ctx context.Context, batchSize int, fn func(ExportDocument) error) error {
	ctx, end := s.enter(ctx, "EachDocument")
	defer end()
	return s.eachDocument(ctx, "", batchSize, fn)
}

// StudyEachDocument is EachDocument for one study (see ResolveStudy; ""
// is the whole base): the documents it includes, with the codings at its
// codes.
func (s *Store) StudyEachDocument(ctx context.Context, study string, batchSize int, fn func(ExportDocument) error) error {
	ctx, end := s.enter(ctx, "StudyEachDocument")
	defer end()
	return s.eachDocument(ctx, study, batchSize, fn)
}

func (s *Store) eachDocument(ctx context.Context, study string, batchSize int, fn func(ExportDocument) error) error {
	if batchSize < 1 {
		batchSize = 1
	}
	after := ""
	for {
		var batch []ExportDocument
		var ids []string
		found := map[string]bool{} // documents with a city
		_, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
			batch, ids = nil, nil
			clear(found)
			recs, err := collect(ctx, tx, documentIDsAfter, map[string]any{"after": after, "limit": int64(batchSize), "study": study})
			if err != nil || len(recs) == 0 {
				return nil, err
			}
			ids = make([]string, len(recs))
			index := map[string]int{}
			for i, rec := range recs {
				ids[i] = str(rec.Values[0])
				index[ids[i]] = i
			}
			batch = make([]ExportDocument, len(ids))
			if recs, err = collect(ctx, tx, documentsWithText, map[string]any{"ids": ids}); err != nil {
				return nil, err
			}
			for _, rec := range recs {
				d := documentOf(rec.Values)
				d.Text = str(rec.Values[10])
				batch[index[d.ID]].Document = d
				found[d.ID] = true
			}
			if recs, err = collect(ctx, tx, sentencesOfDocuments, map[string]any{"ids": ids, "offset": int64(0), "limit": int64(1 << 40)}); err != nil {
				return nil, err
			}
			for _, rec := range recs {
				st := sentenceOf(rec.Values)
				e := &batch[index[st.DocumentID]]
				e.Sentences = append(e.Sentences, st)
			}
			if recs, err = collect(ctx, tx, codingsOfDocuments, map[string]any{"ids": ids, "study": study}); err != nil {
				return nil, err
			}
			for _, rec := range recs {
				v := rec.Values
				at, _ := v[5].(time.Time)
				e := &batch[index[str(v[0])]]
				e.Codings = append(e.Codings, policykb.Coding{SentenceID: str(v[1]), CodeID: str(v[2]), Coder: str(v[3]),
					Origin: str(v[4]), At: at, Start: optInt(v[6]), End: optInt(v[7])})
			}
			if recs, err = collect(ctx, tx, frameCodingsOfDocuments, map[string]any{"ids": ids, "study": study}); err != nil {
				return nil, err
			}
			for _, rec := range recs {
				v := rec.Values
				at, _ := v[6].(time.Time)
				e := &batch[index[str(v[0])]]
				e.FrameCodings = append(e.FrameCodings, ExportFrameCoding{Frame: str(v[2]), Derived: v[9] == true, Mapping: str(v[10]),
					Coding: policykb.Coding{SentenceID: str(v[1]), CodeID: str(v[3]), Coder: str(v[4]), Origin: str(v[5]), At: at,
						Start: optInt(v[7]), End: optInt(v[8])}})
			}
			return nil, nil
		})
		if err != nil {
			return fmt.Errorf("graph: export documents after %q: %w", after, err)
		}
		if len(batch) == 0 {
			return nil
		}
		for _, d := range batch {
			if !found[d.Document.ID] { // a document without a city is not exported
				continue
			}
			if err := fn(d); err != nil {
				return err
			}
		}
		after = ids[len(ids)-1]
		if len(batch) < batchSize {
			return nil
		}
	}
}

const documentTexts = `MATCH (d:Document) WHERE d.id IN $ids RETURN d.id, d.text`

// DocumentTexts returns the stored text of each document, keyed by id;
// unknown ids are absent.
func (s *Store) DocumentTexts(ctx context.Context, ids []string) (map[string]string, error) {
	ctx, end := s.enter(ctx, "DocumentTexts")
	defer end()
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return collect(ctx, tx, documentTexts, map[string]any{"ids": ids})
	})
	if err != nil {
		return nil, fmt.Errorf("graph: document texts: %w", err)
	}
	texts := map[string]string{}
	for _, rec := range out.([]*neo4j.Record) {
		texts[str(rec.Values[0])] = str(rec.Values[1])
	}
	return texts, nil
}
