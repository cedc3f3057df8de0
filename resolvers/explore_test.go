package resolvers_test

import (
	"context"
	"encoding/json"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/policykb/policykb/internal/testneo4j"
	"github.com/policykb/policykb/loaders"
)

// TestExploreFields checks, on the sample study, the fields the explorer
// draws from (schema/explore.graphql) and the docTypes filter, each
// against other answers of the API.
func TestExploreFields(t *testing.T) {
	s := testneo4j.EmptyStore(t, 0)
	if _, err := loaders.Load(context.Background(), s, loaders.SampleInput("../data/sample"), loaders.Options{}); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, s, nil)

	t.Run("saturationCurve", func(t *testing.T) {
		var got struct {
			SaturationCurve []struct {
				Document struct {
					ID       string
					IssuedOn string
					Codes    []struct{ Code struct{ ID string } }
				}
				NewCodes   []struct{ ID string }
				CodesSoFar int
			}
			Stats struct{ Documents int }
		}
		unmarshal(t, e.ok(t, `{ stats { documents }
		  saturationCurve(level: CATEGORY) { document { id issuedOn codes(level: CATEGORY) { code { id } } } newCodes { id } codesSoFar } }`, nil), &got)
		steps := got.SaturationCurve
		if len(steps) != got.Stats.Documents {
			t.Fatalf("%d steps, want one per document (%d)", len(steps), got.Stats.Documents)
		}
		seen := map[string]bool{}
		for i, st := range steps {
			if i > 0 && st.Document.IssuedOn < steps[i-1].Document.IssuedOn {
				t.Errorf("step %d (%s, %s) comes after %s", i, st.Document.ID, st.Document.IssuedOn, steps[i-1].Document.IssuedOn)
			}
			// The new codes are the document's codes (Document.codes) not seen before.
			var want []string
			for _, c := range st.Document.Codes {
				if !seen[c.Code.ID] {
					want = append(want, c.Code.ID)
				}
				seen[c.Code.ID] = true
			}
			var fresh []string
			for _, c := range st.NewCodes {
				fresh = append(fresh, c.ID)
			}
			sort.Strings(want)
			sort.Strings(fresh)
			if !slices.Equal(fresh, want) {
				t.Errorf("step %d (%s): new codes %v, want %v", i, st.Document.ID, fresh, want)
			}
			if st.CodesSoFar != len(seen) {
				t.Errorf("step %d: codesSoFar %d, want %d", i, st.CodesSoFar, len(seen))
			}
		}
		// newOnly: the steps of the whole curve that bring a code, and the
		// last, at their positions in it.
		var short struct {
			SaturationCurve []struct {
				Position   int
				Document   struct{ ID string }
				NewCodes   []struct{ ID string }
				CodesSoFar int
			}
		}
		unmarshal(t, e.ok(t, `{ saturationCurve(level: CATEGORY, newOnly: true) { position document { id } newCodes { id } codesSoFar } }`, nil), &short)
		var want []int
		for i, st := range steps {
			if len(st.NewCodes) > 0 || i == len(steps)-1 {
				want = append(want, i+1)
			}
		}
		var positions []int
		for _, st := range short.SaturationCurve {
			positions = append(positions, st.Position)
			full := steps[st.Position-1]
			if st.Document.ID != full.Document.ID || st.CodesSoFar != full.CodesSoFar || len(st.NewCodes) != len(full.NewCodes) {
				t.Errorf("newOnly step at %d: %s with %d new codes (%d so far); the curve has %s with %d (%d)", st.Position,
					st.Document.ID, len(st.NewCodes), st.CodesSoFar, full.Document.ID, len(full.NewCodes), full.CodesSoFar)
			}
		}
		if !slices.Equal(positions, want) || len(want) >= len(steps) {
			t.Errorf("newOnly positions %v, want %v (of %d steps)", positions, want, len(steps))
		}
		// With coders, only the documents they coded (here the cities' documents).
		var b struct {
			SaturationCurve []struct{ Document struct{ ID string } }
			Documents       struct{ TotalCount int }
		}
		unmarshal(t, e.ok(t, `{ saturationCurve(filter: {coders: ["A"], cities: ["Linlan", "Xichuan"]}) { document { id } }
		  documents(filter: {coders: ["A"], cities: ["Linlan", "Xichuan"]}) { totalCount } }`, nil), &b)
		if len(b.SaturationCurve) != b.Documents.TotalCount || len(b.SaturationCurve) == 0 || len(b.SaturationCurve) == len(steps) {
			t.Errorf("coder A in two cities: %d steps, %d documents, %d in all", len(b.SaturationCurve), b.Documents.TotalCount, len(steps))
		}
	})

	t.Run("cityClusters", func(t *testing.T) {
		var got struct {
			CityClusters struct {
				Cities     []struct{ Name string }
				Similarity [][]float64
				Merges     []struct {
					A, B, Size int
					Height     float64
				}
				Order []int
			}
			Similarity []struct {
				A, B   struct{ Name string }
				Cosine float64
			}
		}
		unmarshal(t, e.ok(t, `{ cityClusters(level: MAIN_CATEGORY) { cities { name } similarity merges { a b height size } order }
		  similarity(level: MAIN_CATEGORY) { a { name } b { name } cosine } }`, nil), &got)
		c := got.CityClusters
		n := len(c.Cities)
		if n != 18 || len(c.Similarity) != n || len(c.Merges) != n-1 || c.Merges[n-2].Size != n {
			t.Fatalf("%d cities, %d rows, %d merges (last %+v)", n, len(c.Similarity), len(c.Merges), c.Merges[len(c.Merges)-1])
		}
		index := map[string]int{}
		for i, city := range c.Cities {
			index[city.Name] = i
		}
		for _, p := range got.Similarity {
			i, j := index[p.A.Name], index[p.B.Name]
			if math.Abs(c.Similarity[i][j]-p.Cosine) > 1e-9 || c.Similarity[i][j] != c.Similarity[j][i] {
				t.Errorf("%s–%s: %v and %v, similarity says %v", p.A.Name, p.B.Name, c.Similarity[i][j], c.Similarity[j][i], p.Cosine)
			}
		}
		// The first merge joins the most similar pair, at 1 − its cosine,
		// and the two stand side by side in the leaf order.
		top := got.Similarity[0]
		m := c.Merges[0]
		if pair := []int{index[top.A.Name], index[top.B.Name]}; !slices.Contains(pair, m.A) || !slices.Contains(pair, m.B) ||
			math.Abs(m.Height-(1-top.Cosine)) > 1e-9 {
			t.Errorf("first merge %+v, most similar pair %s–%s at %v", m, top.A.Name, top.B.Name, top.Cosine)
		}
		if p, q := slices.Index(c.Order, m.A), slices.Index(c.Order, m.B); p < 0 || q < 0 || (p-q != 1 && q-p != 1) {
			t.Errorf("order %v does not put %d and %d side by side", c.Order, m.A, m.B)
		}
		if sorted := slices.Sorted(slices.Values(c.Order)); !slices.Equal(sorted, seq(n)) {
			t.Errorf("order %v is not a permutation of the cities", c.Order)
		}
		var some struct {
			CityClusters struct{ Cities []struct{ Name string } }
		}
		unmarshal(t, e.ok(t, `{ cityClusters(level: CATEGORY, filter: {cities: ["linlan", "溪川市", "Tingyang"]}) { cities { name } } }`, nil), &some)
		if names := some.CityClusters.Cities; len(names) != 3 || names[0].Name != "Linlan" || names[2].Name != "Xichuan" {
			t.Errorf("filtered cities %+v", names)
		}
	})

	// The windows of the clustered order and a city's neighbours, against
	// Query.similarity's cosines of every pair.
	t.Run("cityClusters windows and neighbours", func(t *testing.T) {
		var got struct {
			CityClusters struct {
				Cities     []struct{ Name string }
				Order      []int
				Window     [][]float64
				Tail       [][]float64
				Neighbours []struct {
					A, B   struct{ Name string }
					Cosine float64
				}
				First []struct{ A struct{ Name string } }
			}
			Similarity []struct {
				A, B   struct{ Name string }
				Cosine float64
			}
		}
		unmarshal(t, e.ok(t, `{ cityClusters(level: CATEGORY) { cities { name } order
		    window: similarityWindow(offset: 5, size: 6) tail: similarityWindow(offset: 15, size: 6)
		    neighbours(city: "Xichuan", first: 4) { a { name } b { name } cosine }
		    first: neighbours { a { name } } }
		  similarity(level: CATEGORY) { a { name } b { name } cosine } }`, nil), &got)
		c := got.CityClusters
		cosine := map[[2]string]float64{}
		for _, p := range got.Similarity {
			cosine[[2]string{p.A.Name, p.B.Name}], cosine[[2]string{p.B.Name, p.A.Name}] = p.Cosine, p.Cosine
		}
		at := func(pos int) string { return c.Cities[c.Order[pos]].Name }
		for _, w := range []struct {
			from, rows int
			cells      [][]float64
		}{{5, 6, c.Window}, {15, 3, c.Tail}} {
			if len(w.cells) != w.rows {
				t.Fatalf("window from %d: %d rows, want %d", w.from, len(w.cells), w.rows)
			}
			for i, row := range w.cells {
				for j, v := range row {
					want := 1.0
					if i != j {
						want = cosine[[2]string{at(w.from + i), at(w.from + j)}]
					}
					if math.Abs(v-want) > 1e-9 {
						t.Errorf("window from %d [%d][%d] (%s–%s) = %v, similarity says %v", w.from, i, j, at(w.from+i), at(w.from+j), v, want)
					}
				}
			}
		}
		var mine []float64
		for _, p := range got.Similarity {
			if p.A.Name == "Xichuan" || p.B.Name == "Xichuan" {
				mine = append(mine, p.Cosine)
			}
		}
		if len(c.Neighbours) != 4 {
			t.Fatalf("%d neighbours, want 4", len(c.Neighbours))
		}
		for i, nb := range c.Neighbours {
			if nb.A.Name != "Xichuan" || nb.B.Name == "Xichuan" || math.Abs(nb.Cosine-mine[i]) > 1e-9 ||
				math.Abs(nb.Cosine-cosine[[2]string{"Xichuan", nb.B.Name}]) > 1e-9 {
				t.Errorf("neighbour %d: %+v; Xichuan's cosines, most similar first, are %v", i, nb, mine[:4])
			}
		}
		if len(c.First) != 10 || c.First[0].A.Name != c.Cities[0].Name {
			t.Errorf("neighbours without a city: %d, of %+v; want 10 of %s", len(c.First), c.First[0], c.Cities[0].Name)
		}
		for _, q := range []string{
			`{ cityClusters(level: CATEGORY) { similarityWindow(size: 201) } }`,
			`{ cityClusters(level: CATEGORY) { similarityWindow(offset: -1) } }`,
			`{ cityClusters(level: CATEGORY) { neighbours(city: "Nowhere") { cosine } } }`,
		} {
			if r := e.post(t, q, nil); len(r.Errors) == 0 || !strings.Contains(r.Raw, "BAD_USER_INPUT") {
				t.Errorf("%s: %s, want BAD_USER_INPUT", q, r.Raw)
			}
		}
	})

	t.Run("matrix orders", func(t *testing.T) {
		var got struct {
			Matrix struct {
				Columns     []string
				Cells       [][]float64
				RowOrder    []int
				ColumnOrder []int
			}
		}
		unmarshal(t, e.ok(t, `{ matrix(rows: MAIN_CATEGORY, columns: CITY, measure: SHARE) { columns cells rowOrder columnOrder } }`, nil), &got)
		m := got.Matrix
		if !slices.Equal(slices.Sorted(slices.Values(m.RowOrder)), seq(len(m.Cells))) ||
			!slices.Equal(slices.Sorted(slices.Values(m.ColumnOrder)), seq(len(m.Columns))) {
			t.Fatalf("orders %v, %v are not permutations", m.RowOrder, m.ColumnOrder)
		}
		// The two most alike columns (cosine of their cells, computed here)
		// are neighbours in the column order.
		col := func(j int) []float64 {
			v := make([]float64, len(m.Cells))
			for i := range m.Cells {
				v[i] = m.Cells[i][j]
			}
			return v
		}
		best, bi, bj := -1.0, 0, 0
		for i := range m.Columns {
			for j := i + 1; j < len(m.Columns); j++ {
				if c := cos(col(i), col(j)); c > best {
					best, bi, bj = c, i, j
				}
			}
		}
		if p, q := slices.Index(m.ColumnOrder, bi), slices.Index(m.ColumnOrder, bj); p-q != 1 && q-p != 1 {
			t.Errorf("the most alike columns %s and %s (cosine %v) are at %d and %d of %v", m.Columns[bi], m.Columns[bj], best, p, q, m.ColumnOrder)
		}
	})

	t.Run("docTypes", func(t *testing.T) {
		var docs struct {
			Documents struct {
				Edges []struct{ Node struct{ ID, DocType string } }
			}
		}
		unmarshal(t, e.ok(t, `{ documents(first: 50) { edges { node { id docType } } } }`, nil), &docs)
		var plans []string
		for _, d := range docs.Documents.Edges {
			if d.Node.DocType == "work plan" {
				plans = append(plans, d.Node.ID)
			}
		}
		if len(plans) == 0 || len(plans) == len(docs.Documents.Edges) {
			t.Fatalf("%d work plans of %d documents: the sample no longer tells doc types apart", len(plans), len(docs.Documents.Edges))
		}
		vars := map[string]any{"ids": plans}
		byType := e.ok(t, `{ counts(level: MAIN_CATEGORY, filter: {docTypes: ["Work Plan"]}) { code { id } referencePoints materialSources }
		  documents(filter: {docTypes: ["work plan"]}) { totalCount } }`, nil)
		byID := e.ok(t, `query($ids: [ID!]) { counts(level: MAIN_CATEGORY, filter: {documents: $ids}) { code { id } referencePoints materialSources }
		  documents(filter: {documents: $ids}) { totalCount } }`, vars)
		if string(byType) != string(byID) {
			t.Errorf("docTypes: work plan gives\n%s\nits documents give\n%s", byType, byID)
		}
		col := e.ok(t, `{ matrix(rows: MAIN_CATEGORY, columns: DOC_TYPE, filter: {docTypes: ["work plan"]}) { columns rowTotals } }`, nil)
		assertJSON(t, json.RawMessage(mustJSON(t, col, "matrix", "columns")), `["work plan"]`)
		r := getExport(t, e, "/export/counts.csv?level=MAIN_CATEGORY&doctype=work+plan")
		rows := readExportCSV(t, r.body)
		var want struct {
			Counts []struct{ ReferencePoints int }
		}
		unmarshal(t, byType, &want)
		if r.status != 200 || len(rows) != len(want.Counts)+1 {
			t.Fatalf("export: %d, %d rows", r.status, len(rows))
		}
	})
}

