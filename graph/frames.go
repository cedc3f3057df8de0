package graph

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
)

// Coding frames beside a study's grounded-theory codebook (issue 14). The
// codebook stays Code/CODED_AS/ROLLUP and is addressed as the frame
// policykb.CodebookFrameID; every other frame is
//
//	(:Study)-[:HAS_FRAME]->(f:Frame {study, id, name, nameZh, description, source,
//	                                 levels, levelNames, levelNamesZh})            key (study, id)
//	(c:FrameCode {study, frame, id, level, depth, number, name, nameZh, definition, source, ord})
//	    key (study, frame, id); (c)-[:IN_FRAME]->(f); (c)-[:PART_OF]->(parent)
//	(:Sentence)-[:CODED_IN {study, frame, coder, origin, at, derived,
//	                        mapping?, via?, viaEntries?}]->(c)
//	(:Document)-[:FRAME_ROLLUP {study, frame, sentences: n}]->(c)
//	(:Document)-[:FRAME_LEVELS {study, frame, sentences: [n per level]}]->(f)
//	(:FrameMapping {study, id, name, description, source, target, codes, to,
//	                reasons, excluded, excludedReasons})-[:MAPS_TO]->(f)
//
// One CODED_IN per (sentence, code, coder). A derived coding's coder and
// origin are "derived:<mapping id>"; via lists the source codes the
// sentence is coded at that yield it and viaEntries, parallel, the code
// of the mapping entry that decided each (the coded code or an ancestor).
//
// FRAME_ROLLUP n is the number of distinct sentences of the document coded
// (by any coder but an automatic one, derived codings included) at c or
// below it; FRAME_LEVELS holds, per level of the frame (root first), the
// distinct sentences of the document coded at some code of that level or
// below it, so that a level's total in a column counts a sentence under
// two of its codes once. Both are written in the transaction that changes
// the codings they summarise, as ROLLUP is (rollups.go). The labels differ
// from Code/CODED_AS/ROLLUP so that no grounded-theory count can ever
// reach a frame's codes.

// derivedPrefix begins the coder and origin of every derived coding.
const derivedPrefix = "derived:"

const upsertFrame = `
MATCH (st:Study {id: $study})
MERGE (f:Frame {study: $study, id: $id})
SET f.name = $name, f.nameZh = $nameZh, f.description = $description, f.source = $source,
    f.levels = $levels, f.levelNames = $levelNames, f.levelNamesZh = $levelNamesZh
MERGE (st)-[:HAS_FRAME]->(f)`

const upsertFrameCodes = `
MATCH (f:Frame {study: $study, id: $frame})
UNWIND $rows AS row
MERGE (c:FrameCode {study: $study, frame: $frame, id: row.id})
SET c.level = row.level, c.depth = row.depth, c.number = row.number, c.name = row.name, c.nameZh = row.nameZh,
    c.definition = row.definition, c.source = row.source, c.ord = row.ord
MERGE (c)-[:IN_FRAME]->(f)`

// A code whose parent changed loses its old PART_OF.
const linkFrameCodes = `
UNWIND $rows AS row
MATCH (c:FrameCode {study: $study, frame: $frame, id: row.id})
OPTIONAL MATCH (c)-[old:PART_OF]->(p:FrameCode) WHERE row.parent IS NULL OR p.id <> row.parent
DELETE old
WITH DISTINCT c, row WHERE row.parent IS NOT NULL
MATCH (p:FrameCode {study: $study, frame: $frame, id: row.parent})
MERGE (c)-[:PART_OF]->(p)`

// Codes stored for the frame but absent from the file go, with their
// codings; the documents they were coded in get their rollups anew.
const dropFrameCodes = `
MATCH (c:FrameCode {study: $study, frame: $frame}) WHERE NOT c.id IN $ids
OPTIONAL MATCH (d:Document)-[:HAS_SENTENCE]->(:Sentence)-[:CODED_IN]->(c)
WITH c, collect(DISTINCT d.id) AS docs
DETACH DELETE c
RETURN docs`

// frameCodedDocuments are the documents with a coding in the frame.
const frameCodedDocuments = `
MATCH (d:Document)-[:FRAME_LEVELS {study: $study, frame: $frame}]->(:Frame)
RETURN collect(d.id)`

