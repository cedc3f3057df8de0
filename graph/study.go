package graph

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
)

// Studies. A knowledge base holds several studies, which share cities and
// documents and never mix their numbers:
//
//	(:Study {id, name, description, source, createdAt})-[:INCLUDES]->(:Document)
//
// and every Code has the property study, the id of the study it belongs
// to; (study, id) is a code's key. Codings point at codes, so codings,
// rollups and every count through codes belong to one study by
// construction; a filter naming a study (CorpusFilter.Study) also admits
// only the documents the study includes.
//
// While the base holds one study, every code is the study's and every
// document included by it, so ResolveStudy answers "" (no restriction) and
// every question is answered as before studies existed.

const allStudies = `
MATCH (st:Study)
RETURN st.id, coalesce(st.name, st.id), coalesce(st.description, ''), coalesce(st.source, ''), st.createdAt
ORDER BY st.id`

func readStudies(ctx context.Context, tx neo4j.ManagedTransaction) ([]policykb.Study, error) {
	recs, err := collect(ctx, tx, allStudies, nil)
	if err != nil {
		return nil, err
	}
	out := make([]policykb.Study, 0, len(recs))
	for _, r := range recs {
		v := r.Values
		st := policykb.Study{ID: str(v[0]), Name: str(v[1]), Description: str(v[2]), Source: str(v[3])}
		if t, ok := v[4].(time.Time); ok {
			st.CreatedAt = t.UTC()
		}
		out = append(out, st)
	}
	return out, nil
}

// Studies returns every study, ordered by id.
func (s *Store) Studies(ctx context.Context) ([]policykb.Study, error) {
	ctx, end := s.enter(ctx, "Studies")
	defer end()
	out, err := readShared(ctx, s, &s.catalog.studies, s.studiesIn)
	if err != nil {
		return nil, fmt.Errorf("graph: studies: %w", err)
	}
	return out, nil
}

// findStudy returns the study ref names (its id, or its name or slug,
// case-insensitively), or nil.
func findStudy(studies []policykb.Study, ref string) *policykb.Study {
	key := policykb.NameKey(ref)
	for i, st := range studies {
		if st.ID == ref {
			return &studies[i]
		}
	}
	for i, st := range studies {
		if policykb.NameKey(st.ID) == key || policykb.NameKey(st.Name) == key || st.ID == policykb.StudySlug(ref) {
			return &studies[i]
		}
	}
	return nil
}

func studyIDs(studies []policykb.Study) []string {
	ids := make([]string, len(studies))
	for i, st := range studies {
		ids[i] = st.ID
	}
	return ids
}

// ResolveStudy is the one rule that says which study a question is about.
// ref is the study asked for (an id or a name), "" when none was given:
//
//   - a base holding one study (or none) needs none: ref "" or that study
//     resolves to "", the whole base, which is that study;
//   - a base holding several needs one: ref "" is BAD_USER_INPUT naming
//     the argument "study" and listing the studies' ids;
//   - a ref naming no study is BAD_USER_INPUT with the nearest names.
//
// Otherwise it returns the study's id, for CorpusFilter.Study.
func (s *Store) ResolveStudy(ctx context.Context, ref string) (string, error) {
	ctx, end := s.enter(ctx, "ResolveStudy")
	defer end()
	studies, err := s.Studies(ctx)
	if err != nil {
		return "", err
	}
	if strings.TrimSpace(ref) == "" {
		if len(studies) > 1 {
			return "", policykb.InvalidArgument("study",
				"the knowledge base holds %d studies; say which one with study: %s", len(studies), strings.Join(studyIDs(studies), ", "))
		}
		return "", nil
	}
	st := findStudy(studies, ref)
	if st == nil {
		return "", unknownStudy(ref, studies)
	}
	if len(studies) == 1 {
		return "", nil
	}
	return st.ID, nil
}

// StudyID resolves ref to the id of a stored study, for what is keyed by
// a study's id (frames, mappings, PMC models): ref names it (id or name);
// "" is the base's one study. Unlike ResolveStudy it never answers "".
func (s *Store) StudyID(ctx context.Context, ref string) (string, error) {
	ctx, end := s.enter(ctx, "StudyID")
	defer end()
	if strings.TrimSpace(ref) != "" {
		st, err := s.Study(ctx, ref)
		if errors.Is(err, ErrNotFound) {
			studies, err := s.Studies(ctx)
			if err != nil {
				return "", err
			}
			return "", unknownStudy(ref, studies)
		}
		return st.ID, err
	}
	studies, err := s.Studies(ctx)
	if err != nil {
		return "", err
	}
	switch len(studies) {
	case 0:
		return "", policykb.InvalidArgument("study", "the knowledge base holds no study: load one first")
	case 1:
		return studies[0].ID, nil
	}
	return "", policykb.InvalidArgument("study",
		"the knowledge base holds %d studies; say which one with study: %s", len(studies), strings.Join(studyIDs(studies), ", "))
}

