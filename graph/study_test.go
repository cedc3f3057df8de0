package graph_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"reflect"
	"strings"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/testneo4j"
)

// TestMigrationToStudies makes the fixture a knowledge base as written
// before studies (no Study, codes without a study, the old unique key on
// Code.id), then opens it: one study takes everything, with one log line,
// every number is as before, and a second start does nothing.
func TestMigrationToStudies(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	loadFixture(t, s)
	before, err := s.Counts(ctx, policykb.LevelLayer, policykb.CorpusFilter{})
	if err != nil {
		t.Fatal(err)
	}
	stats, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	driver, err := neo4j.NewDriverWithContext(testneo4j.URI(t), neo4j.NoAuth())
	if err != nil {
		t.Fatal(err)
	}
	defer driver.Close(ctx)
	for _, stmt := range []string{
		"MATCH (st:Study) DETACH DELETE st",
		// The sample's codebook: codes from the study's tables.
		"MATCH (c:Code) REMOVE c.study SET c.source = CASE WHEN c:Layer THEN 'table4' ELSE 'table3' END",
		"DROP CONSTRAINT code_study_id IF EXISTS",
		"CREATE CONSTRAINT code_id IF NOT EXISTS FOR (n:Code) REQUIRE n.id IS UNIQUE",
	} {
		if _, err := neo4j.ExecuteQuery(ctx, driver, stmt, nil, neo4j.EagerResultTransformer); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}

	var logged bytes.Buffer
	open := func() *graph.Store {
		st, err := graph.Open(ctx, graph.Config{URI: testneo4j.URI(t), CatalogMaxAge: -1}, slog.New(slog.NewTextHandler(&logged, nil)))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close(ctx) })
		if err := st.EnsureSchema(ctx); err != nil {
			t.Fatal(err)
		}
		return st
	}
	m := open()
	if n := strings.Count(logged.String(), "stored without a study are now the study"); n != 1 ||
		!strings.Contains(logged.String(), `14 codes and 3 documents stored without a study are now the study \"sample\"`) {
		t.Errorf("migration logged:\n%s\nwant one line: 14 codes and 3 documents ... the study \"sample\"", logged.String())
	}
	studies, err := m.Studies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(studies) != 1 || studies[0].ID != "sample" || studies[0].Source != "migration" {
		t.Errorf("studies after the migration: %+v, want one, sample, from the migration", studies)
	}
	after, err := m.Counts(ctx, policykb.LevelLayer, policykb.CorpusFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(after, before) {
		t.Errorf("Table 4 after the migration %v, before %v", after, before)
	}
	own, err := m.StudyStats(ctx, "sample")
	if err != nil {
		t.Fatal(err)
	}
	if own != stats {
		t.Errorf("the study's stats %+v, the base's before %+v", own, stats)
	}
	r, err := m.Cypher(ctx, "SHOW CONSTRAINTS YIELD name WHERE name STARTS WITH 'code_' RETURN name", nil, graph.CypherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(r.Rows, [][]any{{"code_study_id"}}) {
		t.Errorf("constraints on codes after the migration: %v, want only code_study_id", r.Rows)
	}
	logged.Reset()
	open()
	if strings.Contains(logged.String(), "without a study") {
		t.Errorf("a second start migrated again:\n%s", logged.String())
	}
}

// TestStudiesShareDocuments writes the fixture as one study and two of its
// documents, with codes of the same ids, as another: the documents are
// stored once, each study counts only its own, another text under a known
// id is refused, and wiping a study leaves the other's numbers.
func TestStudiesShareDocuments(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	if _, err := s.EnsureStudy(ctx, policykb.Study{Name: "First"}); err != nil {
		t.Fatal(err)
	}
	codes := fixtureCodes()
	for i := range codes {
		codes[i].Study = "first"
	}
	if _, err := s.WriteCodebook(ctx, codes); err != nil {
		t.Fatal(err)
	}
	docs := fixtureDocs()
	for i := range docs {
		docs[i].Study = "first"
	}
	if _, err := s.WriteDocuments(ctx, docs, nil); err != nil {
		t.Fatal(err)
	}
	first, err := s.Counts(ctx, policykb.LevelLayer, policykb.CorpusFilter{})
	if err != nil {
		t.Fatal(err)
	}
	firstStats, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	matrices := func(study string) []graph.Matrix {
		t.Helper()
		var out []graph.Matrix
		for _, m := range []policykb.Measure{policykb.MeasureReferencePoints, policykb.MeasureMaterialSources,
			policykb.MeasureShare, policykb.MeasurePer1000Sentences} {
			got, err := s.Matrix(ctx, graph.MatrixQuery{Rows: policykb.LevelMainCategory, Columns: policykb.DimensionCity,
				Measure: m, Filter: policykb.CorpusFilter{Study: study}})
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, got)
		}
		return out
	}
	firstMatrices := matrices("")

	// The second study: one layer L1 > M1 > C1 > K1 (the first's ids) and
	// one coding, on a1's last sentence, which the first study left uncoded.
	second := []policykb.Code{
		{ID: "L1", Level: policykb.LevelLayer, Name: "Other layer", Study: "second"},
		{ID: "M1", Level: policykb.LevelMainCategory, Name: "Other main", Parent: "L1", Study: "second"},
		{ID: "C1", Level: policykb.LevelCategory, Name: "Other category", Parent: "M1", Study: "second"},
		{ID: "K1", Level: policykb.LevelConcept, Name: "Other concept", Parent: "C1", Study: "second"},
	}
	if _, err := s.WriteCodebook(ctx, second); err != nil {
		t.Fatal(err)
	}
	var shared []graph.DocumentBundle
	for _, b := range fixtureDocs() {
		if b.Document.ID == "a1" || b.Document.ID == "b1" {
			b.Study, b.Codings = "second", nil
			// Shared as stored: another study's title and city change nothing.
			b.City, b.Document.City, b.Document.Title = policykb.City{Name: "Gamma"}, "Gamma", "Renamed"
			if b.Document.ID == "a1" {
				b.Codings = []policykb.Coding{{SentenceID: b.Sentences[3].ID, CodeID: "K1", Coder: "z", Origin: "manual"}}
			}
			shared = append(shared, b)
		}
	}
	sum, err := s.WriteDocuments(ctx, shared, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Included != 2 || sum.NodesCreated != 0 {
		t.Errorf("sharing two documents: %+v, want 2 included and no node created", sum)
	}
	all, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := s.DocumentsByID(ctx, []string{"a1", "b1"})
	if err != nil {
		t.Fatal(err)
	}
	if stored["a1"].Title == "Renamed" || stored["b1"].City != "Beta" || all.Cities != 2 {
		t.Errorf("shared documents rewritten: %+v, %d cities; want their first titles and cities, 2 cities", stored, all.Cities)
	}
	if all.Documents != 3 || all.Sentences != firstStats.Sentences {
		t.Errorf("the base after the second study: %d documents, %d sentences; want 3 and %d: shared documents stored once",
			all.Documents, all.Sentences, firstStats.Sentences)
	}
	if _, err := s.ResolveStudy(ctx, ""); err == nil || !strings.Contains(err.Error(), "first, second") {
		t.Errorf("no study on a base of two: %v, want the list", err)
	}
	id, err := s.ResolveStudy(ctx, "First")
	if err != nil || id != "first" {
		t.Fatalf("ResolveStudy(First) = %q, %v", id, err)
	}
	got, err := s.Counts(ctx, policykb.LevelLayer, policykb.CorpusFilter{Study: "first"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, first) {
		t.Errorf("the first study's Table 4 beside the second: %v, alone %v", got, first)
	}
	if got := matrices("first"); !reflect.DeepEqual(got, firstMatrices) {
		t.Errorf("the first study's matrices beside the second:\n%+v\nalone:\n%+v", got, firstMatrices)
	}
	got, err = s.Counts(ctx, policykb.LevelLayer, policykb.CorpusFilter{Study: "second"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []policykb.Count{{CodeID: "L1", ReferencePoints: 1, MaterialSources: 1}}; !reflect.DeepEqual(got, want) {
		t.Errorf("the second study's Table 4: %v, want %v", got, want)
	}
	st, err := s.StudyStats(ctx, "second")
	if err != nil {
		t.Fatal(err)
	}
	if want := (policykb.Stats{Cities: 2, Documents: 2, Sentences: 7, CodedSentences: 1, Codings: 1, Layers: 1,
		MainCategories: 1, Categories: 1, Concepts: 1}); st != want {
		t.Errorf("the second study's stats %+v, want %+v", st, want)
	}

	// Another text under a1, which the first study has: refused, naming both.
	changed := shared[0]
	changed.Document.Text += "。另一句。"
	changed.Document.SHA256 = "changed"
	changed.Document.SourceFile = "other/a1.txt"
	_, err = s.WriteDocuments(ctx, []graph.DocumentBundle{changed}, nil)
	var pe *policykb.Error
	if !errors.As(err, &pe) || pe.Code != policykb.EInvalid || !strings.Contains(err.Error(), "study first") ||
		!strings.Contains(err.Error(), "other/a1.txt") {
		t.Errorf("another text under a1: %v, want BAD_USER_INPUT naming the study first and the new file", err)
	}

	if _, err := s.WipeStudy(ctx, "second"); err != nil {
		t.Fatal(err)
	}
	got, err = s.Counts(ctx, policykb.LevelLayer, policykb.CorpusFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, first) {
		t.Errorf("the first study's Table 4 after wiping the second: %v, before %v", got, first)
	}
	if all, err = s.Stats(ctx); err != nil || all != firstStats {
		t.Errorf("the base after wiping the second study: %+v (%v), before it %+v", all, err, firstStats)
	}
}
