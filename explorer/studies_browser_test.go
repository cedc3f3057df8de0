package explorer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/policykb/policykb/explorer"
	"github.com/policykb/policykb/internal/headless"
	"github.com/policykb/policykb/internal/testneo4j"
	"github.com/policykb/policykb/loaders"
	"github.com/policykb/policykb/resolvers"
)

// sent is one GraphQL request the browser sent: its operation's text and
// its variables.
type sent struct {
	Query     string
	Variables map[string]any
}

// requestLog keeps every GraphQL request that reaches a handler.
type requestLog struct {
	mu   sync.Mutex
	reqs []sent
}

func (l *requestLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/graphql" {
			b, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(b))
			var s sent
			if err := json.Unmarshal(b, &s); err != nil {
				s.Query = "unreadable: " + string(b)
			}
			l.mu.Lock()
			l.reqs = append(l.reqs, s)
			l.mu.Unlock()
		}
		h.ServeHTTP(w, r)
	})
}

// take returns the requests logged since the last take.
func (l *requestLog) take() []sent {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.reqs
	l.reqs = nil
	return out
}

// matrixAnswer is Query.matrix's rows, columns and cells.
type matrixAnswer struct {
	Matrix struct {
		Rows    []struct{ ID, Name string }
		Columns []string
		Cells   [][]float64
	}
}

