package graph

import (
	"context"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
)

// DocumentBundle is one document with everything that must land with it:
// its city, its sentences and the codings on them.
type DocumentBundle struct {
	// Study is the id of the study the document is written for (it comes
	// to include it, and the codings are at its codes); empty: see
	// Store.WriteDocuments.
	Study     string
	City      policykb.City
	Document  policykb.Document
	Sentences []policykb.Sentence
	Codings   []policykb.Coding
}

// WriteSummary reports a write: what the database changed (from Neo4j's own
// counters) and how many items were submitted.
type WriteSummary struct {
	NodesCreated, NodesDeleted, RelationshipsCreated, RelationshipsDeleted, PropertiesSet int
	Codes, Documents, Sentences, Codings                                                  int
	// Included is the number of documents the write's study came to
	// include (INCLUDES created; not in RelationshipsCreated): a document
	// already stored for another study is shared, not written again.
	Included int
}

// Add returns the sum of two summaries.
func (s WriteSummary) Add(o WriteSummary) WriteSummary {
	return WriteSummary{
		NodesCreated: s.NodesCreated + o.NodesCreated, NodesDeleted: s.NodesDeleted + o.NodesDeleted,
		RelationshipsCreated: s.RelationshipsCreated + o.RelationshipsCreated,
		RelationshipsDeleted: s.RelationshipsDeleted + o.RelationshipsDeleted,
		PropertiesSet:        s.PropertiesSet + o.PropertiesSet,
		Codes:                s.Codes + o.Codes, Documents: s.Documents + o.Documents,
		Sentences: s.Sentences + o.Sentences, Codings: s.Codings + o.Codings,
		Included: s.Included + o.Included,
	}
}

// counter accumulates the counters of every statement run in a transaction;
// it is reset at the start of each attempt because the driver may retry.
type counter struct{ sum WriteSummary }

func (c *counter) run(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any) error {
	_, err := c.collect(ctx, tx, cypher, params)
	return err
}

// collect runs a statement, adds its counters and returns its records.
func (c *counter) collect(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	res, err := tx.Run(ctx, cypher, params)
	if err != nil {
		return nil, err
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		return nil, err
	}
	summary, err := res.Consume(ctx)
	if err != nil {
		return nil, err
	}
	k := summary.Counters()
	c.sum.NodesCreated += k.NodesCreated()
	c.sum.NodesDeleted += k.NodesDeleted()
	c.sum.RelationshipsCreated += k.RelationshipsCreated()
	c.sum.RelationshipsDeleted += k.RelationshipsDeleted()
	c.sum.PropertiesSet += k.PropertiesSet()
	return recs, nil
}

// One statement per level: labels cannot be parameters, so they come from
// this fixed list.
var upsertCodes = map[policykb.Level]string{}

func init() {
	for _, l := range policykb.Levels {
		upsertCodes[l] = `
UNWIND $rows AS row
MERGE (c:Code {study: $study, id: row.id})
SET c:` + l.Label() + `, c.level = row.level, c.number = row.number, c.name = row.name,
    c.nameZh = row.nameZh, c.source = row.source, c.ord = row.ord`
	}
}

// A code whose parent changed loses its old BELONGS_TO.
const linkCodes = `
UNWIND $rows AS row
MATCH (c:Code {study: $study, id: row.id})
OPTIONAL MATCH (c)-[old:BELONGS_TO]->(p:Code) WHERE p.id <> row.parent
DELETE old
WITH DISTINCT c, row
MATCH (p:Code {study: $study, id: row.parent})
MERGE (c)-[:BELONGS_TO]->(p)`

