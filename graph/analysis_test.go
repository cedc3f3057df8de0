package graph_test

import (
	"context"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
)

// The analyses on the synthetic fixture of graph_test.go, counted by hand:
//
//	a1 (Alpha, P1, 2023, 4 sentences): a1#0 K1 K2 | a1#1 K1 (x and y) | a1#2 K3
//	a2 (Alpha, P1, 2023, 3 sentences): a2#0 K4
//	b1 (Beta,  P2, 2023, 3 sentences): b1#0 K1 | b1#1 K3
//
// Main categories: M1 = {K1 K2 K3}, M2 = {K4}, M3 = {K5}.
//
//	            Alpha                  Beta
//	M1   a1#0 a1#1 a1#2: 3 (a1)      b1#0 b1#1: 2 (b1)
//	M2   a2#0: 1 (a2)                 0
//	M3   0                            0
//	column: 7 sentences, 4 coded      3 sentences, 2 coded
//	        at the level in 2 docs    at the level in 1 doc
func TestMatrix(t *testing.T) {
	s := openTestStore(t)
	loadFixture(t, s)
	ctx := context.Background()
	from := day("2023-06-01")
	type want struct {
		cols              []string
		cells             [][]float64
		rowTotals, colTot []float64
	}
	cases := []struct {
		name string
		q    graph.MatrixQuery
		want want
	}{
		{"reference points", graph.MatrixQuery{Rows: policykb.LevelMainCategory, Columns: policykb.DimensionCity, Measure: policykb.MeasureReferencePoints},
			want{[]string{"Alpha", "Beta"}, [][]float64{{3, 2}, {1, 0}, {0, 0}}, []float64{5, 1, 0}, []float64{4, 2}}},
		// Row totals are distinct documents: M1 in a1 and b1.
		{"material sources", graph.MatrixQuery{Rows: policykb.LevelMainCategory, Columns: policykb.DimensionCity, Measure: policykb.MeasureMaterialSources},
			want{[]string{"Alpha", "Beta"}, [][]float64{{1, 1}, {1, 0}, {0, 0}}, []float64{2, 1, 0}, []float64{2, 1}}},
		// Alpha's references: 3 + 1 = 4; Beta's 2; all 6.
		{"share", graph.MatrixQuery{Rows: policykb.LevelMainCategory, Columns: policykb.DimensionCity, Measure: policykb.MeasureShare},
			want{[]string{"Alpha", "Beta"}, [][]float64{{0.75, 1}, {0.25, 0}, {0, 0}}, []float64{5.0 / 6, 1.0 / 6, 0}, []float64{1, 1}}},
		// Alpha has 7 sentences, Beta 3, all 10; the column totals are the
		// 4 and 2 coded sentences per 1,000.
		{"per 1000 sentences", graph.MatrixQuery{Rows: policykb.LevelMainCategory, Columns: policykb.DimensionCity, Measure: policykb.MeasurePer1000Sentences},
			want{[]string{"Alpha", "Beta"}, [][]float64{{3000.0 / 7, 2000.0 / 3}, {1000.0 / 7, 0}, {0, 0}}, []float64{500, 100, 0}, []float64{4000.0 / 7, 2000.0 / 3}}},
		// Totals count present cells.
		{"presence", graph.MatrixQuery{Rows: policykb.LevelMainCategory, Columns: policykb.DimensionCity, Measure: policykb.MeasurePresence},
			want{[]string{"Alpha", "Beta"}, [][]float64{{1, 1}, {1, 0}, {0, 0}}, []float64{2, 1, 0}, []float64{2, 1}}},
		// a1#0 is coded at K1 and K2: it counts in both cells, once in
		// Alpha's column total (a1#0 a1#1 a1#2 a2#0 = 4 < 2+1+1+1).
		{"concepts overlap", graph.MatrixQuery{Rows: policykb.LevelConcept, Columns: policykb.DimensionCity, Measure: policykb.MeasureReferencePoints},
			want{[]string{"Alpha", "Beta"}, [][]float64{{2, 1}, {1, 0}, {1, 1}, {1, 0}, {0, 0}}, []float64{3, 1, 2, 1, 0}, []float64{4, 2}}},
		// Shares of Alpha's 5 concept references: K1 2/5, K2 1/5, K3 1/5, K4 1/5.
		// All 7: K1 3/7, K2 1/7, K3 2/7, K4 1/7.
		{"concept shares", graph.MatrixQuery{Rows: policykb.LevelConcept, Columns: policykb.DimensionCity, Measure: policykb.MeasureShare},
			want{[]string{"Alpha", "Beta"}, [][]float64{{0.4, 0.5}, {0.2, 0}, {0.2, 0.5}, {0.2, 0}, {0, 0}}, []float64{3.0 / 7, 1.0 / 7, 2.0 / 7, 1.0 / 7, 0}, []float64{1, 1}}},
		{"province", graph.MatrixQuery{Rows: policykb.LevelLayer, Columns: policykb.DimensionProvince, Measure: policykb.MeasureReferencePoints},
			want{[]string{"P1", "P2"}, [][]float64{{4, 2}, {0, 0}}, []float64{6, 0}, []float64{4, 2}}},
		{"document", graph.MatrixQuery{Rows: policykb.LevelLayer, Columns: policykb.DimensionDocument, Measure: policykb.MeasureReferencePoints},
			want{[]string{"a1", "a2", "b1"}, [][]float64{{3, 1, 2}, {0, 0, 0}}, []float64{6, 0}, []float64{3, 1, 2}}},
		{"year", graph.MatrixQuery{Rows: policykb.LevelLayer, Columns: policykb.DimensionYear, Measure: policykb.MeasureMaterialSources},
			want{[]string{"2023"}, [][]float64{{3}, {0}}, []float64{3, 0}, []float64{3}}},
		// The fixture's documents have no type.
		{"doc type", graph.MatrixQuery{Rows: policykb.LevelLayer, Columns: policykb.DimensionDocType, Measure: policykb.MeasureReferencePoints},
			want{[]string{"unknown"}, [][]float64{{6}, {0}}, []float64{6, 0}, []float64{6}}},
		// From June: a2 (Alpha, 3 sentences, a2#0) and b1 (Beta, 3 sentences, b1#0 b1#1).
		{"issued from", graph.MatrixQuery{Rows: policykb.LevelLayer, Columns: policykb.DimensionCity, Measure: policykb.MeasurePer1000Sentences, Filter: policykb.CorpusFilter{IssuedFrom: &from}},
			want{[]string{"Alpha", "Beta"}, [][]float64{{1000.0 / 3, 2000.0 / 3}, {0, 0}}, []float64{500, 0}, []float64{1000.0 / 3, 2000.0 / 3}}},
		// Coder y: a1#1 (K1), a2#0 (K4), b1#1 (K3); every document has one.
		{"coder", graph.MatrixQuery{Rows: policykb.LevelMainCategory, Columns: policykb.DimensionCity, Measure: policykb.MeasureReferencePoints, Filter: policykb.CorpusFilter{Coders: []string{"y"}}},
			want{[]string{"Alpha", "Beta"}, [][]float64{{1, 1}, {1, 0}, {0, 0}}, []float64{2, 1, 0}, []float64{2, 1}}},
		// Coder y per 1,000 sentences: the columns keep all sentences of
		// the documents y coded (Alpha 7, Beta 3).
		{"coder per 1000", graph.MatrixQuery{Rows: policykb.LevelMainCategory, Columns: policykb.DimensionCity, Measure: policykb.MeasurePer1000Sentences, Filter: policykb.CorpusFilter{Coders: []string{"y"}}},
			want{[]string{"Alpha", "Beta"}, [][]float64{{1000.0 / 7, 1000.0 / 3}, {1000.0 / 7, 0}, {0, 0}}, []float64{200, 100, 0}, []float64{2000.0 / 7, 1000.0 / 3}}},
		{"no document admitted", graph.MatrixQuery{Rows: policykb.LevelLayer, Columns: policykb.DimensionCity, Measure: policykb.MeasureShare, Filter: policykb.CorpusFilter{Cities: []string{"Nowhere"}}},
			want{nil, [][]float64{{}, {}}, []float64{0, 0}, []float64{}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := s.Matrix(ctx, c.q)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(m.Columns, c.want.cols) {
				t.Errorf("columns %q, want %q", m.Columns, c.want.cols)
			}
			if len(m.Rows) != len(c.want.cells) {
				t.Fatalf("%d rows, want %d", len(m.Rows), len(c.want.cells))
			}
			for i := range m.Rows {
				if !near(m.Cells[i], c.want.cells[i]) {
					t.Errorf("row %s: %v, want %v", m.Rows[i].ID, m.Cells[i], c.want.cells[i])
				}
			}
			if !near(m.RowTotals, c.want.rowTotals) || !near(m.ColumnTotals, c.want.colTot) {
				t.Errorf("totals: rows %v columns %v, want %v %v", m.RowTotals, m.ColumnTotals, c.want.rowTotals, c.want.colTot)
			}
			exact, err := s.MatrixExact(ctx, c.q)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(exact, m) {
				t.Errorf("sentence-level matrix %+v\ndiffers from %+v", exact, m)
			}
		})
	}
}