func unknownStudy(ref string, studies []policykb.Study) error {
	if len(studies) == 0 {
		return policykb.InvalidArgument("study", "no study %q: the knowledge base holds no study", ref)
	}
	var known []string
	for _, st := range studies {
		known = append(known, st.ID)
		if st.Name != st.ID {
			known = append(known, st.Name)
		}
	}
	msg := fmt.Sprintf("no study %q; the studies are %s", ref, strings.Join(studyIDs(studies), ", "))
	if near := policykb.Nearest(ref, known, 3); len(near) > 0 {
		msg += fmt.Sprintf(" (nearest: %s)", strings.Join(near, ", "))
	}
	return policykb.InvalidArgument("study", "%s", msg)
}

// Study returns the study ref names (id or name), or ErrNotFound.
func (s *Store) Study(ctx context.Context, ref string) (policykb.Study, error) {
	ctx, end := s.enter(ctx, "Study")
	defer end()
	studies, err := s.Studies(ctx)
	if err != nil {
		return policykb.Study{}, err
	}
	if st := findStudy(studies, ref); st != nil {
		return *st, nil
	}
	return policykb.Study{}, ErrNotFound
}

const upsertStudy = `
MERGE (st:Study {id: $id})
ON CREATE SET st.createdAt = datetime($now), st.name = $name
SET st.name = coalesce($setName, st.name), st.description = coalesce($description, st.description),
    st.source = coalesce($source, st.source)`

// EnsureStudy creates the study st (its id is StudySlug(Name) when ID is
// empty) or updates the name, description and source it gives, and
// returns it as stored. Idempotent.
func (s *Store) EnsureStudy(ctx context.Context, st policykb.Study) (policykb.Study, error) {
	ctx, end := s.enter(ctx, "EnsureStudy")
	defer end()
	if st.ID == "" {
		st.ID = policykb.StudySlug(st.Name)
	}
	if st.ID == "" {
		return policykb.Study{}, policykb.InvalidArgument("study", "a study needs a name with a letter or digit")
	}
	name := st.Name
	if name == "" {
		name = st.ID
	}
	_, err := s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return nil, exec(ctx, tx, upsertStudy, map[string]any{"id": st.ID, "name": name, "setName": nullable(st.Name),
			"description": nullable(st.Description), "source": nullable(st.Source), "now": time.Now().UTC().Format(time.RFC3339)})
	})
	if err != nil {
		return policykb.Study{}, fmt.Errorf("graph: study %s: %w", st.ID, err)
	}
	return s.Study(ctx, st.ID)
}

// writeStudy is the study a write is for: the one given (created if
// missing), else the one study of the base, else a new study "default";
// several studies and none given is BAD_USER_INPUT listing them.
func (s *Store) writeStudy(ctx context.Context, id string) (string, error) {
	if id != "" {
		if _, err := s.EnsureStudy(ctx, policykb.Study{ID: id}); err != nil {
			return "", err
		}
		return id, nil
	}
	studies, err := s.Studies(ctx)
	if err != nil {
		return "", err
	}
	switch len(studies) {
	case 0:
		if _, err := s.EnsureStudy(ctx, policykb.Study{ID: DefaultStudy, Source: "load"}); err != nil {
			return "", err
		}
		return DefaultStudy, nil
	case 1:
		return studies[0].ID, nil
	}
	return "", policykb.InvalidArgument("study",
		"the knowledge base holds %d studies; say which one this write is for: %s", len(studies), strings.Join(studyIDs(studies), ", "))
}

// DefaultStudy is the id of the study made for writes that name none in a
// base without studies.
const DefaultStudy = "default"

// includeDocuments links the study to the documents with the given ids.
const includeDocuments = `
MATCH (st:Study {id: $study})
UNWIND $ids AS id
MATCH (d:Document {id: id})
MERGE (st)-[:INCLUDES]->(d)`

// includeCodedDocuments links the study to the documents of the coded
// sentences of rows (codingRow).
const includeCodedDocuments = `
MATCH (st:Study {id: $study})
UNWIND $rows AS row
MATCH (d:Document)-[:HAS_SENTENCE]->(:Sentence {id: row.sentence})
WITH DISTINCT st, d
MERGE (st)-[:INCLUDES]->(d)`

