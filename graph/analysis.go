package graph

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/analysis"
)

// MatrixQuery asks for a code matrix: the codes of a level (rows) against
// the cases of a dimension (columns), each cell holding a measure, among the
// documents and sentences the filter admits.
type MatrixQuery struct {
	Rows    policykb.Level
	Columns policykb.Dimension
	Measure policykb.Measure
	Filter  policykb.CorpusFilter
}

// Matrix is the answer to a MatrixQuery. Rows are every code of the level in
// codebook order; Columns the cases of the dimension that hold at least one
// admitted document, sorted, "unknown" (no date, province or type) last.
// Cells[i][j] is the measure of Rows[i] in Columns[j]:
//
//   - REFERENCE_POINTS: distinct admitted sentences of the column's documents
//     coded at the code or below it (DESIGN §2);
//   - MATERIAL_SOURCES: distinct documents of the column holding such a sentence;
//   - SHARE: the cell's reference points divided by the sum of the reference
//     points of all the level's codes in the column (0 for a column without
//     any), so a column sums to 1; a sentence coded at two codes of the
//     level counts in both cells and twice in that sum;
//   - PER_1000_SENTENCES: 1000 × the cell's reference points / the number of
//     sentences (coded or not) of the column's admitted documents;
//   - PRESENCE: 1 when the cell has a reference point, else 0.
//
// RowTotals[i] is the measure over the whole row (all admitted documents):
// reference points, material sources (distinct documents), the code's share
// of all the level's references, references per 1,000 admitted sentences;
// for PRESENCE the number of columns where the code is present.
// ColumnTotals[j] is the measure over the column for the level as a whole:
// distinct sentences coded at any code of the level (a sentence under two
// codes counts once, so it may be less than the column's sum), distinct
// documents holding one, 1 for SHARE (0 for an empty column), those
// distinct sentences per 1,000 sentences; for PRESENCE the number of codes
// present in the column.
type Matrix struct {
	Rows                    []policykb.Code
	Columns                 []string
	Cells                   [][]float64
	RowTotals, ColumnTotals []float64
}

// Unknown is the column of documents that lack the dimension's value (no
// issue date for YEAR, no province, no document type).
const Unknown = "unknown"

// columnExpr is the Cypher expression of each dimension's case, on the
// variables city and d; a fixed list, never user input.
var columnExpr = map[policykb.Dimension]string{
	policykb.DimensionCity:     "city.name",
	policykb.DimensionProvince: "coalesce(city.province, '" + Unknown + "')",
	policykb.DimensionDocument: "d.id",
	policykb.DimensionYear:     "coalesce(toString(d.issuedOn.year), '" + Unknown + "')",
	policykb.DimensionDocType:  "coalesce(d.docType, '" + Unknown + "')",
}

func (q MatrixQuery) check() error {
	if !q.Rows.Valid() {
		return policykb.InvalidArgument("rows", "graph: matrix: unknown level %v", q.Rows)
	}
	if !q.Columns.Valid() {
		return policykb.InvalidArgument("columns", "graph: matrix: unknown dimension %v", q.Columns)
	}
	if !q.Measure.Valid() {
		return policykb.InvalidArgument("measure", "graph: matrix: unknown measure %v", q.Measure)
	}
	return nil
}

// The columns: every case with an admitted document, with its documents'
// sentences and (from the rollups) the distinct sentences and documents
// coded at the level; from the cities' sums when the columns are cities or
// provinces and the filter admits whole cities.
func matrixColumnsQuery(col string, f policykb.CorpusFilter, params map[string]any) string {
	if cityLevel(f) && !readsDocument(col) {
		conds := append([]string{"city.rollupDocuments > 0"}, cityConds(f, params)...)
		return `
MATCH (city:City) WHERE ` + strings.Join(conds, " AND ") + `
WITH ` + col + ` AS col, sum(city.sentences) AS n, sum(city.codedSentences[$li]) AS coded, sum(city.codedDocuments[$li]) AS docs
RETURN collect([col, n, coded, docs]) AS rows`
	}
	where := filterClause(f, params, false) + " AND " + coderDocCondition(f, params)
	return `
MATCH (city:City)-[:ISSUED]->(d:Document) WHERE ` + where + `
WITH ` + col + ` AS col, d
WITH col, sum(COUNT { (d)-[:HAS_SENTENCE]->() }) AS n, sum(coalesce(d.codedSentences[$li], 0)) AS coded,
     count(CASE WHEN d.codedSentences[$li] > 0 THEN 1 END) AS docs
RETURN collect([col, n, coded, docs]) AS rows`
}

