package graph

import (
	"context"
	"fmt"
	"slices"

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

// codebookCodings reads every human coding at the study's codebook codes
// (automatic codings derive nothing): sentence, code, document and coder.
const codebookCodings = `
MATCH (k:Code {study: $study})<-[r:CODED_AS]-(s:Sentence)<-[:HAS_SENTENCE]-(d:Document)
WHERE coalesce(r.origin, '') <> '` + policykb.OriginAuto + `' AND NOT coalesce(r.coder, '') STARTS WITH '` + policykb.AutoCoderPrefix + `'
RETURN s.id, k.id, d.id, coalesce(r.coder, '')`

// frameDirectCodings reads every direct human coding at a stored frame's
// codes (sentence, code, document, coder) (derived codings are no mapping's
// source: a chain of mappings would go stale when its first link changes).
const frameDirectCodings = `
MATCH (c:FrameCode {study: $study, frame: $frame})<-[r:CODED_IN]-(s:Sentence)<-[:HAS_SENTENCE]-(d:Document)
WHERE NOT r.derived AND coalesce(r.origin, '') <> '` + policykb.OriginAuto + `' AND NOT coalesce(r.coder, '') STARTS WITH '` + policykb.AutoCoderPrefix + `'
RETURN s.id, c.id, d.id, coalesce(r.coder, '')`

// storedDerived reads a mapping's derived codings: each one's sentence,
// code, frame, provenance and element id.
const storedDerived = `
MATCH (d:Document)-[:HAS_SENTENCE]->(s:Sentence)-[r:CODED_IN {coder: $coder}]->(c:FrameCode)
RETURN s.id, c.id, c.frame, coalesce(r.via, []), coalesce(r.viaEntries, []), elementId(r), d.id, coalesce(r.sourceCoders, [])`

const deleteDerived = `
UNWIND $ids AS id
MATCH ()-[r:CODED_IN]->() WHERE elementId(r) = id
DELETE r`

const setDerivedVia = `
UNWIND $rows AS row
MATCH ()-[r:CODED_IN]->() WHERE elementId(r) = row.id
SET r.via = row.via, r.viaEntries = row.entries, r.sourceCoders = row.coders`

// createDerived creates derived codings known to be missing: CREATE, not
// MERGE, since a MERGE checks the relationships of the code, whose degree
// grows with the corpus, and derive has read what exists.
const createDerived = `
UNWIND $rows AS row
MATCH (s:Sentence {id: row.sentence})
MATCH (c:FrameCode {study: $study, frame: $frame, id: row.code})
CREATE (s)-[:CODED_IN {coder: $coder, study: $study, frame: $frame, origin: $coder, derived: true, mapping: $mapping,
                       at: $at, via: row.via, viaEntries: row.entries, sourceCoders: row.coders}]->(c)`

// WriteMapping stores a mapping in a study (ref as for StudyID) and
// replaces its derived codings by those it yields now (see derive: in
// transactions of whole documents): the FrameMapping node, then, from the source frame's human
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
	study, err := s.StudyID(ctx, studyRef)
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
		err := c.run(ctx, tx, upsertMapping, mappingParams(study, m))
		return c.sum, err
	})
	if err != nil {
		return WriteSummary{}, fmt.Errorf("graph: write mapping %s: %w", m.ID, err)
	}
	sum, err := s.derive(ctx, study, m, source)
	if err != nil {
		return WriteSummary{}, fmt.Errorf("graph: write mapping %s: %w", m.ID, err)
	}
	return out.(WriteSummary).Add(sum), nil
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

