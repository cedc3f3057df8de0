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
// coded at the level.
func matrixColumnsQuery(col string, f policykb.CorpusFilter, params map[string]any) string {
	where := filterClause(f, params, false) + " AND " + coderDocCondition(f, params)
	return `
MATCH (city:City)-[:ISSUED]->(d:Document) WHERE ` + where + `
WITH ` + col + ` AS col, d
WITH col, sum(COUNT { (d)-[:HAS_SENTENCE]->() }) AS n, sum(coalesce(d.codedSentences[$li], 0)) AS coded,
     count(CASE WHEN d.codedSentences[$li] > 0 THEN 1 END) AS docs
RETURN collect([col, n, coded, docs]) AS rows`
}

// matrixCityListsQuery reads, when the columns are cities or provinces and
// the filter admits whole cities of every study, each admitted city's
// column, sentences, distinct sentences and documents coded at the level,
// and its rollup lists of the level (rollups_lists.go): the columns and
// the cells in one read of a node per city.
func matrixCityListsQuery(col string, l policykb.Level, f policykb.CorpusFilter, params map[string]any) string {
	conds := append([]string{"city.rollupDocuments > 0"}, cityConds(f, params)...)
	p := cityListsOf(l)
	return `
MATCH (city:City) WHERE ` + strings.Join(conds, " AND ") + `
RETURN collect([` + col + `, city.sentences, city.codedSentences[$li], city.codedDocuments[$li], city.` +
		p.codes + `, city.` + p.references + `, city.` + p.sources + `]) AS rows`
}

func fromCityLists(col string, f policykb.CorpusFilter, exact bool) bool {
	return !exact && cityLevel(f) && f.Study == "" && !readsDocument(col)
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
	m, counts, err := s.matrixCounts(ctx, q, exact)
	if err != nil {
		return Matrix{}, err
	}
	m.Cells, m.RowTotals, m.ColumnTotals = counts.Measures(q.Measure)
	return m, nil
}

// matrixCounts reads the rows, columns and raw counts of the matrix q,
// to which analysis applies the measure.
func (s *Store) matrixCounts(ctx context.Context, q MatrixQuery, exact bool) (Matrix, analysis.MatrixCounts, error) {
	if err := q.check(); err != nil {
		return Matrix{}, analysis.MatrixCounts{}, err
	}
	col := columnExpr[q.Columns]
	params, err := s.filterParams(ctx, q.Filter, map[string]any{"li": levelIndex(q.Rows), "level": q.Rows.String()})
	if err != nil {
		return Matrix{}, analysis.MatrixCounts{}, err
	}
	// The columns and the cells, in one statement: from the cities' lists
	// where they answer, else from the rollups or the sentences.
	lists := fromCityLists(col, q.Filter, exact)
	var both string
	if !lists {
		both = "CALL () {" + matrixColumnsQuery(col, q.Filter, params) + "\n}\nWITH rows AS columns\n" +
			"CALL () {" + matrixCellsQuery(col, q.Filter, params, exact) + "\n}\nRETURN columns, rows"
	}
	// The coded sentences and documents of each column are read sentence by
	// sentence under a coder filter, and under a study, whose share of the
	// per-level sums of documents and cities the rollups do not keep.
	columnsExact := exact || q.Filter.Study != ""
	cellWhere := filterClause(q.Filter, params, columnsExact)

	columns := map[string]*matrixColumn{}
	var cellRows []any // per column: [column, code ids, reference points, material sources]
	var codes []policykb.Code
	_, err = s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		clear(columns)
		cellRows = nil
		var err error
		if codes, err = s.studyCodesIn(ctx, tx, q.Filter.Study); err != nil {
			return nil, err
		}
		if lists {
			recs, err := collect(ctx, tx, matrixCityListsQuery(col, q.Rows, q.Filter, params), params)
			if err != nil {
				return nil, err
			}
			// Provinces add up their cities (whose documents are distinct).
			for _, r := range recs[0].Values[0].([]any) {
				v := r.([]any)
				c := columns[str(v[0])]
				if c == nil {
					c = &matrixColumn{}
					columns[str(v[0])] = c
				}
				c.sentences += integer(v[1])
				c.codedSentences += integer(v[2])
				c.codedDocs += integer(v[3])
				cellRows = append(cellRows, []any{v[0], v[4], v[5], v[6]})
			}
			return nil, nil
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
		if !columnsExact {
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
		return Matrix{}, analysis.MatrixCounts{}, fmt.Errorf("graph: matrix: %w", err)
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
		ids, _ := v[1].([]any)
		rs, _ := v[2].([]any)
		ds, _ := v[3].([]any)
		for k := range ids {
			if i, ok := rowOf[str(ids[k])]; ok {
				counts.References[i][j] += integer(rs[k])
				counts.Sources[i][j] += integer(ds[k])
			}
		}
	}
	return m, counts, nil
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
