package exports_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"math"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/exports"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/testneo4j"
	"github.com/policykb/policykb/loaders"
)

// table is an export read back, whatever its format: the header, and each
// row as text keyed by column (an empty cell and JSON null read as "").
type table struct {
	header []string
	rows   []map[string]string
}

func runExport(t *testing.T, s *graph.Store, tableName, query string, f exports.Format) table {
	t.Helper()
	q, err := url.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	req, err := exports.ParseRequest(tableName, q)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	n, err := exports.Write(context.Background(), s, req, f, &buf)
	if err != nil {
		t.Fatal(err)
	}
	tb := parseExport(t, buf.Bytes(), f, tableName)
	if len(tb.rows) != n {
		t.Errorf("Write said %d rows, the file has %d", n, len(tb.rows))
	}
	return tb
}

// parseExport reads CSV (BOM stripped) with encoding/csv, XLSX with
// excelize, JSON with encoding/json.
func parseExport(t *testing.T, b []byte, f exports.Format, sheet string) table {
	t.Helper()
	var recs [][]string
	switch f {
	case exports.CSV:
		if !bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")) {
			t.Fatal("CSV without a BOM")
		}
		var err error
		if recs, err = csv.NewReader(bytes.NewReader(b[3:])).ReadAll(); err != nil {
			t.Fatal(err)
		}
	case exports.XLSX:
		x, err := excelize.OpenReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		if recs, err = x.GetRows(sheet, excelize.Options{RawCellValue: true}); err != nil {
			t.Fatal(err)
		}
		if panes, err := x.GetPanes(sheet); err != nil || !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("header not frozen: %+v %v", panes, err)
		}
	case exports.JSON:
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		var objs []map[string]any
		if err := dec.Decode(&objs); err != nil {
			t.Fatal(err)
		}
		tb := table{}
		for _, o := range objs {
			row := map[string]string{}
			for k, v := range o {
				switch x := v.(type) {
				case nil:
					row[k] = ""
				case string:
					row[k] = x
				case json.Number:
					row[k] = x.String()
				default:
					t.Fatalf("unexpected JSON value %v", v)
				}
			}
			tb.rows = append(tb.rows, row)
		}
		return tb
	}
	tb := table{header: recs[0]}
	for _, r := range recs[1:] {
		row := map[string]string{}
		for i, h := range tb.header {
			if i < len(r) {
				row[h] = r[i]
			} else {
				row[h] = "" // excelize drops trailing empty cells
			}
		}
		tb.rows = append(tb.rows, row)
	}
	return tb
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("%q is not an integer", s)
	}
	return n
}

