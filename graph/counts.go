package graph

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
)

// codedPath matches every coding of an admitted sentence together with the
// code k it rolls up to: the coded code itself or one of its ancestors
// (aggregate coding, DESIGN §2). Counting DISTINCT s and d then gives
// reference points and material sources, whatever the number of coders or
// of codes a sentence carries under k.
const codedPath = `
MATCH (city:City)-[:ISSUED]->(d:Document)-[:HAS_SENTENCE]->(s:Sentence)-[r:CODED_AS]->(:Code)-[:BELONGS_TO*0..3]->(k:Code)`

func countsQuery(keyCond, where, groupBy string) string {
	return codedPath + "\nWHERE " + keyCond + " AND " + where +
		countsReturn(groupBy, "count(DISTINCT s)", "count(DISTINCT d)")
}

// countsReturn ends a counting statement with one record (see packed): a
// row per code k (its id, refs and docs), or, grouped by the expression
// group, a row per group with three lists: the codes' ids, refs and docs.
func countsReturn(group, refs, docs string) string {
	if group == "" {
		return "\nWITH k.id AS id, " + refs + " AS refs, " + docs + " AS docs" +
			"\nRETURN collect([id, refs, docs]) AS rows"
	}
	return "\nWITH " + group + " AS g, k.id AS id, " + refs + " AS refs, " + docs + " AS docs" +
		"\nWITH g, collect(id) AS ids, collect(refs) AS refs, collect(docs) AS docs" +
		"\nRETURN collect([g, ids, refs, docs]) AS rows"
}

// cityRollupCounts ends a match of city rollups (cityRollupMatch with the
// variable cr) like countsReturn: grouped by city, where a city has one
// CITY_ROLLUP per code and nothing needs adding up, its lists are
// collected per city node (a third faster at 300 cities than grouping by
// name and code first).
func cityRollupCounts(group string) string {
	if group == "city.name" {
		return "\nWITH city, collect(k.id) AS ids, collect(cr.sentences) AS refs, collect(cr.documents) AS docs" +
			"\nRETURN collect([city.name, ids, refs, docs]) AS rows"
	}
	return countsReturn(group, "sum(cr.sentences)", "sum(cr.documents)")
}

// runCounts runs a counting statement (grouped: ending with countsReturn
// of a group) and, when withCodes is set,
// reads the study's coding scheme in the same transaction.
func (s *Store) runCounts(ctx context.Context, study, cypher string, params map[string]any, grouped, withCodes bool) ([]policykb.Code, map[string]map[string]policykb.Count, error) {
	var codes []policykb.Code
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		if withCodes {
			var err error
			if codes, err = s.studyCodesIn(ctx, tx, study); err != nil {
				return nil, err
			}
		}
		return packed(ctx, tx, cypher, params)
	})
	if err != nil {
		return nil, nil, err
	}
	res := map[string]map[string]policykb.Count{}
	for _, v := range out.([][]any) {
		if !grouped {
			if res[""] == nil {
				res[""] = map[string]policykb.Count{}
			}
			id := str(v[0])
			res[""][id] = policykb.Count{CodeID: id, ReferencePoints: integer(v[1]), MaterialSources: integer(v[2])}
			continue
		}
		ids, refs, docs := v[1].([]any), v[2].([]any), v[3].([]any)
		group := map[string]policykb.Count{}
		for i := range ids {
			id := str(ids[i])
			group[id] = policykb.Count{CodeID: id, ReferencePoints: integer(refs[i]), MaterialSources: integer(docs[i])}
		}
		res[str(v[0])] = group
	}
	return codes, res, nil
}

// Counts returns the reference points and material sources of every code of
// a level among the sentences the filter admits, in codebook order, codes
// with no coding included with zeros. Answered from the rollups unless the
// filter names coders.
func (s *Store) Counts(ctx context.Context, level policykb.Level, f policykb.CorpusFilter) ([]policykb.Count, error) {
	ctx, end := s.enter(ctx, "Counts")
	defer end()
	return s.counts(ctx, level, f, sentenceLevel(f))
}

func (s *Store) counts(ctx context.Context, level policykb.Level, f policykb.CorpusFilter, exact bool) ([]policykb.Count, error) {
	params, err := s.filterParams(ctx, f, map[string]any{"level": level.String()})
	if err != nil {
		return nil, err
	}
	codes, got, err := s.runCounts(ctx, f.Study, countsCypher("k.level = $level", f, params, "", exact), params, false, true)
	if err != nil {
		return nil, fmt.Errorf("graph: counts: %w", err)
	}
	var counts []policykb.Count
	for _, c := range codes {
		if c.Level != level {
			continue
		}
		n := got[""][c.ID]
		n.CodeID = c.ID
		counts = append(counts, n)
	}
	return counts, nil
}