// matrixCellsQuery counts per column and code, a row per column (see
// countsReturn), as one record.
func matrixCellsQuery(col string, f policykb.CorpusFilter, params map[string]any, exact bool) string {
	switch {
	case exact:
		return codedPath + "\nWHERE k.level = $level AND " + filterClause(f, params, true) +
			countsReturn(col, "count(DISTINCT s)", "count(DISTINCT d)")
	case cityLevel(f) && !readsDocument(col):
		return cityRollupMatch("CITY_ROLLUP", "cr", "k.level = $level", f, params) +
			cityRollupCounts(col)
	}
	return rollupMatch("ROLLUP", "ru", "k.level = $level", f, params, readsCity(col)) +
		countsReturn(col, "sum(ru.sentences)", "count(d)")
}

// Under a coder filter, the distinct sentences and documents coded at the
// level per column, sentence by sentence.
func matrixColumnCodedQuery(col, where string) string {
	return codedPath + "\nWHERE k.level = $level AND " + where +
		"\nRETURN " + col + ", count(DISTINCT s), count(DISTINCT d)"
}

type matrixColumn struct {
	sentences, codedSentences, codedDocs int
}

// Matrix computes a code matrix (see Matrix for the measures and totals).
// Without a coder filter it reads only rollups and document degrees.
func (s *Store) Matrix(ctx context.Context, q MatrixQuery) (Matrix, error) {
	ctx, end := s.enter(ctx, "Matrix")
	defer end()
	return s.matrix(ctx, q, sentenceLevel(q.Filter))
}

func (s *Store) matrix(ctx context.Context, q MatrixQuery, exact bool) (Matrix, error) {
	if err := q.check(); err != nil {
		return Matrix{}, err
	}
	col := columnExpr[q.Columns]
	params, err := s.filterParams(ctx, q.Filter, map[string]any{"li": levelIndex(q.Rows), "level": q.Rows.String()})
	if err != nil {
		return Matrix{}, err
	}
	// The columns and the cells, in one statement.
	both := "CALL () {" + matrixColumnsQuery(col, q.Filter, params) + "\n}\nWITH rows AS columns\n" +
		"CALL () {" + matrixCellsQuery(col, q.Filter, params, exact) + "\n}\nRETURN columns, rows"
	cellWhere := filterClause(q.Filter, params, exact)

	columns := map[string]*matrixColumn{}
	var cellRows []any // per column: [column, code ids, reference points, material sources]
	var codes []policykb.Code
	_, err = s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		clear(columns)
		var err error
		if codes, err = s.codesIn(ctx, tx); err != nil {
			return nil, err
		}
		recs, err := collect(ctx, tx, both, params)
		if err != nil {
			return nil, err
		}
		for _, r := range recs[0].Values[0].([]any) {
			v := r.([]any)
			columns[str(v[0])] = &matrixColumn{sentences: integer(v[1]), codedSentences: integer(v[2]), codedDocs: integer(v[3])}
		}
		cellRows = recs[0].Values[1].([]any)
		if !exact {
			return nil, nil
		}
		recs, err = collect(ctx, tx, matrixColumnCodedQuery(col, cellWhere), params)
		if err != nil {
			return nil, err
		}
		for _, c := range columns {
			c.codedSentences, c.codedDocs = 0, 0
		}
		for _, r := range recs {
			if c := columns[str(r.Values[0])]; c != nil {
				c.codedSentences, c.codedDocs = integer(r.Values[1]), integer(r.Values[2])
			}
		}
		return nil, nil
	})
	if err != nil {
		return Matrix{}, fmt.Errorf("graph: matrix: %w", err)
	}

	m := Matrix{}
	for _, c := range codes {
		if c.Level == q.Rows {
			m.Rows = append(m.Rows, c)
		}
	}
	for name := range columns {
		m.Columns = append(m.Columns, name)
	}
	slices.SortFunc(m.Columns, func(a, b string) int {
		if (a == Unknown) != (b == Unknown) {
			if a == Unknown {
				return 1
			}
			return -1
		}
		return cmp.Compare(a, b)
	})

	// The raw counts, to which analysis applies the measure.
	nr, nc := len(m.Rows), len(m.Columns)
	counts := analysis.MatrixCounts{References: make([][]int, nr), Sources: make([][]int, nr),
		Sentences: make([]int, nc), CodedSentences: make([]int, nc), CodedDocuments: make([]int, nc)}
	for i := range m.Rows {
		counts.References[i], counts.Sources[i] = make([]int, nc), make([]int, nc)
	}
	rowOf, colOf := make(map[string]int, nr), make(map[string]int, nc)
	for i, code := range m.Rows {
		rowOf[code.ID] = i
	}
	for j, name := range m.Columns {
		colOf[name] = j
		c := columns[name]
		counts.Sentences[j], counts.CodedSentences[j], counts.CodedDocuments[j] = c.sentences, c.codedSentences, c.codedDocs
	}
	for _, row := range cellRows {
		v := row.([]any)
		j, ok := colOf[str(v[0])]
		if !ok {
			continue
		}
		ids, rs, ds := v[1].([]any), v[2].([]any), v[3].([]any)
		for k := range ids {
			if i, ok := rowOf[str(ids[k])]; ok {
				counts.References[i][j], counts.Sources[i][j] = integer(rs[k]), integer(ds[k])
			}
		}
	}
	m.Cells, m.RowTotals, m.ColumnTotals = counts.Measures(q.Measure)
	return m, nil
}