// TestExportsOnSample exports the sample study in every format and
// compares what reads back with the graph's own answers.
func TestExportsOnSample(t *testing.T) {
	s := testneo4j.EmptyStore(t, 0)
	ctx := context.Background()
	if _, err := loaders.Load(ctx, s, loaders.SampleInput("../data/sample"), loaders.Options{}); err != nil {
		t.Fatal(err)
	}
	codes, err := s.Codes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]policykb.Code{}
	for _, c := range codes {
		byID[c.ID] = c
	}
	// The paper's Table 3, main categories 1–11.
	table3 := []int{31, 36, 62, 20, 109, 47, 29, 17, 13, 24, 18}
	mainCounts, err := s.Counts(ctx, policykb.LevelMainCategory, policykb.CorpusFilter{})
	if err != nil {
		t.Fatal(err)
	}
	linlan := policykb.CorpusFilter{Cities: []string{"Linlan"}}
	conceptLinlan, err := s.Counts(ctx, policykb.LevelConcept, linlan)
	if err != nil {
		t.Fatal(err)
	}
	// Every coding, from the graph: sentence|code|coder, and the texts.
	coded := true
	sentences, total, err := s.Sentences(ctx, graph.SentenceQuery{Coded: &coded}, graph.Page{Limit: 5000})
	if err != nil || total != 406 {
		t.Fatalf("%d coded sentences, %v; want 406", total, err)
	}
	texts := map[string]string{}
	var ids []string
	for _, st := range sentences {
		texts[st.ID] = st.Text
		ids = append(ids, st.ID)
	}
	codings, err := s.CodingsBySentence(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	var wantCodings []string
	for _, cs := range codings {
		for _, c := range cs {
			wantCodings = append(wantCodings, c.SentenceID+"|"+c.CodeID+"|"+c.Coder)
		}
	}
	slices.Sort(wantCodings)

	for _, f := range exports.Formats {
		t.Run(string(f), func(t *testing.T) {
			t.Run("counts MAIN_CATEGORY", func(t *testing.T) {
				tb := runExport(t, s, "counts", "level=MAIN_CATEGORY", f)
				var refs []int
				for i, r := range tb.rows {
					refs = append(refs, atoi(t, r["reference_points"]))
					if r["code_id"] != mainCounts[i].CodeID || atoi(t, r["material_sources"]) != mainCounts[i].MaterialSources {
						t.Errorf("row %d: %v, want %+v", i, r, mainCounts[i])
					}
					if want := byID[r["code_id"]]; r["name"] != want.Name || r["name_zh"] != want.NameZh || r["parent"] != byID[want.Parent].Name {
						t.Errorf("row %d names: %v, want %+v", i, r, want)
					}
				}
				if !reflect.DeepEqual(refs, table3) {
					t.Errorf("reference points %v, want Table 3's %v", refs, table3)
				}
			})
			t.Run("counts CONCEPT for Linlan", func(t *testing.T) {
				tb := runExport(t, s, "counts", "level=CONCEPT&city=Linlan", f)
				if len(tb.rows) != len(conceptLinlan) {
					t.Fatalf("%d rows, want %d", len(tb.rows), len(conceptLinlan))
				}
				for i, r := range tb.rows {
					c := conceptLinlan[i]
					if r["code_id"] != c.CodeID || atoi(t, r["reference_points"]) != c.ReferencePoints || atoi(t, r["material_sources"]) != c.MaterialSources {
						t.Errorf("row %d: %v, want %+v", i, r, c)
					}
				}
			})
			t.Run("codings of coder A", func(t *testing.T) {
				tb := runExport(t, s, "codings", "coder=A", f)
				if len(tb.rows) != 427 {
					t.Errorf("%d rows, want 427", len(tb.rows))
				}
				var got []string
				perMain := map[string]map[string]bool{} // main category → sentences
				for _, r := range tb.rows {
					got = append(got, r["sentence_id"]+"|"+r["code_id"]+"|"+r["coder"])
					if r["sentence_text"] != texts[r["sentence_id"]] {
						t.Errorf("%s: text %q, want %q", r["sentence_id"], r["sentence_text"], texts[r["sentence_id"]])
					}
					concept := byID[r["code_id"]]
					category := byID[concept.Parent]
					main := byID[category.Parent]
					layer := byID[main.Parent]
					if r["concept"] != concept.Name || r["category"] != category.Name || r["main_category"] != main.Name ||
						r["layer"] != layer.Name || r["layer_zh"] != layer.NameZh || r["code_level"] != "CONCEPT" {
						t.Errorf("%s %s: path %v", r["sentence_id"], r["code_id"], r)
					}
					if r["city"] == "" || r["document_id"] == "" || r["issued_on"] == "" || r["origin"] != "manual" {
						t.Errorf("row lacks city, document, date or origin: %v", r)
					}
					if perMain[r["main_category"]] == nil {
						perMain[r["main_category"]] = map[string]bool{}
					}
					perMain[r["main_category"]][r["sentence_id"]] = true
				}
				slices.Sort(got)
				if !reflect.DeepEqual(got, wantCodings) {
					t.Errorf("codings differ from the graph's: %d exported, %d in the graph", len(got), len(wantCodings))
				}
				// The distinct sentences under each main category are its
				// reference points: Table 3 again, from the long table.
				for i, c := range mainCounts {
					if n := len(perMain[byID[c.CodeID].Name]); n != table3[i] {
						t.Errorf("%s: %d distinct sentences in the codings export, want %d", c.CodeID, n, table3[i])
					}
				}
			})
			t.Run("codings of nobody", func(t *testing.T) {
				// A coder with no coding is a mistake to report, not an
				// empty table; nothing is written.
				req, err := exports.ParseRequest("codings", url.Values{"coder": {"nobody"}})
				if err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				_, err = exports.Write(context.Background(), s, req, f, &buf)
				var pe *policykb.Error
				if !errors.As(err, &pe) || pe.Code != policykb.EInvalid || pe.Argument != "coder" || !strings.HasPrefix(pe.Message, `no coding is by the coder "nobody"`) {
					t.Errorf("got %v, want BAD_USER_INPUT naming coder", err)
				}
				if buf.Len() != 0 {
					t.Errorf("%d bytes written before the error", buf.Len())
				}
			})
			for _, measure := range []policykb.Measure{policykb.MeasureReferencePoints, policykb.MeasureShare} {
				t.Run("matrix "+measure.String(), func(t *testing.T) {
					m, err := s.Matrix(ctx, graph.MatrixQuery{Rows: policykb.LevelMainCategory, Columns: policykb.DimensionCity, Measure: measure})
					if err != nil {
						t.Fatal(err)
					}
					tb := runExport(t, s, "matrix", "rows=MAIN_CATEGORY&columns=CITY&measure="+measure.String(), f)
					if len(tb.rows) != len(m.Rows)+1 {
						t.Fatalf("%d rows, want %d codes and the totals row", len(tb.rows), len(m.Rows)+1)
					}
					num := func(s string) float64 {
						v, err := strconv.ParseFloat(s, 64)
						if err != nil {
							t.Fatalf("%q is not a number", s)
						}
						return v
					}
					near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b)) }
					for i, c := range m.Rows {
						r := tb.rows[i]
						if r["code_id"] != c.ID || r["code"] != c.Name {
							t.Errorf("row %d is %s %s, want %s", i, r["code_id"], r["code"], c.ID)
						}
						for j, col := range m.Columns {
							if got := num(r[col]); !near(got, m.Cells[i][j]) {
								t.Errorf("cell %s × %s = %v, want %v", c.ID, col, got, m.Cells[i][j])
							}
						}
						if got := num(r["total"]); !near(got, m.RowTotals[i]) {
							t.Errorf("row total %s = %v, want %v", c.ID, got, m.RowTotals[i])
						}
						if measure == policykb.MeasureReferencePoints && m.RowTotals[i] != float64(table3[i]) {
							t.Errorf("row total %s = %v, want Table 3's %d", c.ID, m.RowTotals[i], table3[i])
						}
					}
					last := tb.rows[len(m.Rows)]
					if last["code"] != "total" || last["code_id"] != "" || last["total"] != "" {
						t.Errorf("totals row %v", last)
					}
					for j, col := range m.Columns {
						if got := num(last[col]); !near(got, m.ColumnTotals[j]) {
							t.Errorf("column total %s = %v, want %v", col, got, m.ColumnTotals[j])
						}
					}
				})
			}
		})
	}
}
