package graph

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
)

const frameByID = `
MATCH (f:Frame {study: $study, id: $frame})
CALL (f) {
  MATCH (c:FrameCode)-[:IN_FRAME]->(f)
  OPTIONAL MATCH (c)-[:PART_OF]->(p:FrameCode)
  WITH c, p ORDER BY c.ord
  RETURN collect([c.id, c.level, coalesce(p.id, ''), c.number, c.name, coalesce(c.nameZh, ''),
                  coalesce(c.definition, ''), coalesce(c.source, '')]) AS codes
}
RETURN f.name, coalesce(f.nameZh, ''), coalesce(f.description, ''), coalesce(f.source, ''),
       f.levels, f.levelNames, f.levelNamesZh, codes`

// Frame returns a stored frame of a study (its id; "" for the base's one
// study) with its levels and codes in tree order, as WriteFrame was given
// it. ErrNotFound when the study has no such frame; the codebook is not a
// stored frame (see SourceFrame).
func (s *Store) Frame(ctx context.Context, study, id string) (policykb.Frame, error) {
	ctx, end := s.enter(ctx, "Frame")
	defer end()
	study, err := s.StudyID(ctx, study)
	if err != nil {
		return policykb.Frame{}, err
	}
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return collect(ctx, tx, frameByID, map[string]any{"study": study, "frame": id})
	})
	if err != nil {
		return policykb.Frame{}, fmt.Errorf("graph: frame %s: %w", id, err)
	}
	recs := out.([]*neo4j.Record)
	if len(recs) == 0 {
		return policykb.Frame{}, ErrNotFound
	}
	return frameOf(id, recs[0].Values), nil
}

func frameOf(id string, v []any) policykb.Frame {
	f := policykb.Frame{ID: id, Name: str(v[0]), NameZh: str(v[1]), Description: str(v[2]), Source: str(v[3])}
	ids, names, namesZh := strings1(v[4]), strings1(v[5]), strings1(v[6])
	for i := range ids {
		f.Levels = append(f.Levels, policykb.FrameLevel{ID: ids[i], Name: at(names, i), NameZh: at(namesZh, i)})
	}
	for _, x := range v[7].([]any) {
		c := x.([]any)
		f.Codes = append(f.Codes, policykb.FrameCode{ID: str(c[0]), Level: str(c[1]), Parent: str(c[2]), Number: optInt(c[3]),
			Name: str(c[4]), NameZh: str(c[5]), Definition: str(c[6]), Source: str(c[7])})
	}
	return f
}

// FrameInfo is a stored frame with how much is coded in it.
type FrameInfo struct {
	Study string
	policykb.Frame
	// Codings counts the frame's direct codings (CODED_IN not derived),
	// Derived its derived ones; CodedSentences the distinct sentences
	// coded in it either way (any coder but an automatic one).
	Codings, Derived, CodedSentences int
	// Mappings are the ids of the mappings that derive codings into it.
	Mappings []string
}

const studyFrames = `
MATCH (f:Frame) WHERE $study = '' OR f.study = $study
CALL (f) {
  MATCH (c:FrameCode)-[:IN_FRAME]->(f)
  OPTIONAL MATCH (c)-[:PART_OF]->(p:FrameCode)
  WITH c, p ORDER BY c.ord
  RETURN collect([c.id, c.level, coalesce(p.id, ''), c.number, c.name, coalesce(c.nameZh, ''),
                  coalesce(c.definition, ''), coalesce(c.source, '')]) AS codes
}
CALL (f) {
  OPTIONAL MATCH (s:Sentence)-[r:CODED_IN]->(:FrameCode)-[:IN_FRAME]->(f)
  RETURN count(CASE WHEN NOT r.derived THEN 1 END) AS direct, count(CASE WHEN r.derived THEN 1 END) AS derived,
         count(DISTINCT CASE WHEN coalesce(r.origin, '') <> '` + policykb.OriginAuto + `' THEN s END) AS sentences
}
CALL (f) {
  OPTIONAL MATCH (m:FrameMapping)-[:MAPS_TO]->(f)
  WITH m ORDER BY m.id
  RETURN collect(m.id) AS mappings
}
RETURN f.study, f.id, f.name, coalesce(f.nameZh, ''), coalesce(f.description, ''), coalesce(f.source, ''),
       f.levels, f.levelNames, f.levelNamesZh, codes, direct, derived, sentences, mappings
ORDER BY f.study, f.id`

// Frames returns the frames stored in a study (its id; "" for every
// study), ordered by study and id, with their codes and coding counts.
// The codebook is not among them.
func (s *Store) Frames(ctx context.Context, study string) ([]FrameInfo, error) {
	ctx, end := s.enter(ctx, "Frames")
	defer end()
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return collect(ctx, tx, studyFrames, map[string]any{"study": study})
	})
	if err != nil {
		return nil, fmt.Errorf("graph: frames: %w", err)
	}
	var res []FrameInfo
	for _, r := range out.([]*neo4j.Record) {
		v := r.Values
		fi := FrameInfo{Study: str(v[0]), Frame: frameOf(str(v[1]), v[2:10]),
			Codings: integer(v[10]), Derived: integer(v[11]), CodedSentences: integer(v[12]), Mappings: strings1(v[13])}
		res = append(res, fi)
	}
	return res, nil
}