// MatrixCellSentences lists the sentences behind a cell of the matrix q:
// the admitted sentences of the column's documents coded at the row's code
// or below it (by the filter's coders, when it names any), in the order of
// Sentences, with their total. For REFERENCE_POINTS the total is the cell's
// value; for MATERIAL_SOURCES their distinct documents are. A row or column
// the matrix lacks lists nothing.
func (s *Store) MatrixCellSentences(ctx context.Context, q MatrixQuery, rowCodeID, column string, p Page) ([]policykb.Sentence, int, error) {
	ctx, end := s.enter(ctx, "MatrixCellSentences")
	defer end()
	if err := q.check(); err != nil {
		return nil, 0, err
	}
	if rowCodeID == "" {
		return nil, 0, nil
	}
	params, err := s.filterParams(ctx, q.Filter, map[string]any{"offset": int64(p.Offset), "limit": int64(p.Limit), "column": column, "level": q.Rows.String()})
	if err != nil {
		return nil, 0, err
	}
	where := SentenceQuery{Filter: q.Filter, CodeID: rowCodeID}.where(params) +
		" AND " + columnExpr[q.Columns] + " = $column" +
		" AND EXISTS { MATCH (:Code {id: $code, level: $level}) }"
	ss, total, err := s.pageSentences(ctx, "", where, params)
	if err != nil {
		return nil, 0, fmt.Errorf("graph: matrix cell sentences: %w", err)
	}
	return ss, total, nil
}

// pageSentences counts and pages the sentences a WHERE (on city, d and s)
// admits, in the order of Sentences (count, when not empty, returns their
// total from derived data; see countAndPage). params must hold offset and
// limit; when they hold a code (SentenceQuery.where), $under is bound to
// it and the codes below it.
func (s *Store) pageSentences(ctx context.Context, count, where string, params map[string]any) ([]policykb.Sentence, int, error) {
	if code, ok := params["code"].(string); ok {
		codes, err := s.Codes(ctx)
		if err != nil {
			return nil, 0, err
		}
		params["under"] = subtree(codes, code)
	}
	match := "\nMATCH (city:City)-[:ISSUED]->(d:Document)-[:HAS_SENTENCE]->(s:Sentence) WHERE " + where
	return countAndPage(ctx, s, count, match, "city.name, d.issuedOn, d.id, s.index", sentenceFields, params, sentenceOf)
}

// CodePair is two codes of one level that co-occur: Count (n12) is the
// number of distinct sentences (scope SENTENCE) or documents (scope
// DOCUMENT) holding both, CountA and CountB (n1, n2) the codes' own numbers
// of sentences or documents within the same scope and filter, and
// CCoefficient ATLAS.ti's c-coefficient n12 / (n1 + n2 − n12).
type CodePair struct {
	A, B                  string
	Count, CountA, CountB int
	CCoefficient          float64
}

// Pairs of codes of the level on one sentence: the codes a sentence rolls
// up to, each unordered pair once (a.id < b.id here; oriented later).
const sentencePairs = `
WITH s, collect(DISTINCT k.id) AS ks WHERE size(ks) > 1
UNWIND ks AS a
UNWIND ks AS b
WITH a, b, s WHERE a < b
RETURN a, b, count(s) AS n`

// From the COOCCURRENCE rollups (co, at k): co.sentences is the number of
// a document's sentences coded under both co.a and k.
const sentencePairsRollup = `
RETURN co.a AS a, k.id AS b, sum(co.sentences) AS n`

const documentPairsExact = `
WITH d, collect(DISTINCT k.id) AS ks WHERE size(ks) > 1
UNWIND ks AS a
UNWIND ks AS b
WITH a, b, d WHERE a < b
RETURN a, b, count(d) AS n`

