package graph

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// A document is written one of two ways, decided inside its transaction
// by upsertDocuments:
//
//   - fresh: not stored yet, or stored with another text (its old
//     sentences and their codings are deleted first). Its sentences and
//     codings are created outright (createContent): nothing of it is
//     stored to merge with.
//   - stored with the same text: its sentences and codings are merged
//     (upsertSentences, upsertCodings), keeping codings stored by earlier
//     loads.
//
// Both ways leave the same graph, so a second identical load merges and
// creates nothing; the rollups of every document of the group are then
// recomputed in the same transaction.

// upsertDocuments merges each document and its ISSUED link (moving it
// from another city), deletes the sentences of a stored document whose
// text changed, and returns each document's id with whether it is fresh.
// It sets the document's words (words_write.go) when the store made them;
// a store without Words keeps those of an unchanged text and drops those
// of a changed one.
const upsertDocuments = `
UNWIND $rows AS row
MATCH (c:City {name: row.city})
OPTIONAL MATCH (stored:Document {id: row.id})
WITH c, row, stored IS NULL AS isNew, coalesce(stored.sha256 <> row.sha256, false) AS changed
CALL (row, changed) {
  MATCH (d:Document {id: row.id}) WHERE changed
  MATCH (d)-[:HAS_SENTENCE]->(s:Sentence)
  DETACH DELETE s
}
MERGE (d:Document {id: row.id})
SET d.title = row.title, d.issuer = row.issuer, d.issuedOn = row.issuedOn, d.docType = row.docType,
    d.url = row.url, d.sourceFile = row.sourceFile, d.sha256 = row.sha256, d.synthetic = row.synthetic,
    d.text = row.text,
    d.words = CASE WHEN row.wordsVersion IS NULL AND NOT changed THEN d.words ELSE row.words END,
    d.wordsVersion = CASE WHEN row.wordsVersion IS NULL AND NOT changed THEN d.wordsVersion ELSE row.wordsVersion END
WITH c, d, row, isNew OR changed AS fresh
CALL (c, d) {
  MATCH (d)<-[old:ISSUED]-(other:City) WHERE other <> c
  DELETE old
}
MERGE (c)-[:ISSUED]->(d)
RETURN row.id AS id, fresh`

// createContent creates the sentences of fresh documents, each with its
// codings.
const createContent = `
UNWIND $rows AS row
MATCH (d:Document {id: row.id})
CALL (d, row) {
  UNWIND row.sentences AS st
  CREATE (d)-[:HAS_SENTENCE]->(s:Sentence {id: st.id, index: st.index, text: st.text, start: st.start,
    end: st.end, kind: st.kind})
  WITH s, st
  UNWIND st.codings AS k
  MATCH (c:Code {study: $study, id: k.code})
  CREATE (s)-[:CODED_AS {coder: k.coder, origin: k.origin, at: k.at, start: k.start, end: k.end}]->(c)
}`

// checkBundles rejects, before anything is written, bundles that would
// write something other than what they say: a document given twice, or a
// coding on a sentence that is not one of its document's.
func checkBundles(docs []DocumentBundle) error {
	seen := make(map[string]bool, len(docs))
	for _, b := range docs {
		if seen[b.Document.ID] {
			return fmt.Errorf("document %s given twice", b.Document.ID)
		}
		seen[b.Document.ID] = true
		own := make(map[string]bool, len(b.Sentences))
		for _, st := range b.Sentences {
			own[st.ID] = true
		}
		for _, c := range b.Codings {
			if !own[c.SentenceID] {
				return fmt.Errorf("document %s: coding on sentence %s, which is not one of its sentences", b.Document.ID, c.SentenceID)
			}
		}
	}
	return nil
}

// groupRows are the statement parameters of one group of documents, built
// before its transaction starts (and reused if the driver retries it).
type groupRows struct {
	cities, documents []map[string]any
	// keys are the documents' id, sha256 and sourceFile: what the checks
	// against other studies read (without the texts and words, which are
	// most of a document's row).
	keys []map[string]any
	// Per document, parallel to documents: the rows of createContent (used
	// if the document is fresh) and of upsertSentences and upsertCodings
	// (used if it is not).
	content, sentences, codings [][]map[string]any
	ids                         []string // the documents'
	nSentences, nCodings        int
}

