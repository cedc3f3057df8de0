package explorer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/policykb/policykb/explorer"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/headless"
	"github.com/policykb/policykb/internal/testneo4j"
	"github.com/policykb/policykb/loaders"
	"github.com/policykb/policykb/resolvers"
)

// site is the explorer and the API over the sample study (with its second
// coder) on a loopback test server.
type site struct {
	srv *httptest.Server
}

// serveExplorer serves the API and the explorer over store on 127.0.0.1
// until the test ends.
func serveExplorer(t *testing.T, store *graph.Store) site {
	t.Helper()
	h, err := resolvers.NewHandler(store, resolvers.Options{Explorer: explorer.New()})
	if err != nil {
		t.Fatal(err)
	}
	s := site{httptest.NewServer(h)} // listens on 127.0.0.1
	t.Cleanup(s.srv.Close)
	return s
}

func (s site) gql(t *testing.T, query string, vars map[string]any, out any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	resp, err := http.Post(s.srv.URL+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var r struct {
		Data   json.RawMessage
		Errors []any
	}
	if err := json.Unmarshal(b, &r); err != nil || len(r.Errors) > 0 || resp.StatusCode != 200 {
		t.Fatalf("query failed (%d): %s", resp.StatusCode, b)
	}
	if err := json.Unmarshal(r.Data, out); err != nil {
		t.Fatal(err)
	}
}

// TestExplorerInBrowser drives the explorer in headless Chromium over the
// sample study: every view renders with no console error and no request
// off the test server; the matrix shows the API's number for Fund Support
// × Linlan (and × Xichuan) and a click lists exactly the cell's sentences; the URL
// brings the same state back in a new browser context; the back button
// undoes a selection; the reader highlights exactly the coded sentences;
// the SVG download parses and holds the chart's labels; Enter on a table
// row opens its sentences; "Open in GraphiQL" opens the view's query.
func TestExplorerInBrowser(t *testing.T) {
	store := testneo4j.EmptyStore(t, 0)
	chrome := headless.Require(t, "the explorer's browser test")
	ctx := context.Background()
	if _, err := loaders.Load(ctx, store, loaders.SampleInput("../data/sample"), loaders.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := loaders.Load(ctx, store, loaders.Input{Codings: []string{"../data/sample/second-coder.csv"}}, loaders.Options{}); err != nil {
		t.Fatal(err)
	}
	s := serveExplorer(t, store)
	base := s.srv.URL

	br := newTab(t, chrome, base, "policykb-explorer-failed.png", 120*time.Second)
	tctx, watch := br.ctx, br.watch
	downloads := t.TempDir()
	must := func(step string, err error) { t.Helper(); br.must(t, step, err) }
	_, err := chromedp.CallBrowser(tctx, browser.SetDownloadBehavior,
		browser.SetDownloadBehaviorParams{Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads})
	must("allow downloads", err)

	open := func(ctx context.Context, path, view string) { t.Helper(); br.open(t, ctx, path, view) }
	eval := func(ctx context.Context, step, js string, out any) { t.Helper(); br.eval(t, ctx, step, js, out) }
	panelIDs := func(ctx context.Context) []string { t.Helper(); return br.panelIDs(t, ctx) }

	t.Run("every view renders", func(t *testing.T) {
		for _, v := range []struct{ path, view string }{
			{"/explore/", "codebook"},
			{"/explore/codebook?chart=treemap&lang=zh", "codebook"},
			{"/explore/matrix?rows=CATEGORY&columns=DOCUMENT&measure=PER_1000_SENTENCES&rorder=similarity&corder=similarity", "matrix"},
			{"/explore/matrix?rows=MAIN_CATEGORY&columns=YEAR&measure=SHARE&city=Linlan,Xichuan", "matrix"},
			{"/explore/compare?cities=Linlan,Xichuan,Tingyang&level=MAIN_CATEGORY", "compare"},
			{"/explore/similarity?level=CATEGORY", "similarity"},
			{"/explore/cooccurrence?level=CATEGORY&scope=SENTENCE", "cooccurrence"},
			{"/explore/cooccurrence?level=MAIN_CATEGORY&scope=DOCUMENT&chart=matrix&min=3", "cooccurrence"},
			{"/explore/saturation?level=CATEGORY&doctype=work+plan,implementation+plan", "saturation"},
			{"/explore/agreement?a=A&b=B&level=CATEGORY", "agreement"},
			{"/explore/document/d02", "document"},
			{"/explore/document", "document"},
			{"/explore/search?q=%E8%B5%84%E9%87%91", "search"},
		} {
			open(tctx, v.path, v.view)
			var n int
			eval(tctx, "count the figures", `document.querySelectorAll('#view .chart svg').length + document.querySelectorAll('#view table.data').length`, &n)
			if n == 0 {
				t.Errorf("%s: no figure and no table", v.path)
			}
			// A value the page forgot to leave out shows as text.
			var stray string
			eval(tctx, "look for stray null or undefined", `(document.body.innerText.match(/\b(null|undefined|NaN)\b/) || [''])[0]`, &stray)
			if stray != "" {
				t.Errorf("%s: the page shows %q", v.path, stray)
			}
		}
	})

	// The similarity heatmap five cities at a time: the window's numbers
	// are the API's for the same five cities of the clustered order, the
	// neighbours those of the city chosen (which, unlike the filter bar's
	// city, leaves all 18 clustered), and the next window is the next five.
	t.Run("similarity window", func(t *testing.T) {
		var api struct {
			CityClusters struct {
				Cities           []struct{ Name string }
				Order            []int
				SimilarityWindow [][]float64
				Neighbours       []struct{ B struct{ Name string } }
			}
		}
		s.gql(t, `{ cityClusters(level: CATEGORY) { cities { name } order similarityWindow(offset: 5, size: 5)
			neighbours(city: "Xichuan", first: 10) { b { name } } } }`, nil, &api)
		c := api.CityClusters
		open(tctx, "/explore/similarity?level=CATEGORY&size=5&at=5&near=Xichuan", "similarity")
		var rows [][]string
		eval(tctx, "read the window's table", `Array.from(document.querySelectorAll('#view table.data')).find(t => /clustered order/.test(t.caption.textContent))
			.querySelectorAll('tbody tr').values().map(tr => Array.from(tr.cells).map(td => td.textContent)).toArray()`, &rows)
		if len(rows) != 5 {
			t.Fatalf("the window's table has %d rows, want 5: %q", len(rows), rows)
		}
		for i, row := range rows {
			if want := c.Cities[c.Order[5+i]].Name; row[0] != want {
				t.Errorf("row %d is %s; the clustered order has %s", i, row[0], want)
			}
			for j, v := range row[1:] {
				if want := strconv.FormatFloat(c.SimilarityWindow[i][j], 'f', 3, 64); v != want && !(c.SimilarityWindow[i][j] == 1 && v == "1") {
					t.Errorf("%s × column %d shows %s; the API has %v", row[0], j, v, c.SimilarityWindow[i][j])
				}
			}
		}
		var neighbours []string
		eval(tctx, "read the neighbours", `Array.from(document.querySelectorAll('#view table.data')).find(t => t.caption.textContent === 'Nearest neighbours')
			.querySelectorAll('tbody tr').values().map(tr => tr.dataset.key).toArray()`, &neighbours)
		var want []string
		for _, nb := range c.Neighbours {
			want = append(want, nb.B.Name)
		}
		if !slices.Equal(neighbours, want) || len(want) != 10 {
			t.Errorf("neighbours of Xichuan shown %q; the API's %q", neighbours, want)
		}
		must("show the next five", chromedp.Do(tctx, chromedp.Click(chromedp.CSS(`#view .window button.next`))))
		br.rendered(t, tctx, "render the next window", `location.search.includes('at=10')`)
		var first string
		eval(tctx, "read the next window", `Array.from(document.querySelectorAll('#view table.data')).find(t => /clustered order/.test(t.caption.textContent)).querySelector('tbody tr').cells[0].textContent`, &first)
		if want := c.Cities[c.Order[10]].Name; first != want {
			t.Errorf("the next window starts with %s; the clustered order has %s at 10", first, want)
		}
	})

	// The API's own answers for Fund Support × Linlan (empty in the
	// sample) and × Xichuan (the README's worked example).
	var m struct {
		Matrix struct {
			Rows    []struct{ ID, Name string }
			Columns []string
			Cells   [][]float64
		}
	}
	s.gql(t, `{ matrix(rows: MAIN_CATEGORY, columns: CITY, measure: REFERENCE_POINTS) { rows { id name } columns cells } }`, nil, &m)
	fund := slices.IndexFunc(m.Matrix.Rows, func(r struct{ ID, Name string }) bool { return r.Name == "Fund Support" })
	if fund < 0 {
		t.Fatalf("no Fund Support row in %+v", m.Matrix.Rows)
	}
	fundID := m.Matrix.Rows[fund].ID
	cellSentences := func(column string) []string {
		var cell struct {
			Matrix struct {
				Cell struct {
					Sentences struct {
						TotalCount int
						Edges      []struct{ Node struct{ ID string } }
					}
				}
			}
		}
		s.gql(t, `query($row: ID!, $column: String!) { matrix(rows: MAIN_CATEGORY, columns: CITY, measure: REFERENCE_POINTS) {
			cell(row: $row, column: $column) { sentences(first: 50) { totalCount edges { node { id } } } } } }`,
			map[string]any{"row": fundID, "column": column}, &cell)
		ids := []string{}
		for _, e := range cell.Matrix.Cell.Sentences.Edges {
			ids = append(ids, e.Node.ID)
		}
		if cell.Matrix.Cell.Sentences.TotalCount != len(ids) {
			t.Fatalf("%s: %d of %d sentences: the test wants the cell on one page", column, len(ids), cell.Matrix.Cell.Sentences.TotalCount)
		}
		return ids
	}
	var selURL string
	var wantIDs []string
	var want float64

	t.Run("matrix cell", func(t *testing.T) {
		for _, column := range []string{"Linlan", "Xichuan"} {
			j := slices.Index(m.Matrix.Columns, column)
			if j < 0 {
				t.Fatalf("no column %s", column)
			}
			want, wantIDs = m.Matrix.Cells[fund][j], cellSentences(column)
			open(tctx, "/explore/matrix?rows=MAIN_CATEGORY&columns=CITY&measure=REFERENCE_POINTS", "matrix")
			var shown string
			eval(tctx, "read the cell", fmt.Sprintf(`document.querySelector('tr[data-row=%q] td[data-col=%q]').textContent`, fundID, column), &shown)
			if shown != fmt.Sprint(want) {
				t.Errorf("the table shows %q for Fund Support × %s; the matrix query returns %v", shown, column, want)
			}
			// The figure labels the cell with the same number (empty cells go unlabelled).
			var labels []string
			eval(tctx, "read the heatmap labels", `Array.from(document.querySelectorAll('#view .chart svg text')).map(e => e.textContent)`, &labels)
			if !slices.Contains(labels, "Fund Support") || !slices.Contains(labels, column) || (want > 0 && !slices.Contains(labels, fmt.Sprint(want))) {
				t.Errorf("the heatmap's labels lack Fund Support, %s or %v", column, want)
			}
			must("click the cell", chromedp.Do(tctx, chromedp.Click(chromedp.CSS(fmt.Sprintf(`tr[data-row=%q] td[data-col=%q]`, fundID, column)))))
			ids := panelIDs(tctx)
			if !slices.Equal(ids, wantIDs) {
				t.Errorf("Fund Support × %s: the panel lists %q; cell.sentences are %q", column, ids, wantIDs)
			}
			var total string
			eval(tctx, "read the total", `document.querySelector('#panel .total').dataset.total`, &total)
			if total != fmt.Sprint(len(wantIDs)) {
				t.Errorf("the panel says %s sentences, totalCount is %d", total, len(wantIDs))
			}
		}
		if len(wantIDs) == 0 {
			t.Fatal("Fund Support × Xichuan has no sentence: the sample changed")
		}
		eval(tctx, "read the URL", `location.href`, &selURL)
		u, _ := url.Parse(selURL)
		if q := u.Query(); q.Get("sel") != fundID+"|Xichuan" || q.Get("rows") != "MAIN_CATEGORY" || q.Get("measure") != "REFERENCE_POINTS" {
			t.Errorf("the URL %s does not hold the state", selURL)
		}
		// A sentence links to its document in the reader.
		var href string
		eval(tctx, "read a sentence's link", `document.querySelector('#panel li.sentence .where a').getAttribute('href')`, &href)
		if !strings.HasPrefix(href, "/explore/document/") || !strings.Contains(href, url.QueryEscape(wantIDs[0])) {
			t.Errorf("the first sentence links to %q", href)
		}
		// Back undoes the selection.
		must("go back", chromedp.Do(tctx, chromedp.NavigateBack()))
		_, err := chromedp.Run(tctx, chromedp.Poll[bool](`document.body.dataset.rendered === 'matrix' && document.getElementById('panel').hidden && !location.search.includes('sel=')`,
			chromedp.WithPollingTimeout(15*time.Second)))
		must("the selection is undone", err)
	})

	t.Run("URL restores the state in a new browser context", func(t *testing.T) {
		if selURL == "" {
			t.Fatal("no URL to reopen: the matrix cell step failed")
		}
		other, cancelOther := chromedp.NewContext(br.root, chromedp.WithNewBrowserContext(), chromedp.WithListener(watch.Listen))
		defer cancelOther()
		octx, cancel := context.WithTimeout(other, 40*time.Second)
		defer cancel()
		path := strings.TrimPrefix(selURL, base)
		open(octx, path, "matrix")
		ids := panelIDs(octx)
		if !slices.Equal(ids, wantIDs) {
			t.Errorf("reopened, the panel lists %q; cell.sentences are %q", ids, wantIDs)
		}
		var controls []string
		eval(octx, "read the controls", `Array.from(document.querySelectorAll('#view .controls select')).map(s => s.value)`, &controls)
		if len(controls) < 3 || controls[0] != "MAIN_CATEGORY" || controls[1] != "CITY" || controls[2] != "REFERENCE_POINTS" {
			t.Errorf("reopened, the controls are %q", controls)
		}
	})

	t.Run("document reader", func(t *testing.T) {
		var coded []string
		for after := ""; ; {
			var d struct {
				Document struct {
					Sentences struct {
						PageInfo struct {
							HasNextPage bool
							EndCursor   string
						}
						Edges []struct {
							Node struct {
								ID      string
								Codings []struct{ Code struct{ ID string } }
							}
						}
					}
				}
			}
			vars := map[string]any{"after": nil}
			if after != "" {
				vars["after"] = after
			}
			s.gql(t, `query($after: String) { document(id: "d02") { sentences(first: 50, after: $after) {
				pageInfo { hasNextPage endCursor } edges { node { id codings { code { id } } } } } } }`, vars, &d)
			for _, e := range d.Document.Sentences.Edges {
				if len(e.Node.Codings) > 0 {
					coded = append(coded, e.Node.ID)
				}
			}
			if !d.Document.Sentences.PageInfo.HasNextPage {
				break
			}
			after = d.Document.Sentences.PageInfo.EndCursor
		}
		open(tctx, "/explore/document/d02?sel=d02%2342", "document")
		var shown struct {
			Coded, Plain []string
			Selected     string
		}
		eval(tctx, "read the reader", `({
			coded: Array.from(document.querySelectorAll('.reader .sent.coded')).filter(e => e.style.backgroundColor).map(e => e.dataset.id),
			plain: Array.from(document.querySelectorAll('.reader .sent:not(.coded)')).filter(e => e.style.backgroundColor).map(e => e.dataset.id),
			selected: (document.querySelector('.reader .sent.selected') || {dataset: {}}).dataset.id || ''
		})`, &shown)
		if !slices.Equal(shown.Coded, coded) || len(shown.Plain) > 0 {
			t.Errorf("highlighted %q (and uncoded %q); the API's coded sentences are %q", shown.Coded, shown.Plain, coded)
		}
		if shown.Selected != "d02#42" {
			t.Errorf("sel=d02#42 selected %q", shown.Selected)
		}
	})

	t.Run("SVG download", func(t *testing.T) {
		open(tctx, "/explore/matrix?rows=MAIN_CATEGORY&columns=CITY&measure=REFERENCE_POINTS", "matrix")
		must("click SVG", chromedp.Do(tctx, chromedp.Click(chromedp.CSS(`#view figure button.dl-svg`))))
		path := filepath.Join(downloads, "matrix-main_category-city-reference_points.svg")
		var b []byte
		for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			if b, err = os.ReadFile(path); err == nil && len(b) > 0 {
				break
			}
		}
		if len(b) == 0 {
			entries, _ := os.ReadDir(downloads)
			t.Fatalf("no %s (downloads: %v)", path, entries)
		}
		dec := xml.NewDecoder(bytes.NewReader(b))
		var texts []string
		var root string
		inText := false
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				line := strings.Split(string(b), "\n")
				t.Fatalf("the SVG does not parse: %v\n%.600s", err, strings.Join(line[:min(len(line), 6)], "\n"))
			}
			switch tok := tok.(type) {
			case xml.StartElement:
				if root == "" {
					root = tok.Name.Local
				}
				inText = tok.Name.Local == "text" || tok.Name.Local == "tspan"
			case xml.CharData:
				if inText {
					texts = append(texts, strings.TrimSpace(string(tok)))
				}
			case xml.EndElement:
				inText = false
			}
		}
		if root != "svg" || !slices.Contains(texts, "Fund Support") || !slices.Contains(texts, "Linlan") || !slices.Contains(texts, fmt.Sprint(want)) {
			t.Errorf("root <%s>, texts %q: want an <svg> with Fund Support, Linlan and %v", root, texts, want)
		}
	})

	// Enter on a table row lists its sentences: the codebook's first row
	// (a layer) its Code.sentences, the agreement's worst code its
	// CodeAgreement.disagreements.
	t.Run("keyboard", func(t *testing.T) {
		for _, c := range []struct{ path, view, query string }{
			{"/explore/codebook", "codebook", `query($code: String!) { code(ref: $code) { sentences(first: 50) { edges { node { id } } } } }`},
			{"/explore/agreement?a=A&b=B&level=CATEGORY", "agreement", `query($code: ID!) { agreement(coderA: "A", coderB: "B", level: CATEGORY) {
				byCode(codes: [$code]) { disagreements { id } } } }`},
		} {
			open(tctx, c.path, c.view)
			var key string
			eval(tctx, "read the first row", `document.querySelector('#view table.data tbody tr[tabindex]').dataset.key`, &key)
			must("focus the first row", chromedp.Do(tctx, chromedp.Focus(chromedp.CSS(`#view table.data tbody tr[tabindex]`))))
			must("press Enter", chromedp.Do(tctx, chromedp.KeyEvent("\r")))
			ids := panelIDs(tctx)
			var d struct {
				Code struct {
					Sentences struct {
						Edges []struct{ Node struct{ ID string } }
					}
				}
				Agreement struct {
					ByCode []struct{ Disagreements []struct{ ID string } }
				}
			}
			s.gql(t, c.query, map[string]any{"code": key}, &d)
			var want []string
			for _, e := range d.Code.Sentences.Edges {
				want = append(want, e.Node.ID)
			}
			for _, b := range d.Agreement.ByCode {
				for _, x := range b.Disagreements {
					want = append(want, x.ID)
				}
			}
			if len(want) == 0 || !slices.Equal(ids, want) {
				t.Errorf("%s: Enter on %s listed %q; the API says %q", c.path, key, ids, want)
			}
		}
	})

	t.Run("Open in GraphiQL", func(t *testing.T) {
		open(tctx, "/explore/cooccurrence?level=CATEGORY", "cooccurrence")
		var href string
		eval(tctx, "read the link", `document.querySelector('#view a.graphiql').getAttribute('href')`, &href)
		u, err := url.Parse(href)
		if err != nil || u.Path != "/" || !strings.Contains(u.Query().Get("query"), "cooccurrence(level: $level") {
			t.Fatalf("Open in GraphiQL links to %q", href)
		}
		must("open GraphiQL", chromedp.Do(tctx, chromedp.Navigate(base+href)))
		_, err = chromedp.Run(tctx, chromedp.Poll[bool](`(() => {
			const cm = document.querySelector('.graphiql-query-editor .CodeMirror');
			return !!cm && cm.CodeMirror.getValue().includes('cooccurrence(level: $level');
		})()`, chromedp.WithPollingTimeout(30*time.Second)))
		must("GraphiQL shows the view's query", err)
	})

	br.checkClean(t)
}