const documentPairsRollup = `
WITH d, collect(k.id) AS ks WHERE size(ks) > 1
UNWIND ks AS a
UNWIND ks AS b
WITH a, b, d WHERE a < b
RETURN a, b, count(d) AS n`

// Cooccurrence returns every unordered pair of codes of the level that
// co-occur at least minCount times (and at least once) in the scope, among
// the sentences the filter admits: A before B in codebook order, the pairs
// ordered by Count (most first), then by A's and B's codebook order.
// Without a coder filter both scopes read the rollups; under one they walk
// the coded sentences.
func (s *Store) Cooccurrence(ctx context.Context, level policykb.Level, scope policykb.Scope, minCount int, f policykb.CorpusFilter) ([]CodePair, error) {
	ctx, end := s.enter(ctx, "Cooccurrence")
	defer end()
	return s.cooccurrence(ctx, level, scope, minCount, f, sentenceLevel(f))
}

func (s *Store) cooccurrence(ctx context.Context, level policykb.Level, scope policykb.Scope, minCount int, f policykb.CorpusFilter, exact bool) ([]CodePair, error) {
	if !level.Valid() {
		return nil, policykb.InvalidArgument("level", "graph: cooccurrence: unknown level %v", level)
	}
	if !scope.Valid() {
		return nil, policykb.InvalidArgument("scope", "graph: cooccurrence: unknown scope %v", scope)
	}
	params, err := s.filterParams(ctx, f, map[string]any{"level": level.String()})
	if err != nil {
		return nil, err
	}
	countsQ := countsCypher("k.level = $level", f, params, "", exact)
	var pairsQ string
	switch {
	case scope == policykb.ScopeSentence && exact:
		pairsQ = codedPath + "\nWHERE k.level = $level AND " + filterClause(f, params, true) + sentencePairs
	case scope == policykb.ScopeSentence && cityLevel(f):
		pairsQ = cityRollupMatch("CITY_COOCCURRENCE", "cc", "k.level = $level", f, params) + `
RETURN cc.a AS a, k.id AS b, sum(cc.sentences) AS n`
	case scope == policykb.ScopeSentence:
		pairsQ = rollupMatch("COOCCURRENCE", "co", "k.level = $level", f, params, false) + sentencePairsRollup
	case exact:
		pairsQ = codedPath + "\nWHERE k.level = $level AND " + filterClause(f, params, true) + documentPairsExact
	default:
		pairsQ = rollupMatch("ROLLUP", "ru", "k.level = $level", f, params, false) + documentPairsRollup
	}
	// The codes' own numbers and the pairs, in one statement.
	both := "CALL () {" + countsQ + "\n}\nWITH rows AS own\n" +
		"CALL () {\nCALL () {" + pairsQ + "\n}\nRETURN collect([a, b, n]) AS pairs\n}\nRETURN own, pairs"
	var codes []policykb.Code
	var own, found []any
	_, err = s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		var err error
		if codes, err = s.codesIn(ctx, tx); err != nil {
			return nil, err
		}
		recs, err := collect(ctx, tx, both, params)
		if err != nil {
			return nil, err
		}
		own, found = recs[0].Values[0].([]any), recs[0].Values[1].([]any)
		return nil, nil
	})
	if err != nil {
		return nil, fmt.Errorf("graph: cooccurrence: %w", err)
	}
	order := map[string]int{}
	for i, c := range codes {
		order[c.ID] = i
	}
	// The codes' own numbers in the scope: reference points (sentences) or
	// material sources (documents).
	n := map[string]int{}
	for _, row := range own {
		v := row.([]any)
		if scope == policykb.ScopeSentence {
			n[str(v[0])] = integer(v[1])
		} else {
			n[str(v[0])] = integer(v[2])
		}
	}
	pairs := []CodePair{}
	for _, row := range found {
		v := row.([]any)
		a, b, n12 := str(v[0]), str(v[1]), integer(v[2])
		if n12 < max(minCount, 1) {
			continue
		}
		if order[b] < order[a] {
			a, b = b, a
		}
		p := CodePair{A: a, B: b, Count: n12, CountA: n[a], CountB: n[b], CCoefficient: analysis.CCoefficient(n12, n[a], n[b])}
		pairs = append(pairs, p)
	}
	slices.SortFunc(pairs, func(x, y CodePair) int {
		if c := cmp.Compare(y.Count, x.Count); c != 0 {
			return c
		}
		if c := cmp.Compare(order[x.A], order[y.A]); c != 0 {
			return c
		}
		return cmp.Compare(order[x.B], order[y.B])
	})
	return pairs, nil
}