// derive replaces the derived codings of m in study by those it yields
// from the source frame's codings now. It reads the source codings and the
// mapping's stored codings, works out what to create, delete and update,
// and writes that document by document, in transactions of whole
// documents (the codings of a document and its frame rollups always
// change together; one transaction for a whole study would outgrow
// Neo4j's memory per transaction at tier M). It returns what it changed
// and, in Codings, the number of derived codings.
func (s *Store) derive(ctx context.Context, study string, m policykb.Mapping, source policykb.Frame) (WriteSummary, error) {
	read, params := codebookCodings, map[string]any{"study": study}
	if m.Source != policykb.CodebookFrameID {
		read, params = frameDirectCodings, map[string]any{"study": study, "frame": m.Source}
	}
	coder := derivedPrefix + m.ID
	base := map[string]any{"study": study, "frame": m.Target, "coder": coder, "mapping": m.ID, "at": codedAt()}
	var recs, stored []*neo4j.Record
	_, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		var err error
		if recs, err = collect(ctx, tx, read, params); err != nil {
			return nil, err
		}
		stored, err = collect(ctx, tx, storedDerived, base)
		return nil, err
	})
	if err != nil {
		return WriteSummary{}, err
	}
	coded := make(map[string][]string, len(recs))
	docOf := map[string]string{}
	codersOf := map[[2]string][]string{} // sentence, source code → its coders
	// Flat rows, grouped here: an aggregation over every coding of a
	// large study would hold them all in the transaction's memory.
	for _, r := range recs {
		sid, code := str(r.Values[0]), str(r.Values[1])
		if !slices.Contains(coded[sid], code) {
			coded[sid] = append(coded[sid], code)
		}
		docOf[sid] = str(r.Values[2])
		if c := str(r.Values[3]); c != "" {
			codersOf[[2]string{sid, code}] = append(codersOf[[2]string{sid, code}], c)
		}
	}
	derived := analysis.Derive(m, source, coded)
	type key struct{ sentence, code string }
	type have struct {
		id               string
		via, ent, coders []string
	}
	// The work per document.
	type work struct {
		stale         []string
		reset, create []map[string]any
	}
	byDoc := map[string]*work{}
	var order []string
	at := func(doc string) *work {
		w := byDoc[doc]
		if w == nil {
			w = &work{}
			byDoc[doc] = w
			order = append(order, doc)
		}
		return w
	}
	existing := map[key]have{}
	for _, r := range stored {
		k := key{str(r.Values[0]), str(r.Values[1])}
		docOf[k.sentence] = str(r.Values[6])
		if str(r.Values[2]) != m.Target {
			// A mapping whose target moved leaves codings in the old frame.
			at(docOf[k.sentence]).stale = append(at(docOf[k.sentence]).stale, str(r.Values[5]))
			continue
		}
		existing[k] = have{str(r.Values[5]), strings1(r.Values[3]), strings1(r.Values[4]), strings1(r.Values[7])}
	}
	wanted := map[key]bool{}
	for _, d := range derived {
		via, entries := make([]string, len(d.Via)), make([]string, len(d.Via))
		coders := []string{} // of the source codings, sorted: a coder filter follows them
		for j, v := range d.Via {
			via[j], entries[j] = v.Coded, v.EntryCode
			for _, c := range codersOf[[2]string{d.SentenceID, v.Coded}] {
				if !slices.Contains(coders, c) {
					coders = append(coders, c)
				}
			}
		}
		slices.Sort(coders)
		k := key{d.SentenceID, d.Code}
		wanted[k] = true
		h, ok := existing[k]
		switch {
		case !ok:
			w := at(docOf[d.SentenceID])
			w.create = append(w.create, map[string]any{"sentence": d.SentenceID, "code": d.Code, "via": via, "entries": entries, "coders": coders})
		case !slices.Equal(h.via, via) || !slices.Equal(h.ent, entries) || !slices.Equal(h.coders, coders):
			w := at(docOf[d.SentenceID])
			w.reset = append(w.reset, map[string]any{"id": h.id, "via": via, "entries": entries, "coders": coders})
		}
	}
	for k, h := range existing {
		if !wanted[k] {
			w := at(docOf[k.sentence])
			w.stale = append(w.stale, h.id)
		}
	}
	sum := WriteSummary{Codings: len(derived)}
	// Groups of whole documents of about groupBatches × BatchSize changes.
	for start := 0; start < len(order); {
		end, n := start, 0
		for end < len(order) && (end == start || n+len(byDoc[order[end]].create)+len(byDoc[order[end]].stale) <= groupBatches*s.cfg.BatchSize) {
			w := byDoc[order[end]]
			n += len(w.create) + len(w.stale) + len(w.reset)
			end++
		}
		docs := order[start:end]
		start = end
		out, err := s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
			var c counter
			var stale []string
			var reset, create []map[string]any
			for _, doc := range docs {
				w := byDoc[doc]
				stale, reset, create = append(stale, w.stale...), append(reset, w.reset...), append(create, w.create...)
			}
			for _, ids := range chunks(stale, s.cfg.BatchSize) {
				if err := c.run(ctx, tx, deleteDerived, with(base, "ids", ids)); err != nil {
					return nil, err
				}
			}
			for _, step := range []struct {
				cypher string
				rows   []map[string]any
			}{{setDerivedVia, reset}, {createDerived, create}} {
				for _, rows := range chunks(step.rows, s.cfg.BatchSize) {
					if err := c.run(ctx, tx, step.cypher, with(base, "rows", rows)); err != nil {
						return nil, err
					}
				}
			}
			rollups := len(stale)+len(create) > 0
			if !rollups {
				return c.sum, nil
			}
			frames, err := collect(ctx, tx, `MATCH (f:Frame {study: $study}) RETURN collect(f.id)`, map[string]any{"study": study})
			if err != nil {
				return nil, err
			}
			for _, f := range strings1(frames[0].Values[0]) {
				if err := s.refreshFrameRollups(ctx, tx, study, f, docs); err != nil {
					return nil, err
				}
			}
			return c.sum, nil
		})
		if err != nil {
			return sum, err
		}
		sum = sum.Add(out.(WriteSummary))
	}
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
// study (ref as for StudyID), one transaction per mapping, as
// WriteMapping would: after the codings of a mapping's source frame
// changed. It returns what changed, Codings the derived codings in all.
func (s *Store) Rederive(ctx context.Context, studyRef string) (WriteSummary, error) {
	ctx, end := s.enter(ctx, "Rederive")
	defer end()
	study, err := s.StudyID(ctx, studyRef)
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
		sum, err := s.derive(ctx, study, m, source)
		if err != nil {
			return total, fmt.Errorf("graph: rederive %s: %w", m.ID, err)
		}
		total = total.Add(sum)
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