// includeIn runs includeDocuments or includeCodedDocuments and returns
// how many INCLUDES it created.
func includeIn(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any) (int, error) {
	res, err := tx.Run(ctx, cypher, params)
	if err != nil {
		return 0, err
	}
	sum, err := res.Consume(ctx)
	if err != nil {
		return 0, err
	}
	return sum.Counters().RelationshipsCreated(), nil
}

// DocumentStudies returns, for each given document id that is stored, the
// ids of the studies including it, in order.
func (s *Store) DocumentStudies(ctx context.Context, ids []string) (map[string][]string, error) {
	ctx, end := s.enter(ctx, "DocumentStudies")
	defer end()
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return collect(ctx, tx, `
UNWIND $ids AS id
MATCH (d:Document {id: id})
OPTIONAL MATCH (st:Study)-[:INCLUDES]->(d)
WITH d, st ORDER BY st.id
RETURN d.id, collect(st.id)`, map[string]any{"ids": ids})
	})
	if err != nil {
		return nil, fmt.Errorf("graph: document studies: %w", err)
	}
	res := map[string][]string{}
	for _, r := range out.([]*neo4j.Record) {
		var list []string
		for _, v := range r.Values[1].([]any) {
			list = append(list, str(v))
		}
		res[str(r.Values[0])] = list
	}
	return res, nil
}

// DocumentsBySHA256 returns, for each given hash held by a stored
// document, the id of such a document (the smallest).
func (s *Store) DocumentsBySHA256(ctx context.Context, hashes []string) (map[string]string, error) {
	ctx, end := s.enter(ctx, "DocumentsBySHA256")
	defer end()
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return collect(ctx, tx, `
UNWIND $hashes AS h
MATCH (d:Document {sha256: h})
RETURN h, min(d.id)`, map[string]any{"hashes": hashes})
	})
	if err != nil {
		return nil, fmt.Errorf("graph: documents by sha256: %w", err)
	}
	res := map[string]string{}
	for _, r := range out.([]*neo4j.Record) {
		res[str(r.Values[0])] = str(r.Values[1])
	}
	return res, nil
}

// conflictingTexts finds, among the documents of rows (id, sha256 and
// sourceFile of each), one stored with another text and included by another
// study than study.
const conflictingTexts = `
UNWIND $rows AS row
MATCH (d:Document {id: row.id}) WHERE d.sha256 <> row.sha256
MATCH (other:Study)-[:INCLUDES]->(d) WHERE other.id <> $study
RETURN d.id, other.id, coalesce(row.sourceFile, '')
ORDER BY d.id, other.id
LIMIT 1`

// sharedTexts finds, among the documents of rows (id and sha256 of each),
// those stored with the same text and included by another study than
// study.
const sharedTexts = `
UNWIND $rows AS row
MATCH (d:Document {id: row.id}) WHERE d.sha256 = row.sha256
  AND EXISTS { MATCH (other:Study)-[:INCLUDES]->(d) WHERE other.id <> $study }
RETURN d.id`

// heldByOthers returns the ids of the documents of rows that another
// study holds with the same text.
func heldByOthers(ctx context.Context, tx neo4j.ManagedTransaction, study string, rows []map[string]any) (map[string]bool, error) {
	recs, err := collect(ctx, tx, sharedTexts, map[string]any{"rows": rows, "study": study})
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, r := range recs {
		out[str(r.Values[0])] = true
	}
	return out, nil
}

// checkConflicts returns an error naming the document, the study that has
// it and the new file when a document of rows has another text in another
// study: one study may replace its own documents' texts, never another's.
func checkConflicts(ctx context.Context, tx neo4j.ManagedTransaction, study string, rows []map[string]any) error {
	recs, err := collect(ctx, tx, conflictingTexts, map[string]any{"rows": rows, "study": study})
	if err != nil {
		return err
	}
	if len(recs) == 0 {
		return nil
	}
	v := recs[0].Values
	return policykb.InvalidArgument("documents",
		"document %s of study %s has another text than %s (study %s): a document's id names one text; give the new text another id",
		str(v[0]), str(v[1]), str(v[2]), study)
}

