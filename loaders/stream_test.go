package loaders_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/gen"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/testneo4j"
	"github.com/policykb/policykb/loaders"
)

// generated writes a small generated corpus (cities × 5 documents × 40
// units) and returns its directory.
func generated(t *testing.T, cities int) string {
	t.Helper()
	dir := t.TempDir()
	spec := gen.Tiers["M4"]
	spec.Cities, spec.DocsPerCity, spec.SentencesPerDoc = cities, 5, 40
	if _, err := gen.Generate(dir, spec); err != nil {
		t.Fatal(err)
	}
	return dir
}

// reorder rewrites the corpus's codings file: its rows shuffled (seed 1),
// so that each document's rows are scattered through the file, and every
// third quote broken by a line break inside its quoted field (a quote
// copied with its hard line breaks, located ignoring white space).
func reorder(t *testing.T, dir string) {
	t.Helper()
	path := filepath.Join(dir, "codings.csv")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	rows := lines[1:]
	rand.New(rand.NewPCG(1, 1)).Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	for i, r := range rows {
		f := strings.SplitN(r, ",", 3) // document_id, quote, the rest (generated quotes hold no comma)
		q := []rune(f[1])
		if i%3 == 0 && len(q) > 4 {
			rows[i] = f[0] + ",\"" + string(q[:3]) + "\n" + string(q[3:]) + "\"," + f[2]
		}
	}
	out := lines[0] + "\n" + strings.Join(rows, "\n") + "\n"
	if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
}

func withoutTimes(p *loaders.Plan) *loaders.Plan {
	if p == nil {
		return nil
	}
	for i := range p.Documents {
		for j := range p.Documents[i].Codings {
			p.Documents[i].Codings[j].At = time.Time{}
		}
	}
	for j := range p.Codings {
		p.Codings[j].At = time.Time{}
	}
	return p
}

// TestStreamedValidationMatchesValidate: the validation pass of Load, which
// reads the texts and the codings files a chunk at a time, finds the same
// problems, in the same order and words, and the same documents, sentences
// and codings as Validate, which holds the whole input, with chunks of
// every size, on codings files in document order or not.
func TestStreamedValidationMatchesValidate(t *testing.T) {
	good := generated(t, 3)
	shuffled := generated(t, 3)
	reorder(t, shuffled)
	broken := generated(t, 4)
	reorder(t, broken)
	if err := os.Remove(filepath.Join(broken, "texts", "c002-d03.txt")); err != nil {
		t.Fatal(err)
	}
	appendCodings(t, broken, "c001-d02,这句话不在文中。,con-1,A\nnowhere,一句话。,con-1,A\nc004-d05,，,con-1,A\nc001-d01,一句话。,con-999,B\nc002-d03,一句话。,con-1,A\n")
	load := func(codings ...string) loaders.Input {
		in := loaders.Input{Codebook: "testdata/load/codebook.yaml", Manifest: "testdata/load/documents.csv"}
		for _, c := range codings {
			in.Codings = append(in.Codings, "testdata/load/"+c)
		}
		return in
	}
	inputs := map[string]loaders.Input{
		"load":                load("codings.csv"),
		"load, occurrences":   load("codings.csv", "codings_occurrence.csv"),
		"load, errors":        load("codings_errors.csv", "codings_unknown_code.csv", "codings_unknown_document.csv"),
		"manifest errors":     {Manifest: "testdata/manifest/errors.csv"},
		"sample":              loaders.SampleInput("../data/sample"),
		"generated":           loaders.SampleInput(good),
		"generated, shuffled": loaders.SampleInput(shuffled),
		"generated, mistakes": loaders.SampleInput(broken),
		"codings alone":       {Codings: []string{filepath.Join(broken, "codings.csv")}},
		"twice the codings":   {Codebook: filepath.Join(good, "codebook.yaml"), Manifest: filepath.Join(good, "documents.csv"), Codings: []string{filepath.Join(good, "codings.csv"), filepath.Join(shuffled, "codings.csv")}},
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			want, wantErr := loaders.Validate(context.Background(), nil, in)
			for _, chunk := range [][2]int{{1, 1}, {2, 50}, {7, 300}, {256, 100_000}} {
				restore := loaders.SetStreamChunks(chunk[0], chunk[1])
				got, err := loaders.ValidateStream(context.Background(), nil, in)
				restore()
				if (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
					t.Fatalf("chunks %v: problems\n%v\nwant\n%v", chunk, err, wantErr)
				}
				if !reflect.DeepEqual(withoutTimes(got), withoutTimes(want)) {
					t.Fatalf("chunks %v: the streamed plan differs from Validate's", chunk)
				}
			}
		})
	}
}

