package exports

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
)

// Table names a flat table.
type Table string

// The tables.
const (
	Codings Table = "codings" // one row per coding
	Counts  Table = "counts"  // one row per code of a level
	Matrix  Table = "matrix"  // codes × the cases of a dimension
	// Crosstab is a frame level × a dimension or another frame level (crosstab.go).
	Crosstab Table = "crosstab"
	// The analyses' tables (analyses.go).
	Similarity   Table = "similarity"   // city × city cosine similarity, clustered order
	Cooccurrence Table = "cooccurrence" // one row per co-occurring pair of codes
	Saturation   Table = "saturation"   // one row per document: the saturation curve
	Agreement    Table = "agreement"    // one row per code: two coders' agreement
	// The word tables (words.go).
	Words    Table = "words"    // one row per high-frequency word
	Keywords Table = "keywords" // one row per keyword of a document, city or code
	Coword   Table = "coword"   // the square co-word matrix of the top words
	// The PMC table (pmc.go).
	PMC Table = "pmc" // one row per document: its PMC index
)

// Tables lists every table, in the order to show them.
var Tables = []Table{Codings, Counts, Matrix, Crosstab, Similarity, Cooccurrence, Saturation, Agreement, Words, Keywords, Coword, PMC}

// Request is one export: a table, its parameters and the corpus filter.
type Request struct {
	Table Table
	// Level is the level of the counts table.
	Level policykb.Level
	// Rows, Columns and Measure shape the matrix table.
	Rows    policykb.Level
	Columns policykb.Dimension
	Measure policykb.Measure
	// RowAxis and ColumnAxis (with Measure) shape the crosstab table.
	RowAxis, ColumnAxis graph.Axis
	// Scope and MinCount shape the cooccurrence table (Level its level);
	// CoderA and CoderB the agreement table.
	Scope          policykb.Scope
	MinCount       int
	CoderA, CoderB string
	// Study is the study asked for (an id or a name; the parameter study),
	// resolved by Write (graph.Store.ResolveStudy): optional while the
	// knowledge base holds one study.
	Study  string
	Filter policykb.CorpusFilter
	// Words shapes the word tables (words, keywords, coword).
	Words WordsRequest
	// Model is the PMC model of the pmc table.
	Model string
}

// FileName is the name of the export's file in a format, e.g. codings.csv,
// counts-main_category.xlsx, matrix-main_category-city-share.json.
func (r Request) FileName(f Format) string {
	parts := []string{string(r.Table)}
	switch r.Table {
	case Counts, Similarity, Saturation:
		parts = append(parts, r.Level.String())
	case Cooccurrence:
		parts = append(parts, r.Level.String(), r.Scope.String())
	case Agreement:
		parts = append(parts, r.CoderA, r.CoderB, r.Level.String())
	case Matrix:
		parts = append(parts, r.Rows.String(), r.Columns.String(), r.Measure.String())
	case Crosstab:
		parts = append(parts, axisName(r.RowAxis), axisName(r.ColumnAxis), r.Measure.String())
	case Keywords:
		parts = append(parts, r.Words.Of)
		if r.Words.Of == "code" {
			parts = append(parts, r.Level.String())
		}
	case Coword:
		parts = append(parts, r.Words.Measure.String(), r.Words.Scope.String())
	case PMC:
		parts = append(parts, r.Model)
	}
	return strings.ToLower(strings.Join(parts, "-")) + "." + string(f)
}

// Source is what the exports read: normally a *graph.Store.
type Source interface {
	CheckFilter(ctx context.Context, f policykb.CorpusFilter) error
	ResolveStudy(ctx context.Context, ref string) (string, error)
	StudyCodes(ctx context.Context, study string) ([]policykb.Code, error)
	Counts(ctx context.Context, level policykb.Level, f policykb.CorpusFilter) ([]policykb.Count, error)
	EachCodingBatch(ctx context.Context, f policykb.CorpusFilter, docsPerBatch int, fn func([]graph.CodingRow) error) error
	Matrix(ctx context.Context, q graph.MatrixQuery) (graph.Matrix, error)
	Crosstab(ctx context.Context, q graph.CrosstabQuery) (graph.Crosstab, error)
	Cities(ctx context.Context) ([]policykb.City, error)
	CountsByCity(ctx context.Context, level policykb.Level, f policykb.CorpusFilter) (map[string][]policykb.Count, error)
	Cooccurrence(ctx context.Context, level policykb.Level, scope policykb.Scope, minCount int, f policykb.CorpusFilter) ([]graph.CodePair, error)
	CodedDocuments(ctx context.Context, level policykb.Level, f policykb.CorpusFilter) (graph.CodedDocuments, error)
	AgreementTables(ctx context.Context, coderA, coderB string, level policykb.Level, f policykb.CorpusFilter) (graph.Agreement, error)
	Words(ctx context.Context, q graph.WordQuery) (graph.WordStats, error)
	Keywords(ctx context.Context, q graph.KeywordQuery) ([]graph.KeywordTable, error)
	Coword(ctx context.Context, q graph.CowordQuery) (graph.Coword, error)
	PMC(ctx context.Context, q graph.PMCQuery) (*graph.PMCResult, error)
}

