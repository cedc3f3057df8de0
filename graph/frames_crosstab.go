package graph

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/analysis"
)

// Axis is one side of a cross-tab: a level of a frame (Frame and Level;
// policykb.CodebookFrameID for the grounded-theory levels LAYER ...
// CONCEPT) or a case dimension (Frame "" and Dimension).
type Axis struct {
	Frame     string
	Level     string
	Dimension policykb.Dimension
}

// IsFrame reports whether the axis is a level of a frame.
func (a Axis) IsFrame() bool { return a.Frame != "" }

func (a Axis) String() string {
	if a.IsFrame() {
		return a.Frame + "/" + a.Level
	}
	return a.Dimension.String()
}

// CrosstabQuery asks for an X × Y table: Rows against Columns, each cell
// holding a measure, among the documents and sentences the filter admits.
type CrosstabQuery struct {
	Rows, Columns Axis
	Measure       policykb.Measure
	Filter        policykb.CorpusFilter
}

// AxisValue is one row or column of a cross-tab: a code (its id and
// names) or a case (ID and Name its value).
type AxisValue struct {
	ID, Name, NameZh string
}

// Crosstab is the answer to a CrosstabQuery, shaped like Matrix. A frame
// axis has every code of its level, in frame order; a dimension axis the
// cases with at least one admitted document, sorted, "unknown" last.
// R(row, column) is the number of distinct admitted sentences in both:
// coded at the code or below it (DESIGN §2, in every frame: direct and
// derived codings, by the filter's coders or else every coder but an
// automatic one), of a document of the case. The measures are Matrix's,
// with a code axis's "sentences" being the admitted sentences coded under
// the code:
//
//   - REFERENCE_POINTS: R; MATERIAL_SOURCES: the distinct documents holding
//     such a sentence;
//   - SHARE: R / the sum of R over the column (a column sums to 1);
//   - PER_1000_SENTENCES: 1000 × R / the column's sentences (a case: every
//     admitted sentence of its documents; a code: those coded under it);
//   - PRESENCE: 1 when R > 0.
//
// RowTotals[i] is the measure over the whole row: the distinct sentences
// (documents) of the row found in any column, its share of all rows'
// totals, per 1,000 sentences of the table, or the number of columns it is
// present in; ColumnTotals[j] likewise over the column.
type Crosstab struct {
	Rows, Columns           []AxisValue
	Cells                   [][]float64
	RowTotals, ColumnTotals []float64
}

// crossAxis is an axis resolved against the study.
type crossAxis struct {
	Axis
	values []AxisValue
	under  map[string][]string // a code's id → it and every code below it
	level  string              // the level as stored
	levels []string            // the frame's levels, root first
}

// resolveAxis checks an axis and reads its codes (frame axes).
func (s *Store) resolveAxis(ctx context.Context, study, filterStudy, arg string, a Axis) (crossAxis, error) {
	ca := crossAxis{Axis: a}
	if !a.IsFrame() {
		if !a.Dimension.Valid() {
			return ca, policykb.InvalidArgument(arg, "graph: crosstab: an axis is a frame and level, or a dimension")
		}
		return ca, nil
	}
	var f policykb.Frame
	if a.Frame == policykb.CodebookFrameID {
		codes, err := s.StudyCodes(ctx, filterStudy)
		if err != nil {
			return ca, err
		}
		f = policykb.CodebookFrame("codebook", codes)
	} else {
		var err error
		f, err = s.Frame(ctx, study, a.Frame)
		if err == ErrNotFound {
			frames, ferr := s.Frames(ctx, study)
			if ferr != nil {
				return ca, ferr
			}
			ids := []string{policykb.CodebookFrameID}
			for _, fi := range frames {
				ids = append(ids, fi.ID)
			}
			return ca, policykb.InvalidArgument(arg, "graph: crosstab: no frame %q; the frames are %s", a.Frame, strings.Join(ids, ", "))
		}
		if err != nil {
			return ca, err
		}
	}
	var levels []string
	for _, l := range f.Levels {
		levels = append(levels, l.ID)
		ca.levels = levels
		if strings.EqualFold(l.ID, strings.ReplaceAll(strings.TrimSpace(a.Level), " ", "_")) {
			ca.level = l.ID
		}
	}
	if ca.level == "" {
		return ca, policykb.InvalidArgument(arg, "graph: crosstab: the frame %s has no level %q; its levels are %s", a.Frame, a.Level, strings.Join(levels, ", "))
	}
	children := map[string][]string{}
	for _, c := range f.Codes {
		children[c.Parent] = append(children[c.Parent], c.ID)
	}
	ca.under = map[string][]string{}
	for _, c := range f.Codes {
		if c.Level != ca.level {
			continue
		}
		ca.values = append(ca.values, AxisValue{ID: c.ID, Name: c.Name, NameZh: c.NameZh})
		sub := []string{c.ID}
		for i := 0; i < len(sub); i++ {
			sub = append(sub, children[sub[i]]...)
		}
		ca.under[c.ID] = sub
	}
	return ca, nil
}

