package resolvers_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/testneo4j"
	"github.com/policykb/policykb/loaders"
)

// sentenceCodes recounts, in the test, every sentence of the study's
// documents with the codes its human and derived codings put it under
// (the codes themselves and every code above them, in any frame):
// document → sentence → codes.
const sentenceCodes = `
MATCH (:Study {id: 'sample'})-[:INCLUDES]->(d:Document)-[:HAS_SENTENCE]->(s:Sentence)
CALL (s) {
  MATCH (s)-[r:CODED_AS]->(:Code)-[:BELONGS_TO*0..3]->(k:Code {study: 'sample'})
  WHERE coalesce(r.origin, '') <> 'auto'
  RETURN k.id AS code
  UNION
  MATCH (s)-[r:CODED_IN]->(:FrameCode)-[:PART_OF*0..]->(k:FrameCode {study: 'sample'})
  WHERE coalesce(r.origin, '') <> 'auto'
  RETURN k.id AS code
}
RETURN d.id, s.id, collect(code)`

// runCypher runs a statement on the test's Neo4j outside the store.
func runCypher(t *testing.T, cypher string, params map[string]any) []*neo4j.Record {
	t.Helper()
	ctx := context.Background()
	d, err := neo4j.NewDriverWithContext(testneo4j.URI(t), neo4j.NoAuth())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(ctx)
	res, err := neo4j.ExecuteQuery(ctx, d, cypher, params, neo4j.EagerResultTransformer)
	if err != nil {
		t.Fatal(err)
	}
	return res.Records
}

// recountCodings decides every codings rule of the model for every
// document of the study from its sentences: document → variable → 0 or 1.
func recountCodings(t *testing.T, model policykb.PMCModel) map[string]map[string]int {
	t.Helper()
	coded := map[string]map[string][]string{}
	for _, r := range runCypher(t, sentenceCodes, nil) {
		d, sid := r.Values[0].(string), r.Values[1].(string)
		if coded[d] == nil {
			coded[d] = map[string][]string{}
		}
		for _, c := range r.Values[2].([]any) {
			coded[d][sid] = append(coded[d][sid], c.(string))
		}
	}
	out := map[string]map[string]int{}
	for d, sentences := range coded {
		out[d] = map[string]int{}
		for _, v := range model.Variables {
			for _, sv := range v.Secondary {
				if sv.Rule.Kind != policykb.RuleCodings {
					continue
				}
				n := 0
				for _, codes := range sentences {
					if slices.ContainsFunc(codes, func(c string) bool { return slices.Contains(sv.Rule.Codes, c) }) {
						n++
					}
				}
				if n >= sv.Rule.AtLeast {
					out[d][sv.ID] = 1
				}
			}
		}
	}
	return out
}

// codingsScores are a PMC answer's codings scores: document → variable →
// score.
func codingsScores(res *graph.PMCResult) map[string]map[string]int {
	out := map[string]map[string]int{}
	for _, d := range res.Documents {
		out[d.Document] = map[string]int{}
		for _, p := range d.Primary {
			for _, sc := range p.Secondary {
				if sc.Evidence.Kind == policykb.RuleCodings && sc.Score == 1 {
					out[d.Document][sc.Variable] = 1
				}
			}
		}
	}
	return out
}

func diffScores(got, want map[string]map[string]int) []string {
	var diffs []string
	for d := range want {
		if _, ok := got[d]; !ok {
			diffs = append(diffs, d+": not scored")
		}
	}
	for d, vars := range got {
		for v := range vars {
			if want[d][v] != 1 {
				diffs = append(diffs, fmt.Sprintf("%s %s: 1, the sentences say 0", d, v))
			}
		}
		for v := range want[d] {
			if vars[v] != 1 {
				diffs = append(diffs, fmt.Sprintf("%s %s: 0, the sentences say 1", d, v))
			}
		}
	}
	slices.Sort(diffs)
	return diffs
}

