package resolvers_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/analysis"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/testneo4j"
	"github.com/policykb/policykb/loaders"
)

const (
	pmcModelFile  = "../data/pmc/default-model.yaml"
	pmcScoresFile = "../data/pmc/sample-manual-scores.csv"
)

// loadSampleWithFrames loads the shipped sample as study "sample" with the
// instrument frame and the sample's mapping onto it, as `policykb load
// sample` does, but without the PMC model.
func loadSampleWithFrames(t *testing.T) *graph.Store {
	t.Helper()
	s := loadSampleAsStudy(t)
	addSampleFrame(t, s)
	return s
}

// loadSampleAsStudy loads the shipped sample as study "sample" into an empty
// base, without frames.
func loadSampleAsStudy(t *testing.T) *graph.Store {
	t.Helper()
	s := testneo4j.EmptyStore(t, 0)
	in := loaders.SampleInput("../data/sample")
	in.Study = "sample"
	if _, err := loaders.Load(context.Background(), s, in, loaders.Options{}); err != nil {
		t.Fatal(err)
	}
	return s
}

// addSampleFrame adds the instrument frame and the sample's mapping onto it.
func addSampleFrame(t *testing.T, s *graph.Store) {
	t.Helper()
	if _, err := loaders.AddFrame(context.Background(), s, loaders.FrameInput{Study: "sample", Frame: "../data/frames/policy-instruments.yaml",
		Mappings: []string{"../data/frames/sample-instruments-mapping.yaml"}}); err != nil {
		t.Fatal(err)
	}
}

func pmcInput(t *testing.T, model, scores string) loaders.PMCInput {
	t.Helper()
	in := loaders.PMCInput{Study: "sample", ModelFile: model}
	var err error
	if in.Model, err = os.ReadFile(model); err != nil {
		t.Fatal(err)
	}
	if scores != "" {
		in.ScoresFile = scores
		if in.Scores, err = os.ReadFile(scores); err != nil {
			t.Fatal(err)
		}
	}
	return in
}

// graphSize counts every node and relationship of the base.
func graphSize(t *testing.T, s *graph.Store) string {
	t.Helper()
	ctx := context.Background()
	d, err := neo4j.NewDriverWithContext(testneo4j.URI(t), neo4j.NoAuth())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(ctx)
	res, err := neo4j.ExecuteQuery(ctx, d, `
CALL () { MATCH (n) RETURN count(n) AS nodes }
CALL () { MATCH ()-[r]->() RETURN count(r) AS rels }
CALL () { MATCH ()-[r:PMC_SCORE]->() RETURN count(r) AS scores }
RETURN nodes, rels, scores`, nil, neo4j.EagerResultTransformer)
	if err != nil {
		t.Fatal(err)
	}
	v := res.Records[0].Values
	return fmt.Sprintf("%d nodes, %d relationships, %d manual scores", v[0], v[1], v[2])
}

// gtCounts is every grounded-theory count GraphQL answers for the study:
// reference points and material sources of every code of every level.
const gtCounts = `{ l: counts(level: LAYER) { code { id } referencePoints materialSources }
  m: counts(level: MAIN_CATEGORY) { code { id } referencePoints materialSources }
  c: counts(level: CATEGORY) { code { id } referencePoints materialSources }
  k: counts(level: CONCEPT) { code { id } referencePoints materialSources } }`