// Crosstab computes an X × Y table (see Crosstab). A frame level against
// a dimension reads the rollups (ROLLUP for the codebook, FRAME_ROLLUP
// for a stored frame) unless the filter names coders; two frame levels
// are crossed sentence by sentence. Two dimensions are BAD_USER_INPUT.
func (s *Store) Crosstab(ctx context.Context, q CrosstabQuery) (Crosstab, error) {
	ctx, end := s.enter(ctx, "Crosstab")
	defer end()
	if !q.Measure.Valid() {
		return Crosstab{}, policykb.InvalidArgument("measure", "graph: crosstab: unknown measure %v", q.Measure)
	}
	rows, cols, study, err := s.crossAxes(ctx, q)
	if err != nil {
		return Crosstab{}, err
	}
	var t tab
	switch {
	case rows.IsFrame() && cols.IsFrame():
		t, err = s.frameByFrame(ctx, study, q.Filter, rows, cols)
	case rows.IsFrame():
		t, err = s.frameByDimension(ctx, study, q.Filter, rows, cols.Dimension)
	default:
		t, err = s.frameByDimension(ctx, study, q.Filter, cols, rows.Dimension)
		t = t.transposed()
	}
	if err != nil {
		return Crosstab{}, fmt.Errorf("graph: crosstab: %w", err)
	}
	out := Crosstab{Rows: t.rows, Columns: t.cols}
	out.Cells, out.RowTotals, out.ColumnTotals = t.counts().Measures(q.Measure)
	return out, nil
}

func (s *Store) crossAxes(ctx context.Context, q CrosstabQuery) (rows, cols crossAxis, study string, err error) {
	if !q.Rows.IsFrame() && !q.Columns.IsFrame() {
		return rows, cols, "", policykb.InvalidArgument("columns", "graph: crosstab: one axis at least must be a level of a frame, not two dimensions")
	}
	if study, err = s.StudyID(ctx, q.Filter.Study); err != nil {
		return rows, cols, "", err
	}
	if rows, err = s.resolveAxis(ctx, study, q.Filter.Study, "rows", q.Rows); err != nil {
		return rows, cols, "", err
	}
	if cols, err = s.resolveAxis(ctx, study, q.Filter.Study, "columns", q.Columns); err != nil {
		return rows, cols, "", err
	}
	return rows, cols, study, nil
}

// tab holds a cross-tab's raw counts: refs and docs per cell, the
// distinct sentences and documents of each row and column in the table,
// each row's and column's sentences, and the table's.
type tab struct {
	rows, cols                         []AxisValue
	refs, docs                         [][]int
	rowRefs, rowDocs, colRefs, colDocs []int
	rowSents, colSents                 []int
	all                                int
}

func newTab(rows, cols []AxisValue) tab {
	t := tab{rows: rows, cols: cols, refs: make([][]int, len(rows)), docs: make([][]int, len(rows)),
		rowRefs: make([]int, len(rows)), rowDocs: make([]int, len(rows)), rowSents: make([]int, len(rows)),
		colRefs: make([]int, len(cols)), colDocs: make([]int, len(cols)), colSents: make([]int, len(cols))}
	for i := range rows {
		t.refs[i], t.docs[i] = make([]int, len(cols)), make([]int, len(cols))
	}
	return t
}

func (t tab) transposed() tab {
	o := newTab(t.cols, t.rows)
	for i := range t.rows {
		for j := range t.cols {
			o.refs[j][i], o.docs[j][i] = t.refs[i][j], t.docs[i][j]
		}
	}
	o.rowRefs, o.rowDocs, o.colRefs, o.colDocs = t.colRefs, t.colDocs, t.rowRefs, t.rowDocs
	o.rowSents, o.colSents, o.all = t.colSents, t.rowSents, t.all
	return o
}

func (t tab) counts() analysis.MatrixCounts {
	return analysis.MatrixCounts{References: t.refs, Sources: t.docs, Sentences: t.colSents,
		CodedSentences: t.colRefs, CodedDocuments: t.colDocs, RowReferences: t.rowRefs, RowSources: t.rowDocs, AllSentences: t.all}
}