// WriteCodebook writes a study's whole coding scheme in one transaction:
// every code (MERGE on study and id, properties overwritten) and its
// BELONGS_TO link to its parent. The codes' Study (all the same) names the
// study; empty, the base's one study, or a new study "default" in a base
// without studies (several studies: BAD_USER_INPUT). Codes must come parents first, as loaders order them; ord keeps
// that order for listing. Codes already stored but absent here are kept.
// When a code moves to another parent, the rollups of every document are
// recomputed in the same transaction. Idempotent.
func (s *Store) WriteCodebook(ctx context.Context, codes []policykb.Code) (WriteSummary, error) {
	ctx, end := s.enter(ctx, "WriteCodebook")
	defer end()
	study, err := s.oneStudy(ctx, len(codes), func(i int) string { return codes[i].Study })
	if err != nil {
		return WriteSummary{}, fmt.Errorf("graph: write codebook: %w", err)
	}
	byLevel := map[policykb.Level][]map[string]any{}
	var links []map[string]any
	for i, c := range codes {
		var number any
		if c.Number != nil {
			number = int64(*c.Number)
		}
		byLevel[c.Level] = append(byLevel[c.Level], map[string]any{
			"id": c.ID, "level": c.Level.String(), "number": number, "name": c.Name,
			"nameZh": nullable(c.NameZh), "source": nullable(c.Source), "ord": int64(i),
		})
		if c.Parent != "" {
			links = append(links, map[string]any{"id": c.ID, "parent": c.Parent})
		}
	}
	out, err := s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		var c counter
		for _, l := range policykb.Levels {
			for _, rows := range chunks(byLevel[l], s.cfg.BatchSize) {
				if err := c.run(ctx, tx, upsertCodes[l], map[string]any{"rows": rows, "study": study}); err != nil {
					return nil, err
				}
			}
		}
		before := c.sum
		for _, rows := range chunks(links, s.cfg.BatchSize) {
			if err := c.run(ctx, tx, linkCodes, map[string]any{"rows": rows, "study": study}); err != nil {
				return nil, err
			}
		}
		if c.sum.RelationshipsCreated != before.RelationshipsCreated || c.sum.RelationshipsDeleted != before.RelationshipsDeleted {
			if err := exec(ctx, tx, refreshAllRollups, rollupArgs(map[string]any{})); err != nil {
				return nil, fmt.Errorf("refresh rollups: %w", err)
			}
		}
		return c.sum, nil
	})
	if err != nil {
		return WriteSummary{}, fmt.Errorf("graph: write codebook: %w", err)
	}
	sum := out.(WriteSummary)
	sum.Codes = len(codes)
	return sum, nil
}

const upsertCities = `
UNWIND $rows AS row
MERGE (c:City {name: row.name})
SET c.nameZh = row.nameZh, c.province = row.province, c:Unplaced`

const upsertSentences = `
UNWIND $rows AS row
MATCH (d:Document {id: row.doc})
MERGE (s:Sentence {id: row.id})
SET s.index = row.index, s.text = row.text, s.start = row.start, s.end = row.end, s.kind = row.kind
MERGE (d)-[:HAS_SENTENCE]->(s)`

// One CODED_AS per (sentence, code, coder): origin and time of the first
// coding are kept, so a reload changes nothing.
const upsertCodings = `
UNWIND $rows AS row
MATCH (s:Sentence {id: row.sentence})
MATCH (k:Code {study: row.study, id: row.code})
MERGE (s)-[r:CODED_AS {coder: row.coder}]->(k)
ON CREATE SET r.origin = row.origin, r.at = row.at
SET r.start = row.start, r.end = row.end`

// groupBatches is the size of a WriteDocuments transaction, in batches of
// sentences: large enough to spread what every transaction costs (its
// commit, the city rollups and the version it refreshes) over many
// sentences, small enough for a small heap.
const groupBatches = 8

