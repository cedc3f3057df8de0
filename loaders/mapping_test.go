package loaders

import (
	"context"
	"testing"

	"github.com/policykb/policykb"
)

// testFrames are a small source frame (g1 with c1, c2, c3; g2) and target
// frame (t1, t2).
func testFrames() (source, target policykb.Frame) {
	source = policykb.Frame{ID: "src", Levels: []policykb.FrameLevel{{ID: "G"}, {ID: "C"}}, Codes: []policykb.FrameCode{
		{ID: "g1", Level: "G"}, {ID: "c1", Level: "C", Parent: "g1"}, {ID: "c2", Level: "C", Parent: "g1"},
		{ID: "c3", Level: "C", Parent: "g1"}, {ID: "g2", Level: "G"},
	}}
	target = policykb.Frame{ID: "tgt", Levels: []policykb.FrameLevel{{ID: "T"}}, Codes: []policykb.FrameCode{
		{ID: "t1", Level: "T"}, {ID: "t2", Level: "T"},
	}}
	return source, target
}

func TestParseMappingProblems(t *testing.T) {
	const f = "testdata/frames/mapping_errors.yaml"
	source, target := testFrames()
	m, err := ParseMapping(f, readTestFile(t, f), source, target)
	if m.ID != "" || m.Entries != nil {
		t.Errorf("got a mapping with problems: %+v", m)
	}
	wantProblems(t, err, []string{
		f + `:3: target: the mapping's target frame is "other", but it is checked against frame "tgt"`,
		f + ":4: colour: unknown key: expected id, name, description, source, target, entries or excluded",
		f + `:7: code: unknown code "nope": not in the source frame "src"`,
		f + `:8: to: unknown code "nope": not in the target frame "tgt"`,
		f + ":9: reason: missing or empty: expected why the code is this target",
		f + `:10: code: "c1" → "t1" is mapped twice: also at line 6`,
		f + ":11: note: unknown field in entries: expected code, to, reason",
		f + `:13: code: "c1" is both mapped (line 6) and excluded: keep one`,
		f + `:15: code: "g1" is excluded twice: also at line 14`,
		f + `:16: code: unknown code "nope2": not in the source frame "src"`,
		f + ":17: reason: missing or empty: expected why it derives nothing",
	})
}

// TestShippedMapping reads the sample's mapping against the sample codebook
// and the instrument frame, and checks the entries the README cites.
func TestShippedMapping(t *testing.T) {
	plan, err := Validate(context.Background(), nil, Input{Codebook: "../data/sample/codebook.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	source := policykb.CodebookFrame(plan.CodebookName, plan.Codes)
	const ff, fm = "../data/frames/policy-instruments.yaml", "../data/frames/sample-instruments-mapping.yaml"
	target, err := ParseFrame(ff, readTestFile(t, ff))
	if err != nil {
		t.Fatal(err)
	}
	m, err := ParseMapping(fm, readTestFile(t, fm), source, target)
	if err != nil {
		t.Fatal(err)
	}
	if m.Source != "codebook" || m.Target != "instruments" || len(m.Entries) != 26 || len(m.Excluded) != 2 {
		t.Errorf("mapping %s → %s: %d entries, %d exclusions; want codebook → instruments, 26 and 2", m.Source, m.Target, len(m.Entries), len(m.Excluded))
	}
	want := map[string]string{"cat-25": "ins-supply-funds", "con-82": "ins-demand-procurement", "con-85": "ins-env-tax", "main-3": "ins-env-goal"}
	for _, e := range m.Entries {
		if to, ok := want[e.Code]; ok {
			if e.To != to || e.Reason == "" || e.Line == 0 {
				t.Errorf("entry %+v: want → %s with a reason and a line", e, to)
			}
			delete(want, e.Code)
		}
	}
	if len(want) > 0 {
		t.Errorf("entries missing: %v", want)
	}
}