// frameByDimension counts the codes of a frame level (rows) against the
// cases of a dimension (columns).
func (s *Store) frameByDimension(ctx context.Context, study string, f policykb.CorpusFilter, codes crossAxis, dim policykb.Dimension) (tab, error) {
	if codes.Frame == policykb.CodebookFrameID {
		level, err := policykb.ParseLevel(codes.level)
		if err != nil {
			return tab{}, err
		}
		m, c, err := s.matrixCounts(ctx, MatrixQuery{Rows: level, Columns: dim, Measure: policykb.MeasureReferencePoints, Filter: f}, sentenceLevel(f))
		if err != nil {
			return tab{}, err
		}
		var cols []AxisValue
		for _, name := range m.Columns {
			cols = append(cols, AxisValue{ID: name, Name: name})
		}
		var rows []AxisValue
		for _, k := range m.Rows {
			rows = append(rows, AxisValue{ID: k.ID, Name: k.Name, NameZh: k.NameZh})
		}
		t := newTab(rows, cols)
		t.refs, t.docs = c.References, c.Sources
		t.colRefs, t.colDocs, t.colSents = c.CodedSentences, c.CodedDocuments, c.Sentences
		for i := range t.rows {
			for j := range t.cols {
				t.rowRefs[i] += t.refs[i][j]
				t.rowDocs[i] += t.docs[i][j]
			}
			t.rowSents[i] = t.rowRefs[i]
		}
		for _, n := range t.colSents {
			t.all += n
		}
		return t, nil
	}
	col := columnExpr[dim]
	params, err := s.filterParams(ctx, f, map[string]any{"study": study, "frame": codes.Frame, "level": codes.level,
		"li": int64(slices.Index(codes.levels, codes.level))})
	if err != nil {
		return tab{}, err
	}
	exact := sentenceLevel(f)
	columns := `
MATCH (city:City)-[:ISSUED]->(d:Document) WHERE ` + filterClause(f, params, false) + `
OPTIONAL MATCH (d)-[fl:FRAME_LEVELS {study: $study, frame: $frame}]->(:Frame)
WITH ` + col + ` AS col, d, fl
RETURN col, sum(COUNT { (d)-[:HAS_SENTENCE]->() }), sum(coalesce(fl.sentences[$li], 0)), count(CASE WHEN fl.sentences[$li] > 0 THEN 1 END)`
	cells := `
MATCH (city:City)-[:ISSUED]->(d:Document)-[fr:FRAME_ROLLUP {study: $study, frame: $frame}]->(k:FrameCode)
WHERE k.level = $level AND ` + filterClause(f, params, false) + `
RETURN ` + col + `, k.id, sum(fr.sentences), count(d)`
	var coded string
	if exact {
		where := "\nWHERE k.level = $level AND " + frameFilterClause(f, params)
		cells = frameCodedPath + where + "\nRETURN " + col + ", k.id, count(DISTINCT s), count(DISTINCT d)"
		coded = frameCodedPath + where + "\nRETURN " + col + ", count(DISTINCT s), count(DISTINCT d)"
	}
	var colRecs, cellRecs, codedRecs []*neo4j.Record
	_, err = s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		var err error
		if colRecs, err = collect(ctx, tx, columns, params); err != nil {
			return nil, err
		}
		if cellRecs, err = collect(ctx, tx, cells, params); err != nil {
			return nil, err
		}
		if exact {
			codedRecs, err = collect(ctx, tx, coded, params)
		}
		return nil, err
	})
	if err != nil {
		return tab{}, err
	}
	var names []string
	for _, r := range colRecs {
		names = append(names, str(r.Values[0]))
	}
	slices.SortFunc(names, compareCases)
	cols := make([]AxisValue, len(names))
	colOf := map[string]int{}
	for j, n := range names {
		cols[j] = AxisValue{ID: n, Name: n}
		colOf[n] = j
	}
	t := newTab(codes.values, cols)
	rowOf := map[string]int{}
	for i, v := range codes.values {
		rowOf[v.ID] = i
	}
	for _, r := range colRecs {
		j := colOf[str(r.Values[0])]
		t.colSents[j], t.colRefs[j], t.colDocs[j] = integer(r.Values[1]), integer(r.Values[2]), integer(r.Values[3])
		t.all += t.colSents[j]
	}
	if exact {
		clear(t.colRefs)
		clear(t.colDocs)
		for _, r := range codedRecs {
			if j, ok := colOf[str(r.Values[0])]; ok {
				t.colRefs[j], t.colDocs[j] = integer(r.Values[1]), integer(r.Values[2])
			}
		}
	}
	for _, r := range cellRecs {
		i, okI := rowOf[str(r.Values[1])]
		j, okJ := colOf[str(r.Values[0])]
		if okI && okJ {
			t.refs[i][j], t.docs[i][j] = integer(r.Values[2]), integer(r.Values[3])
			t.rowRefs[i] += t.refs[i][j]
			t.rowDocs[i] += t.docs[i][j]
		}
	}
	copy(t.rowSents, t.rowRefs)
	return t, nil
}

// compareCases orders cases as Matrix columns: sorted, "unknown" last.
func compareCases(a, b string) int {
	if (a == Unknown) != (b == Unknown) {
		if a == Unknown {
			return 1
		}
		return -1
	}
	return strings.Compare(a, b)
}
