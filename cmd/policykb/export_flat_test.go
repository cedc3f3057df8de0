package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/policykb/policykb/internal/testneo4j"
)

// TestExportFlat runs `policykb export csv|xlsx|json` on the sample study.
func TestExportFlat(t *testing.T) {
	testURI(t)
	testneo4j.EmptyStore(t, 0)
	if out, err := run(t, "load", "sample"); err != nil {
		t.Fatalf("load sample: %v\n%s", err, out)
	}
	dir := t.TempDir()

	t.Run("csv counts to standard output: Table 4", func(t *testing.T) {
		out, err := run(t, "export", "csv", "counts", "--level", "LAYER")
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\uFEFF"))).ReadAll()
		if err != nil || !strings.HasPrefix(out, "\uFEFF") {
			t.Fatalf("%v\n%s", err, out)
		}
		got := map[string]string{}
		for _, r := range recs[1:] {
			got[r[3]] = r[7] // name → reference_points
		}
		want := map[string]string{}
		for name, n := range paperTable4 {
			want[name] = strconv.Itoa(n)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("layers %v, want %v", got, want)
		}
	})

	t.Run("xlsx codings of coder A to a file", func(t *testing.T) {
		file := filepath.Join(dir, "codings.xlsx")
		out, err := run(t, "export", "xlsx", "codings", "--coder", "A", "-o", file)
		if err != nil || !strings.Contains(out, "427 rows") {
			t.Fatalf("%v\n%s", err, out)
		}
		x, err := excelize.OpenFile(file)
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		rows, err := x.GetRows("codings")
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 428 || rows[0][0] != "city" {
			t.Errorf("%d rows (header %v), want the header and 427", len(rows), rows[0])
		}
		if fi, err := os.Stat(file); err != nil || fi.Mode().Perm()&0o044 == 0 {
			t.Errorf("file mode: %v %v", fi, err)
		}
	})

	t.Run("json matrix of two cities", func(t *testing.T) {
		out, err := run(t, "export", "json", "matrix", "--rows", "MAIN_CATEGORY", "--city", "Linlan,Xichuan", "--measure", "presence")
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		var rows []map[string]any
		if err := json.Unmarshal([]byte(out), &rows); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if len(rows) != 12 { // 11 main categories and the totals row
			t.Fatalf("%d rows, want 12", len(rows))
		}
		keys := []string{}
		for k := range rows[0] {
			keys = append(keys, k)
		}
		for _, k := range []string{"Linlan", "Xichuan", "total"} {
			if _, ok := rows[0][k]; !ok {
				t.Errorf("no column %s in %v", k, keys)
			}
		}
		if len(rows[0]) != 6 { // code_id, code, code_zh, Linlan, Xichuan, total
			t.Errorf("columns %v, want code_id, code, code_zh, Linlan, Xichuan, total", keys)
		}
	})

	t.Run("bad flags name the flag", func(t *testing.T) {
		for args, want := range map[string]string{
			"export csv counts --level LAYR":                        "--level: level: unknown level",
			"export csv codings --level LAYER":                      "--level: level applies to the counts, similarity, cooccurrence, saturation, agreement and keywords tables, not to codings",
			"export json matrix":                                    "--rows: matrix needs rows",
			"export csv codes":                                      `unknown table "codes"`,
			"export csv codings --from 2023-1-1":                    `--from: from: "2023-1-1" is not a date`,
			"export csv codings --city Nowhere":                     `--city: no city is called "Nowhere"`,
			"export csv counts --level LAYER --city Linlan,Xichaun": `--city: no city is called "Xichaun" (nearest: "Xichuan")`,
			"export json matrix --rows LAYER --coder Z":             `--coder: no coding is by the coder "Z" (nearest: `,
			"export xlsx codings --document nope":                   `--document: no document has the id "nope"`,
		} {
			file := filepath.Join(dir, "bad.csv")
			_, err := run(t, append(strings.Fields(args), "-o", file)...)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s: %v, want %q", args, err, want)
			}
			if _, err := os.Stat(file); !os.IsNotExist(err) {
				t.Errorf("%s left a file behind", args)
			}
		}
	})
}
