package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/testshared"
)

// queryErrors posts a query and returns its data and errors, without
// failing on errors.
func queryErrors(t *testing.T, url, q string) gqlResponse {
	t.Helper()
	r, _ := postQuery(t, url, q)
	return r
}

const statsFields = `cities documents sentences codedSentences codings layers mainCategories categories concepts`

// documentNodes counts the Document nodes of the base, in Cypher, apart
// from every number the API answers.
func documentNodes(t *testing.T, uri string) int64 {
	t.Helper()
	ctx := context.Background()
	s, err := graph.Open(ctx, graph.Config{URI: uri}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	r, err := s.Cypher(ctx, "MATCH (d:Document) RETURN count(d)", nil, graph.CypherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return r.Rows[0][0].(int64)
}

// serveFresh serves the knowledge base at uri like serveStore, from a store
// that checks the base's version on every read (CatalogMaxAge < 0), so
// that it sees the CLI's writes at once.
func serveFresh(t *testing.T, uri string) *httptest.Server {
	t.Helper()
	return serveConfig(t, graph.Config{URI: uri, CatalogMaxAge: -1})
}

// TestStudiesEndToEnd keeps three studies in one knowledge base, as a user
// would with the CLI: the sample, an NVivo project imported from
// REFI-QDA, and a second study (a test fixture) coding three of the
// sample's documents with its own codebook, whose code ids are the
// sample's. Each study's numbers are its own and do not move when another
// is loaded or wiped; shared documents are stored once; a question without
// study is refused with the list of studies.
func TestStudiesEndToEnd(t *testing.T) {
	uri := testURI(t)
	nvivo := filepath.Join(testshared.Dir(t, "refi-qda/samples"), "nvivo12win_oltas0517.qdpx")
	fixture := filepath.Join("..", "..", "loaders", "testdata", "studies", "instruments")
	mustRun := func(args ...string) string {
		t.Helper()
		out, err := run(t, args...)
		if err != nil {
			t.Fatalf("policykb %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	var stats struct{ Stats map[string]int }

	// The NVivo project alone: its numbers in a base of one study.
	mustRun("wipe", "--yes")
	mustRun("import", "qdpx", nvivo)
	srv := serveFresh(t, uri)
	query(t, srv.URL, `{ stats { `+statsFields+` } }`, &stats)
	nvivoAlone := stats.Stats
	if nvivoAlone["documents"] != 2 || nvivoAlone["codings"] == 0 {
		t.Fatalf("the NVivo project alone: %v", nvivoAlone)
	}

	// The sample alone, with the paper's Tables 3 and 4 and a single-study
	// base answering without study.
	mustRun("wipe", "--yes")
	mustRun("load", "sample")
	query(t, srv.URL, `{ stats { `+statsFields+` } }`, &stats)
	sampleAlone := stats.Stats
	tables := func(args string) map[string]map[string][2]int {
		t.Helper()
		out := map[string]map[string][2]int{}
		for _, level := range []string{"LAYER", "MAIN_CATEGORY"} {
			var r struct{ Counts []countRow }
			query(t, srv.URL, `{ counts(level: `+level+args+`) { code { id name } referencePoints materialSources } }`, &r)
			out[level] = map[string][2]int{}
			for _, c := range r.Counts {
				out[level][c.Code.Name] = [2]int{c.ReferencePoints, c.MaterialSources}
			}
		}
		return out
	}
	checkPaper := func(when string, got map[string]map[string][2]int) {
		t.Helper()
		for level, paper := range map[string]map[string]int{"LAYER": paperTable4, "MAIN_CATEGORY": paperTable3} {
			if len(got[level]) != len(paper) {
				t.Errorf("%s: %s has %d codes, the paper %d", when, level, len(got[level]), len(paper))
			}
			for name, refs := range paper {
				if got[level][name][0] != refs {
					t.Errorf("%s: %s %q has %d reference points, the paper prints %d", when, level, name, got[level][name][0], refs)
				}
			}
		}
	}
	sampleTables := tables("")
	checkPaper("the sample alone", sampleTables)

	// Three studies: the NVivo project and the fixture join the sample.
	mustRun("import", "qdpx", nvivo)
	mustRun("load", "--study", "instruments", "--codebook", filepath.Join(fixture, "codebook.yaml"),
		"--codings", filepath.Join(fixture, "codings.csv"))
	out := mustRun("load", "--study", "instruments", "--codebook", filepath.Join(fixture, "codebook.yaml"),
		"--codings", filepath.Join(fixture, "codings.csv"))
	if !strings.Contains(out, "; 0 nodes and 0 relationships created") {
		t.Errorf("loading the second study twice should create nothing the second time; it said:\n%s", out)
	}
	if n := documentNodes(t, uri); n != 18+2 {
		t.Errorf("%d Document nodes, want 20: the second study's three documents are the sample's, stored once", n)
	}

	// Every question of Query takes study ...
	var schema struct {
		Schema struct {
			QueryType struct {
				Fields []struct {
					Name string
					Args []struct{ Name string }
				}
			}
		} `json:"__schema"`
	}
	query(t, srv.URL, `{ __schema { queryType { fields { name args { name } } } } }`, &schema)
	for _, f := range schema.Schema.QueryType.Fields {
		has := false
		for _, a := range f.Args {
			has = has || a.Name == "study"
		}
		if !has && f.Name != "cypher" && f.Name != "studies" && f.Name != "study" {
			t.Errorf("Query.%s has no study argument", f.Name)
		}
	}
	// ... and without it, on a base of three studies, is refused with the list.
	for _, q := range []string{
		`{ stats { documents } }`,
		`{ codebook { id } }`,
		`{ code(ref: "layer-1") { id } }`,
		`{ codes(level: LAYER) { id } }`,
		`{ cities { name } }`,
		`{ city(name: "Linlan") { name } }`,
		`{ documents { totalCount } }`,
		`{ document(id: "d01") { id } }`,
		`{ sentences(first: 1) { totalCount } }`,
		`{ counts(level: LAYER) { referencePoints } }`,
		`{ citiesCiting(code: "layer-1") { referencePoints } }`,
		`{ compareCities(level: LAYER) { level } }`,
		`{ matrix(rows: LAYER, columns: CITY) { __typename } }`,
		`{ cooccurrence(level: LAYER) { __typename } }`,
		`{ similarity(level: LAYER) { __typename } }`,
		`{ saturationCurve { __typename } }`,
		`{ cityClusters(level: LAYER) { __typename } }`,
		`{ saturation(heldOut: ["d01"]) { __typename } }`,
		`{ agreement(coderA: "A", coderB: "B") { __typename } }`,
		`{ search(text: "产教") { totalCount } }`,
		`{ words { __typename } }`,
		`{ keywords(of: DOCUMENT) { __typename } }`,
		`{ coword { __typename } }`,
		`{ concordance(word: "产教") { totalCount } }`,
	} {
		r := queryErrors(t, srv.URL, q)
		if len(r.Errors) == 0 {
			t.Errorf("%s without study was answered: %s", q, r.Data)
			continue
		}
		e := r.Errors[0]
		if e.Extensions["code"] != "BAD_USER_INPUT" || e.Extensions["argument"] != "study" ||
			!strings.Contains(e.Message, "instruments, sample, untitled") {
			t.Errorf("%s without study: %q %v; want BAD_USER_INPUT naming study and listing the studies", q, e.Message, e.Extensions)
		}
	}
	r := queryErrors(t, srv.URL, `{ stats(study: "sampel") { documents } }`)
	if len(r.Errors) == 0 || r.Errors[0].Extensions["argument"] != "study" || !strings.Contains(r.Errors[0].Message, "sample") {
		t.Errorf("an unknown study: %+v, want BAD_USER_INPUT naming the nearest, sample", r.Errors)
	}
	r = queryErrors(t, srv.URL, `{ a: stats(study: "sample") { documents } b: stats(study: "untitled") { documents } }`)
	if len(r.Errors) == 0 || r.Errors[0].Extensions["argument"] != "study" {
		t.Errorf("two studies in one request: %+v, want BAD_USER_INPUT naming study", r.Errors)
	}

	// Autocoding names its study too: refused without it, and under the
	// sample it codes at the sample's codes (the numbers below, human only,
	// stay each study's own).
	dict := filepath.Join(t.TempDir(), "funding.yaml")
	if err := os.WriteFile(dict, []byte("name: funding\ncodes:\n  - code: main-10\n    phrases: [资金, 经费]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := run(t, "autocode", "--dictionary", dict); err == nil || !strings.Contains(out+err.Error(), "--study") ||
		!strings.Contains(out+err.Error(), "instruments, sample, untitled") {
		t.Errorf("autocode without --study on three studies: %v\n%s\nwant an error about --study listing the studies", err, out)
	}
	if out := mustRun("autocode", "--dictionary", dict, "--study", "sample"); !strings.Contains(out, "18 documents") {
		t.Errorf("autocode --study sample: %s, want the sample's 18 documents coded", out)
	}
	var auto struct{ Counts []countRow }
	query(t, srv.URL, `{ counts(study: "sample", level: MAIN_CATEGORY, filter: {coders: ["auto:dict:funding"]}) { code { id name } referencePoints materialSources } }`, &auto)
	for _, c := range auto.Counts {
		if (c.Code.ID == "main-10") != (c.ReferencePoints > 0) {
			t.Errorf("the dictionary's codings under the sample: %s has %d reference points; want them at main-10 only", c.Code.ID, c.ReferencePoints)
		}
	}

	// Each study's numbers are its own.
	studyStats := func(id string) map[string]int {
		t.Helper()
		query(t, srv.URL, `{ stats(study: "`+id+`") { `+statsFields+` } }`, &stats)
		return stats.Stats
	}
	if got := studyStats("sample"); !reflect.DeepEqual(got, sampleAlone) {
		t.Errorf("the sample's stats among three studies %v, alone %v", got, sampleAlone)
	}
	if got := studyStats("untitled"); !reflect.DeepEqual(got, nvivoAlone) {
		t.Errorf("the NVivo project's stats among three studies %v, alone %v", got, nvivoAlone)
	}
	// The fixture, counted by hand (loaders/testdata/studies/instruments/README.md).
	wantInstruments := map[string]int{"cities": 3, "documents": 3, "codedSentences": 7, "codings": 7,
		"layers": 2, "mainCategories": 4, "categories": 4, "concepts": 5}
	got := studyStats("instruments")
	for k, v := range wantInstruments {
		if got[k] != v {
			t.Errorf("the second study's stats.%s = %d, want %d", k, got[k], v)
		}
	}
	var shared struct {
		Documents struct {
			Edges []struct {
				Node struct {
					ID            string
					SentenceCount int
					Studies       []string
				}
			}
		}
	}
	query(t, srv.URL, `{ documents(study: "instruments") { edges { node { id sentenceCount studies } } } }`, &shared)
	sentences := 0
	for _, e := range shared.Documents.Edges {
		sentences += e.Node.SentenceCount
		if !reflect.DeepEqual(e.Node.Studies, []string{"instruments", "sample"}) {
			t.Errorf("document %s is in %v, want [instruments sample]", e.Node.ID, e.Node.Studies)
		}
	}
	if len(shared.Documents.Edges) != 3 || got["sentences"] != sentences {
		t.Errorf("the second study has %d documents with %d sentences; its stats say %d", len(shared.Documents.Edges), sentences, got["sentences"])
	}
	inst := tables(`, study: "instruments"`)
	wantLayers := map[string][2]int{"Supply-side Instruments": {3, 3}, "Environment-side Instruments": {4, 2}}
	if !reflect.DeepEqual(inst["LAYER"], wantLayers) {
		t.Errorf("the second study's Table 4: %v, want %v", inst["LAYER"], wantLayers)
	}
	if got := tables(`, study: "sample"`); !reflect.DeepEqual(got, sampleTables) {
		t.Errorf("the sample's Tables 3-4 among three studies:\n%v\nalone:\n%v", got, sampleTables)
	}
	var code struct {
		Code struct {
			Name            string
			ReferencePoints int
		}
	}
	query(t, srv.URL, `{ code(ref: "layer-1", study: "instruments") { name referencePoints } }`, &code)
	if code.Code.Name != "Supply-side Instruments" || code.Code.ReferencePoints != 3 {
		t.Errorf("layer-1 of the second study: %+v, want Supply-side Instruments with 3 reference points", code.Code)
	}
	// Exports: the CLI's and /export/ take study too, and refuse to go
	// without it.
	if out, err := run(t, "export", "csv", "counts", "--level", "LAYER"); err == nil || !strings.Contains(err.Error(), "instruments, sample, untitled") {
		t.Errorf("export without --study: %v\n%s", err, out)
	}
	out = mustRun("export", "csv", "counts", "--level", "LAYER", "--study", "instruments")
	if !strings.Contains(out, "Supply-side Instruments") || strings.Contains(out, "Concept Guidance Level") {
		t.Errorf("export csv counts --study instruments:\n%s", out)
	}
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		return resp.StatusCode, b.String()
	}
	if code, body := get("/export/counts.csv?level=LAYER"); code != http.StatusBadRequest || !strings.Contains(body, "instruments, sample, untitled") {
		t.Errorf("/export/counts.csv without study: HTTP %d %s", code, body)
	}
	if code, body := get("/export/counts.csv?level=LAYER&study=sample"); code != http.StatusOK ||
		!strings.Contains(body, "Concept Guidance Level") || strings.Contains(body, "Supply-side Instruments") {
		t.Errorf("/export/counts.csv?study=sample: HTTP %d %s", code, body)
	}
	qdc := filepath.Join(t.TempDir(), "instruments.qdc")
	mustRun("export", "qdc", qdc, "--study", "instruments")
	if b, err := os.ReadFile(qdc); err != nil || !strings.Contains(string(b), "Supply-side Instruments") || strings.Contains(string(b), "Concept Guidance Level") {
		t.Errorf("export qdc --study instruments: %v\n%.300s", err, b)
	}

	out = mustRun("studies")
	for _, want := range []string{"instruments", "sample", "untitled", "import:nvivo"} {
		if !strings.Contains(out, want) {
			t.Errorf("policykb studies lacks %q:\n%s", want, out)
		}
	}

	// Wiping one study leaves the others' numbers as they were.
	mustRun("wipe", "--yes", "--study", "instruments")
	if n := documentNodes(t, uri); n != 20 {
		t.Errorf("%d Document nodes after wiping the second study, want 20: its documents are the sample's", n)
	}
	if got := tables(`, study: "sample"`); !reflect.DeepEqual(got, sampleTables) {
		t.Errorf("the sample's Tables 3-4 after wiping the second study:\n%v\nbefore:\n%v", got, sampleTables)
	}
	if got := studyStats("untitled"); !reflect.DeepEqual(got, nvivoAlone) {
		t.Errorf("the NVivo project's stats after wiping the second study %v, want %v", got, nvivoAlone)
	}
	mustRun("wipe", "--yes", "--study", "untitled")
	if n := documentNodes(t, uri); n != 18 {
		t.Errorf("%d Document nodes after wiping the NVivo project, want 18", n)
	}
	// One study again: questions need no study.
	query(t, srv.URL, `{ stats { `+statsFields+` } }`, &stats)
	if !reflect.DeepEqual(stats.Stats, sampleAlone) {
		t.Errorf("the sample alone again: %v, want %v", stats.Stats, sampleAlone)
	}
	checkPaper("the sample after the others were wiped", tables(""))
}

// TestImportSharesDocuments imports the NVivo project twice, the second
// time as another study, then exports the first study to REFI-QDA and
// imports that as a third (its sources have new ids): the documents are
// stored once, the three studies include them, and their numbers are the
// same.
func TestImportSharesDocuments(t *testing.T) {
	uri := testURI(t)
	nvivo := filepath.Join(testshared.Dir(t, "refi-qda/samples"), "nvivo12win_oltas0517.qdpx")
	for _, args := range [][]string{{"wipe", "--yes"}, {"import", "qdpx", nvivo}, {"import", "qdpx", nvivo, "--study", "Second look"}} {
		if out, err := run(t, args...); err != nil {
			t.Fatalf("policykb %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	// A REFI-QDA round trip of one study into a third: the export's
	// sources have new ids, their texts are the stored documents'.
	file := filepath.Join(t.TempDir(), "untitled.qdpx")
	for _, args := range [][]string{{"export", "qdpx", file, "--study", "untitled"}, {"import", "qdpx", file, "--study", "Round trip"}} {
		if out, err := run(t, args...); err != nil {
			t.Fatalf("policykb %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	if n := documentNodes(t, uri); n != 2 {
		t.Errorf("%d Document nodes after importing the project as two studies and a round trip, want 2", n)
	}
	srv := serveFresh(t, uri)
	var r struct {
		A, B struct {
			Documents, Sentences, CodedSentences, Codings, Concepts int
		}
		Documents struct {
			Edges []struct{ Node struct{ Studies []string } }
		}
	}
	query(t, srv.URL, `{ a: stats(study: "untitled") { documents sentences codedSentences codings concepts } }`, &struct {
		A *struct {
			Documents, Sentences, CodedSentences, Codings, Concepts int
		}
	}{&r.A})
	query(t, srv.URL, `{ b: stats(study: "second-look") { documents sentences codedSentences codings concepts } }`, &struct {
		B *struct {
			Documents, Sentences, CodedSentences, Codings, Concepts int
		}
	}{&r.B})
	if r.A != r.B || r.A.Documents != 2 || r.A.Codings == 0 {
		t.Errorf("the first import's stats %+v, the second's %+v: want the same, 2 documents", r.A, r.B)
	}
	query(t, srv.URL, `{ b: stats(study: "round-trip") { documents sentences codedSentences codings concepts } }`, &struct {
		B *struct {
			Documents, Sentences, CodedSentences, Codings, Concepts int
		}
	}{&r.B})
	if r.A != r.B {
		t.Errorf("the round trip's stats %+v, the study exported %+v", r.B, r.A)
	}
	query(t, srv.URL, `{ documents(study: "second-look") { edges { node { studies } } } }`, &r)
	for _, e := range r.Documents.Edges {
		if strings.Join(e.Node.Studies, ",") != "round-trip,second-look,untitled" {
			t.Errorf("a document of the project is in %v, want the three studies", e.Node.Studies)
		}
	}
}