// WriteFrame writes a frame into a study (ref as for StudyID) in one
// transaction: the Frame node, every code (MERGE on study, frame and id,
// properties overwritten), IN_FRAME and PART_OF. The frame is the file:
// codes stored for it but absent from f are deleted with their codings.
// When the tree changes shape, the frame rollups of every document coded
// in it are recomputed in the same transaction. f must satisfy
// policykb.Frame's contract (loaders.ParseFrame's output does) and must
// not be the codebook, which is written by WriteCodebook. Idempotent: the
// same frame twice creates and deletes nothing.
func (s *Store) WriteFrame(ctx context.Context, studyRef string, f policykb.Frame) (WriteSummary, error) {
	ctx, end := s.enter(ctx, "WriteFrame")
	defer end()
	if f.ID == policykb.CodebookFrameID {
		return WriteSummary{}, policykb.InvalidArgument("frame", "graph: write frame: %q is the study's codebook; load it as a codebook", f.ID)
	}
	if f.ID == "" || len(f.Levels) == 0 {
		return WriteSummary{}, policykb.InvalidArgument("frame", "graph: write frame: a frame needs an id and levels")
	}
	study, err := s.StudyID(ctx, studyRef)
	if err != nil {
		return WriteSummary{}, fmt.Errorf("graph: write frame %s: %w", f.ID, err)
	}
	depth := map[string]int{}
	var levels, names, namesZh []string
	for i, l := range f.Levels {
		depth[l.ID] = i
		levels, names, namesZh = append(levels, l.ID), append(names, l.Name), append(namesZh, l.NameZh)
	}
	rows := make([]map[string]any, len(f.Codes))
	links := make([]map[string]any, len(f.Codes))
	ids := make([]string, len(f.Codes))
	for i, c := range f.Codes {
		var number any
		if c.Number != nil {
			number = int64(*c.Number)
		}
		rows[i] = map[string]any{"id": c.ID, "level": c.Level, "depth": int64(depth[c.Level]), "number": number,
			"name": c.Name, "nameZh": nullable(c.NameZh), "definition": nullable(c.Definition), "source": nullable(c.Source), "ord": int64(i)}
		links[i] = map[string]any{"id": c.ID, "parent": nullable(c.Parent)}
		ids[i] = c.ID
	}
	params := map[string]any{"study": study, "frame": f.ID}
	out, err := s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		var c counter
		if err := c.run(ctx, tx, upsertFrame, map[string]any{"study": study, "id": f.ID, "name": f.Name, "nameZh": nullable(f.NameZh),
			"description": nullable(f.Description), "source": nullable(f.Source),
			"levels": levels, "levelNames": names, "levelNamesZh": namesZh}); err != nil {
			return nil, err
		}
		for _, batch := range chunks(rows, s.cfg.BatchSize) {
			if err := c.run(ctx, tx, upsertFrameCodes, with(params, "rows", batch)); err != nil {
				return nil, err
			}
		}
		before := c.sum
		for _, batch := range chunks(links, s.cfg.BatchSize) {
			if err := c.run(ctx, tx, linkFrameCodes, with(params, "rows", batch)); err != nil {
				return nil, err
			}
		}
		recs, err := c.collect(ctx, tx, dropFrameCodes, with(params, "ids", ids))
		if err != nil {
			return nil, err
		}
		if c.sum.RelationshipsCreated == before.RelationshipsCreated && c.sum.RelationshipsDeleted == before.RelationshipsDeleted &&
			c.sum.NodesDeleted == before.NodesDeleted {
			return c.sum, nil
		}
		recs2, err := collect(ctx, tx, frameCodedDocuments, params)
		if err != nil {
			return nil, err
		}
		docs := strings1(recs2[0].Values[0])
		for _, r := range recs {
			docs = append(docs, strings1(r.Values[0])...)
		}
		return c.sum, s.refreshFrameRollups(ctx, tx, study, f.ID, dedupe(docs))
	})
	if err != nil {
		return WriteSummary{}, fmt.Errorf("graph: write frame %s: %w", f.ID, err)
	}
	sum := out.(WriteSummary)
	sum.Codes = len(f.Codes)
	return sum, nil
}

