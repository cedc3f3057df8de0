package analysis

import (
	"reflect"
	"strings"
	"testing"

	"github.com/policykb/policykb"
)

func ptr(x float64) *float64 { return &x }

func TestScore(t *testing.T) {
	codebook := policykb.Frame{ID: "codebook", Codes: []policykb.FrameCode{{ID: "m"}, {ID: "c1", Parent: "m"}, {ID: "c2", Parent: "m"}, {ID: "n"}}}
	instruments := policykb.Frame{ID: "instruments", Codes: []policykb.FrameCode{{ID: "T"}, {ID: "t1", Parent: "T"}}}
	sec := func(id string, r policykb.PMCRule) policykb.PMCSecondary {
		return policykb.PMCSecondary{ID: id, Rule: r}
	}
	model := policykb.PMCModel{ID: "m", Variables: []policykb.PMCVariable{
		{ID: "X1", Secondary: []policykb.PMCSecondary{
			sec("X1:1", policykb.PMCRule{Kind: policykb.RuleCodings, Codes: []string{"m"}, AtLeast: 3}),
			sec("X1:2", policykb.PMCRule{Kind: policykb.RuleCodings, Codes: []string{"m"}, AtLeast: 4}),
			sec("X1:3", policykb.PMCRule{Kind: policykb.RuleCodings, Codes: []string{"T", "n"}, AtLeast: 1}),
			sec("X1:4", policykb.PMCRule{Kind: policykb.RuleCodings, Codes: []string{"c1"}, AtLeast: 1}),
		}},
		{ID: "X2", Secondary: []policykb.PMCSecondary{
			sec("X2:1", policykb.PMCRule{Kind: policykb.RuleAttribute, Attribute: "issuerLevel", In: []string{"government", "government-office"}}),
			sec("X2:2", policykb.PMCRule{Kind: policykb.RuleAttribute, Attribute: "horizonYears", Min: ptr(3), Max: ptr(4)}),
			sec("X2:3", policykb.PMCRule{Kind: policykb.RuleAttribute, Attribute: "horizonYears", Min: ptr(5)}),
			sec("X2:4", policykb.PMCRule{Kind: policykb.RuleAttribute, Attribute: "validityYears", Min: ptr(1)}),
			sec("X2:5", policykb.PMCRule{Kind: policykb.RuleAttribute, Attribute: "docType", In: []string{"work plan"}}),
		}},
		{ID: "X3", Secondary: []policykb.PMCSecondary{
			sec("X3:1", policykb.PMCRule{Kind: policykb.RuleManual, Manual: "read it"}),
		}},
	}}
	facts := DocumentFacts{
		Document:   "d",
		Attributes: map[string]string{"issuerLevel": "government-office", "horizonYears": "4", "docType": "implementation plan"},
		Coded: map[string][]string{
			"d#10": {"c2", "t1"}, // under m (through c2) and under T
			"d#2":  {"c1", "c2"}, // one sentence, however many codes under m
			"d#1":  {"c1"},
			"d#3":  {"other-frame-code"},
		},
	}
	manual := []policykb.ManualScore{
		{Document: "other", Variable: "X3:1", Score: 0, Note: "another document"},
		{Document: "d", Variable: "X3:1", Score: 1, Note: "found on page 1"},
	}
	got, err := Score(model, Parents(codebook, instruments), facts, manual)
	if err != nil {
		t.Fatal(err)
	}
	codings := func(sentences ...string) Evidence {
		return Evidence{Kind: policykb.RuleCodings, Sentences: sentences}
	}
	attr := func(name, value string) Evidence {
		return Evidence{Kind: policykb.RuleAttribute, Attribute: name, Value: value}
	}
	want := []SecondaryScore{
		{"X1:1", 1, codings("d#1", "d#2", "d#10")}, // 3 sentences under m ≥ 3
		{"X1:2", 0, codings("d#1", "d#2", "d#10")}, // 3 < 4: a 0 with the sentences found
		{"X1:3", 1, codings("d#10")},
		{"X1:4", 1, codings("d#1", "d#2")},
		{"X2:1", 1, attr("issuerLevel", "government-office")},
		{"X2:2", 1, attr("horizonYears", "4")}, // 3 ≤ 4 ≤ 4
		{"X2:3", 0, attr("horizonYears", "4")},
		{"X2:4", 0, attr("validityYears", "")}, // no value: 0
		{"X2:5", 0, attr("docType", "implementation plan")},
		{"X3:1", 1, Evidence{Kind: policykb.RuleManual, Note: "found on page 1"}},
	}
	if !reflect.DeepEqual(got, want) {
		for i := range max(len(got), len(want)) {
			if i >= len(got) || i >= len(want) || !reflect.DeepEqual(got[i], want[i]) {
				t.Errorf("score %d:\n got  %+v\n want %+v", i, at(got, i), at(want, i))
			}
		}
	}

	_, err = Score(model, Parents(codebook, instruments), facts, manual[:1])
	if err == nil || !strings.Contains(err.Error(), "document d: no manual score for X3:1") {
		t.Errorf("missing manual score: got %v, want an error", err)
	}
}

func at(s []SecondaryScore, i int) any {
	if i < len(s) {
		return s[i]
	}
	return "nothing"
}