// CodeCounts returns the counts of the given codes (of any levels) among the
// sentences the filter admits; every requested id is present (zeros for an
// id no code has). Answered from the rollups unless the filter names coders.
func (s *Store) CodeCounts(ctx context.Context, codeIDs []string, f policykb.CorpusFilter) (map[string]policykb.Count, error) {
	ctx, end := s.enter(ctx, "CodeCounts")
	defer end()
	return s.codeCounts(ctx, codeIDs, f, sentenceLevel(f))
}

func (s *Store) codeCounts(ctx context.Context, codeIDs []string, f policykb.CorpusFilter, exact bool) (map[string]policykb.Count, error) {
	params, err := s.filterParams(ctx, f, map[string]any{"ids": codeIDs})
	if err != nil {
		return nil, err
	}
	_, got, err := s.runCounts(ctx, f.Study, countsCypher("k.id IN $ids", f, params, "", exact), params, false, false)
	if err != nil {
		return nil, fmt.Errorf("graph: code counts: %w", err)
	}
	res := map[string]policykb.Count{}
	for _, id := range codeIDs {
		n := got[""][id]
		n.CodeID = id
		res[id] = n
	}
	return res, nil
}

// CountsByCity returns, for each city (by City.Name) with any admitted coded
// sentence, the non-zero counts of the level's codes, in codebook order.
// Answered from the rollups unless the filter names coders.
func (s *Store) CountsByCity(ctx context.Context, level policykb.Level, f policykb.CorpusFilter) (map[string][]policykb.Count, error) {
	ctx, end := s.enter(ctx, "CountsByCity")
	defer end()
	return s.countsByCity(ctx, level, f, sentenceLevel(f))
}

func (s *Store) countsByCity(ctx context.Context, level policykb.Level, f policykb.CorpusFilter, exact bool) (map[string][]policykb.Count, error) {
	params, err := s.filterParams(ctx, f, map[string]any{"level": level.String()})
	if err != nil {
		return nil, err
	}
	codes, got, err := s.runCounts(ctx, f.Study, countsCypher("k.level = $level", f, params, "city.name", exact), params, true, true)
	if err != nil {
		return nil, fmt.Errorf("graph: counts by city: %w", err)
	}
	return inCodebookOrder(codes, got), nil
}

// CountsByDocument returns, for each given document, the non-zero counts of
// the level's codes in it, in codebook order (material sources is 1).
// Answered from the rollups.
func (s *Store) CountsByDocument(ctx context.Context, level policykb.Level, docIDs []string) (map[string][]policykb.Count, error) {
	ctx, end := s.enter(ctx, "CountsByDocument")
	defer end()
	return s.countsByDocument(ctx, "", level, docIDs, false)
}

// StudyCountsByDocument is CountsByDocument at one study's codes (study ""
// is the whole base, see ResolveStudy). Answered from the rollups, which
// are per code and so per study.
func (s *Store) StudyCountsByDocument(ctx context.Context, study string, level policykb.Level, docIDs []string) (map[string][]policykb.Count, error) {
	ctx, end := s.enter(ctx, "StudyCountsByDocument")
	defer end()
	return s.countsByDocument(ctx, study, level, docIDs, false)
}

func (s *Store) countsByDocument(ctx context.Context, study string, level policykb.Level, docIDs []string, exact bool) (map[string][]policykb.Count, error) {
	params := map[string]any{"level": level.String()}
	f := policykb.CorpusFilter{Documents: docIDs, Study: study}
	if len(docIDs) == 0 {
		return map[string][]policykb.Count{}, nil
	}
	codes, got, err := s.runCounts(ctx, study, countsCypher("k.level = $level", f, params, "d.id", exact), params, true, true)
	if err != nil {
		return nil, fmt.Errorf("graph: counts by document: %w", err)
	}
	return inCodebookOrder(codes, got), nil
}

func inCodebookOrder(codes []policykb.Code, got map[string]map[string]policykb.Count) map[string][]policykb.Count {
	res := map[string][]policykb.Count{}
	for group, byCode := range got {
		for _, c := range codes {
			if n, ok := byCode[c.ID]; ok {
				res[group] = append(res[group], n)
			}
		}
	}
	return res
}

// Citation is one city's coding at a code: its counts and the documents
// holding the coded sentences.
type Citation struct {
	City                             string
	ReferencePoints, MaterialSources int
	DocumentIDs                      []string
}