// refreshFrameRollupsBody recomputes the FRAME_ROLLUP and FRAME_LEVELS of
// each document d bound by the statement's head for the frame $frame of
// $study ($levels: the frame's levels, root first).
const refreshFrameRollupsBody = markPMCStale + `
WITH d
CALL (d) {
  OPTIONAL MATCH (d)-[:HAS_SENTENCE]->(s:Sentence)-[r:CODED_IN]->(:FrameCode {study: $study, frame: $frame})-[:PART_OF*0..]->(k:FrameCode)
  WHERE coalesce(r.origin, '') <> '` + policykb.OriginAuto + `'
  WITH s, collect(DISTINCT k) AS ks WHERE s IS NOT NULL
  RETURN collect(ks) AS sets
}
CALL (d, sets) {
  UNWIND sets AS ks
  UNWIND ks AS k
  WITH k, count(*) AS n
  MERGE (d)-[r:FRAME_ROLLUP]->(k)
  SET r.study = $study, r.frame = $frame, r.sentences = n
  RETURN collect(k) AS kept
}
CALL (d, kept) {
  MATCH (d)-[old:FRAME_ROLLUP {study: $study, frame: $frame}]->(x:FrameCode) WHERE NOT x IN kept
  DELETE old
}
CALL (d, sets) {
  MATCH (f:Frame {study: $study, id: $frame})
  WITH d, f, [l IN $levels | size([ks IN sets WHERE any(k IN ks WHERE k.level = l)])] AS perLevel
  CALL (d, f, perLevel) {
    WITH d, f, perLevel WHERE any(n IN perLevel WHERE n > 0)
    MERGE (d)-[r:FRAME_LEVELS]->(f)
    SET r.study = $study, r.frame = $frame, r.sentences = perLevel
  }
  CALL (d, f, perLevel) {
    WITH d, f, perLevel WHERE all(n IN perLevel WHERE n = 0)
    MATCH (d)-[old:FRAME_LEVELS]->(f)
    DELETE old
  }
}`

const refreshFrameRollupsOfDocuments = `
UNWIND $docs AS id
MATCH (d:Document {id: id})
WITH DISTINCT d` + refreshFrameRollupsBody

// refreshFrameRollups recomputes, inside tx, the frame rollups of the
// documents with the given ids for one frame of one study.
func (s *Store) refreshFrameRollups(ctx context.Context, tx neo4j.ManagedTransaction, study, frame string, docIDs []string) error {
	if len(docIDs) == 0 {
		return nil
	}
	recs, err := collect(ctx, tx, `MATCH (f:Frame {study: $study, id: $frame}) RETURN f.levels`, map[string]any{"study": study, "frame": frame})
	if err != nil {
		return err
	}
	if len(recs) == 0 {
		return nil
	}
	levels := recs[0].Values[0]
	for _, ids := range chunks(docIDs, max(1, s.cfg.BatchSize/10)) {
		if err := exec(ctx, tx, refreshFrameRollupsOfDocuments, map[string]any{"docs": ids, "study": study, "frame": frame, "levels": levels}); err != nil {
			return fmt.Errorf("refresh frame rollups: %w", err)
		}
	}
	return nil
}

// framesOfDocuments lists, per frame, which of the documents have frame
// rollups.
const framesOfDocuments = `
UNWIND $docs AS id
MATCH (d:Document {id: id})-[:FRAME_LEVELS]->(f:Frame)
RETURN f.study, f.id, collect(d.id)`

// refreshFrameRollupsOf recomputes, inside tx, the frame rollups of
// documents whose sentences were just replaced (a new text): the codings
// in frames on their old sentences went with them.
func (s *Store) refreshFrameRollupsOf(ctx context.Context, tx neo4j.ManagedTransaction, docs []DocumentBundle) error {
	ids := make([]string, len(docs))
	for i, b := range docs {
		ids[i] = b.Document.ID
	}
	if len(ids) == 0 {
		return nil
	}
	recs, err := collect(ctx, tx, framesOfDocuments, map[string]any{"docs": ids})
	if err != nil {
		return err
	}
	for _, r := range recs {
		if err := s.refreshFrameRollups(ctx, tx, str(r.Values[0]), str(r.Values[1]), strings1(r.Values[2])); err != nil {
			return err
		}
	}
	return nil
}

