package exports

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/policykb/policykb"
)

// A synthetic table with the values that break naive writers: a comma, a
// quote, a line break, Chinese text, an empty cell, integers and a float.
var (
	testCols = []Column{{"name", 10}, {"text", 30}, {"n", 5}, {"share", 8}}
	testRows = [][]any{
		{"Linlan", "坚持政府统筹，产业牵引。", 31, 0.25},
		{`a "quoted", comma`, "line one\nline two", nil, 1.0 / 3},
		{"empty", nil, 0, 0.0},
	}
	// As text: what CSV holds, what XLSX cells read back as.
	testText = [][]string{
		{"name", "text", "n", "share"},
		{"Linlan", "坚持政府统筹，产业牵引。", "31", "0.25"},
		{`a "quoted", comma`, "line one\nline two", "", "0.3333333333333333"},
		{"empty", "", "0", "0"},
	}
)

func writeTable(t *testing.T, f Format) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw, err := NewTableWriter(f, &buf, "test")
	if err != nil {
		t.Fatal(err)
	}
	if err := tw.Header(testCols); err != nil {
		t.Fatal(err)
	}
	for _, r := range testRows {
		if err := tw.Row(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// ReadCSV parses an export's CSV: the BOM first, then RFC 4180.
func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")) {
		t.Fatalf("CSV does not start with a UTF-8 BOM: % x", b[:min(len(b), 8)])
	}
	recs, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestCSVWriter(t *testing.T) {
	b := writeTable(t, CSV)
	if got := readCSV(t, b); !reflect.DeepEqual(got, testText) {
		t.Errorf("CSV read back\n%q\nwant\n%q", got, testText)
	}
	if !bytes.Contains(b, []byte("0.25\r\n")) {
		t.Errorf("CSV lines do not end in CRLF:\n%q", b)
	}
}

func TestJSONWriter(t *testing.T) {
	b := writeTable(t, JSON)
	var got []map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	want := []map[string]any{
		{"name": "Linlan", "text": "坚持政府统筹，产业牵引。", "n": 31.0, "share": 0.25},
		{"name": `a "quoted", comma`, "text": "line one\nline two", "n": nil, "share": 1.0 / 3},
		{"name": "empty", "text": nil, "n": 0.0, "share": 0.0},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("JSON read back\n%v\nwant\n%v", got, want)
	}
	// Keys keep the column order.
	if !bytes.HasPrefix(b, []byte(`[`+"\n"+`{"name":"Linlan","text":`)) {
		t.Errorf("JSON does not start with the first row in column order:\n%s", b)
	}
	// An empty table is an empty array.
	var buf bytes.Buffer
	tw, _ := NewTableWriter(JSON, &buf, "")
	tw.Header(testCols)
	tw.Close()
	var empty []any
	if err := json.Unmarshal(buf.Bytes(), &empty); err != nil || empty == nil || len(empty) != 0 {
		t.Errorf("empty table: %q → %v, %v", buf.String(), empty, err)
	}
}

func TestXLSXWriter(t *testing.T) {
	b := writeTable(t, XLSX)
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{"test"}) {
		t.Errorf("sheets %v, want [test]", got)
	}
	rows, err := f.GetRows("test", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	// GetRows drops trailing empty cells: pad to the header's width.
	for i := range rows {
		for len(rows[i]) < len(testCols) {
			rows[i] = append(rows[i], "")
		}
	}
	// Excel keeps 15 significant digits.
	want := append([][]string{}, testText...)
	want[2] = []string{want[2][0], want[2][1], want[2][2], "0.333333333333333"}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("XLSX read back\n%q\nwant\n%q", rows, want)
	}
	assertXLSXHeader(t, f, "test")
	// Numbers are numbers, not text.
	if typ, _ := f.GetCellType("test", "C2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("C2 has type %v, want a number", typ)
	}
}

// assertXLSXHeader checks the bold header row frozen above the data.
func assertXLSXHeader(t *testing.T, f *excelize.File, sheet string) {
	t.Helper()
	panes, err := f.GetPanes(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
		t.Errorf("panes %+v, want the first row frozen", panes)
	}
	id, err := f.GetCellStyle(sheet, "A1")
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if st.Font == nil || !st.Font.Bold {
		t.Errorf("header cell A1 is not bold: %+v", st.Font)
	}
}

