package graph

import (
	"context"
	"fmt"
	"slices"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
)

// axisSentences reads, for a frame axis, every admitted sentence coded at
// a code of its level or below it: its id, its document's id and the
// codes of the level it counts under.
func (s *Store) axisSentences(ctx context.Context, tx neo4j.ManagedTransaction, study string, f policykb.CorpusFilter, a crossAxis) (map[string]coded, error) {
	params, err := s.filterParams(ctx, f, map[string]any{"study": study, "frame": a.Frame, "level": a.level})
	if err != nil {
		return nil, err
	}
	path, key, where := frameCodedPath, "k.level = $level", frameFilterClause(f, params)
	if a.Frame == policykb.CodebookFrameID {
		path, key, where = codedPath, "k.level = $level AND k.study = $study", filterClause(f, params, true)
	}
	recs, err := collect(ctx, tx, path+"\nWHERE "+key+" AND "+where+
		"\nRETURN s.id, d.id, collect(DISTINCT k.id)", params)
	if err != nil {
		return nil, err
	}
	out := make(map[string]coded, len(recs))
	for _, r := range recs {
		out[str(r.Values[0])] = coded{doc: str(r.Values[1]), codes: strings1(r.Values[2])}
	}
	return out, nil
}

type coded struct {
	doc   string
	codes []string
}

// frameByFrame crosses two frame levels sentence by sentence: a cell
// counts the admitted sentences under both codes; a row's (column's)
// total those under its code and under some code of the other axis; a
// row's (column's) sentences those under its code; the table's sentences
// those under some code of the column axis.
func (s *Store) frameByFrame(ctx context.Context, study string, f policykb.CorpusFilter, rows, cols crossAxis) (tab, error) {
	var rs, cs map[string]coded
	_, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		var err error
		if rs, err = s.axisSentences(ctx, tx, study, f, rows); err != nil {
			return nil, err
		}
		cs, err = s.axisSentences(ctx, tx, study, f, cols)
		return nil, err
	})
	if err != nil {
		return tab{}, err
	}
	t := newTab(rows.values, cols.values)
	rowOf, colOf := map[string]int{}, map[string]int{}
	for i, v := range rows.values {
		rowOf[v.ID] = i
	}
	for j, v := range cols.values {
		colOf[v.ID] = j
	}
	type cell struct{ i, j int }
	cellDocs := map[cell]map[string]bool{}
	rowDocs, colDocs := map[int]map[string]bool{}, map[int]map[string]bool{}
	add := func(m map[int]map[string]bool, k int, doc string) {
		if m[k] == nil {
			m[k] = map[string]bool{}
		}
		m[k][doc] = true
	}
	for _, c := range rs {
		for _, id := range c.codes {
			if i, ok := rowOf[id]; ok {
				t.rowSents[i]++
			}
		}
	}
	for sid, c := range cs {
		t.all++
		var is []int
		for _, id := range rs[sid].codes {
			if i, ok := rowOf[id]; ok {
				is = append(is, i)
			}
		}
		for _, id := range c.codes {
			j, ok := colOf[id]
			if !ok {
				continue
			}
			t.colSents[j]++
			if len(is) > 0 {
				t.colRefs[j]++
				add(colDocs, j, c.doc)
			}
			for _, i := range is {
				t.refs[i][j]++
				k := cell{i, j}
				if cellDocs[k] == nil {
					cellDocs[k] = map[string]bool{}
				}
				cellDocs[k][c.doc] = true
			}
		}
		if slices.ContainsFunc(c.codes, func(id string) bool { _, ok := colOf[id]; return ok }) {
			for _, i := range is {
				t.rowRefs[i]++
				add(rowDocs, i, c.doc)
			}
		}
	}
	for k, docs := range cellDocs {
		t.docs[k.i][k.j] = len(docs)
	}
	for i, docs := range rowDocs {
		t.rowDocs[i] = len(docs)
	}
	for j, docs := range colDocs {
		t.colDocs[j] = len(docs)
	}
	return t, nil
}

