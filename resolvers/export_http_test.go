package resolvers_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/testneo4j"
	"github.com/policykb/policykb/loaders"
)

type exportResponse struct {
	status int
	header http.Header
	body   []byte
}

func getExport(t *testing.T, e *env, path string) exportResponse {
	t.Helper()
	resp, err := e.srv.Client().Get(e.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return exportResponse{resp.StatusCode, resp.Header, body}
}

func readExportCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")) {
		t.Fatalf("CSV without a UTF-8 BOM: %q", b[:min(len(b), 20)])
	}
	recs, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// TestExportEndpoints serves the sample study and checks the /export URLs
// against the answers of GraphQL and of graph.Store.Matrix.
func TestExportEndpoints(t *testing.T) {
	s := testneo4j.EmptyStore(t, 0)
	ctx := context.Background()
	if _, err := loaders.Load(ctx, s, loaders.SampleInput("../data/sample"), loaders.Options{}); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, s, nil)

	t.Run("counts CSV equals GraphQL counts", func(t *testing.T) {
		r := getExport(t, e, "/export/counts.csv?level=MAIN_CATEGORY&city=Linlan")
		if r.status != http.StatusOK {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		if ct := r.header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
			t.Errorf("Content-Type %q", ct)
		}
		if cd := r.header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="counts-main_category.csv"`) {
			t.Errorf("Content-Disposition %q", cd)
		}
		var data struct {
			Counts []struct {
				Code struct {
					ID string `json:"id"`
				} `json:"code"`
				ReferencePoints int `json:"referencePoints"`
				MaterialSources int `json:"materialSources"`
			} `json:"counts"`
		}
		raw := e.ok(t, `{ counts(level: MAIN_CATEGORY, filter: {cities: ["Linlan"]}) { code { id } referencePoints materialSources } }`, nil)
		if err := json.Unmarshal(raw, &data); err != nil {
			t.Fatal(err)
		}
		recs := readExportCSV(t, r.body)
		if len(recs) != 1+len(data.Counts) {
			t.Fatalf("%d records, want the header and %d", len(recs), len(data.Counts))
		}
		for i, c := range data.Counts {
			rec := recs[i+1] // code_id ... reference_points, material_sources
			if rec[0] != c.Code.ID || rec[7] != strconv.Itoa(c.ReferencePoints) || rec[8] != strconv.Itoa(c.MaterialSources) {
				t.Errorf("row %d: %v, want %+v", i, rec, c)
			}
		}
	})

	t.Run("codings JSON has every coding, streamed", func(t *testing.T) {
		r := getExport(t, e, "/export/codings.json")
		if r.status != http.StatusOK {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		var rows []map[string]any
		if err := json.Unmarshal(r.body, &rows); err != nil {
			t.Fatal(err)
		}
		var data struct {
			Stats struct{ Codings int } `json:"stats"`
		}
		if err := json.Unmarshal(e.ok(t, `{ stats { codings } }`, nil), &data); err != nil {
			t.Fatal(err)
		}
		if len(rows) != data.Stats.Codings || len(rows) != 427 {
			t.Errorf("%d rows; stats says %d codings, the sample has 427", len(rows), data.Stats.Codings)
		}
		// Larger than what is held back: sent in chunks as it was written,
		// without a Content-Length.
		if len(r.body) <= 64<<10 || r.header.Get("Content-Length") != "" {
			t.Errorf("%d bytes with Content-Length %q: want a chunked response over 64 KiB", len(r.body), r.header.Get("Content-Length"))
		}
	})

	t.Run("matrix XLSX equals graph.Matrix", func(t *testing.T) {
		r := getExport(t, e, "/export/matrix.xlsx?rows=LAYER&columns=PROVINCE&measure=MATERIAL_SOURCES&from=2023-01-01")
		if r.status != http.StatusOK {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		from := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
		m, err := s.Matrix(ctx, graph.MatrixQuery{Rows: policykb.LevelLayer, Columns: policykb.DimensionProvince,
			Measure: policykb.MeasureMaterialSources, Filter: policykb.CorpusFilter{IssuedFrom: &from}})
		if err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(bytes.NewReader(r.body))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		rows, err := x.GetRows("matrix", excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != len(m.Rows)+2 || len(rows[0]) != 3+len(m.Columns)+1 {
			t.Fatalf("%d×%d sheet, want %d×%d", len(rows), len(rows[0]), len(m.Rows)+2, 3+len(m.Columns)+1)
		}
		for i := range m.Rows {
			for j, col := range m.Columns {
				if rows[0][3+j] != col || rows[i+1][3+j] != strconv.FormatFloat(m.Cells[i][j], 'f', -1, 64) {
					t.Errorf("cell %d,%d: %s = %s, want %s = %v", i, j, rows[0][3+j], rows[i+1][3+j], col, m.Cells[i][j])
				}
			}
		}
	})

	t.Run("refusals", func(t *testing.T) {
		for _, tt := range []struct {
			path   string
			status int
			code   policykb.ErrorCode
			arg    string
		}{
			{"/export/counts.csv", 400, policykb.EInvalid, "level"},
			{"/export/counts.json?level=LAYR", 400, policykb.EInvalid, "level"},
			{"/export/matrix.xlsx?rows=LAYER&measure=MEAN", 400, policykb.EInvalid, "measure"},
			{"/export/codings.csv?form=2023-01-01", 400, policykb.EInvalid, "form"},
			{"/export/codings.csv?to=yesterday", 400, policykb.EInvalid, "to"},
			// Names the knowledge base does not hold, instead of an empty table.
			{"/export/codings.csv?city=Nowhere", 400, policykb.EInvalid, "city"},
			{"/export/counts.json?level=LAYER&city=Linlan,Linln", 400, policykb.EInvalid, "city"},
			{"/export/matrix.csv?rows=LAYER&province=Province+C", 400, policykb.EInvalid, "province"},
			{"/export/codings.xlsx?document=d9", 400, policykb.EInvalid, "document"},
			{"/export/codings.csv?coder=carol", 400, policykb.EInvalid, "coder"},
			{"/export/codings.csv?=Linlan", 400, policykb.EInvalid, "query"},
			{"/export/codes.csv", 404, policykb.ENotFound, ""},
			{"/export/codings.pdf", 404, policykb.ENotFound, ""},
			{"/export/codings", 404, policykb.ENotFound, ""},
		} {
			r := getExport(t, e, tt.path)
			var body gqlResponse
			if err := json.Unmarshal(r.body, &body); err != nil || len(body.Errors) != 1 {
				t.Errorf("%s: %d %s", tt.path, r.status, r.body)
				continue
			}
			ext := body.Errors[0].Extensions
			if r.status != tt.status || ext["code"] != string(tt.code) || (tt.arg != "" && ext["argument"] != tt.arg) {
				t.Errorf("%s: %d %s, want %d %s naming %q", tt.path, r.status, r.body, tt.status, tt.code, tt.arg)
			}
			if tt.path == "/export/counts.json?level=LAYER&city=Linlan,Linln" && body.Errors[0].Message != `no city is called "Linln" (nearest: "Linlan")` {
				t.Errorf("%s: message %q", tt.path, body.Errors[0].Message)
			}
			if r.header.Get("Content-Disposition") != "" {
				t.Errorf("%s: an error response names a file to save", tt.path)
			}
		}
	})

	t.Run("bounded by the server's timeout", func(t *testing.T) {
		opts := testOptions(io.Discard)
		opts.Timeout = time.Nanosecond // over before the first query
		short := newEnv(t, s, &opts)
		r := getExport(t, short, "/export/codings.csv")
		if r.status != http.StatusGatewayTimeout || !strings.Contains(string(r.body), `"TIMEOUT"`) {
			t.Errorf("%d %s, want 504 TIMEOUT", r.status, r.body)
		}
	})
}