// TestExplorerStudiesInBrowser drives the explorer over a base of one study
// (the sample: no selector, no study sent), then of two (the sample and
// the fixture loaders/testdata/studies/instruments, which codes three of
// the sample's documents with code ids the sample uses too): a matrix URL
// with study=sample shows the API's matrix(study: "sample") numbers; the
// selector switches to instruments, keeps the view's state but the
// selection and shows that study's codes and numbers, every request naming
// the study; the URL reopens the same study in a new browser context; a
// URL without a study shows the studies to choose from; every view renders
// in either study and its /export/ and GraphiQL links carry the study.
func TestExplorerStudiesInBrowser(t *testing.T) {
	store := testneo4j.EmptyStore(t, 0)
	chrome := headless.Require(t, "the explorer's browser test")
	ctx := context.Background()
	sample := loaders.SampleInput("../data/sample")
	sample.Study = "sample"
	if _, err := loaders.Load(ctx, store, sample, loaders.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := loaders.Load(ctx, store, loaders.Input{Codings: []string{"../data/sample/second-coder.csv"}, Study: "sample"}, loaders.Options{}); err != nil {
		t.Fatal(err)
	}
	h, err := resolvers.NewHandler(store, resolvers.Options{Explorer: explorer.New()})
	if err != nil {
		t.Fatal(err)
	}
	// The browser's server logs its GraphQL requests; the test asks the API
	// through another.
	var log requestLog
	srv := httptest.NewServer(log.wrap(h))
	defer srv.Close()
	api := site{httptest.NewServer(h)}
	defer api.srv.Close()
	base := srv.URL

	br := newTab(t, chrome, base, "policykb-explorer-studies-failed.png", 180*time.Second)
	tctx, watch := br.ctx, br.watch
	must, eval, rendered, open := br.must, br.eval, br.rendered, br.open
	// matrixTable is the matrix view's table: "row id|column" → the cell's text.
	matrixTable := func(t *testing.T, ctx context.Context) (rows []string, cells map[string]string) {
		t.Helper()
		var got struct {
			Rows  []string
			Cells map[string]string
		}
		eval(t, ctx, "read the matrix table", `(() => {
			const cells = {};
			for (const td of document.querySelectorAll('#view tr[data-row] td[data-col]')) cells[td.closest('tr').dataset.row + '|' + td.dataset.col] = td.textContent;
			return { rows: Array.from(document.querySelectorAll('#view tr[data-row] th')).map((th) => th.textContent), cells };
		})()`, &got)
		return got.Rows, got.Cells
	}
	// matrixOf is the API's matrix for a study (none: "") over Linlan,
	// Fengling and Xichuan, the cities the view's URL keeps.
	matrixOf := func(t *testing.T, study string) matrixAnswer {
		var m matrixAnswer
		vars := map[string]any{"cities": []string{"Linlan", "Fengling", "Xichuan"}}
		if study != "" {
			vars["study"] = study
		}
		api.gql(t, `query($study: ID, $cities: [String!]) { matrix(rows: MAIN_CATEGORY, columns: CITY, measure: REFERENCE_POINTS,
			filter: {cities: $cities}, study: $study) { rows { id name } columns cells } }`, vars, &m)
		return m
	}
	// checkMatrix compares every cell the API answers for the study with
	// the view's table, and returns the API's matrix.
	checkMatrix := func(t *testing.T, ctx context.Context, study string) matrixAnswer {
		t.Helper()
		m := matrixOf(t, study)
		rows, cells := matrixTable(t, ctx)
		var names []string
		for _, r := range m.Matrix.Rows {
			names = append(names, r.Name)
		}
		if !slices.Equal(rows, names) {
			t.Errorf("study %q: the matrix's rows are %q; the API's are %q", study, rows, names)
		}
		if len(cells) != len(m.Matrix.Rows)*len(m.Matrix.Columns) {
			t.Errorf("study %q: the table has %d cells, the API's matrix %d × %d", study, len(cells), len(m.Matrix.Rows), len(m.Matrix.Columns))
		}
		for i, r := range m.Matrix.Rows {
			for j, c := range m.Matrix.Columns {
				if got, want := cells[r.ID+"|"+c], fmt.Sprint(m.Matrix.Cells[i][j]); got != want {
					t.Errorf("study %q: %s × %s shows %q; the API's matrix returns %s", study, r.Name, c, got, want)
				}
			}
		}
		return m
	}
	// checkSent fails for a request that does not ask about the study (the
	// studies list excepted).
	checkSent := func(t *testing.T, step, study string) {
		t.Helper()
		reqs := log.take()
		if len(reqs) == 0 {
			t.Errorf("%s: no GraphQL request", step)
		}
		for _, r := range reqs {
			if strings.Contains(r.Query, "query ExplorerStudies ") {
				continue
			}
			got, named := r.Variables["study"]
			switch {
			case study == "" && (named || strings.Contains(r.Query, "study")):
				t.Errorf("%s: a request on a base of one study names a study: %v %s", step, r.Variables, r.Query)
			case study != "" && (got != study || !strings.Contains(r.Query, "study: $study")):
				t.Errorf("%s: a request without study %q: %v %s", step, study, r.Variables, r.Query)
			}
		}
	}

	// links are the hrefs of the page's links to the views, /export/ and GraphiQL.
	links := func(t *testing.T, ctx context.Context) (views, exports, graphiql []string) {
		t.Helper()
		var got struct{ Views, Exports, Graphiql []string }
		eval(t, ctx, "read the links", `({
			views: Array.from(document.querySelectorAll('#views a')).map((a) => a.getAttribute('href')),
			exports: Array.from(document.querySelectorAll('a.dl-csv, a.dl-xlsx')).map((a) => a.getAttribute('href')),
			graphiql: Array.from(document.querySelectorAll('a.graphiql')).map((a) => a.getAttribute('href')),
		})`, &got)
		return got.Views, got.Exports, got.Graphiql
	}
	// checkLinks fails for a link that does not carry the study.
	checkLinks := func(t *testing.T, ctx context.Context, step, study string) {
		t.Helper()
		views, exports, graphiql := links(t, ctx)
		if len(views) == 0 || len(graphiql) == 0 {
			t.Errorf("%s: %d view links and %d GraphiQL links", step, len(views), len(graphiql))
		}
		for _, h := range append(views, exports...) {
			u, err := url.Parse(h)
			if err != nil || u.Query().Get("study") != study {
				t.Errorf("%s: %s does not carry study=%s", step, h, study)
			}
		}
		for _, h := range graphiql {
			u, err := url.Parse(h)
			var vars map[string]any
			if err == nil {
				err = json.Unmarshal([]byte(u.Query().Get("variables")), &vars)
			}
			if err != nil || vars["study"] != study || !strings.Contains(u.Query().Get("query"), "study: $study") {
				t.Errorf("%s: Open in GraphiQL %s does not ask about study %s", step, h, study)
			}
		}
	}

	t.Run("one study: no selector, no study sent", func(t *testing.T) {
		log.take()
		open(t, tctx, "/explore/matrix?rows=MAIN_CATEGORY&columns=CITY&measure=REFERENCE_POINTS&city=Linlan,Fengling,Xichuan", "matrix")
		var selectors int
		eval(t, tctx, "look for the selector", `document.querySelectorAll('#f-study').length`, &selectors)
		if selectors != 0 {
			t.Errorf("a base of one study shows a study selector")
		}
		checkMatrix(t, tctx, "")
		checkSent(t, "one study", "")
	})

	fixture := filepath.Join("..", "loaders", "testdata", "studies", "instruments")
	if _, err := loaders.Load(ctx, store, loaders.Input{Codebook: filepath.Join(fixture, "codebook.yaml"),
		Codings: []string{filepath.Join(fixture, "codings.csv")}, Study: "instruments"}, loaders.Options{}); err != nil {
		t.Fatal(err)
	}
	// The fixture's main categories and layers, by hand (its codebook.yaml).
	wantMains := []string{"Talent Cultivation", "Resource Sharing", "Target Planning", "Governance Arrangements"}
	wantLayers := []string{"Supply-side Instruments", "Environment-side Instruments"}

	var switchedURL string
	t.Run("matrix: study=sample, then the selector", func(t *testing.T) {
		log.take()
		open(t, tctx, "/explore/matrix?rows=MAIN_CATEGORY&columns=CITY&measure=REFERENCE_POINTS&corder=total&city=Linlan,Fengling,Xichuan&study=sample", "matrix")
		m := checkMatrix(t, tctx, "sample")
		fund := slices.IndexFunc(m.Matrix.Rows, func(r struct{ ID, Name string }) bool { return r.Name == "Fund Support" })
		linlan := slices.Index(m.Matrix.Columns, "Linlan")
		if fund < 0 || linlan < 0 {
			t.Fatalf("no Fund Support × Linlan in the API's matrix: %+v", m.Matrix)
		}
		_, cells := matrixTable(t, tctx)
		if got, want := cells[m.Matrix.Rows[fund].ID+"|Linlan"], fmt.Sprint(m.Matrix.Cells[fund][linlan]); got != want {
			t.Errorf("Fund Support × Linlan shows %q; matrix(study: \"sample\") returns %s", got, want)
		}
		var study string
		eval(t, tctx, "read the selector", `document.getElementById('f-study').value`, &study)
		if study != "sample" {
			t.Errorf("the selector shows %q, want sample", study)
		}
		checkLinks(t, tctx, "study=sample", "sample")
		// A selection, which the switch drops: its code is the sample's.
		must(t, "click a cell", chromedp.Do(tctx, chromedp.Click(chromedp.CSS(fmt.Sprintf(`tr[data-row=%q] td[data-col="Xichuan"]`, m.Matrix.Rows[fund].ID)))))
		_, err := chromedp.Run(tctx, chromedp.Poll[bool](`!!document.getElementById('panel').dataset.loaded && location.search.includes('sel=')`, chromedp.WithPollingTimeout(15*time.Second)))
		must(t, "the cell's sentences", err)
		checkSent(t, "study=sample", "sample")

		must(t, "choose instruments", chromedp.Do(tctx, chromedp.Evaluate[chromedp.Void](`(() => {
			const s = document.getElementById('f-study');
			s.value = 'instruments';
			s.dispatchEvent(new Event('change'));
		})()`)))
		rendered(t, tctx, "render instruments", `location.search.includes('study=instruments')`)
		eval(t, tctx, "read the URL", `location.href`, &switchedURL)
		u, _ := url.Parse(switchedURL)
		q := u.Query()
		if q.Get("rows") != "MAIN_CATEGORY" || q.Get("columns") != "CITY" || q.Get("measure") != "REFERENCE_POINTS" || q.Get("corder") != "total" ||
			q.Get("city") != "Linlan,Fengling,Xichuan" || q.Has("sel") {
			t.Errorf("after the switch the URL is %s: want the view's state and filter kept, the selection dropped", switchedURL)
		}
		var panelHidden bool
		eval(t, tctx, "read the panel", `document.getElementById('panel').hidden`, &panelHidden)
		if !panelHidden {
			t.Errorf("the sample's selection stays open in instruments")
		}
		m = checkMatrix(t, tctx, "instruments")
		rows, _ := matrixTable(t, tctx)
		if !slices.Equal(rows, wantMains) {
			t.Errorf("in instruments the matrix's rows are %q, want its main categories %q", rows, wantMains)
		}
		var total float64
		for _, r := range m.Matrix.Cells {
			for _, v := range r {
				total += v
			}
		}
		if total != 6 { // d01 (Linlan) and d04 (Fengling): three codings each
			t.Errorf("instruments over Linlan, Fengling and Xichuan: %v reference points, want 6", total)
		}
		checkLinks(t, tctx, "study=instruments", "instruments")
		checkSent(t, "after the switch", "instruments")
		// The CSV link answers with the study's rows.
		var csvHref string
		eval(t, tctx, "read the CSV link", `document.querySelector('#view a.dl-csv').getAttribute('href')`, &csvHref)
		resp, err := http.Get(api.srv.URL + csvHref)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), "Talent Cultivation") || strings.Contains(string(b), "Fund Support") {
			t.Errorf("%s: HTTP %d, want instruments' matrix:\n%.400s", csvHref, resp.StatusCode, b)
		}
	})

	t.Run("the URL reopens the same study", func(t *testing.T) {
		if switchedURL == "" {
			t.Fatal("no URL to reopen: the switch failed")
		}
		other, cancelOther := chromedp.NewContext(br.root, chromedp.WithNewBrowserContext(), chromedp.WithListener(watch.Listen))
		defer cancelOther()
		octx, cancel := context.WithTimeout(other, 40*time.Second)
		defer cancel()
		open(t, octx, strings.TrimPrefix(switchedURL, base), "matrix")
		var study string
		eval(t, octx, "read the selector", `document.getElementById('f-study').value`, &study)
		if study != "instruments" {
			t.Errorf("reopened, the selector shows %q, want instruments", study)
		}
		checkMatrix(t, octx, "instruments")
		checkSent(t, "reopened", "instruments")
	})

	t.Run("no study named: the studies to choose from", func(t *testing.T) {
		log.take()
		open(t, tctx, "/explore/matrix?rows=LAYER&columns=CITY", "studies")
		var listed []string
		eval(t, tctx, "read the studies", `Array.from(document.querySelectorAll('#view ul.studies a')).map((a) => a.dataset.study)`, &listed)
		if !slices.Equal(listed, []string{"instruments", "sample"}) {
			t.Errorf("the chooser lists %q, want instruments and sample", listed)
		}
		must(t, "choose instruments", chromedp.Do(tctx, chromedp.Click(chromedp.CSS(`#view ul.studies a[data-study="instruments"]`))))
		rendered(t, tctx, "render instruments", `location.search.includes('study=instruments')`)
		var got struct {
			Rows []string
			URL  string
		}
		eval(t, tctx, "read the layers", `({ rows: Array.from(document.querySelectorAll('#view tr[data-row] th')).map((th) => th.textContent), url: location.search })`, &got)
		if !slices.Equal(got.Rows, wantLayers) || !strings.Contains(got.URL, "rows=LAYER") {
			t.Errorf("chosen from the list, the matrix (%s) shows %q; want instruments' layers %q", got.URL, got.Rows, wantLayers)
		}
		checkSent(t, "chosen from the list", "instruments")
	})

	t.Run("every view in either study", func(t *testing.T) {
		for _, v := range []struct{ study, path, view string }{
			{"sample", "/explore/codebook?chart=treemap", "codebook"},
			{"instruments", "/explore/codebook", "codebook"},
			{"instruments", "/explore/matrix?rows=CATEGORY&columns=DOCUMENT&rorder=similarity&corder=similarity", "matrix"},
			{"sample", "/explore/compare?cities=Linlan,Xichuan&level=MAIN_CATEGORY", "compare"},
			{"instruments", "/explore/compare?cities=Linlan,Fengling&level=LAYER", "compare"},
			{"instruments", "/explore/similarity?level=MAIN_CATEGORY", "similarity"},
			{"sample", "/explore/cooccurrence?level=CATEGORY&scope=DOCUMENT", "cooccurrence"},
			{"instruments", "/explore/cooccurrence?level=CONCEPT&scope=DOCUMENT&chart=matrix", "cooccurrence"},
			{"instruments", "/explore/saturation?level=CONCEPT", "saturation"},
			{"sample", "/explore/agreement?a=A&b=B&level=CATEGORY", "agreement"},
			{"instruments", "/explore/document", "document"},
			{"instruments", "/explore/document/d01", "document"},
			{"instruments", "/explore/search?q=%E8%81%94%E5%90%88%E4%BD%93", "search"},
			// Neither study has a frame or a PMC model: instruments shows
			// the codebook's main categories, pmc says there is no model.
			{"instruments", "/explore/instruments", "instruments"},
			{"sample", "/explore/instruments?rows=codebook:CATEGORY&columns=YEAR", "instruments"},
			{"instruments", "/explore/pmc", "pmc"},
		} {
			log.take()
			path := v.path + map[bool]string{true: "&", false: "?"}[strings.Contains(v.path, "?")] + "study=" + v.study
			open(t, tctx, path, v.view)
			var errs []string
			eval(t, tctx, "look for errors", `Array.from(document.querySelectorAll('#view .error')).map((e) => e.textContent)`, &errs)
			if len(errs) > 0 {
				t.Errorf("%s: %q", path, errs)
			}
			checkSent(t, path, v.study)
			checkLinks(t, tctx, path, v.study)
			if v.view == "document" && strings.HasSuffix(v.path, "/d01") {
				// The reader shows the study's codings: instruments codes
				// three sentences of d01 (its codings.csv).
				var coded []string
				eval(t, tctx, "read the codes", `Array.from(document.querySelectorAll('.reader .sent.coded .codes a')).map((a) => a.textContent)`, &coded)
				slices.Sort(coded)
				if want := []string{"Co-governance of Government, Enterprises and Schools", "Number of Alliances by a Deadline", "Shared Research Equipment"}; !slices.Equal(coded, want) {
					t.Errorf("instruments' d01 shows the codes %q, want %q", coded, want)
				}
			}
		}
	})

	// withStudy, the rewriting of a query that puts the study on each of
	// its questions, by example (expected texts written by hand).
	t.Run("withStudy", func(t *testing.T) {
		for _, c := range []struct{ in, want string }{
			{`{ counts(level: LAYER) { referencePoints } }`, `query($study: ID) { counts(level: LAYER, study: $study) { referencePoints } }`},
			{"query M($rows: Level!, $f: CorpusFilter) {\n  a: matrix(rows: $rows, filter: $f) { cells }\n  cities { name }\n}\nfragment x on Code { referencePoints(filter: {cities: [\"A\"]}) }",
				"query M($rows: Level!, $f: CorpusFilter, $study: ID) {\n  a: matrix(rows: $rows, filter: $f, study: $study) { cells }\n  cities(study: $study) { name }\n}\nfragment x on Code { referencePoints(filter: {cities: [\"A\"]}) }"},
			{`query P($c: [String!]) { sentences(filter: {cities: $c, coded: true}, first: 5) { totalCount } }`,
				`query P($c: [String!], $study: ID) { sentences(filter: {cities: $c, coded: true}, first: 5, study: $study) { totalCount } }`},
			{`query N { c0: code(ref: "a) {b") { id } c1: code(ref: "x") { id } }`, `query N($study: ID) { c0: code(ref: "a) {b", study: $study) { id } c1: code(ref: "x", study: $study) { id } }`},
			{`query S { studies { id } }`, `query S { studies { id } }`},
			{`query T { __typename }`, `query T { __typename }`},
			{`query($study: ID) { stats(study: $study) { documents } }`, `query($study: ID) { stats(study: $study) { documents } }`},
		} {
			var got string
			in, _ := json.Marshal(c.in)
			eval(t, tctx, "withStudy", `import('/explore/assets/lib/api.js').then((m) => m.withStudy(`+string(in)+`))`, &got)
			if got != c.want {
				t.Errorf("withStudy(%s)\n= %s\nwant %s", c.in, got, c.want)
			}
		}
	})

	br.checkClean(t)
}
