package autocode_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/autocode"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/testneo4j"
	"github.com/policykb/policykb/loaders"
	"github.com/policykb/policykb/words"
)

var (
	seg     *words.Segmenter
	segOnce sync.Once
)

func segmenter(t testing.TB) *words.Segmenter {
	t.Helper()
	segOnce.Do(func() {
		s, err := words.New(words.DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		seg = s
	})
	return seg
}

// sampleStore is the test database holding the sample study and its second
// coder, opened with the word segmenter.
func sampleStore(t *testing.T) *graph.Store {
	t.Helper()
	testneo4j.EmptyStore(t, 0)
	ctx := context.Background()
	s, err := graph.Open(ctx, graph.Config{URI: testneo4j.URI(t), CatalogMaxAge: -1, Words: segmenter(t)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(ctx) })
	in := loaders.SampleInput("../data/sample")
	in.Codings = append(in.Codings, "../data/sample/second-coder.csv")
	if _, err := loaders.Load(ctx, s, in, loaders.Options{}); err != nil {
		t.Fatal(err)
	}
	return s
}

// humanNumbers is every count a researcher reads, under a few filters:
// what automatic coding must leave as it is.
func humanNumbers(t *testing.T, s *graph.Store) string {
	t.Helper()
	ctx := context.Background()
	out := map[string]any{}
	filters := map[string]policykb.CorpusFilter{
		"none": {}, "cities": {Cities: []string{"Linlan", "Xichuan"}}, "documents": {Documents: []string{"d02", "d07"}},
		"coder A": {Coders: []string{"A"}},
	}
	for name, f := range filters {
		for _, l := range policykb.Levels {
			key := name + " " + l.String()
			c, err := s.Counts(ctx, l, f)
			must(t, err)
			out["counts "+key] = c
			byCity, err := s.CountsByCity(ctx, l, f)
			must(t, err)
			out["by city "+key] = byCity
			m, err := s.Matrix(ctx, graph.MatrixQuery{Rows: l, Columns: policykb.DimensionDocument, Measure: policykb.MeasureReferencePoints, Filter: f})
			must(t, err)
			out["matrix "+key] = m
			for _, scope := range []policykb.Scope{policykb.ScopeSentence, policykb.ScopeDocument} {
				p, err := s.Cooccurrence(ctx, l, scope, 1, f)
				must(t, err)
				out["cooccurrence "+scope.String()+" "+key] = p
			}
		}
		cit, err := s.Citations(ctx, "main-10", f)
		must(t, err)
		out["citations "+name] = cit
		coded := true
		ss, n, err := s.Sentences(ctx, graph.SentenceQuery{Filter: f, Coded: &coded}, graph.Page{Limit: 1000})
		must(t, err)
		out["coded sentences "+name] = []any{n, ss}
		ss, n, err = s.Sentences(ctx, graph.SentenceQuery{Filter: f, CodeID: "main-5"}, graph.Page{Limit: 1000})
		must(t, err)
		out["main-5 sentences "+name] = []any{n, ss}
	}
	st, err := s.Stats(ctx)
	must(t, err)
	st.AutomaticCodings = 0
	out["stats"] = st
	b, err := json.Marshal(out)
	must(t, err)
	return string(b)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestAutocodingLeavesHumanNumbersAndIsIdempotent(t *testing.T) {
	s := sampleStore(t)
	ctx := context.Background()
	w := segmenter(t)
	before := humanNumbers(t, s)
	codes, err := s.Codes(ctx)
	must(t, err)

	opt := autocode.TrainOptions{Coders: []string{"A"}, Thresholds: autocode.DefaultThresholds}
	docs, err := autocode.ReadTraining(ctx, s, w, opt)
	must(t, err)
	model, err := opt.Trainer(codes, w)(autocode.Examples(docs))
	must(t, err)
	first, err := autocode.Apply(ctx, s, w, "auto:model:test", model, autocode.ApplyOptions{})
	must(t, err)
	if first.Documents != 18 || first.Sentences != 929 || first.Codings == 0 || first.Written.RelationshipsCreated != first.Codings {
		t.Fatalf("first run: %+v", first)
	}
	again, err := autocode.Apply(ctx, s, w, "auto:model:test", model, autocode.ApplyOptions{})
	must(t, err)
	if w := again.Written; w.RelationshipsCreated != 0 || w.RelationshipsDeleted != 0 || w.PropertiesSet != 0 || w.NodesCreated != 0 {
		t.Errorf("a second run wrote %+v", w)
	}

	dictFile := filepath.Join(t.TempDir(), "funding.yaml")
	writeDict := func(text string) *autocode.Dictionary {
		must(t, os.WriteFile(dictFile, []byte(text), 0o644))
		b, err := os.ReadFile(dictFile)
		must(t, err)
		d, err := autocode.ParseDictionary(dictFile, b, codes, w.Simplify)
		must(t, err)
		return d
	}
	d := writeDict("name: funding\ncodes:\n  - code: main-10\n    phrases: [资金, 经费]\n  - code: con-50\n    words: [联席会议]\n")
	dsum, err := autocode.Apply(ctx, s, w, d.Coder(), d, autocode.ApplyOptions{})
	must(t, err)
	if dsum.Codings == 0 {
		t.Fatal("the dictionary coded nothing")
	}
	if got := humanNumbers(t, s); got != before {
		t.Error("automatic coding changed the human numbers")
	}

	// A changed dictionary replaces the coder's codings: the entry it
	// dropped leaves no coding behind.
	d = writeDict("name: funding\ncodes:\n  - code: main-10\n    phrases: [资金, 经费]\n")
	replaced, err := autocode.Apply(ctx, s, w, d.Coder(), d, autocode.ApplyOptions{})
	must(t, err)
	if replaced.Written.RelationshipsDeleted == 0 || replaced.Written.RelationshipsCreated != 0 {
		t.Errorf("the changed dictionary wrote %+v", replaced.Written)
	}
	left, err := s.Counts(ctx, policykb.LevelConcept, policykb.CorpusFilter{Coders: []string{d.Coder()}})
	must(t, err)
	for _, c := range left {
		if c.CodeID == "con-50" && c.ReferencePoints != 0 {
			t.Errorf("con-50 keeps %d codings of the dropped entry", c.ReferencePoints)
		}
	}

	// Counting automatic codings is asked for by name or includeAutomatic.
	f := policykb.CorpusFilter{Coders: []string{"auto:model:test"}}
	byModel, err := s.Counts(ctx, policykb.LevelMainCategory, f)
	must(t, err)
	total := 0
	for _, c := range byModel {
		total += c.ReferencePoints
	}
	if total == 0 {
		t.Error("counts filtered to the automatic coder are empty")
	}
	all, err := s.Counts(ctx, policykb.LevelMainCategory, policykb.CorpusFilter{IncludeAutomatic: true})
	must(t, err)
	human, err := s.Counts(ctx, policykb.LevelMainCategory, policykb.CorpusFilter{})
	must(t, err)
	if reflect.DeepEqual(all, human) {
		t.Error("includeAutomatic counts the same as human codings only")
	}
	st, err := s.Stats(ctx)
	must(t, err)
	if st.AutomaticCodings != first.Codings+replaced.Codings {
		t.Errorf("stats: %d automatic codings, want %d", st.AutomaticCodings, first.Codings+replaced.Codings)
	}

	// agreement works between a human and an automatic coder, and evaluate
	// gives its numbers.
	a, err := s.Agreement(ctx, "A", "auto:model:test", policykb.LevelMainCategory, policykb.CorpusFilter{})
	must(t, err)
	rep, err := autocode.EvaluateStored(ctx, s, "A", "auto:model:test", policykb.CorpusFilter{})
	must(t, err)
	lvl := rep.Levels[1]
	if lvl.Level != "MAIN_CATEGORY" || lvl.Units != a.Units || lvl.Pooled.Kappa != a.Pooled.Kappa() || lvl.Pooled.Holsti != a.Pooled.Holsti() ||
		lvl.Pooled.Both != a.Pooled.Both || lvl.Pooled.OnlyReference != a.Pooled.OnlyA || lvl.Pooled.OnlyCandidate != a.Pooled.OnlyB {
		t.Errorf("evaluate %+v, agreement %+v", lvl.Pooled, a.Pooled)
	}

	// The human codings are as they were: no automatic run touched them.
	if _, err := s.ReplaceAutoCodings(ctx, "A", "", []string{"d01"}, nil); policykb.ErrorCodeOf(err) != policykb.EInvalid {
		t.Errorf("replacing coder A's codings: error %v, want BAD_USER_INPUT", err)
	}

	// A review file of the least confident codings loads back as a
	// human coder's codings.
	var buf bytes.Buffer
	n, err := autocode.WriteReview(ctx, s, autocode.ReviewOptions{Coder: "auto:model:test", Below: 0.8, Reviewer: "R"}, &buf)
	must(t, err)
	if n == 0 {
		t.Fatal("no coding below 0.8 to review")
	}
	review := filepath.Join(t.TempDir(), "review.csv")
	must(t, os.WriteFile(review, buf.Bytes(), 0o644))
	if _, err := loaders.Load(ctx, s, loaders.Input{Codings: []string{review}}, loaders.Options{}); err != nil {
		t.Fatal(err)
	}
	rc, err := s.Counts(ctx, policykb.LevelConcept, policykb.CorpusFilter{Coders: []string{"R"}})
	must(t, err)
	got := 0
	for _, c := range rc {
		got += c.ReferencePoints
	}
	if got == 0 || got > n {
		t.Errorf("the reviewed file loaded %d coded sentences for %d rows", got, n)
	}
	cmp, err := autocode.EvaluateStored(ctx, s, "auto:model:test", "R", policykb.CorpusFilter{})
	must(t, err)
	for _, l := range cmp.Levels {
		if l.Pooled.OnlyCandidate != 0 {
			t.Errorf("%s: the reviewer's codings hold %d the coder did not make", l.Level, l.Pooled.OnlyCandidate)
		}
	}
}

// TestAutocodingUnderAStudy: on a base of two studies that share documents
// (the sample and the test fixture "instruments", which codes three sample
// documents with its own codebook reusing the sample's code ids), a model
// learned from the sample's coder A and applied under the study "sample"
// writes codings at the sample's codes only, on the sample's documents,
// and leaves the other study's numbers as they were; without a study the
// write is refused with the list of studies.
func TestAutocodingUnderAStudy(t *testing.T) {
	s := sampleStore(t)
	ctx := context.Background()
	w := segmenter(t)
	fixture := "../loaders/testdata/studies/instruments/"
	if _, err := loaders.Load(ctx, s, loaders.Input{Codebook: fixture + "codebook.yaml", Codings: []string{fixture + "codings.csv"}, Study: "instruments"}, loaders.Options{}); err != nil {
		t.Fatal(err)
	}
	studies, err := s.Studies(ctx)
	must(t, err)
	sample := "" // the study the sample was loaded as (no name given: the base's first study)
	for _, st := range studies {
		if st.ID != "instruments" {
			sample = st.ID
		}
	}
	if len(studies) != 2 || sample == "" {
		t.Fatalf("studies %+v, want the sample's and instruments", studies)
	}
	other := policykb.CorpusFilter{Study: "instruments", IncludeAutomatic: true}
	otherBefore, err := s.Counts(ctx, policykb.LevelConcept, other)
	must(t, err)

	codes, err := s.StudyCodes(ctx, sample)
	must(t, err)
	f := policykb.CorpusFilter{Study: sample}
	opt := autocode.TrainOptions{Coders: []string{"A"}, Filter: f, Thresholds: autocode.DefaultThresholds}
	docs, err := autocode.ReadTraining(ctx, s, w, opt)
	must(t, err)
	if len(docs) != 18 {
		t.Fatalf("learned from %d documents, want the sample's 18", len(docs))
	}
	model, err := opt.Trainer(codes, w)(autocode.Examples(docs))
	must(t, err)

	if _, err := autocode.Apply(ctx, s, w, "auto:model:test", model, autocode.ApplyOptions{}); policykb.ErrorCodeOf(err) != policykb.EInvalid ||
		!strings.Contains(err.Error(), "instruments") || !strings.Contains(err.Error(), sample) {
		t.Errorf("apply without a study on two studies: %v, want BAD_USER_INPUT listing both", err)
	}
	sum, err := autocode.Apply(ctx, s, w, "auto:model:test", model, autocode.ApplyOptions{Filter: f})
	must(t, err)
	if sum.Documents != 18 || sum.Codings == 0 || sum.Written.RelationshipsCreated != sum.Codings {
		t.Fatalf("apply under the sample: %+v", sum)
	}
	// Every automatic coding is at one of the sample's codes: counted under
	// the sample, the model's concept-level codings add up to what it wrote.
	byModel, err := s.Counts(ctx, policykb.LevelConcept, policykb.CorpusFilter{Study: sample, Coders: []string{"auto:model:test"}})
	must(t, err)
	written := 0
	for _, c := range byModel {
		written += c.ReferencePoints
	}
	if written == 0 {
		t.Error("no automatic coding counts under the sample")
	}
	otherModel, err := s.Counts(ctx, policykb.LevelConcept, policykb.CorpusFilter{Study: "instruments", Coders: []string{"auto:model:test"}})
	must(t, err)
	for _, c := range otherModel {
		if c.ReferencePoints != 0 {
			t.Errorf("the other study's %s has %d automatic codings", c.CodeID, c.ReferencePoints)
		}
	}
	otherAfter, err := s.Counts(ctx, policykb.LevelConcept, other)
	must(t, err)
	if !reflect.DeepEqual(otherBefore, otherAfter) {
		t.Errorf("the other study's counts moved:\nbefore %+v\nafter  %+v", otherBefore, otherAfter)
	}
	again, err := autocode.Apply(ctx, s, w, "auto:model:test", model, autocode.ApplyOptions{Filter: f})
	must(t, err)
	if w := again.Written; w.RelationshipsCreated != 0 || w.RelationshipsDeleted != 0 {
		t.Errorf("a second run under the sample wrote %+v", w)
	}
}