func near(got, want []float64) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if math.Abs(got[i]-want[i]) > 1e-9 {
			return false
		}
	}
	return true
}

func TestMatrixUnknownYear(t *testing.T) {
	s := openTestStore(t)
	loadFixture(t, s)
	ctx := context.Background()
	// A synthetic undated notice of Gamma (no province): 2 sentences, g1#0 coded K5.
	g := bundle(policykb.City{Name: "Gamma"}, "g1", "2023-01-01", 2, [][3]string{{"g1#0", "K5", "x"}})
	g.Document.IssuedOn = time.Time{}
	g.Document.DocType = "notice"
	if _, err := s.WriteDocuments(ctx, []graph.DocumentBundle{g}, nil); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		dim   policykb.Dimension
		cols  []string
		cells [][]float64
	}{
		// L1: a1 3, a2 1, b1 2 (2023); L2: g1#0 (unknown).
		{policykb.DimensionYear, []string{"2023", "unknown"}, [][]float64{{6, 0}, {0, 1}}},
		{policykb.DimensionDocType, []string{"notice", "unknown"}, [][]float64{{0, 6}, {1, 0}}},
		{policykb.DimensionProvince, []string{"P1", "P2", "unknown"}, [][]float64{{4, 2, 0}, {0, 0, 1}}},
	}
	for _, c := range cases {
		t.Run(c.dim.String(), func(t *testing.T) {
			m, err := s.Matrix(ctx, graph.MatrixQuery{Rows: policykb.LevelLayer, Columns: c.dim, Measure: policykb.MeasureReferencePoints})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(m.Columns, c.cols) || !reflect.DeepEqual(m.Cells, c.cells) {
				t.Errorf("columns %q cells %v, want %q %v", m.Columns, m.Cells, c.cols, c.cells)
			}
		})
	}
}

