package graph

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/analysis"
)

const upsertMapping = `
MATCH (f:Frame {study: $study, id: $target})
MERGE (m:FrameMapping {study: $study, id: $id})
SET m.name = $name, m.description = $description, m.source = $source, m.target = $target,
    m.codes = $codes, m.to = $to, m.reasons = $reasons, m.excluded = $excluded, m.excludedReasons = $excludedReasons
WITH m, f
OPTIONAL MATCH (m)-[old:MAPS_TO]->(other:Frame) WHERE other <> f
DELETE old
MERGE (m)-[:MAPS_TO]->(f)`

// codebookCodings reads, per sentence, the study's codebook codes it is
// coded at by a human coder (automatic codings derive nothing).
const codebookCodings = `
MATCH (k:Code {study: $study})<-[r:CODED_AS]-(s:Sentence)
WHERE coalesce(r.origin, '') <> '` + policykb.OriginAuto + `' AND NOT coalesce(r.coder, '') STARTS WITH '` + policykb.AutoCoderPrefix + `'
RETURN s.id, collect(DISTINCT k.id)`

// frameDirectCodings reads, per sentence, the codes of a stored frame it
// is coded at directly by a human coder (derived codings are no mapping's
// source: a chain of mappings would go stale when its first link changes).
const frameDirectCodings = `
MATCH (c:FrameCode {study: $study, frame: $frame})<-[r:CODED_IN]-(s:Sentence)
WHERE NOT r.derived AND coalesce(r.origin, '') <> '` + policykb.OriginAuto + `' AND NOT coalesce(r.coder, '') STARTS WITH '` + policykb.AutoCoderPrefix + `'
RETURN s.id, collect(DISTINCT c.id)`

// dropStaleDerived deletes the mapping's derived codings that the
// mapping no longer yields and returns their sentences.
const dropStaleDerived = `
MATCH (s:Sentence)-[r:CODED_IN {coder: $coder}]->(c:FrameCode {study: $study})
WHERE NOT s.id + ' ' + c.id IN $keys
WITH s, r LIMIT $limit
DELETE r
RETURN collect(s.id)`

const upsertDerived = `
UNWIND $rows AS row
MATCH (s:Sentence {id: row.sentence})
MATCH (c:FrameCode {study: $study, frame: $frame, id: row.code})
MERGE (s)-[r:CODED_IN {coder: $coder}]->(c)
ON CREATE SET r.study = $study, r.frame = $frame, r.origin = $coder, r.derived = true, r.mapping = $mapping, r.at = $at
WITH r, row WHERE r.via IS NULL OR r.via <> row.via OR r.viaEntries <> row.entries
SET r.via = row.via, r.viaEntries = row.entries
RETURN collect(row.sentence)`

// WriteMapping stores a mapping in a study (ref as for FrameStudy) and
// replaces its derived codings by those it yields now, in one
// transaction: the FrameMapping node, then, from the source frame's human
// codings (the codebook's CODED_AS, or a stored frame's direct CODED_IN;
// automatic codings derive nothing), analysis.Derive's codings as
// CODED_IN with coder and origin "derived:<mapping id>"; derived codings
// of the mapping that it no longer yields are deleted, and the frame
// rollups of every document whose codings changed are recomputed. The
// target frame must be stored; m must satisfy policykb.Mapping's contract
// for source (loaders.ParseMapping's output does). Idempotent: the same
// mapping over the same codings creates and deletes nothing.
func (s *Store) WriteMapping(ctx context.Context, studyRef string, m policykb.Mapping) (WriteSummary, error) {
	ctx, end := s.enter(ctx, "WriteMapping")
	defer end()
	study, err := s.FrameStudy(ctx, studyRef)
	if err != nil {
		return WriteSummary{}, fmt.Errorf("graph: write mapping %s: %w", m.ID, err)
	}
	if m.Target == policykb.CodebookFrameID {
		return WriteSummary{}, policykb.InvalidArgument("mapping", "graph: write mapping %s: the target cannot be the codebook", m.ID)
	}
	if _, err := s.Frame(ctx, study, m.Target); err != nil {
		return WriteSummary{}, fmt.Errorf("graph: write mapping %s: target frame %q: %w", m.ID, m.Target, err)
	}
	source, err := s.SourceFrame(ctx, study, m.Source)
	if err != nil {
		return WriteSummary{}, fmt.Errorf("graph: write mapping %s: %w", m.ID, err)
	}
	out, err := s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		var c counter
		if err := c.run(ctx, tx, upsertMapping, mappingParams(study, m)); err != nil {
			return nil, err
		}
		return s.derive(ctx, tx, study, m, source, &c)
	})
	if err != nil {
		return WriteSummary{}, fmt.Errorf("graph: write mapping %s: %w", m.ID, err)
	}
	return out.(WriteSummary), nil
}