// TestStreamedCodingsProblems: problems only the streaming pass reads
// row by row, with the file, line and field.
func TestStreamedCodingsProblems(t *testing.T) {
	codings := func(t *testing.T, content string) loaders.Input {
		path := filepath.Join(t.TempDir(), "codings.csv")
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		in := loaders.Input{Codebook: "testdata/load/codebook.yaml", Manifest: "testdata/load/documents.csv", Codings: []string{path}}
		return in
	}
	header := "\ufeffdocument_id,quote,code_id,coder\n"
	row := "a,市财政每年安排3.5亿元专项资金,con-80,A\n"
	bad := header + row + row + "a,市财政\xff每年,con-80,A\n"
	in := codings(t, bad)
	_, err := loaders.ValidateStream(context.Background(), nil, in)
	want := in.Codings[0] + ":4: not valid UTF-8 at byte offset " + strconv.Itoa(strings.Index(bad, "\xff")) + " (0xff)"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("invalid UTF-8:\n got  %v\n want %s...", err, want)
	}
	in = codings(t, header+row+"b,\"不在\n文中\",con-1,A\n"+row+"a,市财政每年安排3.5亿元专项资金,con-80\n")
	_, err = loaders.ValidateStream(context.Background(), nil, in)
	wantAll := []string{
		in.Codings[0] + `:3: quote: document b: not found in the document text: "不在\n文中"`,
		in.Codings[0] + ":6: 3 fields, but the header has 4",
	}
	if err == nil || err.Error() != strings.Join(wantAll, "\n") {
		t.Errorf("problems:\n got  %v\n want %s", err, strings.Join(wantAll, "\n"))
	}
}

func loadStats(t *testing.T, s *graph.Store) policykb.Stats {
	t.Helper()
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestStreamedLoad loads a generated corpus whose codings are out of
// document order, in chunks of two documents: the base holds what
// Validate (the whole input in memory) says it should; a second load
// changes nothing; a problem in the last chunk of another corpus writes
// nothing at all.
func TestStreamedLoad(t *testing.T) {
	s := testneo4j.EmptyStore(t, 16)
	ctx := context.Background()
	dir := generated(t, 3)
	reorder(t, dir)
	in := loaders.SampleInput(dir)
	defer loaders.SetStreamChunks(2, 50)()

	plan, err := loaders.Validate(ctx, nil, in)
	if err != nil {
		t.Fatal(err)
	}
	codes, docs, sentences, codings := plan.Counts()
	first, err := loaders.Load(ctx, s, in, loaders.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if first.Codes != codes || first.Documents != docs || first.Sentences != sentences || first.Codings != codings {
		t.Errorf("load submitted %s; Validate planned %s", first, plan)
	}
	got := loadStats(t, s)
	if got.Documents != docs || got.Sentences != sentences || got.Codings != codings || got.Cities != 3 {
		t.Errorf("stored %+v; Validate planned %s in 3 cities", got, plan)
	}
	for _, b := range []graph.DocumentBundle{plan.Documents[0], plan.Documents[len(plan.Documents)-1]} {
		_, stored, err := s.DocumentSentences(ctx, b.Document.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(stored) != len(b.Sentences) {
			t.Errorf("%s: %d sentences stored, %d planned", b.Document.ID, len(stored), len(b.Sentences))
		}
	}

	second, err := loaders.Load(ctx, s, in, loaders.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if second.NodesCreated != 0 || second.RelationshipsCreated != 0 || second.NodesDeleted != 0 || second.RelationshipsDeleted != 0 {
		t.Errorf("second load changed the graph: %s", second)
	}
	if after := loadStats(t, s); after != got {
		t.Errorf("stats after the second load:\n got  %+v\n want %+v", after, got)
	}

	// Another corpus, wrong in its last document: nothing of it is written.
	other := generated(t, 4)
	appendCodings(t, other, "c004-d05,这句话不在文中。,con-1,A\n")
	_, err = loaders.Load(ctx, s, loaders.SampleInput(other), loaders.Options{})
	var ps loaders.Problems
	if !errors.As(err, &ps) || len(ps) != 1 || ps[0].Field != "quote" || !strings.HasSuffix(ps[0].File, "codings.csv") {
		t.Fatalf("want one quote problem, got %v", err)
	}
	if after := loadStats(t, s); after != got {
		t.Errorf("a load with a problem in its last chunk wrote:\n got  %+v\n want %+v", after, got)
	}
}