// pmcFromStore asks for the PMC of every document with the default model
// and checks that it used the stored decisions alone (nothing recounted),
// that they agree with the store's own recount, and that the codings
// scores are those the test counts from the sentences.
func pmcFromStore(t *testing.T, s *graph.Store, after string) *graph.PMCResult {
	t.Helper()
	ctx := context.Background()
	res, err := s.PMC(ctx, graph.PMCQuery{Study: "sample", Model: "default"})
	if err != nil {
		t.Fatalf("after %s: %v", after, err)
	}
	if res.Recounted != 0 {
		t.Errorf("after %s: %d documents recounted, want every decision read as stored", after, res.Recounted)
	}
	if bad, err := s.CheckPMCDecisions(ctx, "sample", "default"); err != nil || len(bad) > 0 {
		var docs []string
		for _, b := range bad {
			docs = append(docs, b.Document)
		}
		t.Errorf("after %s: stored decisions differ from the recount for %v (%v)", after, docs, err)
	}
	if diffs := diffScores(codingsScores(res), recountCodings(t, res.Model.Model)); len(diffs) > 0 {
		t.Errorf("after %s: codings scores differ from the sentences:\n%s", after, strings.Join(diffs, "\n"))
	}
	return res
}

// changedDocuments lists the documents whose codings scores differ.
func changedDocuments(a, b map[string]map[string]int) []string {
	var out []string
	for d := range b {
		if fmt.Sprint(a[d]) != fmt.Sprint(b[d]) {
			out = append(out, d)
		}
	}
	slices.Sort(out)
	return out
}