// studyStatsQuery is statsQuery restricted to a study: its documents,
// their cities and sentences, its codes and the codings at them.
const studyStatsQuery = `
MATCH (st:Study {id: $study})
CALL (st) {
  OPTIONAL MATCH (st)-[:INCLUDES]->(d:Document)
  OPTIONAL MATCH (city:City)-[:ISSUED]->(d)
  RETURN count(DISTINCT city) AS cities, count(DISTINCT d) AS documents,
         sum(COUNT { (d)-[:HAS_SENTENCE]->() }) AS sentences
}
CALL (st) {
  OPTIONAL MATCH (k:Code {study: st.id})
  RETURN count(CASE WHEN k:Layer THEN 1 END) AS layers, count(CASE WHEN k:MainCategory THEN 1 END) AS mains,
         count(CASE WHEN k:Category THEN 1 END) AS categories, count(CASE WHEN k:Concept THEN 1 END) AS concepts
}
CALL (st) {
  OPTIONAL MATCH (k:Code {study: st.id})<-[r:CODED_AS]-(s:Sentence)
  RETURN count(DISTINCT CASE WHEN ` + human + ` THEN s END) AS coded,
         count(CASE WHEN ` + human + ` THEN r END) AS codings,
         count(CASE WHEN NOT (` + human + `) THEN r END) AS auto
}
RETURN cities, documents, sentences, coded, codings, layers, mains, categories, concepts, auto`

// StudyInfo is a study with its numbers.
type StudyInfo struct {
	policykb.Study
	Stats policykb.Stats
}

// StudiesWithStats returns every study with its numbers (StudyStats, as
// Study.stats answers), ordered by id.
func (s *Store) StudiesWithStats(ctx context.Context) ([]StudyInfo, error) {
	ctx, end := s.enter(ctx, "StudiesWithStats")
	defer end()
	studies, err := s.Studies(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]StudyInfo, len(studies))
	for i, st := range studies {
		stats, err := s.StudyStats(ctx, st.ID)
		if err != nil {
			return nil, err
		}
		out[i] = StudyInfo{st, stats}
	}
	return out, nil
}

// migrateStudies makes the codes without a study and the documents no
// study includes (a base written before studies existed, or codes or
// documents written by an older policykb) one study: the base's one study
// when it holds one, else a new one named by migrationStudyID. It returns
// the study's id and how many codes and documents it took, "" when there
// was nothing to do.
func (s *Store) migrateStudies(ctx context.Context) (string, int, int, error) {
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return collect(ctx, tx, `
RETURN COUNT { (c:Code) WHERE c.study IS NULL },
       COUNT { (d:Document) WHERE NOT EXISTS { (:Study)-[:INCLUDES]->(d) } },
       COLLECT { MATCH (st:Study) RETURN st.id },
       COLLECT { MATCH (c:Code) WHERE c.study IS NULL AND c.source IS NOT NULL RETURN DISTINCT c.source }`, nil)
	})
	if err != nil {
		return "", 0, 0, err
	}
	v := out.([]*neo4j.Record)[0].Values
	codes, docs := integer(v[0]), integer(v[1])
	if codes == 0 && docs == 0 {
		return "", 0, 0, nil
	}
	var id string
	if ids := v[2].([]any); len(ids) == 1 {
		id = str(ids[0])
	} else {
		var sources []string
		for _, x := range v[3].([]any) {
			sources = append(sources, str(x))
		}
		id = migrationStudyID(sources)
		if _, err := s.EnsureStudy(ctx, policykb.Study{ID: id, Source: "migration",
			Description: "everything the knowledge base held before it held studies"}); err != nil {
			return "", 0, 0, err
		}
	}
	steps := []string{`
MATCH (c:Code) WHERE c.study IS NULL
WITH c LIMIT $limit
SET c.study = $study
RETURN count(*)`, `
MATCH (st:Study {id: $study})
MATCH (d:Document) WHERE NOT EXISTS { (:Study)-[:INCLUDES]->(d) }
WITH st, d LIMIT $limit
MERGE (st)-[:INCLUDES]->(d)
RETURN count(*)`}
	for _, step := range steps {
		for {
			n, err := s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
				recs, err := collect(ctx, tx, step, map[string]any{"study": id, "limit": int64(10 * s.cfg.BatchSize)})
				if err != nil {
					return nil, err
				}
				return integer(recs[0].Values[0]), nil
			})
			if err != nil {
				return "", 0, 0, err
			}
			if n.(int) == 0 {
				break
			}
		}
	}
	return id, codes, docs, nil
}

// migrationStudyID names the study a base without studies becomes: the
// sample study's codebook (its codes come from the study's tables) is
// "sample", a codebook imported from one tool is named after it, anything
// else is "default".
func migrationStudyID(sources []string) string {
	sample := len(sources) > 0
	for _, src := range sources {
		if !slices.Contains([]string{"table1", "table2", "table3", "table4", "derived"}, src) {
			sample = false
		}
	}
	switch {
	case sample:
		return "sample"
	case len(sources) == 1 && policykb.StudySlug(sources[0]) != "":
		return policykb.StudySlug(sources[0])
	}
	return DefaultStudy
}
