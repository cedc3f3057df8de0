package loaders

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/policykb/policykb"
)

// wantProblems checks that err is a Problems error whose lines begin, in
// order, with the wanted prefixes (file:line: field: message), and nothing
// more.
func wantProblems(t *testing.T, err error, want []string) {
	t.Helper()
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("want Problems, got %v", err)
	}
	got := strings.Split(err.Error(), "\n")
	for i := 0; i < max(len(got), len(want)); i++ {
		switch {
		case i >= len(got):
			t.Errorf("missing problem %d: %s", i, want[i])
		case i >= len(want):
			t.Errorf("unexpected problem %d: %s", i, got[i])
		case !strings.HasPrefix(got[i], want[i]):
			t.Errorf("problem %d:\n got  %s\n want %s...", i, got[i], want[i])
		}
	}
}

func readTestFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestParseFrameProblems(t *testing.T) {
	const fe, fc, fn = "testdata/frames/errors.yaml", "testdata/frames/cycle.yaml", "testdata/frames/noid.yaml"
	tests := []struct {
		file string
		want []string
	}{
		{fe, []string{
			fe + ":3: version: unknown key: expected id, name, nameZh, description, source, levels or codes",
			fe + `:7: id: duplicate level "type": also defined at line 5`,
			fe + `:11: id: duplicate id "a": also defined at line 9`,
			fe + `:12: parent: missing for TOOL "b1": expected a code of level TYPE`,
			fe + `:13: parent: unknown code "zz": no such id in this frame`,
			fe + `:14: parent: code "b3" is on the top level TYPE and cannot have a parent`,
			fe + `:15: level: unknown level "TOOLS": expected TYPE, TOOL`,
			fe + `:16: parent: "a1" is a TOOL; the parent of TOOL "b5" must be a TYPE`,
			fe + `:17: name: empty for code "b6": every code needs a name`,
			fe + ":18: colour: unknown field: expected id, level, parent, number, name, nameZh, definition or source",
		}},
		{fc, []string{
			fc + ":7: parent: cycle: x → y → x: a code cannot be its own ancestor",
			fc + ":9: parent: cycle: z → z",
		}},
		{fn, []string{
			fn + ":1: id: missing: a frame with levels needs an id",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := ParseFrame(tt.file, readTestFile(t, tt.file))
			if f.ID != "" || f.Codes != nil {
				t.Errorf("got a frame with problems: %+v", f)
			}
			wantProblems(t, err, tt.want)
		})
	}
	_, err := ParseFrame("bad.yaml", []byte("codes: [\n"))
	wantProblems(t, err, []string{"bad.yaml:1: invalid YAML: did not find expected node content"})
	_, err = ParseFrame("empty.yaml", nil)
	wantProblems(t, err, []string{"empty.yaml: the file is empty: expected a mapping with id, name, levels and codes"})
}

// TestParseFrameCodebook: a codebook file is a frame without levels; it
// reads as the same tree as the codebook loader's codes.
func TestParseFrameCodebook(t *testing.T) {
	const file = "../data/sample/codebook.yaml"
	f, err := ParseFrame(file, readTestFile(t, file))
	if err != nil {
		t.Fatal(err)
	}
	plan, err := Validate(context.Background(), nil, Input{Codebook: file})
	if err != nil {
		t.Fatal(err)
	}
	want := policykb.CodebookFrame(plan.CodebookName, plan.Codes)
	if f.ID != "codebook" || f.Name != want.Name || len(f.Levels) != 4 || f.Levels[1].ID != "MAIN_CATEGORY" {
		t.Errorf("frame %q %q, levels %v", f.ID, f.Name, f.Levels)
	}
	if len(f.Codes) != 136 || len(f.Codes) != len(want.Codes) {
		t.Fatalf("%d codes, want 136 (the codebook loader read %d)", len(f.Codes), len(want.Codes))
	}
	for i, c := range f.Codes {
		w := want.Codes[i]
		if c.ID != w.ID || c.Parent != w.Parent || c.Level != w.Level || c.Name != w.Name || c.NameZh != w.NameZh || (c.Number == nil) != (w.Number == nil) || (c.Number != nil && *c.Number != *w.Number) {
			t.Errorf("code %d: got %+v, want %+v", i, c, w)
		}
	}
}

// TestShippedInstrumentFrame checks the shipped frame's shape: three types,
// sixteen tools, each with Chinese name and definition.
func TestShippedInstrumentFrame(t *testing.T) {
	const file = "../data/frames/policy-instruments.yaml"
	f, err := ParseFrame(file, readTestFile(t, file))
	if err != nil {
		t.Fatal(err)
	}
	if f.ID != "instruments" || f.Source == "" || len(f.Levels) != 2 || f.Levels[0].ID != "TYPE" || f.Levels[1].ID != "TOOL" {
		t.Errorf("frame %q, source %q, levels %v", f.ID, f.Source, f.Levels)
	}
	tools := map[string][]string{}
	for _, c := range f.Codes {
		if c.NameZh == "" || c.Definition == "" {
			t.Errorf("%s: nameZh %q, definition %q: both are needed", c.ID, c.NameZh, c.Definition)
		}
		if c.Level == "TOOL" {
			tools[c.Parent] = append(tools[c.Parent], c.ID)
		}
	}
	for typ, n := range map[string]int{"ins-supply": 5, "ins-env": 6, "ins-demand": 5} {
		if len(tools[typ]) != n {
			t.Errorf("%s has %d tools %v, want %d", typ, len(tools[typ]), tools[typ], n)
		}
	}
	if c, ok := f.Lookup("ins-supply-talent"); !ok || c.NameZh != "人才培养" || c.Parent != "ins-supply" {
		t.Errorf("ins-supply-talent: %+v", c)
	}
}
