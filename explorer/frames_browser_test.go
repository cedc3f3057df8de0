package explorer_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/policykb/policykb/internal/headless"
	"github.com/policykb/policykb/internal/testneo4j"
	"github.com/policykb/policykb/loaders"
)

// shown is a number as the explorer's tables write it (ui.js fmt): a share
// as a percentage with one decimal, a whole number as it is, another
// fraction with three decimals.
func shown(v float64, share bool) string {
	switch {
	case share:
		return fmt.Sprintf("%.1f %%", v*100)
	case v == math.Trunc(v):
		return fmt.Sprint(int64(v))
	default:
		return fmt.Sprintf("%.3f", v)
	}
}

// TestFrameViewsInBrowser drives /explore/instruments and /explore/pmc in
// headless Chromium over the sample study with its instrument frame and
// the default PMC model, as `policykb load sample` stores them: each view
// renders with no console error, no stray null/undefined/NaN and no
// request off the test server; its table shows the numbers of the API's
// answer (Query.crosstab, Query.pmc, fetched here); a click on a cell or a
// secondary score lists exactly the sentences the API gives for it, an
// attribute or manual score its value or note; the URL brings the state
// back in a new browser context; the data links are /export/ URLs that
// answer.
func TestFrameViewsInBrowser(t *testing.T) {
	store := testneo4j.EmptyStore(t, 0)
	chrome := headless.Require(t, "the explorer's browser test")
	ctx := context.Background()
	in := loaders.SampleInput("../data/sample")
	in.Study = "sample"
	if _, err := loaders.Load(ctx, store, in, loaders.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := loaders.AddFrame(ctx, store, loaders.FrameInput{Study: "sample", Frame: "../data/frames/policy-instruments.yaml",
		Mappings: []string{"../data/frames/sample-instruments-mapping.yaml"}}); err != nil {
		t.Fatal(err)
	}
	model, err := os.ReadFile("../data/pmc/default-model.yaml")
	if err != nil {
		t.Fatal(err)
	}
	scores, err := os.ReadFile("../data/pmc/sample-manual-scores.csv")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := loaders.LoadPMCModel(ctx, store, loaders.PMCInput{Study: "sample", ModelFile: "data/pmc/default-model.yaml", Model: model,
		ScoresFile: "data/pmc/sample-manual-scores.csv", Scores: scores}); err != nil {
		t.Fatal(err)
	}
	s := serveExplorer(t, store)
	base := s.srv.URL

	br := newTab(t, chrome, base, "policykb-explorer-frames-failed.png", 150*time.Second)
	tctx, watch := br.ctx, br.watch
	must := func(step string, err error) { t.Helper(); br.must(t, step, err) }
	open := func(ctx context.Context, path, view string) { t.Helper(); br.open(t, ctx, path, view) }
	eval := func(ctx context.Context, step, js string, out any) { t.Helper(); br.eval(t, ctx, step, js, out) }
	panelIDs := func(ctx context.Context) []string { t.Helper(); return br.panelIDs(t, ctx) }
	panelTotal := func(ctx context.Context) string {
		t.Helper()
		var total string
		eval(ctx, "read the total", `(document.querySelector('#panel .total') || {dataset: {}}).dataset.total || ''`, &total)
		return total
	}

	t.Run("views render", func(t *testing.T) {
		for _, v := range []struct {
			path, view string
			charts     int
		}{
			{"/explore/instruments", "instruments", 2},
			{"/explore/instruments?rows=instruments:TOOL&columns=YEAR&measure=REFERENCE_POINTS&lang=zh", "instruments", 3},
			{"/explore/instruments?rows=CITY&columns=codebook:MAIN_CATEGORY&measure=PER_1000_SENTENCES", "instruments", 2},
			{"/explore/instruments?rows=instruments:TOOL&columns=codebook:CATEGORY&measure=PRESENCE&city=Linlan,Xichuan", "instruments", 2},
			{"/explore/pmc", "pmc", 4},
			{"/explore/pmc?coder=A&city=Linlan,Xichuan,Tingyang", "pmc", 4}, // the coder filter does not apply to PMC
			{"/explore/pmc?model=default&doc=d11,d06,d03,d09,d15,d18&lang=zh&doctype=work+plan", "pmc", 4},
		} {
			open(tctx, v.path, v.view)
			var n int
			eval(tctx, "count the charts", `document.querySelectorAll('#view .chart svg').length`, &n)
			if n != v.charts {
				t.Errorf("%s: %d charts, want %d", v.path, n, v.charts)
			}
			var stray string
			eval(tctx, "look for stray null or undefined", `(document.body.innerText.match(/\b(null|undefined|NaN)\b/) || [''])[0]`, &stray)
			if stray != "" {
				t.Errorf("%s: the page shows %q", v.path, stray)
			}
		}
		// Both views are in the navigation.
		var nav []string
		eval(tctx, "read the navigation", `Array.from(document.querySelectorAll('#views a')).map(a => a.getAttribute('href').split('?')[0])`, &nav)
		if !slices.Contains(nav, "/explore/instruments") || !slices.Contains(nav, "/explore/pmc") {
			t.Errorf("the navigation links to %q", nav)
		}
	})

	type axisValue struct{ ID, Name string }
	var ct struct {
		Crosstab struct {
			Rows, Columns []axisValue
			Cells         [][]float64
			RowTotals     []float64
		}
	}
	const crosstabQ = `query($measure: Measure) { crosstab(rows: {frame: "instruments", level: "TYPE"}, columns: {dimension: CITY}, measure: $measure) {
		rows { id name } columns { id name } cells rowTotals } }`
	var selURL, instURL string
	var wantIDs, instIDs []string

	t.Run("instruments: the numbers of crosstab, a cell's sentences", func(t *testing.T) {
		for _, measure := range []string{"SHARE", "REFERENCE_POINTS"} {
			s.gql(t, crosstabQ, map[string]any{"measure": measure}, &ct)
			if len(ct.Crosstab.Rows) != 3 || len(ct.Crosstab.Columns) != 18 {
				t.Fatalf("crosstab has %d rows and %d columns; the sample's instrument types and cities are 3 and 18", len(ct.Crosstab.Rows), len(ct.Crosstab.Columns))
			}
			open(tctx, "/explore/instruments?rows=instruments:TYPE&columns=CITY&measure="+measure, "instruments")
			var table map[string]map[string]string // row id → column id → text
			eval(tctx, "read the table", `Object.fromEntries(Array.from(document.querySelectorAll('#view tr[data-row]')).map(tr =>
				[tr.dataset.row, Object.fromEntries([['total', tr.querySelector('td.total').textContent],
					...Array.from(tr.querySelectorAll('td.cell')).map(td => [td.dataset.col, td.textContent])])]))`, &table)
			var labels []string
			eval(tctx, "read the heatmap's labels", `Array.from(document.querySelector('#view .chart svg').querySelectorAll('text')).map(e => e.textContent)`, &labels)
			for i, r := range ct.Crosstab.Rows {
				if got, want := table[r.ID]["total"], shown(ct.Crosstab.RowTotals[i], measure == "SHARE"); got != want {
					t.Errorf("%s: %s's total shows %q; crosstab says %s", measure, r.Name, got, want)
				}
				for j, c := range ct.Crosstab.Columns {
					want := shown(ct.Crosstab.Cells[i][j], measure == "SHARE")
					if got := table[r.ID][c.ID]; got != want {
						t.Errorf("%s: %s × %s shows %q; crosstab says %s", measure, r.Name, c.ID, got, want)
					}
					if ct.Crosstab.Cells[i][j] > 0 && !slices.Contains(labels, want) {
						t.Errorf("%s: the heatmap has no label %s (%s × %s)", measure, want, r.Name, c.ID)
					}
				}
			}
		}
		// Supply-side × Xichuan: the table's cell lists Crosstab.cell's sentences.
		var cell struct {
			Crosstab struct {
				Cell struct {
					Sentences struct {
						TotalCount int
						Edges      []struct{ Node struct{ ID string } }
					}
				}
			}
		}
		s.gql(t, `{ crosstab(rows: {frame: "instruments", level: "TYPE"}, columns: {dimension: CITY}) {
			cell(row: "ins-supply", column: "Xichuan") { sentences(first: 50) { totalCount edges { node { id } } } } } }`, nil, &cell)
		wantIDs = nil
		for _, e := range cell.Crosstab.Cell.Sentences.Edges {
			wantIDs = append(wantIDs, e.Node.ID)
		}
		if len(wantIDs) == 0 || len(wantIDs) != cell.Crosstab.Cell.Sentences.TotalCount {
			t.Fatalf("supply-side × Xichuan: %d of %d sentences; the test wants some, on one page", len(wantIDs), cell.Crosstab.Cell.Sentences.TotalCount)
		}
		must("click the cell", chromedp.Do(tctx, chromedp.Click(chromedp.CSS(`#view tr[data-row="ins-supply"] td[data-col="Xichuan"]`))))
		if ids := panelIDs(tctx); !slices.Equal(ids, wantIDs) {
			t.Errorf("supply-side × Xichuan: the panel lists %q; cell.sentences are %q", ids, wantIDs)
		}
		if got := panelTotal(tctx); got != fmt.Sprint(len(wantIDs)) {
			t.Errorf("the panel says %s sentences; totalCount is %d", got, len(wantIDs))
		}
		eval(tctx, "read the URL", `location.href`, &instURL)
		u, _ := url.Parse(instURL)
		if q := u.Query(); q.Get("sel") != "ins-supply|Xichuan" || q.Get("rows") != "instruments:TYPE" || q.Get("columns") != "CITY" {
			t.Errorf("the URL %s does not hold the state", instURL)
		}
		instIDs = wantIDs

		// Enter on a row lists its code's sentences (FrameCode.sentences).
		var code struct {
			Frame struct {
				Code struct {
					Sentences struct {
						Edges []struct{ Node struct{ ID string } }
					}
				}
			}
		}
		s.gql(t, `{ frame(id: "instruments") { code(id: "ins-demand") { sentences(first: 50) { edges { node { id } } } } } }`, nil, &code)
		var want []string
		for _, e := range code.Frame.Code.Sentences.Edges {
			want = append(want, e.Node.ID)
		}
		must("focus the demand-side row", chromedp.Do(tctx, chromedp.Focus(chromedp.CSS(`#view tr[data-row="ins-demand"]`))))
		must("press Enter", chromedp.Do(tctx, chromedp.KeyEvent("\r")))
		_, err := chromedp.Run(tctx, chromedp.Poll[bool](`location.search.includes('sel=ins-demand&') || location.search.endsWith('sel=ins-demand')`, chromedp.WithPollingTimeout(10*time.Second)))
		must("the row is selected", err)
		if ids := panelIDs(tctx); len(want) == 0 || !slices.Equal(ids, want) {
			t.Errorf("demand-side: the panel lists %q; FrameCode.sentences are %q", ids, want)
		}

		// The data links are /export/ URLs that answer.
		var hrefs []string
		eval(tctx, "read the data links", `Array.from(document.querySelectorAll('#view a.dl-csv, #view a.dl-xlsx')).map(a => a.getAttribute('href'))`, &hrefs)
		if !slices.Contains(hrefs, "/export/crosstab.csv?rows=instruments%3ATYPE&columns=CITY&measure=REFERENCE_POINTS") {
			t.Errorf("the data links are %q", hrefs)
		}
		for _, href := range hrefs {
			if resp, err := http.Get(base + href); err != nil || resp.StatusCode != 200 {
				t.Errorf("GET %s: %v %v", href, resp, err)
			} else {
				resp.Body.Close()
			}
		}
	})

	// The API's PMC of the sample: the ranking, and d03's scores with
	// their evidence (the fields PMCDocument.variables lists).
	type secondary struct {
		Variable      struct{ ID string }
		Score         int
		Rule          string
		SentenceCount *int
		Sentences     []struct{ ID string }
		Value, Note   *string
	}
	var pmc struct {
		Pmc struct {
			Documents struct {
				Edges []struct {
					Node struct {
						Document struct{ ID string }
						Rank     int
						Pmc      float64
						Grade    string
					}
				}
			}
			Document struct {
				Variables []struct {
					Variable  struct{ ID string }
					Secondary []secondary
				}
			}
		}
	}
	s.gql(t, `{ pmc(model: "default") { documents(first: 50) { edges { node { document { id } rank pmc grade } } }
		document(id: "d03") { variables { variable { id } secondary { variable { id } score rule sentenceCount sentences(first: 60) { id } value note } } } } }`, nil, &pmc)
	score := func(id string) secondary {
		for _, v := range pmc.Pmc.Document.Variables {
			for _, s := range v.Secondary {
				if s.Variable.ID == id {
					return s
				}
			}
		}
		t.Fatalf("d03 has no score %s", id)
		return secondary{}
	}

	t.Run("pmc: the ranking and scores of pmc, a score's evidence", func(t *testing.T) {
		if len(pmc.Pmc.Documents.Edges) != 18 {
			t.Fatalf("pmc ranks %d documents, want the sample's 18", len(pmc.Pmc.Documents.Edges))
		}
		open(tctx, "/explore/pmc?model=default&doc=d03", "pmc")
		var ranking [][]string
		eval(tctx, "read the ranking", `Array.from(document.querySelectorAll('#view tr[data-key]')).filter(tr => /^d\d+$/.test(tr.dataset.key))
			.map(tr => [tr.dataset.key, ...Array.from(tr.cells).map(td => td.textContent)])`, &ranking)
		if len(ranking) != len(pmc.Pmc.Documents.Edges) {
			t.Fatalf("the ranking table has %d rows; pmc ranks %d documents", len(ranking), len(pmc.Pmc.Documents.Edges))
		}
		var bars []string
		eval(tctx, "read the ranking's labels", `Array.from(document.querySelector('#view .chart svg').querySelectorAll('text')).map(e => e.textContent)`, &bars)
		for i, e := range pmc.Pmc.Documents.Edges {
			d := e.Node
			// key, rank, document, title, city, PMC, depression, grade
			row := ranking[i]
			if row[0] != d.Document.ID || row[1] != fmt.Sprint(d.Rank) || row[5] != shown(d.Pmc, false) || row[7] != d.Grade {
				t.Errorf("ranking row %d: %q; pmc says %s rank %d PMC %s %s", i, row, d.Document.ID, d.Rank, shown(d.Pmc, false), d.Grade)
			}
			if !slices.Contains(bars, shown(d.Pmc, false)) {
				t.Errorf("the ranking chart has no label %s (%s)", shown(d.Pmc, false), d.Document.ID)
			}
		}
		// d03's secondary scores, as the table under the charts shows them.
		var rows map[string]string
		eval(tctx, "read the scores", `Object.fromEntries(Array.from(document.querySelectorAll('#view tr[data-key*=":"]')).map(tr => [tr.dataset.key, tr.cells[4].textContent]))`, &rows)
		n := 0
		for _, v := range pmc.Pmc.Document.Variables {
			for _, sc := range v.Secondary {
				if rows[sc.Variable.ID] != fmt.Sprint(sc.Score) {
					t.Errorf("d03 %s shows %q; pmc says %d", sc.Variable.ID, rows[sc.Variable.ID], sc.Score)
				}
				n++
			}
		}
		if n != 39 || len(rows) != 39 {
			t.Errorf("%d scores shown, the API has %d; the default model has 39", len(rows), n)
		}

		// A codings score lists exactly its evidence sentences.
		want := score("X7:4")
		if want.Rule != "codings" || want.SentenceCount == nil || len(want.Sentences) != *want.SentenceCount || len(want.Sentences) == 0 {
			t.Fatalf("d03 X7:4: %+v: the test wants a codings score with its sentences on one page", want)
		}
		must("press Enter on X7:4", chromedp.Do(tctx, chromedp.Focus(chromedp.CSS(`#view tr[data-key="X7:4"]`))))
		must("press Enter", chromedp.Do(tctx, chromedp.KeyEvent("\r")))
		var wantSent []string
		for _, x := range want.Sentences {
			wantSent = append(wantSent, x.ID)
		}
		if ids := panelIDs(tctx); !slices.Equal(ids, wantSent) {
			t.Errorf("d03 X7:4: the panel lists %q; its evidence is %q", ids, wantSent)
		}
		if got := panelTotal(tctx); got != fmt.Sprint(*want.SentenceCount) {
			t.Errorf("d03 X7:4: the panel says %s sentences; sentenceCount is %d", got, *want.SentenceCount)
		}
		eval(tctx, "read the URL", `location.href`, &selURL)
		if u, _ := url.Parse(selURL); u.Query().Get("sel") != "d03|X7:4" || u.Query().Get("doc") != "d03" {
			t.Errorf("the URL %s does not hold the selection", selURL)
		}
		wantIDs = wantSent

		// An attribute score shows the document's value, a manual one the note.
		for _, c := range []struct{ variable, css string }{{"X2:3", "#panel .evidence .value"}, {"X7:1", "#panel blockquote.evidence"}} {
			sc := score(c.variable)
			want := sc.Value
			if sc.Rule == "manual" {
				want = sc.Note
			}
			if want == nil || *want == "" {
				t.Fatalf("d03 %s: %+v has no value or note", c.variable, sc)
			}
			must("click "+c.variable, chromedp.Do(tctx, chromedp.Click(chromedp.CSS(fmt.Sprintf(`#view tr[data-key=%q]`, c.variable)))))
			_, err := chromedp.Run(tctx, chromedp.Poll[bool](fmt.Sprintf(`!!document.getElementById('panel').dataset.loaded && !!document.querySelector(%q)`, c.css), chromedp.WithPollingTimeout(15*time.Second)))
			must("wait for "+c.variable, err)
			var got struct{ Text, Score string }
			eval(tctx, "read the evidence", fmt.Sprintf(`({text: document.querySelector(%q).textContent, score: document.querySelector('#panel .score').dataset.score})`, c.css), &got)
			if got.Text != *want || got.Score != fmt.Sprint(sc.Score) {
				t.Errorf("d03 %s: the panel shows %q, score %s; pmc says %q, %d", c.variable, got.Text, got.Score, *want, sc.Score)
			}
		}
		var hrefs []string
		eval(tctx, "read the data links", `Array.from(document.querySelectorAll('#view .toolbar a.dl-csv')).map(a => a.getAttribute('href'))`, &hrefs)
		if !slices.Contains(hrefs, "/export/pmc.csv?model=default") {
			t.Errorf("the data links are %q", hrefs)
		}
	})

	t.Run("URL restores the state in a new browser context", func(t *testing.T) {
		if selURL == "" || instURL == "" {
			t.Fatal("no URL to reopen: an earlier step failed")
		}
		other, cancelOther := chromedp.NewContext(br.root, chromedp.WithNewBrowserContext(), chromedp.WithListener(watch.Listen))
		defer cancelOther()
		octx, cancel := context.WithTimeout(other, 60*time.Second)
		defer cancel()
		open(octx, strings.TrimPrefix(instURL, base), "instruments")
		if ids := panelIDs(octx); !slices.Equal(ids, instIDs) {
			t.Errorf("reopened, the panel lists %q; cell.sentences are %q", ids, instIDs)
		}
		var controls []string
		eval(octx, "read the controls", `Array.from(document.querySelectorAll('#view .controls select')).map(s => s.value)`, &controls)
		if !slices.Equal(controls, []string{"instruments:TYPE", "CITY", "REFERENCE_POINTS"}) {
			t.Errorf("reopened, the controls are %q", controls)
		}
		open(octx, strings.TrimPrefix(selURL, base), "pmc")
		if ids := panelIDs(octx); !slices.Equal(ids, wantIDs) {
			t.Errorf("reopened, the panel lists %q; the evidence is %q", ids, wantIDs)
		}
		var model string
		eval(octx, "read the model", `document.querySelector('#view .controls select').value`, &model)
		if model != "default" {
			t.Errorf("reopened, the model is %q", model)
		}
	})

	br.checkClean(t)
}