// WriteDocuments writes documents with their cities, sentences and codings.
// Whole documents are grouped into transactions of about 8 × BatchSize
// sentences, so a failure never leaves a document half-written: each
// document is either as before or completely written. A stored document
// whose SHA256 differs gets its old sentences and their codings replaced.
// The rollups of the written documents are recomputed in the same
// transactions, and with Words their words are made (on every core, a
// group ahead of its write) and written with them. progress, if not nil, is called after each committed transaction with the
// number of documents written so far. Idempotent. A document given twice,
// or a coding on a sentence not among its bundle's Sentences, is an error
// returned before anything is written.
//
// The bundles' Study (all the same, empty as for WriteCodebook) names the
// study the documents are written for: it comes to include them, and their
// codings are at its codes. A stored document of another study is shared:
// with the same text it is linked, nothing of it rewritten; with another
// text it is an error naming both, before anything of the group is written.
func (s *Store) WriteDocuments(ctx context.Context, docs []DocumentBundle, progress func(done, total int)) (WriteSummary, error) {
	ctx, end := s.enter(ctx, "WriteDocuments")
	defer end()
	if err := checkBundles(docs); err != nil {
		return WriteSummary{}, fmt.Errorf("graph: write documents: %w", err)
	}
	study, err := s.oneStudy(ctx, len(docs), func(i int) string { return docs[i].Study })
	if err != nil {
		return WriteSummary{}, fmt.Errorf("graph: write documents: %w", err)
	}
	var groups [][]DocumentBundle
	for start := 0; start < len(docs); {
		end, n := start, 0
		for end < len(docs) && (end == start || n+len(docs[end].Sentences) <= groupBatches*s.cfg.BatchSize) {
			n += len(docs[end].Sentences)
			end++
		}
		groups = append(groups, docs[start:end])
		start = end
	}
	words, stop := s.wordsPipeline(groups)
	defer stop()
	var total WriteSummary
	done := 0
	for i, g := range groups {
		sum, err := s.writeDocumentGroup(ctx, study, g, words(i))
		if err != nil {
			return total, fmt.Errorf("graph: write documents %s..%s: %w", g[0].Document.ID, g[len(g)-1].Document.ID, err)
		}
		total = total.Add(sum)
		done += len(g)
		if progress != nil {
			progress(done, len(docs))
		}
	}
	return total, nil
}

// WriteCodings adds codings on sentences that are already stored, one
// transaction per BatchSize codings. Codings whose sentence or code is
// missing are skipped by the MATCH; loaders check both before writing.
// The rollups of the documents a transaction touches are recomputed in it.
// The codings' Study (all the same, empty as for WriteCodebook) names the
// study whose codes they are at; it comes to include their documents.
// Idempotent.
func (s *Store) WriteCodings(ctx context.Context, codings []policykb.Coding) (WriteSummary, error) {
	ctx, end := s.enter(ctx, "WriteCodings")
	defer end()
	study, err := s.oneStudy(ctx, len(codings), func(i int) string { return codings[i].Study })
	if err != nil {
		return WriteSummary{}, fmt.Errorf("graph: write codings: %w", err)
	}
	rows := make([]map[string]any, len(codings))
	for i, c := range codings {
		rows[i] = codingRow(study, c)
	}
	var total WriteSummary
	for _, batch := range chunks(rows, s.cfg.BatchSize) {
		out, err := s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
			var c counter
			if err := c.run(ctx, tx, upsertCodings, map[string]any{"rows": batch}); err != nil {
				return nil, err
			}
			included, err := includeIn(ctx, tx, includeCodedDocuments, map[string]any{"rows": batch, "study": study})
			if err != nil {
				return nil, err
			}
			c.sum.Included += included
			if err := refreshRollupsOfCodings(ctx, tx, batch); err != nil {
				return nil, err
			}
			return c.sum, nil
		})
		if err != nil {
			return total, fmt.Errorf("graph: write codings: %w", err)
		}
		total = total.Add(out.(WriteSummary))
		total.Codings += len(batch)
	}
	return total, nil
}

// oneStudy returns the study a write of n items is for (see writeStudy):
// the one study(i) names, all the same.
func (s *Store) oneStudy(ctx context.Context, n int, study func(i int) string) (string, error) {
	id := ""
	for i := range n {
		st := study(i)
		if st == "" {
			continue
		}
		if id != "" && st != id {
			return "", policykb.InvalidArgument("study", "one write is for one study, not for %s and %s", id, st)
		}
		id = st
	}
	return s.writeStudy(ctx, id)
}

func codingRow(study string, c policykb.Coding) map[string]any {
	at := c.At
	if at.IsZero() {
		at = time.Now()
	}
	row := map[string]any{"sentence": c.SentenceID, "code": c.CodeID, "coder": c.Coder, "study": study,
		"origin": c.Origin, "at": at.UTC(), "start": nil, "end": nil}
	if c.Start != nil && c.End != nil {
		row["start"], row["end"] = int64(*c.Start), int64(*c.End)
	}
	return row
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func chunks[T any](rows []T, size int) [][]T {
	var out [][]T
	for len(rows) > 0 {
		n := min(size, len(rows))
		out = append(out, rows[:n])
		rows = rows[n:]
	}
	return out
}