// pairsParam turns pairs into a parameter, each once.
func pairsParam(pairs [][2]string) []any {
	seen := map[[2]string]bool{}
	var out []any
	for _, p := range pairs {
		if !seen[p] {
			seen[p] = true
			out = append(out, []any{p[0], p[1]})
		}
	}
	return out
}

const pairEvidenceOrder = `
WITH p, city, d, s ORDER BY city.name, d.issuedOn, d.id, s.index
WITH p, collect(s {.*, doc: d.id})[..$n] AS ss
UNWIND ss AS s
RETURN p[0], p[1], s.id, s.doc, s.index, s.kind, s.text, s.start, s.end`

// pairEvidenceQuery: admitted sentences coded at both codes (or below
// them), by the filter's coders when it names any.
func pairEvidenceQuery(f policykb.CorpusFilter, params map[string]any) string {
	coder := coderCond(f, params, "r")
	return `
UNWIND $pairs AS p
MATCH (:Code {id: p[0]})<-[:BELONGS_TO*0..3]-(:Code)<-[r:CODED_AS]-(s:Sentence)
WHERE ` + coder + `
WITH DISTINCT p, s
WHERE EXISTS { MATCH (s)-[r:CODED_AS]->(:Code)-[:BELONGS_TO*0..3]->(:Code {id: p[1]}) WHERE ` + coder + ` }
MATCH (city:City)-[:ISSUED]->(d:Document)-[:HAS_SENTENCE]->(s)
WHERE ` + filterClause(f, params, false) + pairEvidenceOrder
}

// pairDocumentEvidenceQuery: the admitted sentences coded at either code
// of the documents that hold both.
func pairDocumentEvidenceQuery(f policykb.CorpusFilter, params map[string]any) string {
	return `
UNWIND $pairs AS p
MATCH (city:City)-[:ISSUED]->(d:Document)-[:HAS_SENTENCE]->(s:Sentence)-[r:CODED_AS]->(:Code)-[:BELONGS_TO*0..3]->(k:Code)
WHERE k.id IN p AND ` + filterClause(f, params, true) + `
WITH p, city, d, s, collect(DISTINCT k.id) AS ks
WITH p, city, d, collect({s: s, ks: ks}) AS rows
WHERE all(x IN p WHERE any(row IN rows WHERE x IN row.ks))
UNWIND rows AS row
WITH p, city, d, row.s AS s` + pairEvidenceOrder
}

// PairEvidence returns, for each pair of code ids, the first n admitted
// sentences coded at both codes (or below them), in the order of Sentences:
// the evidence of a SENTENCE-scope co-occurrence, whose Count is their
// total. Pairs without such a sentence are absent.
func (s *Store) PairEvidence(ctx context.Context, pairs [][2]string, f policykb.CorpusFilter, n int) (map[[2]string][]policykb.Sentence, error) {
	ctx, end := s.enter(ctx, "PairEvidence")
	defer end()
	return s.pairEvidence(ctx, pairs, n, pairEvidenceQuery, f)
}

// PairDocumentEvidence returns, for each pair of code ids, the first n
// admitted sentences coded at either code in the documents holding both,
// in the order of Sentences: the evidence of a DOCUMENT-scope
// co-occurrence, whose Count is the number of their distinct documents.
func (s *Store) PairDocumentEvidence(ctx context.Context, pairs [][2]string, f policykb.CorpusFilter, n int) (map[[2]string][]policykb.Sentence, error) {
	ctx, end := s.enter(ctx, "PairDocumentEvidence")
	defer end()
	return s.pairEvidence(ctx, pairs, n, pairDocumentEvidenceQuery, f)
}

func (s *Store) pairEvidence(ctx context.Context, pairs [][2]string, n int, query func(policykb.CorpusFilter, map[string]any) string, f policykb.CorpusFilter) (map[[2]string][]policykb.Sentence, error) {
	res := map[[2]string][]policykb.Sentence{}
	if len(pairs) == 0 || n <= 0 {
		return res, nil
	}
	params, err := s.filterParams(ctx, f, map[string]any{"pairs": pairsParam(pairs), "n": int64(n)})
	if err != nil {
		return nil, fmt.Errorf("graph: pair evidence: %w", err)
	}
	cypher := query(f, params)
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return collect(ctx, tx, cypher, params)
	})
	if err != nil {
		return nil, fmt.Errorf("graph: pair evidence: %w", err)
	}
	for _, rec := range out.([]*neo4j.Record) {
		v := rec.Values
		k := [2]string{str(v[0]), str(v[1])}
		res[k] = append(res[k], sentenceOf(v[2:]))
	}
	return res, nil
}