// newGroupRows builds the rows of a group of documents; words are their
// d.words (words_write.go), ignored when version is "" (no Words).
func newGroupRows(study string, docs []DocumentBundle, words []string, version string) *groupRows {
	g := &groupRows{}
	seenCity := map[string]bool{}
	for di, b := range docs {
		if !seenCity[b.City.Name] {
			seenCity[b.City.Name] = true
			g.cities = append(g.cities, map[string]any{"name": b.City.Name, "nameZh": nullable(b.City.NameZh), "province": nullable(b.City.Province)})
		}
		d := b.Document
		var issued any
		if !d.IssuedOn.IsZero() {
			issued = neo4j.DateOf(d.IssuedOn)
		}
		g.documents = append(g.documents, map[string]any{
			"id": d.ID, "city": b.City.Name, "title": d.Title, "issuer": nullable(d.Issuer), "issuedOn": issued,
			"docType": nullable(d.DocType), "url": nullable(d.URL), "sourceFile": nullable(d.SourceFile),
			"sha256": d.SHA256, "synthetic": d.Synthetic, "text": d.Text,
			"words": nil, "wordsVersion": nil,
		})
		g.keys = append(g.keys, map[string]any{"id": d.ID, "sha256": d.SHA256, "sourceFile": nullable(d.SourceFile)})
		if version != "" {
			row := g.documents[len(g.documents)-1]
			row["words"], row["wordsVersion"] = words[di], version
		}
		sentences := make([]map[string]any, len(b.Sentences))
		created := make([]map[string]any, len(b.Sentences))
		at := make(map[string]int, len(b.Sentences))
		for i, st := range b.Sentences {
			sentences[i] = map[string]any{
				"doc": d.ID, "id": st.ID, "index": int64(st.Index), "text": st.Text,
				"start": int64(st.Start), "end": int64(st.End), "kind": string(st.Kind),
			}
			created[i] = map[string]any{
				"id": st.ID, "index": int64(st.Index), "text": st.Text,
				"start": int64(st.Start), "end": int64(st.End), "kind": string(st.Kind),
			}
			at[st.ID] = i
		}
		codings := make([]map[string]any, len(b.Codings))
		coded := make([][]map[string]any, len(b.Sentences)) // the codings to create, per sentence
		merged := map[string]map[string]any{}               // sentence, code, coder: one CODED_AS
		for i, c := range b.Codings {
			codings[i] = codingRow(study, c)
			key := c.SentenceID + "\x00" + c.CodeID + "\x00" + c.Coder
			if first, dup := merged[key]; dup {
				// As upsertCodings would: the first coding's origin and
				// time, the last one's span.
				first["start"], first["end"] = codings[i]["start"], codings[i]["end"]
				continue
			}
			row := map[string]any{"code": c.CodeID, "coder": c.Coder, "origin": codings[i]["origin"],
				"at": codings[i]["at"], "start": codings[i]["start"], "end": codings[i]["end"]}
			merged[key] = row
			coded[at[c.SentenceID]] = append(coded[at[c.SentenceID]], row)
		}
		for i, st := range created {
			st["codings"] = coded[i]
		}
		g.content = append(g.content, []map[string]any{{"id": d.ID, "sentences": created}})
		g.ids = append(g.ids, d.ID)
		g.sentences = append(g.sentences, sentences)
		g.codings = append(g.codings, codings)
		g.nSentences += len(b.Sentences)
		g.nCodings += len(b.Codings)
	}
	return g
}

// writeDocumentGroup writes a group of documents in one transaction, with
// their words (one per document, from wordsPipeline).
func (s *Store) writeDocumentGroup(ctx context.Context, study string, docs []DocumentBundle, words []string) (WriteSummary, error) {
	version := ""
	if s.cfg.Words != nil {
		version = s.cfg.Words.Version()
	}
	g := newGroupRows(study, docs, words, version)
	out, err := s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		var c counter
		if err := checkConflicts(ctx, tx, study, g.keys); err != nil {
			return nil, err
		}
		// A document another study holds with this text is shared as it
		// is stored: its title, city and words stay (its sentences and the
		// codings of this write are merged below).
		others, err := heldByOthers(ctx, tx, study, g.keys)
		if err != nil {
			return nil, err
		}
		own, cities := g.documents, g.cities
		if len(others) > 0 {
			own, cities = nil, nil
			used := map[string]bool{}
			for _, d := range g.documents {
				if !others[d["id"].(string)] {
					own = append(own, d)
					used[d["city"].(string)] = true
				}
			}
			for _, city := range g.cities {
				if used[city["name"].(string)] {
					cities = append(cities, city)
				}
			}
		}
		if err := c.run(ctx, tx, upsertCities, map[string]any{"rows": cities}); err != nil {
			return nil, err
		}
		recs, err := c.collect(ctx, tx, upsertDocuments, map[string]any{"rows": own})
		if err != nil {
			return nil, err
		}
		included, err := includeIn(ctx, tx, includeDocuments, map[string]any{"ids": g.ids, "study": study})
		if err != nil {
			return nil, err
		}
		c.sum.Included += included
		fresh := make(map[string]bool, len(recs))
		for _, r := range recs {
			id, _ := r.Values[0].(string)
			fresh[id], _ = r.Values[1].(bool)
		}
		var content, sentences, codings []map[string]any
		for i, d := range g.documents {
			if fresh[d["id"].(string)] {
				content = append(content, g.content[i]...)
				continue
			}
			sentences = append(sentences, g.sentences[i]...)
			codings = append(codings, g.codings[i]...)
		}
		if len(content) > 0 {
			if err := c.run(ctx, tx, createContent, map[string]any{"rows": content, "study": study}); err != nil {
				return nil, err
			}
		}
		for _, step := range []struct {
			cypher string
			rows   []map[string]any
		}{{upsertSentences, sentences}, {upsertCodings, codings}} {
			for _, rows := range chunks(step.rows, s.cfg.BatchSize) {
				if err := c.run(ctx, tx, step.cypher, map[string]any{"rows": rows}); err != nil {
					return nil, err
				}
			}
		}
		var created []DocumentBundle
		var merged []string
		for _, b := range docs {
			if fresh[b.Document.ID] {
				created = append(created, b)
			} else {
				merged = append(merged, b.Document.ID)
			}
		}
		if err := s.createRollups(ctx, tx, study, created); err != nil {
			return nil, err
		}
		if err := s.refreshFrameRollupsOf(ctx, tx, created); err != nil {
			return nil, err
		}
		if err := s.refreshRollups(ctx, tx, merged); err != nil {
			return nil, err
		}
		if err := exec(ctx, tx, bumpWords, nil); err != nil {
			return nil, err
		}
		return c.sum, nil
	})
	if err != nil {
		return WriteSummary{}, err
	}
	sum := out.(WriteSummary)
	sum.Documents, sum.Sentences, sum.Codings = len(docs), g.nSentences, g.nCodings
	return sum, nil
}