// One CODED_IN per (sentence, code, coder): origin and time of the first
// coding are kept, so a reload changes nothing.
const upsertFrameCodings = `
UNWIND $rows AS row
MATCH (s:Sentence {id: row.sentence})
MATCH (c:FrameCode {study: $study, frame: $frame, id: row.code})
MERGE (s)-[r:CODED_IN {coder: row.coder}]->(c)
ON CREATE SET r.study = $study, r.frame = $frame, r.origin = row.origin, r.at = row.at, r.derived = false
WITH r, row WHERE r.start IS NULL AND row.start IS NOT NULL
SET r.start = row.start, r.end = row.end`

// sentenceDocuments maps sentence ids to the ids of their documents.
const sentenceDocuments = `
UNWIND $sentences AS sid
MATCH (d:Document)-[:HAS_SENTENCE]->(:Sentence {id: sid})
RETURN collect(DISTINCT d.id)`

// WriteFrameCodings writes direct codings of a stored frame's codes (a
// coding's CodeID is a code of the frame; Study is ignored: the study is
// studyRef, as for WriteFrame), with the frame rollups of the documents
// concerned, in one transaction. Codings whose sentence or code is missing
// are skipped by the MATCH; loaders check both before writing. A derived
// coder name ("derived:...") is refused: derived codings come from
// mappings. Idempotent.
func (s *Store) WriteFrameCodings(ctx context.Context, studyRef, frame string, codings []policykb.Coding) (WriteSummary, error) {
	ctx, end := s.enter(ctx, "WriteFrameCodings")
	defer end()
	study, err := s.StudyID(ctx, studyRef)
	if err != nil {
		return WriteSummary{}, fmt.Errorf("graph: write frame codings: %w", err)
	}
	if _, err := s.Frame(ctx, study, frame); err != nil {
		return WriteSummary{}, fmt.Errorf("graph: write frame codings: %w", err)
	}
	rows := make([]map[string]any, len(codings))
	sids := make([]string, len(codings))
	for i, c := range codings {
		if strings.HasPrefix(c.Coder, derivedPrefix) || strings.HasPrefix(c.Origin, derivedPrefix) {
			return WriteSummary{}, policykb.InvalidArgument("coder", "graph: write frame codings: coder %q: %q is kept for codings derived by a mapping", c.Coder, derivedPrefix)
		}
		rows[i] = codingRow(study, c)
		sids[i] = c.SentenceID
	}
	out, err := s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		var c counter
		params := map[string]any{"study": study, "frame": frame}
		for _, batch := range chunks(rows, s.cfg.BatchSize) {
			if err := c.run(ctx, tx, upsertFrameCodings, with(params, "rows", batch)); err != nil {
				return nil, err
			}
		}
		if c.sum.RelationshipsCreated == 0 {
			return c.sum, nil
		}
		if _, err := includeIn(ctx, tx, includeCodedDocuments, map[string]any{"rows": rows, "study": study}); err != nil {
			return nil, err
		}
		recs, err := collect(ctx, tx, sentenceDocuments, map[string]any{"sentences": sids})
		if err != nil {
			return nil, err
		}
		return c.sum, s.refreshFrameRollups(ctx, tx, study, frame, strings1(recs[0].Values[0]))
	})
	if err != nil {
		return WriteSummary{}, fmt.Errorf("graph: write frame codings: %w", err)
	}
	sum := out.(WriteSummary)
	sum.Codings = len(codings)
	return sum, nil
}

// with returns a copy of params with key set to v.
func with(params map[string]any, key string, v any) map[string]any {
	out := make(map[string]any, len(params)+1)
	for k, x := range params {
		out[k] = x
	}
	out[key] = v
	return out
}

// strings1 reads a Cypher list of strings.
func strings1(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		out = append(out, str(x))
	}
	return out
}

func dedupe(ids []string) []string {
	seen := map[string]bool{}
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// codedAt is the time stamp of derived codings written now.
func codedAt() time.Time { return time.Now().UTC().Truncate(time.Second) }