// TestPMC goes through load, pmc add-model and GraphQL on the sample: bad
// files write nothing, three documents score as worked out by hand, every
// codings score's evidence is exactly what its rule admits, reloading
// writes nothing, and no grounded-theory count moves.
func TestPMC(t *testing.T) {
	s := loadSampleWithFrames(t)
	ctx := context.Background()
	// Whole evidence lists of 18 documents in one request: far over the
	// cost a server allows by default, which is not what this test is about.
	opts := testOptions(nil)
	opts.Log, opts.MaxCost = nil, 1_000_000
	e := newEnv(t, s, &opts)
	countsBefore := e.ok(t, gtCounts, nil)

	t.Run("bad files write nothing", func(t *testing.T) {
		before := graphSize(t, s)
		dir := t.TempDir()
		model, _ := os.ReadFile(pmcModelFile)
		bad := strings.Replace(string(model), "codings: {codes: [con-44], atLeast: 1}", "codings: {codes: [con-444], atLeast: 1}", 1)
		badModel := dir + "/bad-model.yaml"
		if err := os.WriteFile(badModel, []byte(bad), 0o644); err != nil {
			t.Fatal(err)
		}
		line := 1 + strings.Count(bad[:strings.Index(bad, "con-444")], "\n")
		_, err := loaders.LoadPMCModel(ctx, s, pmcInput(t, badModel, pmcScoresFile))
		wantProblem(t, err, fmt.Sprintf("%s:%d: codes: unknown code \"con-444\"", badModel, line))

		scores, _ := os.ReadFile(pmcScoresFile)
		lines := strings.Split(string(scores), "\n")
		lines[3] = strings.Replace(lines[3], ",1,", ",2,", 1)   // d03,X7:1,1 → 2
		lines[5] = strings.Replace(lines[5], "d05,", "d99,", 1) // an unknown document
		badScores := dir + "/bad-scores.csv"
		if err := os.WriteFile(badScores, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err = loaders.LoadPMCModel(ctx, s, pmcInput(t, pmcModelFile, badScores))
		wantProblem(t, err, badScores+`:4: score: "2": expected 0 or 1`)
		lines[3] = strings.Replace(lines[3], ",2,", ",1,", 1)
		if err := os.WriteFile(badScores, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err = loaders.LoadPMCModel(ctx, s, pmcInput(t, pmcModelFile, badScores))
		wantProblem(t, err, badScores+`:6: document: unknown document "d99"`)

		if after := graphSize(t, s); after != before {
			t.Errorf("bad files changed the base: %s, was %s", after, before)
		}
		r := e.post(t, `{ pmcModels { id } }`, nil)
		if len(r.Errors) > 0 || string(r.Data) != `{"pmcModels":[]}` {
			t.Errorf("models after bad files: %s %v", r.Data, r.Errors)
		}
		assertError(t, e.post(t, `{ pmc(model: "default") { documentCount } }`, nil), 200, "BAD_USER_INPUT", "model")
	})

	loaded, err := loaders.LoadPMCModel(ctx, s, pmcInput(t, pmcModelFile, pmcScoresFile))
	if err != nil {
		t.Fatal(err)
	}
	if !loaded.Written || loaded.Scores != 36 || loaded.Secondary != 39 {
		t.Fatalf("loaded %+v", loaded)
	}

	t.Run("three documents by hand", func(t *testing.T) { pmcByHand(t, e) })
	t.Run("evidence is what the rules admit", func(t *testing.T) { pmcEvidence(t, e) })
	t.Run("one score by its variable", func(t *testing.T) { pmcScoreByVariable(t, e) })

	t.Run("export is the API's answer", func(t *testing.T) {
		r := getExport(t, e, "/export/pmc.json?model=default&document=d01,d02,d03")
		if r.status != 200 {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		var rows []map[string]any
		if err := json.Unmarshal(r.body, &rows); err != nil {
			t.Fatal(err)
		}
		api := queryPMC(t, e, []string{"d01", "d02", "d03"})
		if len(rows) != 3 {
			t.Fatalf("%d rows, want 3", len(rows))
		}
		for i, row := range rows {
			d := api[fmt.Sprint(row["document"])]
			if row["rank"] != float64(i+1) || row["rank"] != float64(d.Rank) || row["pmc"] != d.Pmc ||
				row["depression"] != d.Depression || row["grade"] != d.Grade || row["X5"] != d.Variables[4].Value || row["X7:4"] != float64(d.Variables[6].Secondary[3].Score) {
				t.Errorf("row %d: %v; the API says rank %d, PMC %v, depression %v, grade %s, X5 %v",
					i, row, d.Rank, d.Pmc, d.Depression, d.Grade, d.Variables[4].Value)
			}
		}
	})

	t.Run("scores stay without a scores file and are replaced with one", func(t *testing.T) {
		if again, err := loaders.LoadPMCModel(ctx, s, pmcInput(t, pmcModelFile, "")); err != nil || again.Written {
			t.Fatalf("the model alone, as stored: %+v, %v", again, err)
		}
		scores, _ := os.ReadFile(pmcScoresFile)
		lines := strings.Split(string(scores), "\n")
		for i, l := range lines {
			if strings.HasPrefix(l, "d01,X9:1,") {
				lines[i] = "d01,X9:1,0,not found on the issuer's site (test)"
			}
		}
		changed := strings.Join(lines, "\n")
		file := t.TempDir() + "/scores.csv"
		if err := os.WriteFile(file, []byte(changed), 0o644); err != nil {
			t.Fatal(err)
		}
		if again, err := loaders.LoadPMCModel(ctx, s, pmcInput(t, pmcModelFile, file)); err != nil || !again.Written {
			t.Fatalf("changed scores: %+v, %v", again, err)
		}
		x9 := queryPMC(t, e, []string{"d01"})["d01"].Variables[8]
		if x9.Secondary[0].Score != 0 || !strings.HasPrefix(deref(x9.Secondary[0].Note), "not found on the issuer's site") || x9.Value != 0 {
			t.Errorf("d01 X9 after the changed scores: %+v", x9)
		}
		if _, err := loaders.LoadPMCModel(ctx, s, pmcInput(t, pmcModelFile, pmcScoresFile)); err != nil {
			t.Fatal(err)
		}
		if x9 := queryPMC(t, e, []string{"d01"})["d01"].Variables[8]; x9.Secondary[0].Score != 1 {
			t.Errorf("d01 X9:1 after the shipped scores again: %+v", x9.Secondary[0])
		}
	})

	t.Run("reload writes nothing, counts stay", func(t *testing.T) {
		before := graphSize(t, s)
		again, err := loaders.LoadPMCModel(ctx, s, pmcInput(t, pmcModelFile, pmcScoresFile))
		if err != nil {
			t.Fatal(err)
		}
		if again.Written {
			t.Error("reloading the same model and scores wrote")
		}
		if after := graphSize(t, s); after != before {
			t.Errorf("reload changed the base: %s, was %s", after, before)
		}
		assertJSON(t, e.ok(t, gtCounts, nil), string(countsBefore))
	})
}

func wantProblem(t *testing.T, err error, want string) {
	t.Helper()
	var ps loaders.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("error %v, want problems with %q", err, want)
	}
	for _, p := range ps {
		if strings.HasPrefix(p.String(), want) {
			return
		}
	}
	t.Errorf("problems:\n%v\nwant one starting %q", err, want)
}

type pmcAnswer struct {
	Pmc struct {
		DocumentCount int
		Documents     struct {
			Edges []struct {
				Node pmcDoc
			}
		}
	}
}

type pmcDoc struct {
	Document   struct{ ID string }
	Rank       int
	Pmc        float64
	Depression float64
	Grade      string
	Surface    [][]float64
	Variables  []struct {
		Variable  struct{ ID string }
		Value     float64
		Secondary []struct {
			Variable      struct{ ID string }
			Score         int
			Rule          string
			SentenceCount *int
			Sentences     []struct{ ID string }
			Value         *string
			Note          *string
		}
	}
}

const pmcQuery = `query($docs: [ID!]) { pmc(model: "default", filter: {documents: $docs}) { documentCount
  documents(first: 20) { edges { node { document { id } rank pmc depression grade surface
    variables { variable { id } value secondary { variable { id } score rule sentenceCount
      sentences(first: 60) { id } value note } } } } } } }`

func queryPMC(t *testing.T, e *env, docs []string) map[string]pmcDoc {
	t.Helper()
	var a pmcAnswer
	if err := json.Unmarshal(e.ok(t, pmcQuery, map[string]any{"docs": docs}), &a); err != nil {
		t.Fatal(err)
	}
	if a.Pmc.DocumentCount != len(docs) {
		t.Fatalf("%d documents scored, want %d", a.Pmc.DocumentCount, len(docs))
	}
	out := map[string]pmcDoc{}
	for _, ed := range a.Pmc.Documents.Edges {
		out[ed.Node.Document.ID] = ed.Node
	}
	return out
}

// pmcByHand: d01–d03 scored with the default model, worked out by hand from
// codings.csv, the texts, the mapping file and the manual scores. Secondary
// scores per primary variable X1 … X9, one digit per secondary variable in
// model order.
func pmcByHand(t *testing.T, e *env) {
	got := queryPMC(t, e, []string{"d01", "d02", "d03"})
	tests := []struct {
		doc       string
		secondary []string
		pmc, depr float64
		grade     string
		rank      int
		evidence  map[string]string // variable → sentences, attribute value or a part of the note
	}{
		{
			// d01, 临澜市人民政府办公室 (government-office); names years up to 2025,
			// issued 2023: horizon 2. 25 of its 26 coded sentences derive an
			// instrument (d01#3, con-1 under the excluded main-1, does not).
			// X1 main-3 #14…#19, main-7 #49 #50, main-1 #3, main-2 #8          4/4
			// X2 horizon 2: short term only                                    1/3
			// X3 government office; con-44 at #23                              2/3
			// X4 education, industry, S&T, talent; no main-10                  4/5
			// X5 supply, environment, no demand; talent 7 ≥ 3; services #38    4/5
			// X6 schools, research #8 #16, government #23                      3/6
			// X7 manual 0; goal 6 ≥ 2; no con-13/61/62; 25 ≥ 20; con-68 #52    3/5
			// X8 organisation only (#23–25)                                    1/6
			// X9 manual 1; no main-11                                          1/2
			// PMC = 1 + 1/3 + 2/3 + 4/5 + 4/5 + 1/2 + 3/5 + 1/6 + 1/2 = 161/30
			// = 5.3667: acceptable; depression 9 − 161/30 = 109/30.
			doc: "d01", secondary: []string{"1111", "001", "101", "11110", "11011", "101010", "01011", "000010", "10"},
			pmc: 161.0 / 30, depr: 109.0 / 30, grade: "acceptable", rank: 3,
			evidence: map[string]string{"X3:3": "d01#23", "X5:4": "d01#28 d01#29 d01#30 d01#33 d01#34 d01#35 d01#36",
				"X3:1": "government-office", "X2:3": "2", "X7:1": "no policy document cited", "X8:1": ""},
		},
		{
			// d02, 溪川市人民政府 (government); states 有效期5年: horizon 5.
			// X1 4/4; X2 long term 1/3; X3 government, no con-44 1/3;
			// X4 no S&T 4/5; X5 demand #37 #39 #44, talent #24 #25 #28 5/5;
			// X6 no research, no government list code 4/6; X7 manual 0, goal 4,
			// no responsibilities, 23 ≥ 20, no main-8 2/5; X8 all but
			// accountability 5/6; X9 manual 1, main-11 #47 #48 2/2.
			// PMC = 1 + 1/3 + 1/3 + 4/5 + 1 + 2/3 + 2/5 + 5/6 + 1 = 191/30
			// = 6.3667: excellent; depression 79/30.
			doc: "d02", secondary: []string{"1111", "100", "100", "11011", "11111", "110101", "01010", "111110", "11"},
			pmc: 191.0 / 30, depr: 79.0 / 30, grade: "excellent", rank: 2,
			evidence: map[string]string{"X2:1": "5", "X3:1": "government", "X8:3": "d02#43", "X5:3": "d02#37 d02#39 d02#44"},
		},
		{
			// d03, 汀阳市教育局 (department); years up to 2024: horizon 1.
			// X1 4/4; X2 short 1/3; X3 department 1/3; X4 no industry, no talent
			// 3/5; X5 talent only #28 #29 (2 < 3) 4/5; X6 6/6 (enterprises through
			// con-7 at #12); X7 manual 1, goal 2, con-13 #9, 28 ≥ 20, main-8 5/5;
			// X8 funds, honours, organisation, cat-22 #48 4/6; X9 2/2.
			// PMC = 1 + 1/3 + 1/3 + 3/5 + 4/5 + 1 + 1 + 2/3 + 1 = 101/15
			// = 6.7333: excellent; depression 34/15.
			doc: "d03", secondary: []string{"1111", "001", "010", "10101", "11101", "111111", "11111", "100111", "11"},
			pmc: 101.0 / 15, depr: 34.0 / 15, grade: "excellent", rank: 1,
			evidence: map[string]string{"X6:2": "d03#12", "X8:6": "d03#48", "X5:4": "d03#28 d03#29", "X3:2": "department",
				"X7:1": "教育部办公厅《关于开展市域产教联合体建设的通知》"},
		},
	}
	for _, tt := range tests {
		d, ok := got[tt.doc]
		if !ok {
			t.Fatalf("%s not scored", tt.doc)
		}
		for i, v := range d.Variables {
			var b strings.Builder
			for _, sc := range v.Secondary {
				b.WriteByte(byte('0' + sc.Score))
				want, ok := tt.evidence[sc.Variable.ID]
				if !ok {
					continue
				}
				var ev string
				switch sc.Rule {
				case "codings":
					var ids []string
					for _, s := range sc.Sentences {
						ids = append(ids, s.ID)
					}
					ev = strings.Join(ids, " ")
				case "attribute":
					ev = deref(sc.Value)
				case "manual":
					ev = deref(sc.Note)
				}
				if ev != want && (sc.Rule != "manual" || !strings.Contains(ev, want)) {
					t.Errorf("%s %s: evidence %q, want %q", tt.doc, sc.Variable.ID, ev, want)
				}
			}
			if b.String() != tt.secondary[i] {
				t.Errorf("%s %s: secondary scores %s, want %s", tt.doc, v.Variable.ID, b.String(), tt.secondary[i])
			}
		}
		if d.Pmc != tt.pmc || d.Depression != tt.depr || d.Grade != tt.grade || d.Rank != tt.rank {
			t.Errorf("%s: PMC %v, depression %v, grade %q, rank %d; want %v, %v, %q, %d",
				tt.doc, d.Pmc, d.Depression, d.Grade, d.Rank, tt.pmc, tt.depr, tt.grade, tt.rank)
		}
		if len(d.Surface) != 3 || d.Surface[1][0] != d.Variables[3].Value || d.Surface[2][2] != d.Variables[8].Value {
			t.Errorf("%s: surface %v is not X1…X9 row by row", tt.doc, d.Surface)
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// pmcEvidence checks every codings score of every sample document against
// the files: the sentences GraphQL lists are exactly those codings.csv
// codes, directly or through the mapping, at one of the rule's codes or
// below it, and the score is 1 exactly when they reach atLeast.
func pmcEvidence(t *testing.T, e *env) {
	plan, err := loaders.Validate(context.Background(), nil, loaders.SampleInput("../data/sample"))
	if err != nil {
		t.Fatal(err)
	}
	codebook := policykb.CodebookFrame(plan.CodebookName, plan.Codes)
	read := func(name string) []byte {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	instruments, err := loaders.ParseFrame("policy-instruments.yaml", read("../data/frames/policy-instruments.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	mapping, err := loaders.ParseMapping("m.yaml", read("../data/frames/sample-instruments-mapping.yaml"), codebook, instruments)
	if err != nil {
		t.Fatal(err)
	}
	model, err := loaders.ParsePMCModel("model.yaml", read(pmcModelFile), codebook, instruments)
	if err != nil {
		t.Fatal(err)
	}
	parents := analysis.Parents(codebook, instruments)
	var ids []string
	for _, b := range plan.Documents {
		ids = append(ids, b.Document.ID)
	}
	got := queryPMC(t, e, ids)
	checked := 0
	for _, b := range plan.Documents {
		coded := map[string][]string{}
		for _, c := range b.Codings {
			coded[c.SentenceID] = append(coded[c.SentenceID], c.CodeID)
		}
		for _, d := range analysis.Derive(mapping, codebook, coded) {
			coded[d.SentenceID] = append(coded[d.SentenceID], d.Code)
		}
		doc := got[b.Document.ID]
		for _, v := range doc.Variables {
			for _, sc := range v.Secondary {
				if sc.Rule != "codings" {
					continue
				}
				rule := secondaryRule(model, sc.Variable.ID)
				var want []string
				for sid, codes := range coded {
					if slices.ContainsFunc(codes, func(c string) bool { return isUnder(c, rule.Codes, parents) }) {
						want = append(want, sid)
					}
				}
				slices.SortFunc(want, analysis.CompareSentenceIDs)
				var have []string
				for _, s := range sc.Sentences {
					have = append(have, s.ID)
				}
				if !slices.Equal(have, want) || sc.SentenceCount == nil || *sc.SentenceCount != len(want) {
					t.Errorf("%s %s: evidence %v (count %v), want %v", b.Document.ID, sc.Variable.ID, have, sc.SentenceCount, want)
				}
				if wantScore := boolInt(len(want) >= rule.AtLeast); sc.Score != wantScore {
					t.Errorf("%s %s: score %d with %d sentences, atLeast %d", b.Document.ID, sc.Variable.ID, sc.Score, len(want), rule.AtLeast)
				}
				checked++
			}
		}
	}
	n := 0
	for _, v := range model.Variables {
		for _, sv := range v.Secondary {
			n += boolInt(sv.Rule.Kind == policykb.RuleCodings)
		}
	}
	if checked != 18*n || n < 30 {
		t.Errorf("%d codings scores checked, want 18 documents × %d codings variables", checked, n)
	}
}

func secondaryRule(m policykb.PMCModel, id string) policykb.PMCRule {
	for _, v := range m.Variables {
		for _, sv := range v.Secondary {
			if sv.ID == id {
				return sv.Rule
			}
		}
	}
	return policykb.PMCRule{}
}

// isUnder: code is one of codes or below one, walking up the parents.
func isUnder(code string, codes []string, parents map[string]string) bool {
	for ; code != ""; code = parents[code] {
		if slices.Contains(codes, code) {
			return true
		}
	}
	return false
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// pmcScoreByVariable: PMCDocument.score(variable:) is the same score, with
// the same evidence, as the one variables lists, for every secondary
// variable of d01–d03; d01's X3:3 is its one sentence d01#23 (worked out by
// hand in pmcByHand); an unknown variable is null.
func pmcScoreByVariable(t *testing.T, e *env) {
	all := queryPMC(t, e, []string{"d01", "d02", "d03"})
	const q = `query($doc: ID!, $v: ID!) { pmc(model: "default") { document(id: $doc) {
  score(variable: $v) { variable { id } score rule sentenceCount sentences(first: 60) { id } value note } } } }`
	type answer struct {
		Pmc struct {
			Document struct {
				Score *struct {
					Variable      struct{ ID string }
					Score         int
					Rule          string
					SentenceCount *int
					Sentences     []struct{ ID string }
					Value         *string
					Note          *string
				}
			}
		}
	}
	n := 0
	for _, doc := range []string{"d01", "d02", "d03"} {
		for _, v := range all[doc].Variables {
			for _, want := range v.Secondary {
				var a answer
				if err := json.Unmarshal(e.ok(t, q, map[string]any{"doc": doc, "v": want.Variable.ID}), &a); err != nil {
					t.Fatal(err)
				}
				got := a.Pmc.Document.Score
				if got == nil {
					t.Fatalf("%s %s: no score", doc, want.Variable.ID)
				}
				wantJSON, _ := json.Marshal(want)
				gotJSON, _ := json.Marshal(got)
				if string(gotJSON) != string(wantJSON) {
					t.Errorf("%s %s: score(variable:) is %s; variables lists %s", doc, want.Variable.ID, gotJSON, wantJSON)
				}
				if doc == "d01" && want.Variable.ID == "X3:3" && (len(got.Sentences) != 1 || got.Sentences[0].ID != "d01#23") {
					t.Errorf("d01 X3:3: sentences %v, want d01#23", got.Sentences)
				}
				n++
			}
		}
	}
	if n != 3*39 {
		t.Errorf("%d scores compared, want 3 × 39", n)
	}
	var a answer
	if err := json.Unmarshal(e.ok(t, q, map[string]any{"doc": "d01", "v": "X99:1"}), &a); err != nil {
		t.Fatal(err)
	}
	if a.Pmc.Document.Score != nil {
		t.Errorf("X99:1: %+v, want null", a.Pmc.Document.Score)
	}
}