func TestMatrixCellSentences(t *testing.T) {
	s := openTestStore(t)
	loadFixture(t, s)
	ctx := context.Background()
	mainByCity := graph.MatrixQuery{Rows: policykb.LevelMainCategory, Columns: policykb.DimensionCity, Measure: policykb.MeasureReferencePoints}
	byCoder := mainByCity
	byCoder.Filter.Coders = []string{"y"}
	cases := []struct {
		name        string
		q           graph.MatrixQuery
		row, column string
		p           graph.Page
		want        []string
		total       int
	}{
		{"M1 Alpha", mainByCity, "M1", "Alpha", graph.Page{Limit: 10}, []string{"a1#0", "a1#1", "a1#2"}, 3},
		{"second page", mainByCity, "M1", "Alpha", graph.Page{Offset: 2, Limit: 10}, []string{"a1#2"}, 3},
		{"M1 Beta", mainByCity, "M1", "Beta", graph.Page{Limit: 10}, []string{"b1#0", "b1#1"}, 2},
		{"empty cell", mainByCity, "M3", "Alpha", graph.Page{Limit: 10}, nil, 0},
		{"coder y", byCoder, "M1", "Alpha", graph.Page{Limit: 10}, []string{"a1#1"}, 1},
		{"row of another level", mainByCity, "K1", "Alpha", graph.Page{Limit: 10}, nil, 0},
		{"no such column", mainByCity, "M1", "Gamma", graph.Page{Limit: 10}, nil, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ss, total, err := s.MatrixCellSentences(ctx, c.q, c.row, c.column, c.p)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, st := range ss {
				ids = append(ids, st.ID)
			}
			if !reflect.DeepEqual(ids, c.want) || total != c.total {
				t.Errorf("got %v (total %d), want %v (total %d)", ids, total, c.want, c.total)
			}
		})
	}
}