func unmarshal(t *testing.T, data []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%v in %s", err, data)
	}
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func cos(a, b []float64) float64 {
	var d, x, y float64
	for i := range a {
		d += a[i] * b[i]
		x += a[i] * a[i]
		y += b[i] * b[i]
	}
	if x == 0 || y == 0 {
		return 0
	}
	return d / math.Sqrt(x*y)
}

// TestAnalysisExports checks the /export/ tables of the analyses against
// the GraphQL answers they must agree with, on the sample study with its
// second coder.
func TestAnalysisExports(t *testing.T) {
	s := testneo4j.EmptyStore(t, 0)
	ctx := context.Background()
	if _, err := loaders.Load(ctx, s, loaders.SampleInput("../data/sample"), loaders.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := loaders.Load(ctx, s, loaders.Input{Codings: []string{"../data/sample/second-coder.csv"}}, loaders.Options{}); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, s, nil)
	csvOf := func(path string) [][]string {
		t.Helper()
		r := getExport(t, e, path)
		if r.status != 200 {
			t.Fatalf("GET %s: %d %s", path, r.status, r.body)
		}
		return readExportCSV(t, r.body)
	}
	float := func(s string) float64 {
		t.Helper()
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		return v
	}

	t.Run("similarity", func(t *testing.T) {
		var got struct {
			CityClusters struct {
				Cities     []struct{ Name string }
				Similarity [][]float64
				Order      []int
			}
		}
		unmarshal(t, e.ok(t, `{ cityClusters(level: CATEGORY, filter: {provinces: ["Zhejiang", "Sichuan"]}) { cities { name } similarity order } }`, nil), &got)
		c := got.CityClusters
		rows := csvOf("/export/similarity.csv?level=CATEGORY&province=Zhejiang,Sichuan")
		if len(rows) != len(c.Order)+1 || len(rows[0]) != len(c.Order)+3 || len(c.Order) < 2 {
			t.Fatalf("%d rows × %d columns for %d cities", len(rows), len(rows[0]), len(c.Order))
		}
		for k, i := range c.Order {
			if rows[0][3+k] != c.Cities[i].Name || rows[1+k][0] != c.Cities[i].Name {
				t.Errorf("place %d: column %q, row %q, want %q", k, rows[0][3+k], rows[1+k][0], c.Cities[i].Name)
			}
			for l, j := range c.Order {
				if v := float(rows[1+k][3+l]); math.Abs(v-c.Similarity[i][j]) > 1e-9 {
					t.Errorf("%s–%s: %v, cityClusters says %v", c.Cities[i].Name, c.Cities[j].Name, v, c.Similarity[i][j])
				}
			}
		}
	})

	t.Run("cooccurrence", func(t *testing.T) {
		var got struct {
			Cooccurrence []struct {
				A, B         struct{ ID string }
				Count        int
				CCoefficient float64
			}
		}
		unmarshal(t, e.ok(t, `{ cooccurrence(level: CATEGORY, scope: DOCUMENT, minCount: 3) { a { id } b { id } count cCoefficient } }`, nil), &got)
		rows := csvOf("/export/cooccurrence.csv?level=CATEGORY&scope=DOCUMENT&min=3")
		if len(rows) != len(got.Cooccurrence)+1 || len(got.Cooccurrence) == 0 {
			t.Fatalf("%d rows for %d pairs", len(rows), len(got.Cooccurrence))
		}
		for k, p := range got.Cooccurrence {
			r := rows[1+k]
			if r[0] != p.A.ID || r[3] != p.B.ID || r[6] != strconv.Itoa(p.Count) || math.Abs(float(r[9])-p.CCoefficient) > 1e-9 {
				t.Errorf("row %d: %q, want %+v", k, r, p)
			}
		}
	})

	t.Run("saturation", func(t *testing.T) {
		var got struct {
			SaturationCurve []struct {
				Document   struct{ ID string }
				NewCodes   []struct{ ID string }
				CodesSoFar int
			}
		}
		unmarshal(t, e.ok(t, `{ saturationCurve(level: MAIN_CATEGORY, filter: {coders: ["B"]}) { document { id } newCodes { id } codesSoFar } }`, nil), &got)
		rows := csvOf("/export/saturation.csv?level=MAIN_CATEGORY&coder=B")
		if len(rows) != len(got.SaturationCurve)+1 || len(got.SaturationCurve) != 4 {
			t.Fatalf("%d rows for %d steps (coder B coded 4 documents)", len(rows), len(got.SaturationCurve))
		}
		for k, st := range got.SaturationCurve {
			var ids []string
			for _, c := range st.NewCodes {
				ids = append(ids, c.ID)
			}
			r := rows[1+k]
			if r[1] != st.Document.ID || r[8] != strconv.Itoa(st.CodesSoFar) || r[5] != strings.Join(ids, "; ") {
				t.Errorf("row %d: %q, want %+v", k, r, st)
			}
		}
	})

	t.Run("agreement", func(t *testing.T) {
		var got struct {
			Agreement struct {
				Kappa  float64
				ByCode []struct {
					Code               struct{ ID string }
					Both, OnlyA, OnlyB int
					Kappa              float64
				}
			}
		}
		unmarshal(t, e.ok(t, `{ agreement(coderA: "A", coderB: "B", level: CATEGORY) { kappa byCode { code { id } both onlyA onlyB kappa } } }`, nil), &got)
		rows := csvOf("/export/agreement.csv?a=A&b=B&level=CATEGORY")
		ag := got.Agreement
		if len(rows) != len(ag.ByCode)+2 {
			t.Fatalf("%d rows for %d codes", len(rows), len(ag.ByCode))
		}
		for k, c := range ag.ByCode {
			r := rows[1+k]
			if r[0] != c.Code.ID || r[3] != strconv.Itoa(c.Both) || r[4] != strconv.Itoa(c.OnlyA) || r[5] != strconv.Itoa(c.OnlyB) || math.Abs(float(r[8])-c.Kappa) > 1e-9 {
				t.Errorf("row %d: %q, want %+v", k, r, c)
			}
		}
		if last := rows[len(rows)-1]; last[1] != "pooled" || math.Abs(float(last[8])-ag.Kappa) > 1e-9 {
			t.Errorf("pooled row %q, kappa %v", last, ag.Kappa)
		}
		for path, arg := range map[string]string{
			"/export/agreement.csv?a=A":                     "b",
			"/export/agreement.csv?a=A&b=B&coder=A":         "coder",
			"/export/cooccurrence.csv?level=CATEGORY&min=0": "min",
			"/export/similarity.csv":                        "level",
		} {
			r := getExport(t, e, path)
			if r.status != 400 || !strings.Contains(string(r.body), `"argument":"`+arg+`"`) {
				t.Errorf("GET %s: %d %s, want 400 naming %s", path, r.status, r.body, arg)
			}
		}
	})
}