func mappingParams(study string, m policykb.Mapping) map[string]any {
	var codes, to, reasons, excluded, excludedReasons []string
	for _, e := range m.Entries {
		codes, to, reasons = append(codes, e.Code), append(to, e.To), append(reasons, e.Reason)
	}
	for _, x := range m.Excluded {
		excluded, excludedReasons = append(excluded, x.Code), append(excludedReasons, x.Reason)
	}
	return map[string]any{"study": study, "id": m.ID, "name": m.Name, "description": nullable(m.Description),
		"source": m.Source, "target": m.Target, "codes": codes, "to": to, "reasons": reasons,
		"excluded": excluded, "excludedReasons": excludedReasons}
}

// derive replaces, inside tx, the derived codings of m in study by those
// it yields from the source frame's codings now, and refreshes the frame
// rollups of the documents that changed. It returns what it changed (with
// c's earlier counters) and, in Codings, the number of derived codings.
func (s *Store) derive(ctx context.Context, tx neo4j.ManagedTransaction, study string, m policykb.Mapping, source policykb.Frame, c *counter) (WriteSummary, error) {
	read, params := codebookCodings, map[string]any{"study": study}
	if m.Source != policykb.CodebookFrameID {
		read, params = frameDirectCodings, map[string]any{"study": study, "frame": m.Source}
	}
	recs, err := collect(ctx, tx, read, params)
	if err != nil {
		return WriteSummary{}, err
	}
	coded := make(map[string][]string, len(recs))
	for _, r := range recs {
		coded[str(r.Values[0])] = strings1(r.Values[1])
	}
	derived := analysis.Derive(m, source, coded)
	rows := make([]map[string]any, len(derived))
	keys := make([]string, len(derived))
	for i, d := range derived {
		via, entries := make([]string, len(d.Via)), make([]string, len(d.Via))
		for j, v := range d.Via {
			via[j], entries[j] = v.Coded, v.EntryCode
		}
		rows[i] = map[string]any{"sentence": d.SentenceID, "code": d.Code, "via": via, "entries": entries}
		keys[i] = d.SentenceID + " " + d.Code
	}
	coder := derivedPrefix + m.ID
	base := map[string]any{"study": study, "frame": m.Target, "coder": coder, "mapping": m.ID, "at": codedAt()}
	var changed []string
	// A mapping whose target moved leaves codings in the old frame: they
	// are stale too (dropStaleDerived matches the coder in any frame).
	for {
		recs, err := c.collect(ctx, tx, dropStaleDerived, with(with(base, "keys", keys), "limit", int64(10*s.cfg.BatchSize)))
		if err != nil {
			return WriteSummary{}, err
		}
		gone := strings1(recs[0].Values[0])
		if len(gone) == 0 {
			break
		}
		changed = append(changed, gone...)
	}
	for _, batch := range chunks(rows, s.cfg.BatchSize) {
		recs, err := c.collect(ctx, tx, upsertDerived, with(base, "rows", batch))
		if err != nil {
			return WriteSummary{}, err
		}
		changed = append(changed, strings1(recs[0].Values[0])...)
	}
	// The documents are the study's already: their source codings are.
	if len(changed) > 0 {
		recs, err := collect(ctx, tx, sentenceDocuments, map[string]any{"sentences": dedupe(changed)})
		if err != nil {
			return WriteSummary{}, err
		}
		docs := strings1(recs[0].Values[0])
		frames, err := collect(ctx, tx, `MATCH (f:Frame {study: $study}) RETURN collect(f.id)`, map[string]any{"study": study})
		if err != nil {
			return WriteSummary{}, err
		}
		for _, f := range strings1(frames[0].Values[0]) {
			if err := s.refreshFrameRollups(ctx, tx, study, f, docs); err != nil {
				return WriteSummary{}, err
			}
		}
	}
	sum := c.sum
	sum.Codings = len(derived)
	return sum, nil
}

