package resolvers_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/policykb/policykb/resolvers"
)

// TestDirectAnswers checks that the answers written directly (direct.go)
// are graphql-go's, byte for byte, status and all: each query is asked of
// a handler that answers directly and of one that runs every query
// through graphql-go, over the fixture. The queries cover every field
// written directly, aliases, __typename, nulls, Chinese names, variables,
// filters, every measure, and queries that fail (an unknown code, city or
// level, a missing variable) or that run through graphql-go after all.
func TestDirectAnswers(t *testing.T) {
	s := openStore(t)
	direct := newEnv(t, s, nil)
	h, err := resolvers.NewHandler(s, testOptions(io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	resolvers.NoDirect(h)
	plain := httptest.NewServer(h)
	defer plain.Close()

	// A user-visible answer first (main-2, Fund Support: Linlan {d1#2 d1#3
	// d2#0}, Tingyang {d4#0}, Xichuan {d3#1}; most references first).
	data := direct.ok(t, `{ citiesCiting(code: "Fund Support") { __typename city { name nameZh province } referencePoints materialSources } }`, nil)
	assertJSON(t, data, `{"citiesCiting": [
		{"__typename": "CityCitation", "city": {"name": "Linlan", "nameZh": "临澜市", "province": "Province A"}, "referencePoints": 3, "materialSources": 2},
		{"__typename": "CityCitation", "city": {"name": "Tingyang", "nameZh": "汀阳市", "province": "Province B"}, "referencePoints": 1, "materialSources": 1},
		{"__typename": "CityCitation", "city": {"name": "Xichuan", "nameZh": "溪川市", "province": "Province A"}, "referencePoints": 1, "materialSources": 1}]}`)

	cities := []string{"Linlan", "汀阳市", "xichuan"}
	for _, q := range []struct {
		query string
		vars  map[string]any
	}{
		{`{ citiesCiting(code: "Fund Support") { city { name } referencePoints materialSources } }`, nil},
		{`query($c: String!) { x: citiesCiting(code: $c, minReferences: 2) { n: referencePoints __typename c: city { __typename zh: nameZh name } } }`, map[string]any{"c": "资金支持"}},
		{`{ citiesCiting(code: "main-2", filter: {issuedFrom: "2024-01-01", provinces: ["province a"]}) { city { name } referencePoints } }`, nil},
		{`{ citiesCiting(code: "con-5") { city { name } } }`, nil},
		{`{ citiesCiting(code: "no such code") { city { name } } }`, nil},
		{`{ citiesCiting(code: "joint training") { city { name } } }`, nil},
		{`{ citiesCiting(code: "main-2", filter: {cities: ["Nowhere"]}) { city { name } } }`, nil},
		{`query($c: String!) { citiesCiting(code: $c) { city { name } } }`, nil},
		{`{ citiesCiting(code: "main-2") { city { name } documents { id } } }`, nil},
		{`{ counts(level: CONCEPT) { __typename code { __typename id name level number nameZh source } referencePoints materialSources } }`, nil},
		{`query($f: CorpusFilter) { counts(level: CATEGORY, filter: $f) { code { id } referencePoints } }`, map[string]any{"f": map[string]any{"cities": cities}}},
		{`{ counts(level: NOPE) { code { id } } }`, nil},
		{`{ cooccurrence(level: CONCEPT) { a { id name } b { id nameZh } count countA countB cCoefficient } }`, nil},
		{`{ cooccurrence(level: MAIN_CATEGORY, scope: DOCUMENT, codes: ["main-2", "main-3"]) { __typename a { id } b { id } count cCoefficient } }`, nil},
		{`{ cooccurrence(level: CONCEPT, minCount: 0) { count } }`, nil},
		{`{ matrix(rows: CATEGORY, columns: CITY) { __typename rows { id name number } columns cells rowTotals columnTotals } }`, nil},
		{`{ matrix(rows: CONCEPT, columns: PROVINCE, measure: SHARE) { rows { id } columns cells rowTotals columnTotals } }`, nil},
		{`{ matrix(rows: MAIN_CATEGORY, columns: YEAR, measure: PER_THOUSAND) { rows { id } columns cells rowTotals columnTotals } }`, nil},
		{`{ matrix(rows: LAYER, columns: DOCUMENT, measure: MATERIAL_SOURCES) { rows { id } columns cells } }`, nil},
		{`{ matrix(rows: MAIN_CATEGORY, columns: CITY, measure: PRESENCE, filter: {cities: ["Linlan", "Beiling"]}) { columns cells rowTotals columnTotals } }`, nil},
		{`{ matrix(rows: MAIN_CATEGORY, columns: CITY) { cells cell(row: "main-2", column: "Linlan") { value } } }`, nil},
		{`query($c: [String!]) { compareCities(cities: $c, level: MAIN_CATEGORY) { __typename level frame frameLevel cities { name nameZh }
			rows { code { id } cells { city { name } referencePoints materialSources share } } similarity { a { name } b { name } cosine } } }`, map[string]any{"c": cities}},
		{`{ compareCities(level: CONCEPT) { rows { code { id } cells { share } } similarity { cosine } } }`, nil},
		{`{ compareCities(cities: ["Beiling", "Linlan"], level: LAYER) { rows { cells { referencePoints share } } similarity { cosine } } }`, nil},
		{`{ compareCities(cities: ["Linlan", "Nowhere"], level: LAYER) { level } }`, nil},
		{`{ compareCities(cities: ["Linlan"]) { level } }`, nil},
		{`{ similarity(level: MAIN_CATEGORY) { __typename a { name nameZh } b { name province } cosine } }`, nil},
		{`query($f: CorpusFilter) { s: similarity(level: CONCEPT, filter: $f) { a { name } c: cosine } }`, map[string]any{"f": map[string]any{"provinces": []string{"Province A"}}}},
		{`{ similarity(level: MAIN_CATEGORY, frameLevel: {frame: "codebook", level: "LAYER"}) { cosine } }`, nil},
	} {
		body, _ := json.Marshal(map[string]any{"query": q.query, "variables": q.vars})
		gotStatus, got := postRaw(t, direct.srv.URL, body)
		wantStatus, want := postRaw(t, plain.URL, body)
		if gotStatus != wantStatus || !bytes.Equal(got, want) {
			t.Errorf("%s\nanswered directly (HTTP %d):\n%s\nby graphql-go (HTTP %d):\n%s", q.query, gotStatus, got, wantStatus, want)
		}
	}
}

func postRaw(t *testing.T, url string, body []byte) (int, []byte) {
	t.Helper()
	resp, err := http.Post(url+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, raw
}
