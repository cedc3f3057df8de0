package loaders

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/policykb/policykb"
)

func TestLocate(t *testing.T) {
	const text = "推动产教\n融合。推动产教融合。坚持需求　导向。"
	tests := []struct {
		name       string
		quote      string
		occurrence int
		start, end int
		err        string
	}{
		{"exact", "坚持需求　导向。", 0, 15, 23, ""},
		{"exact wins over a loose match", "推动产教融合。", 0, 8, 15, ""},
		{"loose across a line break", "产教融合。推动产教", 0, 2, 12, ""},
		{"loose ignores inner spaces", "坚持需求导向", 0, 15, 22, ""},
		{"loose ignores extra spaces in the quote", "坚持 需求　导向 。", 0, 15, 23, ""},
		{"not found", "坚持问题导向", 0, 0, 0, `not found in the document text: "坚持问题导向"`},
		{"ambiguous", "推动", 0, 0, 0, "ambiguous: occurs 2 times; add an occurrence column (1 to 2)"},
		{"occurrence picks", "推动", 2, 8, 10, ""},
		{"occurrence too large", "推动", 3, 0, 0, "occurrence 3, but the quote occurs 2 times"},
		{"long quote previewed", strings.Repeat("缺", 30), 0, 0, 0, `"` + strings.Repeat("缺", 24) + `…"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start, end, err := locate(text, tt.quote, tt.occurrence)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("got %v, want an error containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if start != tt.start || end != tt.end {
				t.Errorf("got [%d,%d), want [%d,%d) (%q)", start, end, tt.start, tt.end, string([]rune(text)[start:end]))
			}
		})
	}
}

func TestCoveredUnits(t *testing.T) {
	// 0 HEADING 一、总体要求 [0,6)   1 SENTENCE 坚持需求导向。 [7,14)   2 SENTENCE 推动融合。 [14,19)   3 HEADING 二、任务 [20,24)
	text := "一、总体要求\n坚持需求导向。推动融合。\n二、任务\n"
	units := Segment("doc", text)
	if len(units) != 4 {
		t.Fatalf("segmentation changed: %+v", units)
	}
	tests := []struct {
		name       string
		start, end int
		want       []int
	}{
		{"inside a sentence", 8, 10, []int{1}},
		{"exactly a sentence", 7, 14, []int{1}},
		{"over two sentences", 10, 16, []int{1, 2}},
		{"inside a heading", 2, 6, []int{0}},
		{"heading and sentence: the heading is left out", 2, 10, []int{1}},
		{"sentence and heading", 15, 22, []int{2}},
		{"two headings and what is between", 0, 24, []int{1, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := coveredUnits(units, tt.start, tt.end); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	// Headings only, no sentence between them: both are coded.
	hs := []policykb.Sentence{{Kind: policykb.KindHeading, Start: 0, End: 6}, {Kind: policykb.KindHeading, Start: 7, End: 11}}
	if got := coveredUnits(hs, 3, 9); !slices.Equal(got, []int{0, 1}) {
		t.Errorf("headings only: got %v", got)
	}
}

// TestValidateOfflineNotes: without a database, codings are checked
// against the codebook and manifest given; references that no given file
// could answer (a load of codings alone) are notes, not errors.
func TestValidateOfflineNotes(t *testing.T) {
	_, err := Validate(context.Background(), nil, fixture("codings_unknown_code.csv", "codings_unknown_document.csv"))
	want := "testdata/load/codings_unknown_code.csv:3: code_id: unknown code \"con-99\": not in the codebook of this load (checked offline, without the database)\n" +
		"testdata/load/codings_unknown_document.csv:2: document_id: unknown document \"c\": not in this load's manifest (checked offline, without the database)"
	if err == nil || err.Error() != want {
		t.Errorf("with the codebook and manifest given:\n got  %v\n want %s", err, want)
	}

	plan, err := Validate(context.Background(), nil, Input{Codings: []string{"testdata/load/codings_unknown_code.csv", "testdata/load/codings_unknown_document.csv"}})
	if err != nil {
		t.Fatal(err)
	}
	notes := []string{
		"offline: 3 codings refer to codes not in this input (con-2, con-80, con-99); not checked without a database",
		"offline: 3 codings refer to documents not in this input (a, c); not checked without a database",
	}
	if !slices.Equal(plan.Notes, notes) {
		t.Errorf("codings alone, notes:\n got  %q\n want %q", plan.Notes, notes)
	}
}

// TestSampleValidates checks the shipped sample study offline.
func TestSampleValidates(t *testing.T) {
	in := SampleInput("../data/sample")
	for _, f := range append([]string{in.Codebook, in.Manifest}, in.Codings...) {
		if _, err := os.Stat(f); err != nil {
			t.Fatalf("the shipped sample study is incomplete: %v", err)
		}
	}
	plan, err := Validate(context.Background(), nil, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Notes) != 0 {
		t.Errorf("notes: %q", plan.Notes)
	}
	codes, docs, sentences, codings := plan.Counts()
	t.Logf("sample: %s", plan)
	if codes == 0 || docs == 0 || sentences == 0 || codings == 0 {
		t.Errorf("empty sample: %d codes, %d documents, %d sentences, %d codings", codes, docs, sentences, codings)
	}
}