// SourceFrame returns the frame a mapping of study (its id) reads from:
// the study's codebook (policykb.CodebookFrameID) as a frame, or a
// stored frame. ErrNotFound when the study has no such frame.
func (s *Store) SourceFrame(ctx context.Context, study, id string) (policykb.Frame, error) {
	ctx, end := s.enter(ctx, "SourceFrame")
	defer end()
	if id != policykb.CodebookFrameID {
		return s.Frame(ctx, study, id)
	}
	codes, err := s.StudyCodes(ctx, study)
	if err != nil {
		return policykb.Frame{}, err
	}
	if len(codes) == 0 {
		return policykb.Frame{}, fmt.Errorf("the study %s has no codebook: %w", study, ErrNotFound)
	}
	return policykb.CodebookFrame("codebook", codes), nil
}

// Rederive recomputes the derived codings of every mapping stored in the
// study (ref as for FrameStudy), one transaction per mapping, as
// WriteMapping would: after the codings of a mapping's source frame
// changed. It returns what changed, Codings the derived codings in all.
func (s *Store) Rederive(ctx context.Context, studyRef string) (WriteSummary, error) {
	ctx, end := s.enter(ctx, "Rederive")
	defer end()
	study, err := s.FrameStudy(ctx, studyRef)
	if err != nil {
		return WriteSummary{}, fmt.Errorf("graph: rederive: %w", err)
	}
	maps, err := s.Mappings(ctx, study)
	if err != nil {
		return WriteSummary{}, fmt.Errorf("graph: rederive: %w", err)
	}
	var total WriteSummary
	for _, m := range maps {
		source, err := s.SourceFrame(ctx, study, m.Source)
		if err != nil {
			return total, fmt.Errorf("graph: rederive %s: %w", m.ID, err)
		}
		out, err := s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
			var c counter
			return s.derive(ctx, tx, study, m, source, &c)
		})
		if err != nil {
			return total, fmt.Errorf("graph: rederive %s: %w", m.ID, err)
		}
		total = total.Add(out.(WriteSummary))
	}
	return total, nil
}

const studyMappings = `
MATCH (m:FrameMapping {study: $study})
RETURN m.id, coalesce(m.name, m.id), coalesce(m.description, ''), m.source, m.target,
       m.codes, m.to, m.reasons, coalesce(m.excluded, []), coalesce(m.excludedReasons, [])
ORDER BY m.id`

// Mappings returns the mappings stored in a study (its id), ordered by id.
func (s *Store) Mappings(ctx context.Context, study string) ([]policykb.Mapping, error) {
	ctx, end := s.enter(ctx, "Mappings")
	defer end()
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return collect(ctx, tx, studyMappings, map[string]any{"study": study})
	})
	if err != nil {
		return nil, fmt.Errorf("graph: mappings: %w", err)
	}
	var maps []policykb.Mapping
	for _, r := range out.([]*neo4j.Record) {
		v := r.Values
		m := policykb.Mapping{ID: str(v[0]), Name: str(v[1]), Description: str(v[2]), Source: str(v[3]), Target: str(v[4])}
		codes, to, reasons := strings1(v[5]), strings1(v[6]), strings1(v[7])
		for i := range codes {
			m.Entries = append(m.Entries, policykb.MappingEntry{Code: codes[i], To: at(to, i), Reason: at(reasons, i)})
		}
		ex, exr := strings1(v[8]), strings1(v[9])
		for i := range ex {
			m.Excluded = append(m.Excluded, policykb.MappingExclusion{Code: ex[i], Reason: at(exr, i)})
		}
		maps = append(maps, m)
	}
	return maps, nil
}

func at(list []string, i int) string {
	if i < len(list) {
		return list[i]
	}
	return ""
}
