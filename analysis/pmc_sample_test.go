package analysis_test

import (
	"context"
	"io/fs"
	"reflect"
	"strings"
	"testing"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/analysis"
	"github.com/policykb/policykb/data"
	"github.com/policykb/policykb/loaders"
)

// sample is the shipped sample study with the shipped frame, mapping, model
// and manual scores, read as a user's load would read them.
type sample struct {
	codebook, instruments policykb.Frame
	mapping               policykb.Mapping
	model                 policykb.PMCModel
	manual                []policykb.ManualScore
	plan                  *loaders.Plan
}

func readSample(t *testing.T) sample {
	t.Helper()
	var s sample
	var err error
	s.plan, err = loaders.Validate(context.Background(), nil, loaders.SampleInput("../data/sample"))
	if err != nil {
		t.Fatal(err)
	}
	s.codebook = policykb.CodebookFrame(s.plan.CodebookName, s.plan.Codes)
	read := func(fsys fs.FS, name string) []byte {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if s.instruments, err = loaders.ParseFrame("policy-instruments.yaml", read(data.Frames, "frames/policy-instruments.yaml")); err != nil {
		t.Fatal(err)
	}
	if s.mapping, err = loaders.ParseMapping("sample-instruments-mapping.yaml", read(data.Frames, "frames/sample-instruments-mapping.yaml"), s.codebook, s.instruments); err != nil {
		t.Fatal(err)
	}
	if s.model, err = loaders.ParsePMCModel("default-model.yaml", read(data.PMC, "pmc/default-model.yaml"), s.codebook, s.instruments); err != nil {
		t.Fatal(err)
	}
	var docs []string
	for _, b := range s.plan.Documents {
		docs = append(docs, b.Document.ID)
	}
	if s.manual, err = loaders.ParseManualScores("sample-manual-scores.csv", read(data.PMC, "pmc/sample-manual-scores.csv"), s.model, docs); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSampleMappingCoversEveryConcept: each of the 93 concepts has a
// decision, an entry or an exclusion, on itself or an ancestor.
func TestSampleMappingCoversEveryConcept(t *testing.T) {
	s := readSample(t)
	if u := analysis.Uncovered(s.mapping, s.codebook); len(u) != 0 {
		t.Errorf("uncovered concepts: %v", u)
	}
	decided := 0
	dec := analysis.Resolve(s.mapping, s.codebook)
	for _, c := range s.codebook.Codes {
		if c.Level == "CONCEPT" && dec[c.ID].By != "" {
			decided++
		}
	}
	if decided != 93 {
		t.Errorf("%d concepts decided, want 93", decided)
	}
}

// facts gathers one document's codings — coded and derived — and attributes.
func (s sample) facts(b int) (analysis.DocumentFacts, []analysis.DerivedCoding) {
	bundle := s.plan.Documents[b]
	coded := map[string][]string{}
	for _, c := range bundle.Codings {
		coded[c.SentenceID] = append(coded[c.SentenceID], c.CodeID)
	}
	derived := analysis.Derive(s.mapping, s.codebook, coded)
	for _, d := range derived {
		coded[d.SentenceID] = append(coded[d.SentenceID], d.Code)
	}
	return analysis.DocumentFacts{
		Document: bundle.Document.ID, City: bundle.Document.City,
		Attributes: analysis.DocumentAttributes(bundle.Document), Coded: coded,
	}, derived
}

func (s sample) index(t *testing.T, doc string) int {
	for i, b := range s.plan.Documents {
		if b.Document.ID == doc {
			return i
		}
	}
	t.Fatalf("no document %s in the sample", doc)
	return -1
}

// TestSampleDerivation checks sentences where the most-specific rule and
// exclusions matter, read off codings.csv and the mapping file.
func TestSampleDerivation(t *testing.T) {
	s := readSample(t)
	entry := func(code, to string) int {
		for i, e := range s.mapping.Entries {
			if e.Code == code && e.To == to {
				return i
			}
		}
		t.Fatalf("no entry %s → %s", code, to)
		return -1
	}
	bySentence := map[string][]analysis.DerivedCoding{}
	for _, doc := range []string{"d01", "d02", "d03"} {
		_, derived := s.facts(s.index(t, doc))
		for _, d := range derived {
			bySentence[d.SentenceID] = append(bySentence[d.SentenceID], d)
		}
	}
	want := map[string][]analysis.DerivedCoding{
		// con-1 is under main-1, excluded: nothing.
		"d01#3": nil,
		// con-7 (cat-3, excluded) and con-9 (cat-4 → infrastructure).
		"d03#12": {{SentenceID: "d03#12", Code: "ins-supply-infrastructure",
			Via: []analysis.Via{{Coded: "con-9", Entry: entry("cat-4", "ins-supply-infrastructure"), EntryCode: "cat-4"}}}},
		// con-67 (main-8 → regulation) and con-72 (cat-22 → strategy, which wins over main-8 for it).
		"d03#48": {
			{SentenceID: "d03#48", Code: "ins-env-regulation", Via: []analysis.Via{{Coded: "con-67", Entry: entry("main-8", "ins-env-regulation"), EntryCode: "main-8"}}},
			{SentenceID: "d03#48", Code: "ins-env-strategy", Via: []analysis.Via{{Coded: "con-72", Entry: entry("cat-22", "ins-env-strategy"), EntryCode: "cat-22"}}},
		},
		// con-85: its own entry (tax), not cat-25's fund input.
		"d02#43": {{SentenceID: "d02#43", Code: "ins-env-tax", Via: []analysis.Via{{Coded: "con-85", Entry: entry("con-85", "ins-env-tax"), EntryCode: "con-85"}}}},
		// con-82 is not in these documents; con-83 takes cat-25's entry.
		"d02#42": {{SentenceID: "d02#42", Code: "ins-supply-funds", Via: []analysis.Via{{Coded: "con-83", Entry: entry("cat-25", "ins-supply-funds"), EntryCode: "cat-25"}}}},
	}
	for sid, w := range want {
		if got := bySentence[sid]; !reflect.DeepEqual(got, w) {
			t.Errorf("%s:\n got  %+v\n want %+v", sid, got, w)
		}
	}
}

// TestSamplePMCByHand scores three sample documents with the default model
// and compares with scores worked out by hand from codings.csv, the texts,
// the mapping file and the manual scores. Secondary scores are written per
// primary variable, X1 … X9, in model order.
func TestSamplePMCByHand(t *testing.T) {
	s := readSample(t)
	tests := []struct {
		doc       string
		secondary []string // per primary variable, one digit per secondary variable
		pmc, depr float64
		grade     string
		evidence  map[string]string // variable → sentences, attribute value or a part of the note
	}{
		{
			// d01, 临澜市人民政府办公室 (government-office), 26 coded sentences, 25 of them
			// instruments (d01#3, con-1, is excluded). Names years up to 2025, issued 2023: horizon 2.
			// X1 main-3 #14…#19, main-7 #49 #50, main-1 #3, main-2 #8 (con-6)   4/4
			// X2 horizon 2: short term only                                     1/3
			// X3 government office; con-44 at #23                               2/3
			// X4 education #28–30, industry #15–17, S&T #8 #16 #38, talent #33–36, no main-10   4/5
			// X5 supply, environment, no demand, talent 7 ≥ 3, services #38     4/5
			// X6 schools, no enterprises list code, research #8 #16, no parks, #23, no public   3/6
			// X7 manual 0, goal 6 ≥ 2, no con-13/61/62, 25 ≥ 20, con-68 #52     3/5
			// X8 only organisation (#23–25)                                     1/6
			// X9 manual 1, no main-11                                           1/2
			// PMC = 1 + 1/3 + 2/3 + 4/5 + 4/5 + 1/2 + 3/5 + 1/6 + 1/2
			//     = 2 + 8/5 + 1 + 3/5 + 1/6 = 156/30 + 5/30 = 161/30 = 5.3667: acceptable.
			// Depression 9 − 161/30 = 109/30.
			doc:       "d01",
			secondary: []string{"1111", "001", "101", "11110", "11011", "101010", "01011", "000010", "10"},
			pmc:       161.0 / 30, depr: 109.0 / 30, grade: "acceptable",
			evidence: map[string]string{"X3:3": "d01#23", "X5:4": "d01#28 d01#29 d01#30 d01#33 d01#34 d01#35 d01#36",
				"X3:1": "government-office", "X2:3": "2", "X7:1": "no policy document cited", "X8:1": ""},
		},
		{
			// d02, 溪川市人民政府 (government), 24 coded sentences, 23 instruments; states
			// 有效期5年: horizon max(5, 2025 − 2023) = 5.
			// X1 main-3 #12–15, main-7 #37 (con-58), main-1 #5, main-2 #9       4/4
			// X2 long term only                                                 1/3
			// X3 government; no con-44                                          1/3
			// X4 education #15, industry #14, no S&T, talent #28, finance #42–44   4/5
			// X5 supply, environment, demand #37 #39 #44, talent #24 #25 #28, platforms #9 #23   5/5
			// X6 schools #24 #25 #40, enterprises #25 #44, no research, parks #9,
			//    no government list code, public #44 #47 #48                    4/6
			// X7 manual 0, goal 4 ≥ 2, no con-13/61/62, 23 ≥ 20, no main-8      2/5
			// X8 funds #42, market #44, tax #43, main-4 #19–21, organisation #32, no cat-19/22   5/6
			// X9 manual 1, main-11 #47 #48                                      2/2
			// PMC = 1 + 1/3 + 1/3 + 4/5 + 1 + 2/3 + 2/5 + 5/6 + 1
			//     = 3 + 4/3 + 6/5 + 5/6 = (90 + 40 + 36 + 25)/30 = 191/30 = 6.3667: excellent.
			// Depression 9 − 191/30 = 79/30.
			doc:       "d02",
			secondary: []string{"1111", "100", "100", "11011", "11111", "110101", "01010", "111110", "11"},
			pmc:       191.0 / 30, depr: 79.0 / 30, grade: "excellent",
			evidence: map[string]string{"X2:1": "5", "X3:1": "government", "X8:3": "d02#43", "X5:3": "d02#37 d02#39 d02#44"},
		},
		{
			// d03, 汀阳市教育局 (department), 29 coded sentences, 28 instruments (d03#4,
			// con-5, is excluded; d03#12 counts through con-9). Years up to 2024: horizon 1.
			// X1 main-3 #16 #17, main-7 #44–46, main-1 #4, main-2 #8 #9 #11 #12  4/4
			// X2 short term only                                                1/3
			// X3 department; no con-44                                          1/3
			// X4 education #17 #28 #29, no industry, S&T #11, no talent, finance #51   3/5
			// X5 supply, environment, demand #44, talent only 2 < 3, platforms #12 #26 #27   4/5
			// X6 schools #28 #29, enterprises #12 (con-7), research #11, parks #12,
			//    government #8 #9 #48, public #54 #55                           6/6
			// X7 manual 1, goal 2 ≥ 2, con-13 #9, 28 ≥ 20, main-8 #48 #49       5/5
			// X8 funds #51, no finance/market, no tax/land, main-4 #22 #23,
			//    organisation, cat-22 #48                                       4/6
			// X9 manual 1, main-11 #54 #55                                      2/2
			// PMC = 1 + 1/3 + 1/3 + 3/5 + 4/5 + 1 + 1 + 2/3 + 1
			//     = 4 + 4/3 + 7/5 = (120 + 40 + 42)/30 = 202/30 = 101/15 = 6.7333: excellent.
			// Depression 9 − 101/15 = 34/15.
			doc:       "d03",
			secondary: []string{"1111", "001", "010", "10101", "11101", "111111", "11111", "100111", "11"},
			pmc:       101.0 / 15, depr: 34.0 / 15, grade: "excellent",
			evidence: map[string]string{"X6:2": "d03#12", "X8:6": "d03#48", "X5:4": "d03#28 d03#29", "X3:2": "department",
				"X7:1": "教育部办公厅《关于开展市域产教联合体建设的通知》"},
		},
	}
	var scored []analysis.DocumentPMC
	for _, tt := range tests {
		facts, _ := s.facts(s.index(t, tt.doc))
		scores, err := analysis.Score(s.model, analysis.Parents(s.codebook, s.instruments), facts, s.manual)
		if err != nil {
			t.Fatal(err)
		}
		d, err := analysis.Compute(s.model, tt.doc, facts.City, scores)
		if err != nil {
			t.Fatal(err)
		}
		scored = append(scored, d)
		for i, p := range d.Primary {
			var got strings.Builder
			for _, sc := range p.Secondary {
				got.WriteByte(byte('0' + sc.Score))
			}
			if got.String() != tt.secondary[i] {
				t.Errorf("%s %s: secondary scores %s, want %s", tt.doc, p.Variable, got.String(), tt.secondary[i])
			}
		}
		if d.PMC != tt.pmc || d.Depression != tt.depr || d.Grade != tt.grade {
			t.Errorf("%s: PMC %v, depression %v, grade %q; want %v, %v, %q", tt.doc, d.PMC, d.Depression, d.Grade, tt.pmc, tt.depr, tt.grade)
		}
		for _, p := range d.Primary {
			for _, sc := range p.Secondary {
				want, ok := tt.evidence[sc.Variable]
				if !ok {
					continue
				}
				var got string
				switch sc.Evidence.Kind {
				case policykb.RuleCodings:
					got = strings.Join(sc.Evidence.Sentences, " ")
				case policykb.RuleAttribute:
					got = sc.Evidence.Value
				case policykb.RuleManual:
					got = sc.Evidence.Note
				}
				if got != want && (sc.Evidence.Kind != policykb.RuleManual || !strings.Contains(got, want)) {
					t.Errorf("%s %s: evidence %q, want %q", tt.doc, sc.Variable, got, want)
				}
			}
		}
		if len(d.Surface) != 3 || d.Surface[2][2] != d.Primary[8].Value || d.Surface[1][0] != d.Primary[3].Value {
			t.Errorf("%s: surface %v is not X1…X9 row by row", tt.doc, d.Surface)
		}
	}
	sum := analysis.Summarise(scored)
	var order []string
	for _, r := range sum.Ranking {
		order = append(order, r.Document)
	}
	if strings.Join(order, " ") != "d03 d02 d01" {
		t.Errorf("ranking %v, want d03 d02 d01", order)
	}
}

// TestSampleScoresEveryDocument: the default model scores all 18 sample
// documents from the shipped files alone.
func TestSampleScoresEveryDocument(t *testing.T) {
	s := readSample(t)
	var docs []analysis.DocumentPMC
	for i, b := range s.plan.Documents {
		facts, _ := s.facts(i)
		scores, err := analysis.Score(s.model, analysis.Parents(s.codebook, s.instruments), facts, s.manual)
		if err != nil {
			t.Fatalf("%s: %v", b.Document.ID, err)
		}
		d, err := analysis.Compute(s.model, b.Document.ID, b.Document.City, scores)
		if err != nil {
			t.Fatalf("%s: %v", b.Document.ID, err)
		}
		if d.Grade == "" || d.PMC <= 0 || d.PMC > 9 {
			t.Errorf("%s: PMC %v, grade %q", b.Document.ID, d.PMC, d.Grade)
		}
		docs = append(docs, d)
	}
	sum := analysis.Summarise(docs)
	if sum.Documents != 18 || len(sum.Cities) != 18 || len(sum.Variables) != 9 {
		t.Errorf("summary of %d documents, %d cities, %d variables", sum.Documents, len(sum.Cities), len(sum.Variables))
	}
	t.Logf("sample: mean PMC %.3f, grades %v", sum.MeanPMC, sum.Grades)
}