func TestXLSXTooManyRows(t *testing.T) {
	var buf bytes.Buffer
	tw, _ := NewTableWriter(XLSX, &buf, "big")
	x := tw.(*xlsxWriter)
	tw.Header(testCols)
	x.row = xlsxMaxRows // as if the sheet were full
	err := tw.Row(testRows[0])
	if policykb.ErrorCodeOf(err) != policykb.EInvalid || !strings.Contains(err.Error(), "export CSV or JSON") {
		t.Errorf("row past the sheet's end: %v", err)
	}
	x.f.Close()
}

func TestTruncateUTF16(t *testing.T) {
	// 𠮷 is outside the BMP: two UTF-16 units.
	for _, tt := range []struct {
		s    string
		max  int
		want string
	}{{"abc", 2, "ab"}, {"a𠮷b", 2, "a"}, {"a𠮷b", 3, "a𠮷"}, {"临澜", 5, "临澜"}} {
		if got := truncateUTF16(tt.s, tt.max); got != tt.want {
			t.Errorf("truncateUTF16(%q, %d) = %q, want %q", tt.s, tt.max, got, tt.want)
		}
	}
}

func TestParseRequest(t *testing.T) {
	day := func(s string) string { return s }
	tests := []struct {
		table   string
		query   string
		want    string // Request fields that matter, formatted
		wantArg string // the argument an error names
	}{
		{"codings", "", "codings filter{}", ""},
		{"Codings", "city=Linlan&city=溪川市,Tingyang&coder=A&from=2023-01-01&to=2023-12-31", "codings filter{cities:[Linlan 溪川市 Tingyang] coders:[A] from:2023-01-01 to:2023-12-31}", ""},
		{"counts", "level=main_category&province=Zhejiang", "counts MAIN_CATEGORY filter{provinces:[Zhejiang]}", ""},
		{"matrix", "rows=LAYER", "matrix LAYER×CITY REFERENCE_POINTS filter{}", ""},
		{"matrix", "rows=concept&columns=doc-type&measure=per 1000 sentences&document=d01", "matrix CONCEPT×DOC_TYPE PER_1000_SENTENCES filter{documents:[d01]}", ""},
		{"counts", "", "", "level"},
		{"counts", "level=LAYR", "", "level"},
		{"counts", "level=LAYER&level=CONCEPT", "", "level"},
		{"codings", "level=LAYER", "", "level"},
		{"counts", "rows=LAYER&level=LAYER", "", "rows"},
		{"matrix", "", "", "rows"},
		{"matrix", "rows=LAYER&columns=COUNTY", "", "columns"},
		{"matrix", "rows=LAYER&measure=SUM", "", "measure"},
		{"codings", "cities=Linlan", "", "cities"},
		{"codings", "from=2023-02-30", "", "from"},
		{"codings", "from=2023-06-01&to=2023-01-01", "", "to"},
		{"tables", "", "", "table"},
	}
	for _, tt := range tests {
		t.Run(tt.table+"?"+tt.query, func(t *testing.T) {
			q, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			req, err := ParseRequest(tt.table, q)
			if tt.wantArg != "" {
				var pe *policykb.Error
				if !errors.As(err, &pe) || pe.Code != policykb.EInvalid || pe.Argument != tt.wantArg {
					t.Fatalf("error %v, want BAD_USER_INPUT naming %s", err, tt.wantArg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := describe(req); got != day(tt.want) {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func describe(r Request) string {
	out := string(r.Table)
	switch r.Table {
	case Counts:
		out += " " + r.Level.String()
	case Matrix:
		out += " " + r.Rows.String() + "×" + r.Columns.String() + " " + r.Measure.String()
	}
	var parts []string
	f := r.Filter
	for _, l := range []struct {
		k string
		v []string
	}{{"cities", f.Cities}, {"provinces", f.Provinces}, {"documents", f.Documents}, {"coders", f.Coders}} {
		if len(l.v) > 0 {
			parts = append(parts, l.k+":["+strings.Join(l.v, " ")+"]")
		}
	}
	if f.IssuedFrom != nil {
		parts = append(parts, "from:"+f.IssuedFrom.Format("2006-01-02"))
	}
	if f.IssuedTo != nil {
		parts = append(parts, "to:"+f.IssuedTo.Format("2006-01-02"))
	}
	return out + " filter{" + strings.Join(parts, " ") + "}"
}

func TestFileName(t *testing.T) {
	r := Request{Table: Matrix, Rows: policykb.LevelMainCategory, Columns: policykb.DimensionCity, Measure: policykb.MeasureShare}
	if got := r.FileName(JSON); got != "matrix-main_category-city-share.json" {
		t.Errorf("FileName = %q", got)
	}
	if got := (Request{Table: Codings}).FileName(CSV); got != "codings.csv" {
		t.Errorf("FileName = %q", got)
	}
}