// FrameCodeCount is a frame code's reference points and material sources.
type FrameCodeCount struct{ ReferencePoints, MaterialSources int }

// FrameCounts counts every code of a stored frame under a filter, by the
// counting rules of DESIGN §2: a code's reference points are the distinct
// admitted sentences coded at it or below it (direct or derived, by the
// filter's coders when it names any, else by every coder but an automatic
// one), its material sources their distinct documents. Without a coder
// filter it reads the frame rollups. Codes with nothing coded are absent.
func (s *Store) FrameCounts(ctx context.Context, study, frame string, f policykb.CorpusFilter) (map[string]FrameCodeCount, error) {
	ctx, end := s.enter(ctx, "FrameCounts")
	defer end()
	fs, err := s.StudyID(ctx, pick(f.Study, study))
	if err != nil {
		return nil, err
	}
	params, err := s.filterParams(ctx, f, map[string]any{"study": fs, "frame": frame})
	if err != nil {
		return nil, err
	}
	var cypher string
	if sentenceLevel(f) {
		cypher = frameCodedPath + "\nWHERE " + frameFilterClause(f, params) +
			"\nRETURN k.id, count(DISTINCT s), count(DISTINCT d)"
	} else {
		cypher = "\nMATCH (city:City)-[:ISSUED]->(d:Document)-[fr:FRAME_ROLLUP {study: $study, frame: $frame}]->(k:FrameCode)" +
			"\nWHERE " + filterClause(f, params, false) + "\nRETURN k.id, sum(fr.sentences), count(d)"
	}
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return collect(ctx, tx, cypher, params)
	})
	if err != nil {
		return nil, fmt.Errorf("graph: frame counts: %w", err)
	}
	res := map[string]FrameCodeCount{}
	for _, r := range out.([]*neo4j.Record) {
		res[str(r.Values[0])] = FrameCodeCount{integer(r.Values[1]), integer(r.Values[2])}
	}
	return res, nil
}

// frameCodedPath matches every coding in the frame $frame of $study of an
// admitted sentence with the code k it rolls up to (the coded code or an
// ancestor), as codedPath does for the codebook.
const frameCodedPath = `
MATCH (city:City)-[:ISSUED]->(d:Document)-[:HAS_SENTENCE]->(s:Sentence)-[r:CODED_IN]->(:FrameCode {study: $study, frame: $frame})-[:PART_OF*0..]->(k:FrameCode)`

func pick(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// FrameCoding is one coding of a sentence in a frame, with where a
// derived one comes from.
type FrameCoding struct {
	Sentence policykb.Sentence
	Code     string
	Coder    string
	Origin   string
	Derived  bool
	Mapping  string   // the mapping id of a derived coding
	Via      []string // the source codes the sentence is coded at that yield it
	Entries  []string // parallel to Via: the code of the mapping entry that decided
	// SourceCoders are the coders of the source codings a derived coding
	// comes from (a coder filter keeps it for them), sorted.
	SourceCoders []string
}

// FrameCodings lists the codings at a frame code (not below it) of the
// admitted sentences, in document order, derived ones with their
// provenance, and their total.
func (s *Store) FrameCodings(ctx context.Context, study, frame, code string, f policykb.CorpusFilter, p Page) ([]FrameCoding, int, error) {
	ctx, end := s.enter(ctx, "FrameCodings")
	defer end()
	fs, err := s.StudyID(ctx, pick(f.Study, study))
	if err != nil {
		return nil, 0, err
	}
	params, err := s.filterParams(ctx, f, map[string]any{"study": fs, "frame": frame, "fcode": code,
		"offset": int64(p.Offset), "limit": int64(p.Limit)})
	if err != nil {
		return nil, 0, err
	}
	match := "\nMATCH (city:City)-[:ISSUED]->(d:Document)-[:HAS_SENTENCE]->(s:Sentence)-[r:CODED_IN]->(:FrameCode {study: $study, frame: $frame, id: $fcode})" +
		"\nWHERE " + frameFilterClause(f, params)
	cypher := match + `
WITH city, d, s, r ORDER BY city.name, d.issuedOn, d.id, s.index, r.coder
WITH collect([` + sentenceFields + `, r.coder, r.origin, coalesce(r.derived, false), coalesce(r.mapping, ''),
              coalesce(r.via, []), coalesce(r.viaEntries, []), coalesce(r.sourceCoders, [])]) AS codings
RETURN size(codings), codings[$offset..$offset + $limit]`
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return collect(ctx, tx, cypher, params)
	})
	if err != nil {
		return nil, 0, fmt.Errorf("graph: frame codings: %w", err)
	}
	rec := out.([]*neo4j.Record)[0]
	var res []FrameCoding
	for _, x := range rec.Values[1].([]any) {
		v := x.([]any)
		n := len(v) - 7
		res = append(res, FrameCoding{Sentence: sentenceOf(v[:n]), Code: code, Coder: str(v[n]), Origin: str(v[n+1]),
			Derived: boolean(v[n+2]), Mapping: str(v[n+3]), Via: strings1(v[n+4]), Entries: strings1(v[n+5]), SourceCoders: strings1(v[n+6])})
	}
	return res, integer(rec.Values[0]), nil
}