const citationsReturn = `
WITH city, d, s ORDER BY d.issuedOn, d.id
WITH city.name AS name, count(DISTINCT s) AS refs, count(DISTINCT d) AS docs, collect(DISTINCT d.id) AS ids
ORDER BY refs DESC, name
RETURN collect([name, refs, docs, ids])`

const rollupCitationsReturn = `
WITH city, d, ru ORDER BY d.issuedOn, d.id
WITH city.name AS name, sum(ru.sentences) AS refs, count(d) AS docs, collect(d.id) AS ids
ORDER BY refs DESC, name
RETURN collect([name, refs, docs, ids])`

// CitationCounts is Citations without the documents (DocumentIDs is nil):
// answered from the city rollups when the filter admits or rejects whole
// cities only.
func (s *Store) CitationCounts(ctx context.Context, codeID string, f policykb.CorpusFilter) ([]Citation, error) {
	ctx, end := s.enter(ctx, "CitationCounts")
	defer end()
	if !cityLevel(f) {
		cs, err := s.Citations(ctx, codeID, f)
		for i := range cs {
			cs[i].DocumentIDs = nil
		}
		return cs, err
	}
	params, err := s.filterParams(ctx, f, map[string]any{"code": codeID})
	if err != nil {
		return nil, err
	}
	return s.runCitations(ctx, cityRollupMatch("CITY_ROLLUP", "cr", "k.id = $code", f, params)+`
WITH city.name AS name, cr.sentences AS refs, cr.documents AS docs
ORDER BY refs DESC, name
RETURN collect([name, refs, docs, []])`, params)
}

// Citations returns every city with at least one admitted sentence coded at
// the code or below it, most reference points first, then by name, with
// the documents holding them. Answered from the document rollups unless
// the filter names coders.
func (s *Store) Citations(ctx context.Context, codeID string, f policykb.CorpusFilter) ([]Citation, error) {
	ctx, end := s.enter(ctx, "Citations")
	defer end()
	return s.citations(ctx, codeID, f, sentenceLevel(f))
}

func (s *Store) citations(ctx context.Context, codeID string, f policykb.CorpusFilter, exact bool) ([]Citation, error) {
	params, err := s.filterParams(ctx, f, map[string]any{"code": codeID})
	if err != nil {
		return nil, err
	}
	cypher := codedPath + "\nWHERE k.id = $code AND " + filterClause(f, params, true) + citationsReturn
	if !exact {
		cypher = rollupMatch("ROLLUP", "ru", "k.id = $code", f, params, true) + rollupCitationsReturn
	}
	return s.runCitations(ctx, cypher, params)
}

// runCitations runs a statement returning (see packed) a row per city: its
// name, reference points, material sources and document ids.
func (s *Store) runCitations(ctx context.Context, cypher string, params map[string]any) ([]Citation, error) {
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return packed(ctx, tx, cypher, params)
	})
	if err != nil {
		return nil, fmt.Errorf("graph: citations: %w", err)
	}
	var res []Citation
	for _, v := range out.([][]any) {
		c := Citation{City: str(v[0]), ReferencePoints: integer(v[1]), MaterialSources: integer(v[2])}
		for _, id := range v[3].([]any) {
			c.DocumentIDs = append(c.DocumentIDs, str(id))
		}
		res = append(res, c)
	}
	return res, nil
}

const evidenceReturn = `
WITH DISTINCT city, d, s ORDER BY d.issuedOn, d.id, s.index
WITH city, collect(s {.*, doc: d.id})[..$n] AS ss
UNWIND ss AS s
RETURN city.name, s.id, s.doc, s.index, s.kind, s.text, s.start, s.end`

// Evidence returns, for each named city, the first n admitted sentences
// coded at the code or below it, in document then sentence order.
func (s *Store) Evidence(ctx context.Context, codeID string, f policykb.CorpusFilter, cities []string, n int) (map[string][]policykb.Sentence, error) {
	ctx, end := s.enter(ctx, "Evidence")
	defer end()
	params, err := s.filterParams(ctx, f, map[string]any{"code": codeID, "cities": cities, "n": int64(n)})
	if err != nil {
		return nil, fmt.Errorf("graph: evidence: %w", err)
	}
	cypher := codedPath + "\nWHERE k.id = $code AND city.name IN $cities AND " + filterClause(f, params, true) + evidenceReturn
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return collect(ctx, tx, cypher, params)
	})
	if err != nil {
		return nil, fmt.Errorf("graph: evidence: %w", err)
	}
	res := map[string][]policykb.Sentence{}
	for _, rec := range out.([]*neo4j.Record) {
		v := rec.Values
		res[str(v[0])] = append(res[str(v[0])], sentenceOf(v[1:]))
	}
	return res, nil
}