// Co-occurrence on the fixture, by hand:
//
//	sentences with two concepts: a1#0 {K1 K2} (a1#1 is K1 twice, by two coders)
//	concepts per document: a1 {K1 K2 K3}, a2 {K4}, b1 {K1 K3}
//	categories per document: a1 {C1 C2}, a2 {C3}, b1 {C1 C2}
//	own counts: K1 3 sentences in 2 documents, K2 1 in 1, K3 2 in 2, K4 1 in 1
func TestCooccurrence(t *testing.T) {
	s := openTestStore(t)
	loadFixture(t, s)
	ctx := context.Background()
	cases := []struct {
		name  string
		level policykb.Level
		scope policykb.Scope
		min   int
		f     policykb.CorpusFilter
		want  []graph.CodePair
	}{
		// 1 / (3 + 1 − 1)
		{"sentence concepts", policykb.LevelConcept, policykb.ScopeSentence, 1, policykb.CorpusFilter{},
			[]graph.CodePair{{A: "K1", B: "K2", Count: 1, CountA: 3, CountB: 1, CCoefficient: 1.0 / 3}}},
		// a1#0's two concepts are in C1: no pair of categories on a sentence.
		{"sentence categories", policykb.LevelCategory, policykb.ScopeSentence, 1, policykb.CorpusFilter{}, []graph.CodePair{}},
		// K1K3 in a1 and b1: 2/(2+2−2); K1K2 in a1: 1/(2+1−1); K2K3 in a1: 1/(1+2−1).
		{"document concepts", policykb.LevelConcept, policykb.ScopeDocument, 1, policykb.CorpusFilter{}, []graph.CodePair{
			{A: "K1", B: "K3", Count: 2, CountA: 2, CountB: 2, CCoefficient: 1},
			{A: "K1", B: "K2", Count: 1, CountA: 2, CountB: 1, CCoefficient: 0.5},
			{A: "K2", B: "K3", Count: 1, CountA: 1, CountB: 2, CCoefficient: 0.5}}},
		{"min count", policykb.LevelConcept, policykb.ScopeDocument, 2, policykb.CorpusFilter{}, []graph.CodePair{
			{A: "K1", B: "K3", Count: 2, CountA: 2, CountB: 2, CCoefficient: 1}}},
		{"document categories", policykb.LevelCategory, policykb.ScopeDocument, 1, policykb.CorpusFilter{}, []graph.CodePair{
			{A: "C1", B: "C2", Count: 2, CountA: 2, CountB: 2, CCoefficient: 1}}},
		{"document main categories", policykb.LevelMainCategory, policykb.ScopeDocument, 1, policykb.CorpusFilter{}, []graph.CodePair{}},
		// Coder x: a1 {K1 K2 K3} (K1 in a1#0 a1#1), b1 {K1}. K1 2 docs, K2 1, K3 1.
		{"coder x documents", policykb.LevelConcept, policykb.ScopeDocument, 1, policykb.CorpusFilter{Coders: []string{"x"}}, []graph.CodePair{
			{A: "K1", B: "K2", Count: 1, CountA: 2, CountB: 1, CCoefficient: 0.5},
			{A: "K1", B: "K3", Count: 1, CountA: 2, CountB: 1, CCoefficient: 0.5},
			{A: "K2", B: "K3", Count: 1, CountA: 1, CountB: 1, CCoefficient: 1}}},
		// Coder y never codes two concepts on one sentence.
		{"coder y sentences", policykb.LevelConcept, policykb.ScopeSentence, 1, policykb.CorpusFilter{Coders: []string{"y"}}, []graph.CodePair{}},
		// Beta: b1 {K1 K3}; K1 1 doc, K3 1 doc.
		{"city", policykb.LevelConcept, policykb.ScopeDocument, 1, policykb.CorpusFilter{Cities: []string{"Beta"}}, []graph.CodePair{
			{A: "K1", B: "K3", Count: 1, CountA: 1, CountB: 1, CCoefficient: 1}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := s.Cooccurrence(ctx, c.level, c.scope, c.min, c.f)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %+v\nwant %+v", got, c.want)
			}
			exact, err := s.CooccurrenceExact(ctx, c.level, c.scope, c.min, c.f)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(exact, got) {
				t.Errorf("sentence level %+v differs", exact)
			}
		})
	}
}