// CrosstabCellSentences lists the sentences behind a cell of the
// cross-tab q: the admitted sentences in the row and in the column (coded
// under a code axis's code, by the filter's coders when it names any; of
// a document of a dimension axis's case), in the order of Sentences, with
// their total. For REFERENCE_POINTS the total is the cell's value; for
// MATERIAL_SOURCES their distinct documents are. A row or column code the
// table lacks lists nothing.
func (s *Store) CrosstabCellSentences(ctx context.Context, q CrosstabQuery, row, column string, p Page) ([]policykb.Sentence, int, error) {
	ctx, end := s.enter(ctx, "CrosstabCellSentences")
	defer end()
	rows, cols, study, err := s.crossAxes(ctx, q)
	if err != nil {
		return nil, 0, err
	}
	params, err := s.filterParams(ctx, q.Filter, map[string]any{"study": study, "offset": int64(p.Offset), "limit": int64(p.Limit)})
	if err != nil {
		return nil, 0, err
	}
	where := filterClause(q.Filter, params, false)
	for _, side := range []struct {
		a      crossAxis
		value  string
		prefix string
	}{{rows, row, "xr"}, {cols, column, "xc"}} {
		cond, ok := axisCond(side.a, side.value, side.prefix, q.Filter, params)
		if !ok {
			return nil, 0, nil
		}
		where += " AND " + cond
	}
	ss, total, err := s.pageSentences(ctx, "", where, params)
	if err != nil {
		return nil, 0, fmt.Errorf("graph: crosstab cell sentences: %w", err)
	}
	return ss, total, nil
}

// axisCond is the condition on s, d and city that a sentence is in the
// axis's row or column value; false when a code axis has no such code.
func axisCond(a crossAxis, value, prefix string, f policykb.CorpusFilter, params map[string]any) (string, bool) {
	if !a.IsFrame() {
		params[prefix+"Value"] = value
		return columnExpr[a.Dimension] + " = $" + prefix + "Value", true
	}
	under, ok := a.under[value]
	if !ok {
		return "", false
	}
	params[prefix+"Under"] = under
	if a.Frame == policykb.CodebookFrameID {
		return "EXISTS { MATCH (s)-[r:CODED_AS]->(x:Code) WHERE x.study = $study AND x.id IN $" + prefix + "Under AND " + coderCond(f, params, "r") + " }", true
	}
	params[prefix+"Frame"] = a.Frame
	return "EXISTS { MATCH (s)-[r:CODED_IN]->(x:FrameCode {study: $study, frame: $" + prefix + "Frame}) WHERE x.id IN $" + prefix + "Under AND " + frameCoderCond(f, params, "r") + " }", true
}

// FrameCodeSentences lists the admitted sentences coded at a frame code
// or below it (direct or derived; by the filter's coders when it names
// any, else by every coder but an automatic one), in the order of
// Sentences, with their total: the code's reference points.
func (s *Store) FrameCodeSentences(ctx context.Context, study, frame, code string, f policykb.CorpusFilter, p Page) ([]policykb.Sentence, int, error) {
	ctx, end := s.enter(ctx, "FrameCodeSentences")
	defer end()
	fs, err := s.StudyID(ctx, pick(f.Study, study))
	if err != nil {
		return nil, 0, err
	}
	fr, err := s.Frame(ctx, fs, frame)
	if err != nil {
		return nil, 0, fmt.Errorf("graph: frame code sentences: %w", err)
	}
	children := map[string][]string{}
	for _, c := range fr.Codes {
		children[c.Parent] = append(children[c.Parent], c.ID)
	}
	if _, ok := fr.Lookup(code); !ok {
		return nil, 0, nil
	}
	sub := []string{code}
	for i := 0; i < len(sub); i++ {
		sub = append(sub, children[sub[i]]...)
	}
	a := crossAxis{Axis: Axis{Frame: frame}, under: map[string][]string{code: sub}}
	params, err := s.filterParams(ctx, f, map[string]any{"study": fs, "offset": int64(p.Offset), "limit": int64(p.Limit)})
	if err != nil {
		return nil, 0, err
	}
	cond, _ := axisCond(a, code, "fc", f, params)
	ss, total, err := s.pageSentences(ctx, "", filterClause(f, params, false)+" AND "+cond, params)
	if err != nil {
		return nil, 0, fmt.Errorf("graph: frame code sentences: %w", err)
	}
	return ss, total, nil
}