var _ Source = (*graph.Store)(nil)

// Write writes the requested table in the format to w and returns the
// number of data rows written (the matrix's totals row included). Rows go
// out as they are read. First it checks the filter's names
// (graph.Store.CheckFilter): an unknown city, province, document or coder
// is BAD_USER_INPUT naming the parameter (city, province, document, coder)
// and the value, with the nearest known names, before anything is written.
// On a later error the output is incomplete; callers that have not sent
// anything yet can still report it (see the HTTP handler).
func Write(ctx context.Context, src Source, req Request, f Format, w io.Writer) (int, error) {
	study, err := src.ResolveStudy(ctx, req.Study)
	if err != nil {
		return 0, err
	}
	req.Filter.Study = study
	if err := checkFilter(ctx, src, req.Filter); err != nil {
		return 0, err
	}
	tw, err := NewTableWriter(f, w, string(req.Table))
	if err != nil {
		return 0, err
	}
	var n int
	switch req.Table {
	case Codings:
		n, err = writeCodings(ctx, src, req.Filter, tw)
	case Counts:
		n, err = writeCounts(ctx, src, req.Level, req.Filter, tw)
	case Matrix:
		n, err = writeMatrix(ctx, src, graph.MatrixQuery{Rows: req.Rows, Columns: req.Columns, Measure: req.Measure, Filter: req.Filter}, tw)
	case Crosstab:
		n, err = writeCrosstab(ctx, src, graph.CrosstabQuery{Rows: req.RowAxis, Columns: req.ColumnAxis, Measure: req.Measure, Filter: req.Filter}, tw)
	case Similarity:
		n, err = writeSimilarity(ctx, src, req, tw)
	case Cooccurrence:
		n, err = writeCooccurrence(ctx, src, req, tw)
	case Saturation:
		n, err = writeSaturation(ctx, src, req, tw)
	case Agreement:
		n, err = writeAgreement(ctx, src, req, tw)
	case Words:
		n, err = writeWords(ctx, src, req, tw)
	case Keywords:
		n, err = writeKeywords(ctx, src, req, tw)
	case Coword:
		n, err = writeCoword(ctx, src, req, tw)
	case PMC:
		n, err = writePMC(ctx, src, req, tw)
	default:
		err = policykb.InvalidArgument("table", "exports: unknown table %q: expected %s", req.Table, tableNames())
	}
	if err != nil {
		if x, ok := tw.(*xlsxWriter); ok {
			x.f.Close()
		}
		return n, err
	}
	if err := tw.Close(); err != nil {
		return n, fmt.Errorf("exports: write %s: %w", req.Table, err)
	}
	return n, nil
}

// filterParamOf is the parameter of each CorpusFilter field that names things.
var filterParamOf = map[string]string{
	graph.FilterCities: "city", graph.FilterProvinces: "province",
	graph.FilterDocuments: "document", graph.FilterCoders: "coder",
}

// checkFilter is src.CheckFilter with the error naming the parameter.
func checkFilter(ctx context.Context, src Source, f policykb.CorpusFilter) error {
	err := src.CheckFilter(ctx, f)
	var pe *policykb.Error
	if errors.As(err, &pe) && pe.Code == policykb.EInvalid {
		if p, ok := filterParamOf[pe.Argument]; ok {
			return policykb.InvalidArgument(p, "%s", pe.Message)
		}
	}
	return err
}

// CodingsColumns are the columns of the codings table.
var CodingsColumns = []Column{
	{"city", 12}, {"city_zh", 10}, {"province", 12},
	{"document_id", 12}, {"document_title", 40}, {"issued_on", 11},
	{"sentence_id", 12}, {"sentence_index", 8}, {"sentence_text", 80},
	{"code_id", 12}, {"code_level", 14},
	{"concept_id", 12}, {"concept", 30}, {"concept_zh", 16},
	{"category", 30}, {"category_zh", 14},
	{"main_category", 28}, {"main_category_zh", 12},
	{"layer", 26}, {"layer_zh", 12},
	{"coder", 10}, {"origin", 12}, {"quote", 40}, {"start", 8}, {"end", 8},
}

// codebookIndex finds a code's ancestors.
type codebookIndex map[string]policykb.Code

// path returns the code and its ancestors, indexed by level.
func (cb codebookIndex) path(id string) map[policykb.Level]policykb.Code {
	out := map[policykb.Level]policykb.Code{}
	for seen := 0; id != "" && seen < 8; seen++ {
		c, ok := cb[id]
		if !ok {
			break
		}
		out[c.Level] = c
		id = c.Parent
	}
	return out
}

func orNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func dateOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Format(time.DateOnly)
}