func TestPairEvidence(t *testing.T) {
	s := openTestStore(t)
	loadFixture(t, s)
	ctx := context.Background()
	ids := func(m map[[2]string][]policykb.Sentence) map[string][]string {
		out := map[string][]string{}
		for k, ss := range m {
			for _, st := range ss {
				out[k[0]+"+"+k[1]] = append(out[k[0]+"+"+k[1]], st.ID)
			}
		}
		return out
	}
	pairs := [][2]string{{"K1", "K2"}, {"K1", "K3"}, {"C1", "C2"}}
	ev, err := s.PairEvidence(ctx, pairs, policykb.CorpusFilter{}, 5)
	if err != nil {
		t.Fatal(err)
	}
	// Only a1#0 carries two of them (K1 and K2).
	if got, want := ids(ev), map[string][]string{"K1+K2": {"a1#0"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("sentence evidence %v, want %v", got, want)
	}
	ev, err = s.PairEvidence(ctx, pairs, policykb.CorpusFilter{Coders: []string{"y"}}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(ev); len(got) != 0 {
		t.Errorf("coder y sentence evidence %v, want none", got)
	}
	ev, err = s.PairDocumentEvidence(ctx, pairs, policykb.CorpusFilter{}, 4)
	if err != nil {
		t.Fatal(err)
	}
	// K1+K2 meet in a1 only: its sentences at K1 or K2. K1+K3 in a1 and b1:
	// a1#0 a1#1 a1#2 b1#0 b1#1, the first 4. C1+C2 likewise.
	want := map[string][]string{
		"K1+K2": {"a1#0", "a1#1"},
		"K1+K3": {"a1#0", "a1#1", "a1#2", "b1#0"},
		"C1+C2": {"a1#0", "a1#1", "a1#2", "b1#0"},
	}
	if got := ids(ev); !reflect.DeepEqual(got, want) {
		t.Errorf("document evidence %v, want %v", got, want)
	}
	ev, err = s.PairDocumentEvidence(ctx, [][2]string{{"K1", "K3"}}, policykb.CorpusFilter{Cities: []string{"Beta"}}, 4)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ids(ev), map[string][]string{"K1+K3": {"b1#0", "b1#1"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("Beta's document evidence %v, want %v", got, want)
	}
}
