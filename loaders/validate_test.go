package loaders

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/policykb/policykb"
)

// fixture is the small valid input under testdata/load.
func fixture(codings ...string) Input {
	in := Input{Codebook: "testdata/load/codebook.yaml", Manifest: "testdata/load/documents.csv"}
	for _, c := range codings {
		in.Codings = append(in.Codings, "testdata/load/"+c)
	}
	return in
}

// TestValidateProblems runs Validate offline on inputs with known mistakes
// and expects exactly the listed problems, in order. Each want is a prefix
// of the problem's line: file:line: field: message.
func TestValidateProblems(t *testing.T) {
	const cb, cy, mf = "testdata/codebook/errors.yaml", "testdata/codebook/cycle.yaml", "testdata/manifest/errors.csv"
	tests := []struct {
		name string
		in   Input
		want []string
	}{
		{"codebook: one mistake per code", Input{Codebook: cb}, []string{
			cb + `:13: parent: "layer-1" is a LAYER; the parent of CATEGORY "cat-1" must be a MAIN_CATEGORY`,
			cb + `:15: parent: missing for concept "con-1": a CONCEPT must belong to a CATEGORY`,
			cb + `:20: parent: unknown code "cat-9": no such id in this codebook`,
			cb + `:22: id: duplicate id "main-1": also defined at line 7`,
			cb + `:27: level: unknown level "CONCEPTS": expected LAYER, MAIN_CATEGORY, CATEGORY or CONCEPT`,
			cb + `:30: name: empty for code "con-4"`,
			cb + `:36: parent: code "layer-2" is a LAYER and cannot have a parent`,
			cb + `:41: number: expected an integer, found "five"`,
			cb + `:43: nameZH: unknown field`,
		}},
		{"codebook: cycles", Input{Codebook: cy}, []string{
			cy + `:8: parent: cycle: cat-a → cat-b → cat-a`,
			cy + `:16: parent: cycle: con-1 → con-1`,
		}},
		{"codebook: YAML syntax", Input{Codebook: "testdata/codebook/syntax.yaml"}, []string{
			"testdata/codebook/syntax.yaml:4: invalid YAML: found a tab character",
		}},
		{"codebook: shapes", Input{Codebook: "testdata/codebook/shape.yaml"}, []string{
			"testdata/codebook/shape.yaml:2: version: unknown key",
			`testdata/codebook/shape.yaml:4: codes: expected a code (a mapping with id, level, name...), found "layer-1"`,
			`testdata/codebook/shape.yaml:5: name: empty for code "layer-2"`,
			"testdata/codebook/shape.yaml:7: name: expected a string, found a list",
		}},
		{"codebook: missing file", Input{Codebook: "testdata/codebook/nope.yaml"}, []string{
			"testdata/codebook/nope.yaml: cannot read: no such file",
		}},
		{"manifest: rows", Input{Manifest: mf}, []string{
			mf + `:3: id: duplicate document id "m1": also on line 2`,
			mf + `:4: province: city "Linlan" is in province "Jiangsu" here but in "Zhejiang" on line 2`,
			mf + `:5: title: empty: every document needs title`,
			mf + `:5: issued_on: "2023-13-40" is not a date: expected YYYY-MM-DD`,
			mf + `:5: synthetic: "maybe": expected true or false`,
			mf + `:7: file: no such file: testdata/manifest/texts/missing.txt`,
			mf + `:9: id: "m#8": a document id may not contain '#'`,
			"testdata/manifest/texts/gbk.txt: not valid UTF-8 at byte offset 7 (0xb4); convert the file to UTF-8, e.g. iconv -f GB18030 -t UTF-8 (listed at " + mf + ":6)",
			"testdata/manifest/texts/empty.txt: no text: the file is empty or holds only white space (listed at " + mf + ":8)",
		}},
		{"manifest: header", Input{Manifest: "testdata/manifest/bad_header.csv"}, []string{
			"testdata/manifest/bad_header.csv:1: issued: unknown column: expected id, city, city_zh, province, title, issuer, issued_on, doc_type, url, file, synthetic",
			`testdata/manifest/bad_header.csv:1: file: column given twice (also column 5, "file")`,
		}},
		{"manifest: missing columns", Input{Manifest: "testdata/manifest/missing_columns.csv"}, []string{
			"testdata/manifest/missing_columns.csv:1: city: missing column",
			"testdata/manifest/missing_columns.csv:1: file: missing column",
		}},
		{"manifest: field count and CSV syntax", Input{Manifest: "testdata/manifest/fields.csv"}, []string{
			"testdata/manifest/fields.csv:2: 3 fields, but the header has 4",
			`testdata/manifest/fields.csv:3: invalid CSV: extraneous or missing " in quoted-field at line 4`,
		}},
		{"codings: rows", fixture("codings_errors.csv"), []string{
			`testdata/load/codings_errors.csv:2: quote: document a: not found in the document text: "市财政每年安排5亿元专项资金"`,
			`testdata/load/codings_errors.csv:3: quote: document a: ambiguous: occurs 3 times; add an occurrence column (1 to 3) to say which: "联合体建设"`,
			`testdata/load/codings_errors.csv:4: occurrence: document a: occurrence 4, but the quote occurs 3 times: "联合体建设"`,
			"testdata/load/codings_errors.csv:5: document_id: empty",
			"testdata/load/codings_errors.csv:6: quote: empty",
			`testdata/load/codings_errors.csv:7: occurrence: "first": expected a whole number from 1`,
			`testdata/load/codings_errors.csv:8: invalid CSV: extraneous or missing " in quoted-field`,
		}},
		{"codings: headers and encoding", Input{Codings: []string{"testdata/codings/bad_header.csv", "testdata/codings/missing_column.csv", "testdata/codings/gbk.csv"}}, []string{
			`testdata/codings/bad_header.csv:1: concept_id: column given twice (also column 3, "code_id")`,
			"testdata/codings/bad_header.csv:1: memo: unknown column: expected document_id, quote, code_id, coder, occurrence",
			"testdata/codings/missing_column.csv:1: quote: missing column",
			"testdata/codings/missing_column.csv:1: code_id: missing column",
			"testdata/codings/gbk.csv:2: not valid UTF-8 at byte offset 36 (0xbc); save the file as UTF-8",
		}},
		{"everything at once, grouped by file", Input{Codebook: cy, Manifest: "testdata/manifest/missing_columns.csv", Codings: []string{"testdata/codings/missing_column.csv"}}, []string{
			cy + ":8: parent: cycle",
			cy + ":16: parent: cycle",
			"testdata/manifest/missing_columns.csv:1: city: missing column",
			"testdata/manifest/missing_columns.csv:1: file: missing column",
			"testdata/codings/missing_column.csv:1: quote: missing column",
			"testdata/codings/missing_column.csv:1: code_id: missing column",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := Validate(context.Background(), nil, tt.in)
			if plan != nil {
				t.Errorf("got a plan with problems")
			}
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("want Problems, got %v", err)
			}
			got := strings.Split(err.Error(), "\n")
			for i := 0; i < max(len(got), len(tt.want)); i++ {
				switch {
				case i >= len(got):
					t.Errorf("missing problem %d: %s", i, tt.want[i])
				case i >= len(tt.want):
					t.Errorf("unexpected problem %d: %s", i, got[i])
				case !strings.HasPrefix(got[i], tt.want[i]):
					t.Errorf("problem %d:\n got  %s\n want %s...", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestValidateNothing(t *testing.T) {
	_, err := Validate(context.Background(), nil, Input{})
	if policykb.ErrorCodeOf(err) != policykb.EInvalid {
		t.Fatalf("got %v, want a BAD_USER_INPUT error", err)
	}
}

func TestProblemString(t *testing.T) {
	tests := []struct {
		p    Problem
		want string
	}{
		{Problem{File: "a.csv", Line: 3, Field: "city", Message: "empty"}, "a.csv:3: city: empty"},
		{Problem{File: "a.csv", Line: 3, Message: "bad"}, "a.csv:3: bad"},
		{Problem{File: "a.txt", Message: "bad"}, "a.txt: bad"},
		{Problem{Message: "bad"}, "bad"},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}

// TestValidatePlan checks what the valid fixture turns into offline.
func TestValidatePlan(t *testing.T) {
	before := time.Now().UTC().Add(-time.Second)
	plan, err := Validate(context.Background(), nil, fixture("codings.csv", "codings_occurrence.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Notes) != 0 {
		t.Errorf("notes: %q", plan.Notes)
	}
	if plan.CodebookName != "Loader test scheme" {
		t.Errorf("codebook name %q", plan.CodebookName)
	}

	t.Run("codes in tree order", func(t *testing.T) {
		var ids []string
		for _, c := range plan.Codes {
			ids = append(ids, c.ID)
		}
		want := "layer-1 main-1 cat-1 con-1 con-2 layer-3 main-9 cat-25 con-80"
		if got := strings.Join(ids, " "); got != want {
			t.Errorf("got %s, want %s", got, want)
		}
		c := plan.Codes[8]
		if c.Level != policykb.LevelConcept || c.Parent != "cat-25" || *c.Number != 80 || c.NameZh != "设立专项资金" || c.Source != "table1" {
			t.Errorf("con-80: %+v", c)
		}
	})

	if len(plan.Documents) != 2 {
		t.Fatalf("%d documents", len(plan.Documents))
	}
	a, b := plan.Documents[0], plan.Documents[1]

	t.Run("documents", func(t *testing.T) {
		raw, err := os.ReadFile("testdata/load/texts/a.txt")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(raw), "\uFEFF") || !strings.Contains(string(raw), "\r\n") {
			t.Fatal("fixture a.txt should have a BOM and CRLF line ends")
		}
		want := strings.ReplaceAll(strings.TrimPrefix(string(raw), "\uFEFF"), "\r\n", "\n")
		if a.Document.Text != want {
			t.Errorf("text not normalised: %q", a.Document.Text[:40])
		}
		sum := sha256.Sum256([]byte(want))
		if a.Document.SHA256 != hex.EncodeToString(sum[:]) {
			t.Errorf("sha256 %s is not that of the stored text", a.Document.SHA256)
		}
		if a.City != (policykb.City{Name: "Linlan", NameZh: "临澜市", Province: "Zhejiang"}) {
			t.Errorf("city %+v", a.City)
		}
		d := b.Document
		if d.ID != "b" || d.City != "Xichuan" || d.Issuer != "溪川市人民政府" || d.DocType != "implementation opinions" ||
			d.URL != "https://www.example.gov.cn/xc/2023/0827.html" || !d.Synthetic || d.SourceFile != "texts/b.txt" ||
			!d.IssuedOn.Equal(time.Date(2023, 8, 27, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("document b: %+v", d)
		}
		if len(a.Sentences) != 10 || len(b.Sentences) != 10 {
			t.Errorf("sentences: %d and %d", len(a.Sentences), len(b.Sentences))
		}
	})

	t.Run("codings", func(t *testing.T) {
		type row struct {
			sentence, code, coder string
			start, end            int // -1: whole sentence
		}
		var got []row
		for _, bundle := range plan.Documents {
			for _, c := range bundle.Codings {
				r := row{c.SentenceID, c.CodeID, c.Coder, -1, -1}
				if c.Start != nil {
					r.start, r.end = *c.Start, *c.End
				}
				got = append(got, r)
				if c.Origin != "manual" || c.At.Before(before) || c.At.After(time.Now().Add(time.Second)) {
					t.Errorf("%+v: origin %q at %v", r, c.Origin, c.At)
				}
			}
		}
		fund := spanOf(t, a.Document.Text, "市财政每年安排3.5亿元专项资金", 1)
		two := spanOf(t, a.Document.Text, "对成效显著的联合体给予奖励。联合体建设经费纳入年度预算。", 1)
		head := spanOf(t, a.Document.Text, "加大经费投入", 1)
		second := spanOf(t, a.Document.Text, "联合体建设", 2)
		party := spanOf(t, b.Document.Text, "深入学习贯彻党的二十大精神", 1)
		reward := spanOf(t, b.Document.Text, "建立以奖代补机制", 1)
		want := []row{
			{"a#3", "con-1", "A", -1, -1},                // matched across the hard line break
			{"a#1", "con-2", "A", -1, -1},                // exactly one sentence
			{"a#7", "con-80", "A", fund[0], fund[1]},     // part of a sentence; the duplicate row merged
			{"a#8", "con-80", "B", two[0], two[1]},       // one passage over two sentences
			{"a#9", "con-80", "B", two[0], two[1]},       //
			{"a#6", "cat-25", "B", head[0], head[1]},     // inside the run-in heading
			{"a#7", "con-80", "C", second[0], second[1]}, // occurrence 2 (concept_id column)
			{"b#3", "con-1", "", party[0], party[1]},     // empty coder kept
			{"b#6", "con-80", "A", -1, -1},               //
			{"b#6", "con-80", "C", reward[0], reward[1]}, //
		}
		if len(got) != len(want) {
			t.Fatalf("got %d codings %+v, want %d", len(got), got, len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("coding %d: got %+v, want %+v", i, got[i], want[i])
			}
		}
		if a.Sentences[6].Kind != policykb.KindHeading || a.Sentences[6].Text != "（一）加大经费投入。" {
			t.Errorf("a#6 is %s %q", a.Sentences[6].Kind, a.Sentences[6].Text)
		}
	})
}

// spanOf returns the code-point span of the nth occurrence of s in text.
func spanOf(t *testing.T, text, s string, nth int) [2]int {
	t.Helper()
	from := 0
	for k := 1; ; k++ {
		i := strings.Index(text[from:], s)
		if i < 0 {
			t.Fatalf("%q: occurrence %d not found", s, nth)
		}
		if k == nth {
			start := utf8.RuneCountInString(text[:from+i])
			return [2]int{start, start + utf8.RuneCountInString(s)}
		}
		from += i + len(s)
	}
}
