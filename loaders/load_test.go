package loaders

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/testneo4j"
)

// openStore is the empty test database, with a small write batch.
func openStore(t *testing.T) *graph.Store {
	t.Helper()
	return testneo4j.EmptyStore(t, 4)
}

func stats(t *testing.T, s *graph.Store) policykb.Stats {
	t.Helper()
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestLoadTwiceChangesNothing(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	in := fixture("codings.csv", "codings_occurrence.csv")

	var progress bytes.Buffer
	first, err := Load(ctx, s, in, Options{Progress: &progress})
	if err != nil {
		t.Fatal(err)
	}
	if first.Codes != 9 || first.Documents != 2 || first.Sentences != 20 || first.Codings != 10 {
		t.Errorf("first load submitted %s", first)
	}
	// 9 codes + 2 cities + 2 documents + 20 sentences
	if first.NodesCreated != 33 {
		t.Errorf("first load created %d nodes, want 33", first.NodesCreated)
	}
	// 7 BELONGS_TO + 2 ISSUED + 20 HAS_SENTENCE + 10 CODED_AS
	if first.RelationshipsCreated != 39 {
		t.Errorf("first load created %d relationships, want 39", first.RelationshipsCreated)
	}
	want := policykb.Stats{Cities: 2, Documents: 2, Sentences: 20, CodedSentences: 8, Codings: 10,
		Layers: 2, MainCategories: 2, Categories: 2, Concepts: 3}
	if got := stats(t, s); got != want {
		t.Errorf("stats after load:\n got  %+v\n want %+v", got, want)
	}

	second, err := Load(ctx, s, in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if second.NodesCreated != 0 || second.RelationshipsCreated != 0 || second.NodesDeleted != 0 || second.RelationshipsDeleted != 0 {
		t.Errorf("second load changed the graph: %s", second)
	}
	if second.Codes != first.Codes || second.Sentences != first.Sentences || second.Codings != first.Codings {
		t.Errorf("second load submitted %s, first %s", second, first)
	}
	if got := stats(t, s); got != want {
		t.Errorf("stats after the second load:\n got  %+v\n want %+v", got, want)
	}

	// What was stored reads back as segmented.
	doc, sentences, err := s.DocumentSentences(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := Validate(ctx, s, fixture())
	if err != nil {
		t.Fatal(err)
	}
	if doc.SHA256 != plan.Documents[0].Document.SHA256 || len(sentences) != 10 || sentences[6].Text != "（一）加大经费投入。" || sentences[6].Kind != policykb.KindHeading {
		t.Errorf("stored document a: %s, %d sentences", doc.SHA256, len(sentences))
	}
	if len(plan.Notes) != 0 {
		t.Errorf("notes on an unchanged reload: %q", plan.Notes)
	}
}

// TestBadInputWritesNothing: a load whose codings name an unknown code
// fails with the problem located, and the database is as before.
func TestBadInputWritesNothing(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	if _, err := Load(ctx, s, Input{Codebook: "testdata/load/codebook.yaml"}, Options{}); err != nil {
		t.Fatal(err)
	}
	before := stats(t, s)

	tests := []struct {
		name string
		in   Input
		want []string
	}{
		{"unknown code", fixture("codings_unknown_code.csv"), []string{
			`testdata/load/codings_unknown_code.csv:3: code_id: unknown code "con-99": not in the codebook of this load nor in the database`,
		}},
		{"unknown document", fixture("codings_unknown_document.csv"), []string{
			`testdata/load/codings_unknown_document.csv:2: document_id: unknown document "c": not in this load's manifest nor in the database`,
		}},
		{"codebook re-levels a stored code", Input{Codebook: "testdata/codebook/relevel.yaml"}, []string{
			`testdata/codebook/relevel.yaml:12: level: code "con-1" is stored as CONCEPT; loading it as CATEGORY would leave both labels on it`,
		}},
		{"codings only, nothing stored", Input{Codings: []string{"testdata/load/codings_occurrence.csv"}}, []string{
			`testdata/load/codings_occurrence.csv:2: document_id: unknown document "a": not in the database`,
			`testdata/load/codings_occurrence.csv:3: document_id: unknown document "b": not in the database`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sum, err := Load(ctx, s, tt.in, Options{})
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("want Problems, got %v (%s)", err, sum)
			}
			got := strings.Split(err.Error(), "\n")
			if len(got) != len(tt.want) {
				t.Fatalf("problems:\n got  %q\n want %q", got, tt.want)
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tt.want[i]) {
					t.Errorf("problem %d:\n got  %s\n want %s...", i, got[i], tt.want[i])
				}
			}
			if after := stats(t, s); after != before {
				t.Errorf("the database changed:\n before %+v\n after  %+v", before, after)
			}
		})
	}
}

// TestCodingsOnStoredDocuments loads codings alone onto documents loaded
// earlier (graph.Store.WriteCodings), twice.
func TestCodingsOnStoredDocuments(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	if _, err := Load(ctx, s, fixture("codings.csv"), Options{}); err != nil {
		t.Fatal(err)
	}
	in := Input{Codings: []string{"testdata/load/codings_occurrence.csv"}}
	first, err := Load(ctx, s, in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if first.Codings != 2 || first.RelationshipsCreated != 2 {
		t.Errorf("first: %s", first)
	}
	again, err := Load(ctx, s, in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if again.RelationshipsCreated != 0 || again.NodesCreated != 0 {
		t.Errorf("again: %s", again)
	}
	codings, err := s.CodingsBySentence(ctx, []string{"a#7"})
	if err != nil {
		t.Fatal(err)
	}
	var coders []string
	for _, c := range codings["a#7"] {
		coders = append(coders, c.Coder+":"+c.CodeID)
		if c.Coder == "C" && (c.Start == nil || c.Origin != "manual") {
			t.Errorf("coding by C: %+v", c)
		}
	}
	if len(coders) != 2 {
		t.Errorf("a#7 codings: %v", coders)
	}
}

// TestChangedTextIsNoted: validating a document whose text differs from the
// stored one says that its sentences and codings will be replaced.
func TestChangedTextIsNoted(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	if _, err := Load(ctx, s, fixture("codings.csv"), Options{}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "texts"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"documents.csv", "texts/a.txt", "texts/b.txt"} {
		b, err := os.ReadFile(filepath.Join("testdata/load", f))
		if err != nil {
			t.Fatal(err)
		}
		if f == "texts/b.txt" {
			b = append(b, "（此件公开发布）\n"...)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	plan, err := Validate(ctx, s, Input{Manifest: filepath.Join(dir, "documents.csv")})
	if err != nil {
		t.Fatal(err)
	}
	want := "the text of b changed since it was stored: its sentences, and every coding on them, will be replaced"
	if len(plan.Notes) != 1 || plan.Notes[0] != want {
		t.Errorf("notes: %q", plan.Notes)
	}
}

func TestProgress(t *testing.T) {
	docs := []graph.DocumentBundle{{Sentences: make([]policykb.Sentence, 3)}, {Sentences: make([]policykb.Sentence, 5)}, {Sentences: make([]policykb.Sentence, 2)}}

	var quiet bytes.Buffer
	p := newProgress(&quiet, false, 0, docs) // a load shorter than a second prints nothing
	p.report(1, 3)
	p.report(3, 3)
	p.finish()
	if quiet.Len() != 0 {
		t.Errorf("short load printed %q", quiet.String())
	}

	// A clock that advances 2 s at every reading: lines every 10 s (the
	// default) come at 2, 12 and 22 s (the reports at 4 to 10 s are held
	// back), and the final line at 100 %.
	clock := func(p *progress) {
		at := p.began
		p.now = func() time.Time { at = at.Add(2 * time.Second); return at }
	}
	var out bytes.Buffer
	p = newProgress(&out, false, 0, docs)
	clock(p)
	for _, done := range []int{1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3} {
		p.report(done, 3)
	}
	p.finish()
	want := []string{
		// 3 of 10 sentences in 2 s: 1.5/s, 7 left: 4.67 s.
		"documents 1/3 (30.0 %), 3/10 sentences, 2 sentences/s, 5s left",
		// 8 of 10 in 12 s: 0.67/s, 2 left: 3 s.
		"documents 2/3 (80.0 %), 8/10 sentences, 1 sentences/s, 3s left",
		// Every document in 22 s; reported again at the finish (24 s).
		"documents 3/3 (100.0 %), 10/10 sentences, 0 sentences/s, 0s left",
		"documents 3/3 (100.0 %), 10/10 sentences, 0 sentences/s, in 24s",
	}
	if got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n"); !slices.Equal(got, want) {
		t.Errorf("progress lines:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// Live: the line is rewritten in place (carriage return, the state,
	// the rest of the line cleared) four times a second, and the final
	// state ends the line.
	out.Reset()
	p = newProgress(&out, true, time.Hour, docs)
	clock(p)
	p.report(2, 3)
	p.report(3, 3)
	p.finish()
	wantLive := "\rdocuments 2/3 (80.0 %), 8/10 sentences, 4 sentences/s, 1s left\x1b[K" +
		"\rdocuments 3/3 (100.0 %), 10/10 sentences, 2 sentences/s, 0s left\x1b[K" +
		"\rdocuments 3/3 (100.0 %), 10/10 sentences, 2 sentences/s, in 6s\x1b[K\n"
	if out.String() != wantLive {
		t.Errorf("live progress %q, want %q", out.String(), wantLive)
	}
}

func TestProgressLine(t *testing.T) {
	for _, tc := range []struct {
		docs, allDocs, sents, allSents int
		elapsed                        time.Duration
		final                          bool
		want                           string
	}{
		{1200, 30000, 360000, 9000000, 36 * time.Second, false,
			// 10,000 sentences/s; 8,640,000 left: 864 s.
			"documents 1200/30000 (4.0 %), 360000/9000000 sentences, 10000 sentences/s, 14m24s left"},
		{0, 30000, 0, 9000000, time.Second, false,
			"documents 0/30000 (0.0 %), 0/9000000 sentences, 0 sentences/s, time left unknown"},
		{30000, 30000, 9000000, 9000000, 15 * time.Minute, true,
			"documents 30000/30000 (100.0 %), 9000000/9000000 sentences, 10000 sentences/s, in 15m0s"},
	} {
		if got := progressLine(tc.docs, tc.allDocs, tc.sents, tc.allSents, tc.elapsed, tc.final); got != tc.want {
			t.Errorf("got  %q\nwant %q", got, tc.want)
		}
	}
}

// TestCodebookExtendsStoredScheme: a codebook may hang codes under parents
// that only the database holds; offline that parent is unknown.
func TestCodebookExtendsStoredScheme(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	in := Input{Codebook: "testdata/codebook/extend.yaml"}
	_, err := Validate(ctx, nil, in)
	if err == nil || !strings.HasPrefix(err.Error(), `testdata/codebook/extend.yaml:6: parent: unknown code "cat-1": no such id in this codebook`) {
		t.Errorf("offline: got %v", err)
	}
	if _, err := Load(ctx, s, fixture(), Options{}); err != nil {
		t.Fatal(err)
	}
	sum, err := Load(ctx, s, in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.NodesCreated != 1 || sum.RelationshipsCreated != 1 {
		t.Errorf("extension: %s", sum)
	}
	codes, err := s.Codes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range codes {
		if c.ID == "con-3" && (c.Parent != "cat-1" || c.Level != policykb.LevelConcept) {
			t.Errorf("con-3 stored as %+v", c)
		}
	}
}
