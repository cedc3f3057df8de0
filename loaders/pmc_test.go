package loaders

import (
	"slices"
	"testing"

	"github.com/policykb/policykb"
)

func TestParsePMCModelProblems(t *testing.T) {
	const f = "testdata/pmc/model_errors.yaml"
	f1 := policykb.Frame{ID: "f1", Codes: []policykb.FrameCode{{ID: "c1"}, {ID: "dup"}}}
	f2 := policykb.Frame{ID: "f2", Codes: []policykb.FrameCode{{ID: "dup"}}}
	m, err := ParsePMCModel(f, readTestFile(t, f), f1, f2)
	if m.ID != "" {
		t.Errorf("got a model with problems: %+v", m)
	}
	wantProblems(t, err, []string{
		f + ":2: colour: unknown key: expected id, name, nameZh, description, source, grades or variables",
		f + `:5: min: gap: no grade covers [1, 1.5) between "poor" (line 4) and "fair"`,
		f + `:6: min: overlap: "fair" (line 5) and "good" both cover [2, 2.5); a band's max must be the next band's min`,
		f + ":6: max: the highest band ends at 2.9, but the PMC of 3 primary variables reaches 3: expected max 3",
		f + `:11: atLeast: expected a whole number from 1 for X1:1, found "0"`,
		f + `:12: codes: unknown code "zz" in X1:2: not in the frames f1, f2`,
		f + `:13: name: unknown attribute "colour" in X1:3: expected issuerLevel, docType, issueYear, validityYears, horizonYears`,
		f + `:14: in: issuerLevel never takes the value "mayor": expected one of government, government-office, department, other`,
		f + ":15: min: docType is not a number: use in with its values",
		f + ":16: codings: X1:6 has both manual and codings: expected exactly one scoring rule",
		f + ":17: codings: missing for X1:7: expected exactly one of codings, attribute or manual",
		f + `:18: id: duplicate variable id "X1:1": also at line 11`,
		f + `:19: codes: code "dup" in X1:8 is in frames f1 and f2: ids must be unique across the frames a model uses`,
		f + ":20: max: 3 is below min 5 in X1:9: nothing would score 1",
		f + ":21: secondary: missing or empty for X2",
	})
}

func TestParsePMCModel(t *testing.T) {
	const f = "testdata/pmc/model.yaml"
	m, err := ParsePMCModel(f, readTestFile(t, f), policykb.Frame{ID: "f", Codes: []policykb.FrameCode{{ID: "c1"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Variables) != 2 || len(m.Variables[0].Secondary) != 2 || len(m.Variables[1].Secondary) != 2 {
		t.Fatalf("variables: %+v", m.Variables)
	}
	coded := m.Variables[0].Secondary[0].Rule
	if coded.Kind != policykb.RuleCodings || !slices.Equal(coded.Codes, []string{"c1"}) || coded.AtLeast != 1 {
		t.Errorf("X1:1 rule %+v: want codings of c1, at least 1 (the default)", coded)
	}
	recent := m.Variables[1].Secondary[1].Rule
	if recent.Kind != policykb.RuleAttribute || recent.Attribute != "issueYear" || recent.Min == nil || *recent.Min != 2020 || recent.Max != nil {
		t.Errorf("X2:2 rule %+v: want issueYear ≥ 2020", recent)
	}
	// The file lists the bands high first; they come back by min.
	if len(m.Grades) != 2 || m.Grades[0].Name != "low" || m.Grades[1].Name != "high" || m.Grades[1].Max != 2 {
		t.Errorf("grades %+v: want low [0, 1), high [1, 2]", m.Grades)
	}
}

func TestParseManualScoresProblems(t *testing.T) {
	const fm = "testdata/pmc/model.yaml"
	model, err := ParsePMCModel(fm, readTestFile(t, fm), policykb.Frame{ID: "f", Codes: []policykb.FrameCode{{ID: "c1"}}})
	if err != nil {
		t.Fatal(err)
	}
	const fe, fs = "testdata/pmc/scores_errors.csv", "testdata/pmc/scores_missing.csv"
	_, err = ParseManualScores(fe, readTestFile(t, fe), model, []string{"a", "b"})
	wantProblems(t, err, []string{
		fe + ":3: variable: X1:1 is scored by its codings rule, not manually",
		fe + `:4: document: unknown document "c"`,
		fe + `:5: variable: unknown variable "X9:9": expected a secondary variable of model "small" scored manually (X1:2, X2:1)`,
		fe + `:6: score: "2": expected 0 or 1`,
		fe + ":7: note: empty: the note is the evidence for the score",
		fe + ":8: variable: document a, X1:2 scored twice: also on line 2",
	})
	_, err = ParseManualScores(fs, readTestFile(t, fs), model, []string{"a", "b"})
	wantProblems(t, err, []string{fs + ": missing: no score for document a, variable X2:1"})
	scores, err := ParseManualScores(fs, readTestFile(t, fs), model, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []policykb.ManualScore{
		{Document: "a", Variable: "X1:2", Score: 1, Note: "found it", Line: 2},
		{Document: "b", Variable: "X1:2", Score: 0, Note: "not there", Line: 3},
		{Document: "b", Variable: "X2:1", Score: 1, Note: "yes, on page 2", Line: 4},
	}
	if !slices.Equal(scores, want) {
		t.Errorf("got %+v\nwant %+v", scores, want)
	}
}

// TestShippedPMCFiles reads the default model against the sample codebook
// and the instrument frame, and the sample's manual scores against it.
func TestShippedPMCFiles(t *testing.T) {
	const fc, ff, fm, fs = "../data/sample/codebook.yaml", "../data/frames/policy-instruments.yaml",
		"../data/pmc/default-model.yaml", "../data/pmc/sample-manual-scores.csv"
	codebook, err := ParseFrame(fc, readTestFile(t, fc))
	if err != nil {
		t.Fatal(err)
	}
	instruments, err := ParseFrame(ff, readTestFile(t, ff))
	if err != nil {
		t.Fatal(err)
	}
	model, err := ParsePMCModel(fm, readTestFile(t, fm), codebook, instruments)
	if err != nil {
		t.Fatal(err)
	}
	secondary := 0
	for _, v := range model.Variables {
		secondary += len(v.Secondary)
	}
	if len(model.Variables) != 9 || secondary != 39 {
		t.Errorf("%d primary, %d secondary variables; want 9 and 39", len(model.Variables), secondary)
	}
	want := []policykb.PMCGrade{{Name: "poor", NameZh: "不良", Min: 0, Max: 4}, {Name: "acceptable", NameZh: "可接受", Min: 4, Max: 6},
		{Name: "excellent", NameZh: "优秀", Min: 6, Max: 8}, {Name: "perfect", NameZh: "完美", Min: 8, Max: 9}}
	if !slices.Equal(model.Grades, want) {
		t.Errorf("grades %+v, want %+v", model.Grades, want)
	}
	docs := []string{"d01", "d02", "d03", "d04", "d05", "d06", "d07", "d08", "d09", "d10", "d11", "d12", "d13", "d14", "d15", "d16", "d17", "d18"}
	scores, err := ParseManualScores(fs, readTestFile(t, fs), model, docs)
	if err != nil {
		t.Fatal(err)
	}
	if len(scores) != 36 {
		t.Errorf("%d manual scores, want 36 (X7:1 and X9:1 for 18 documents)", len(scores))
	}
}