// TestPMCDecisions checks that the decisions stored with the rollups
// answer pmc exactly as the sentences do after every kind of write that
// changes codings, that a question reads them (and a stale one shows), and
// that a base stored before them gets them when a store opens it.
func TestPMCDecisions(t *testing.T) {
	s := loadSampleWithFrames(t)
	ctx := context.Background()
	if _, err := loaders.LoadPMCModel(ctx, s, pmcInput(t, pmcModelFile, pmcScoresFile)); err != nil {
		t.Fatal(err)
	}
	if n := runCypher(t, `MATCH (:Document)-[r:PMC_DECISIONS]->(:PMCModel {id: 'default'}) RETURN count(r)`, nil)[0].Values[0]; n != int64(18) {
		t.Fatalf("%v stored decisions after the model was added, want one per document (18)", n)
	}
	before := codingsScores(pmcFromStore(t, s, "adding a model after the codings"))

	t.Run("codings load", func(t *testing.T) {
		// A document scoring 0 on a rule of one concept gets a sentence
		// coded at it: the score must become 1.
		var doc, variable, code string
		res := pmcFromStore(t, s, "nothing")
	find:
		for _, v := range res.Model.Model.Variables {
			for _, sv := range v.Secondary {
				if sv.Rule.Kind != policykb.RuleCodings || sv.Rule.AtLeast != 1 || !strings.HasPrefix(sv.Rule.Codes[0], "con-") {
					continue
				}
				for _, d := range res.Documents {
					if before[d.Document][sv.ID] == 0 {
						doc, variable, code = d.Document, sv.ID, sv.Rule.Codes[0]
						break find
					}
				}
			}
		}
		if doc == "" {
			t.Fatal("no document scores 0 on a rule of one concept")
		}
		sid := runCypher(t, `MATCH (:Document {id: $d})-[:HAS_SENTENCE]->(s) RETURN s.id ORDER BY s.index LIMIT 1`, map[string]any{"d": doc})[0].Values[0].(string)
		if _, err := s.WriteCodings(ctx, []policykb.Coding{{SentenceID: sid, CodeID: code, Coder: "tester"}}); err != nil {
			t.Fatal(err)
		}
		after := codingsScores(pmcFromStore(t, s, "a codings load"))
		if after[doc][variable] != 1 {
			t.Errorf("%s %s after coding %s at %s: %d, want 1", doc, variable, sid, code, after[doc][variable])
		}
		if got := changedDocuments(before, after); !slices.Equal(got, []string{doc}) {
			t.Errorf("documents whose codings scores changed: %v, want [%s]", got, doc)
		}
	})

	t.Run("mapping change", func(t *testing.T) {
		was := codingsScores(pmcFromStore(t, s, "nothing"))
		mapping, err := os.ReadFile("../data/frames/sample-instruments-mapping.yaml")
		if err != nil {
			t.Fatal(err)
		}
		changed := strings.ReplaceAll(string(mapping), "to: ins-env-organisation", "to: ins-demand-pilot")
		file := t.TempDir() + "/mapping.yaml"
		if err := os.WriteFile(file, []byte(changed), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := loaders.AddFrame(ctx, s, loaders.FrameInput{Study: "sample", Frame: "../data/frames/policy-instruments.yaml",
			Mappings: []string{file}}); err != nil {
			t.Fatal(err)
		}
		after := codingsScores(pmcFromStore(t, s, "a mapping change"))
		if len(changedDocuments(was, after)) == 0 {
			t.Error("moving organisation building to pilot demonstration changed no document's scores")
		}
	})

	t.Run("codebook change", func(t *testing.T) {
		// Every concept of cat-12 (named by X4:1 and X6:1) moves under
		// cat-1: every document's rollups are recomputed, and with them
		// its decisions.
		was := codingsScores(pmcFromStore(t, s, "nothing"))
		codes, err := s.StudyCodes(ctx, "sample")
		if err != nil {
			t.Fatal(err)
		}
		moved := 0
		for i := range codes {
			if codes[i].Parent == "cat-12" {
				codes[i].Parent = "cat-1"
				moved++
			}
		}
		if moved == 0 {
			t.Fatal("cat-12 has no concepts")
		}
		if _, err := s.WriteCodebook(ctx, codes); err != nil {
			t.Fatal(err)
		}
		if len(changedDocuments(was, codingsScores(pmcFromStore(t, s, "a codebook change")))) == 0 {
			t.Error("moving cat-12's concepts under cat-1 changed no document's scores")
		}
	})

	t.Run("autocode", func(t *testing.T) {
		// Automatic codings count in no score: every sentence of d01 coded
		// at con-44 by an automatic coder changes nothing.
		was := codingsScores(pmcFromStore(t, s, "nothing"))
		var codings []policykb.Coding
		for _, r := range runCypher(t, `MATCH (:Document {id: 'd01'})-[:HAS_SENTENCE]->(s) RETURN s.id`, nil) {
			codings = append(codings, policykb.Coding{SentenceID: r.Values[0].(string), CodeID: "con-44", Coder: "auto:test", Origin: policykb.OriginAuto})
		}
		if _, err := s.ReplaceAutoCodings(ctx, "auto:test", "sample", []string{"d01"}, codings); err != nil {
			t.Fatal(err)
		}
		if got := changedDocuments(was, codingsScores(pmcFromStore(t, s, "autocode"))); len(got) > 0 {
			t.Errorf("automatic codings changed the scores of %v", got)
		}
	})

	t.Run("adding a document", func(t *testing.T) {
		text := "关于推进产教融合的若干措施。各部门联合推进校企合作。设立专项资金支持实训基地建设。"
		sentences := loaders.Segment("d19", text)
		var codings []policykb.Coding
		for _, sn := range sentences {
			codings = append(codings, policykb.Coding{SentenceID: sn.ID, CodeID: "con-44", Coder: "tester"})
		}
		if _, err := s.WriteDocuments(ctx, []graph.DocumentBundle{{Study: "sample", City: policykb.City{Name: "Linlan", NameZh: "临澜市", Province: "Zhejiang"},
			Document:  policykb.Document{ID: "d19", City: "Linlan", Title: "test", Issuer: "临澜市教育局", Text: text},
			Sentences: sentences, Codings: codings}}, nil); err != nil {
			t.Fatal(err)
		}
		// The model needs d19's manual scores before it can score it.
		scores, err := os.ReadFile(pmcScoresFile)
		if err != nil {
			t.Fatal(err)
		}
		file := t.TempDir() + "/scores.csv"
		all := strings.TrimRight(string(scores), "\n") + "\nd19,X7:1,0,test\nd19,X9:1,1,test\n"
		if err := os.WriteFile(file, []byte(all), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := loaders.LoadPMCModel(ctx, s, pmcInput(t, pmcModelFile, file)); err != nil {
			t.Fatal(err)
		}
		after := codingsScores(pmcFromStore(t, s, "adding a document"))
		if after["d19"]["X3:3"] != 1 {
			t.Errorf("d19 X3:3 (con-44, every sentence): %d, want 1", after["d19"]["X3:3"])
		}
	})

	t.Run("a stale decision shows", func(t *testing.T) {
		// What a user would check when in doubt: a stored decision made
		// wrong behind the store's back changes the answer (the answer is
		// read from it), CheckPMCDecisions names the document, and
		// RefreshPMCDecisions makes it right.
		right := codingsScores(pmcFromStore(t, s, "nothing"))
		runCypher(t, `MATCH (:Document {id: 'd02'})-[pd:PMC_DECISIONS]->(:PMCModel {id: 'default'}) SET pd.ones = []`, nil)
		res, err := s.PMC(ctx, graph.PMCQuery{Study: "sample", Model: "default"})
		if err != nil {
			t.Fatal(err)
		}
		if got := changedDocuments(right, codingsScores(res)); !slices.Equal(got, []string{"d02"}) {
			t.Errorf("after emptying d02's stored decisions the answer changed for %v, want [d02]", got)
		}
		bad, err := s.CheckPMCDecisions(ctx, "sample", "default")
		if err != nil || len(bad) != 1 || bad[0].Document != "d02" || len(bad[0].Stored) != 0 || len(bad[0].Recount) == 0 {
			t.Errorf("check after emptying d02's decisions: %+v %v", bad, err)
		}
		if err := s.RefreshPMCDecisions(ctx, "sample", "default"); err != nil {
			t.Fatal(err)
		}
		if got := changedDocuments(right, codingsScores(pmcFromStore(t, s, "a refresh"))); len(got) > 0 {
			t.Errorf("after the refresh the scores of %v differ", got)
		}
	})

	t.Run("a document without decisions is recounted", func(t *testing.T) {
		right := codingsScores(pmcFromStore(t, s, "nothing"))
		runCypher(t, `MATCH (:Document {id: 'd05'})-[pd:PMC_DECISIONS]->() DELETE pd`, nil)
		res, err := s.PMC(ctx, graph.PMCQuery{Study: "sample", Model: "default"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Recounted != 1 {
			t.Errorf("without d05's stored decisions %d documents were recounted, want 1", res.Recounted)
		}
		if got := changedDocuments(right, codingsScores(res)); len(got) > 0 {
			t.Errorf("the recount differs for %v", got)
		}
		if bad, err := s.CheckPMCDecisions(ctx, "sample", "default"); err != nil || len(bad) != 1 || bad[0].Document != "d05" || bad[0].Stored != nil {
			t.Errorf("check without d05's decisions: %+v %v", bad, err)
		}
		if err := s.RefreshPMCDecisions(ctx, "sample", "default"); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("back-fill of a base stored before decisions", func(t *testing.T) {
		right := codingsScores(pmcFromStore(t, s, "nothing"))
		runCypher(t, `MATCH ()-[pd:PMC_DECISIONS]->() DELETE pd`, nil)
		runCypher(t, `MATCH (m:PMCModel) REMOVE m.decisions`, nil)
		res, err := s.PMC(ctx, graph.PMCQuery{Study: "sample", Model: "default"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Recounted != 19 {
			t.Errorf("without stored decisions %d documents were recounted, want all 19", res.Recounted)
		}
		if got := changedDocuments(right, codingsScores(res)); len(got) > 0 {
			t.Errorf("the recount differs for %v", got)
		}
		if err := s.EnsureSchema(ctx); err != nil {
			t.Fatal(err)
		}
		if got := changedDocuments(right, codingsScores(pmcFromStore(t, s, "the back-fill"))); len(got) > 0 {
			t.Errorf("after the back-fill the scores of %v differ", got)
		}
	})

	t.Run("wipe of the study", func(t *testing.T) {
		if _, err := s.WipeStudy(ctx, "sample"); err != nil {
			t.Fatal(err)
		}
		if n := runCypher(t, `MATCH ()-[r:PMC_DECISIONS]->() RETURN count(r)`, nil)[0].Values[0]; n != int64(0) {
			t.Errorf("%v decisions left after wiping the study", n)
		}
		if n := runCypher(t, `MATCH (d:PMCStale) RETURN count(d)`, nil)[0].Values[0]; n != int64(0) {
			t.Errorf("%v documents left marked stale", n)
		}
	})
}