func intOrNil(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

func writeCodings(ctx context.Context, src Source, f policykb.CorpusFilter, tw TableWriter) (int, error) {
	codes, err := src.StudyCodes(ctx, f.Study)
	if err != nil {
		return 0, err
	}
	cb := codebookIndex{}
	for _, c := range codes {
		cb[c.ID] = c
	}
	if err := tw.Header(CodingsColumns); err != nil {
		return 0, err
	}
	n := 0
	values := make([]any, len(CodingsColumns))
	err = src.EachCodingBatch(ctx, f, 0, func(rows []graph.CodingRow) error {
		for _, r := range rows {
			p := cb.path(r.Coding.CodeID)
			level := ""
			if c, ok := cb[r.Coding.CodeID]; ok {
				level = c.Level.String()
			}
			name := func(l policykb.Level) (any, any) {
				c, ok := p[l]
				if !ok {
					return nil, nil
				}
				return orNil(c.Name), orNil(c.NameZh)
			}
			values = values[:0]
			values = append(values, r.City.Name, orNil(r.City.NameZh), orNil(r.City.Province),
				r.Document.ID, r.Document.Title, dateOrNil(r.Document.IssuedOn),
				r.Sentence.ID, r.Sentence.Index, r.Sentence.Text,
				r.Coding.CodeID, orNil(level))
			if c, ok := p[policykb.LevelConcept]; ok {
				values = append(values, c.ID)
			} else {
				values = append(values, nil)
			}
			for _, l := range []policykb.Level{policykb.LevelConcept, policykb.LevelCategory, policykb.LevelMainCategory, policykb.LevelLayer} {
				en, zh := name(l)
				values = append(values, en, zh)
			}
			values = append(values, orNil(r.Coding.Coder), orNil(r.Coding.Origin), orNil(r.Quote),
				intOrNil(r.Coding.Start), intOrNil(r.Coding.End))
			if err := tw.Row(values); err != nil {
				return err
			}
			n++
		}
		return ctx.Err()
	})
	return n, err
}

// CountsColumns are the columns of the counts table.
var CountsColumns = []Column{
	{"code_id", 12}, {"level", 14}, {"number", 8}, {"name", 32}, {"name_zh", 16},
	{"parent_id", 12}, {"parent", 32}, {"reference_points", 16}, {"material_sources", 16},
}

func writeCounts(ctx context.Context, src Source, level policykb.Level, f policykb.CorpusFilter, tw TableWriter) (int, error) {
	if !level.Valid() {
		return 0, policykb.InvalidArgument("level", "exports: counts: give a level: LAYER, MAIN_CATEGORY, CATEGORY or CONCEPT")
	}
	codes, err := src.StudyCodes(ctx, f.Study)
	if err != nil {
		return 0, err
	}
	counts, err := src.Counts(ctx, level, f)
	if err != nil {
		return 0, err
	}
	cb := codebookIndex{}
	for _, c := range codes {
		cb[c.ID] = c
	}
	if err := tw.Header(CountsColumns); err != nil {
		return 0, err
	}
	for _, n := range counts {
		c := cb[n.CodeID]
		var parent any
		if p, ok := cb[c.Parent]; ok {
			parent = p.Name
		}
		if err := tw.Row([]any{n.CodeID, c.Level.String(), intOrNil(c.Number), c.Name, orNil(c.NameZh),
			orNil(c.Parent), parent, n.ReferencePoints, n.MaterialSources}); err != nil {
			return 0, err
		}
	}
	return len(counts), nil
}

// TotalLabel names the matrix's totals row and column.
const TotalLabel = "total"

// MatrixColumns returns the columns of a matrix table: code_id, code,
// code_zh, one per matrix column (a name that clashes with these gets a
// trailing " (column)"), and total.
func MatrixColumns(m graph.Matrix) []Column {
	cols := []Column{{"code_id", 12}, {"code", 32}, {"code_zh", 16}}
	taken := map[string]bool{"code_id": true, "code": true, "code_zh": true, TotalLabel: true}
	for _, c := range m.Columns {
		name := c
		for taken[name] {
			name += " (column)"
		}
		taken[name] = true
		cols = append(cols, Column{name, max(10, float64(len([]rune(name)))+2)})
	}
	return append(cols, Column{TotalLabel, 10})
}

// writeMatrix writes one row per code with its cells and row total, then a
// totals row (code_id empty, code "total") with the column totals; the
// corner cell is empty, since a column total need not be the sum of its
// cells (see graph.Matrix).
func writeMatrix(ctx context.Context, src Source, q graph.MatrixQuery, tw TableWriter) (int, error) {
	m, err := src.Matrix(ctx, q)
	if err != nil {
		return 0, err
	}
	if err := tw.Header(MatrixColumns(m)); err != nil {
		return 0, err
	}
	row := make([]any, 0, len(m.Columns)+4)
	for i, c := range m.Rows {
		row = append(row[:0], c.ID, c.Name, orNil(c.NameZh))
		for j := range m.Columns {
			row = append(row, m.Cells[i][j])
		}
		row = append(row, m.RowTotals[i])
		if err := tw.Row(row); err != nil {
			return i, err
		}
	}
	row = append(row[:0], nil, TotalLabel, nil)
	for j := range m.Columns {
		row = append(row, m.ColumnTotals[j])
	}
	row = append(row, nil)
	if err := tw.Row(row); err != nil {
		return len(m.Rows), err
	}
	return len(m.Rows) + 1, nil
}
