package gen

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"unicode/utf8"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/data"
	"github.com/policykb/policykb/loaders"
)

// small is a synthetic corpus small enough for every test run:
// 4 cities × 3 documents × 40 units; round(0.4 × 40) = 16 coded sentences
// per document.
var small = Spec{Cities: 4, DocsPerCity: 3, SentencesPerDoc: 40, CodedRate: 0.4, Seed: 7}

// hashes maps every file under dir (slash path) to its SHA-256.
func hashes(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		sum := sha256.Sum256(b)
		out[filepath.ToSlash(rel)] = hex.EncodeToString(sum[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func generate(t *testing.T, s Spec) (string, Report) {
	t.Helper()
	dir := t.TempDir()
	rep, err := Generate(dir, s)
	if err != nil {
		t.Fatal(err)
	}
	return dir, rep
}

func TestDeterministic(t *testing.T) {
	a, ra := generate(t, small)
	b, rb := generate(t, small)
	ha, hb := hashes(t, a), hashes(t, b)
	// codebook, documents.csv, codings.csv and 12 texts.
	if len(ha) != 15 {
		t.Fatalf("%d files, want 15: %v", len(ha), ha)
	}
	if ra != rb {
		t.Errorf("reports differ: %v and %v", ra, rb)
	}
	for f, h := range ha {
		if hb[f] != h {
			t.Errorf("%s differs between two runs with seed %d", f, small.Seed)
		}
	}

	other := small
	other.Seed = 8
	c, _ := generate(t, other)
	hc := hashes(t, c)
	for _, f := range []string{"documents.csv", "codings.csv", "texts/c001-d01.txt"} {
		if hc[f] == ha[f] {
			t.Errorf("%s is the same with seeds 7 and 8", f)
		}
	}
	if hc["codebook.yaml"] != ha["codebook.yaml"] {
		t.Error("codebook.yaml depends on the seed; it is the sample's")
	}
}

// TestValidates loads the corpus the way `policykb validate` does, offline,
// and checks that it holds what the generator reported.
func TestValidates(t *testing.T) {
	dir, rep := generate(t, small)
	want := Report{Cities: 4, Documents: 12, Sentences: 4 * 3 * 40, CodedSentences: 12 * 16}
	want.Codings = rep.Codings // one or two codes per coded sentence
	if rep != want {
		t.Errorf("report %+v, want %+v", rep, want)
	}
	if rep.Codings < rep.CodedSentences || rep.Codings > 2*rep.CodedSentences {
		t.Errorf("%d codings on %d coded sentences: want one or two each", rep.Codings, rep.CodedSentences)
	}
	plan, err := loaders.Validate(context.Background(), nil, loaders.SampleInput(dir))
	if err != nil {
		t.Fatal(err)
	}
	codes, docs, sentences, codings := plan.Counts()
	if codes != 136 || docs != rep.Documents || sentences != rep.Sentences || codings != rep.Codings {
		t.Errorf("plan has %d codes, %d documents, %d sentences, %d codings; want 136 (the sample codebook: 3 + 11 + 29 + 93), %d, %d, %d",
			codes, docs, sentences, codings, rep.Documents, rep.Sentences, rep.Codings)
	}
	cities := map[string]bool{}
	coded := map[string]bool{}
	for _, b := range plan.Documents {
		cities[b.City.Name] = true
		if !b.Document.Synthetic {
			t.Errorf("%s is not marked synthetic", b.Document.ID)
		}
		if len(b.Sentences) != 40 {
			t.Errorf("%s has %d sentences, want 40", b.Document.ID, len(b.Sentences))
		}
		if b.Sentences[0].Kind != policykb.KindHeading {
			t.Errorf("%s: the title is a %s, want a heading", b.Document.ID, b.Sentences[0].Kind)
		}
		for _, c := range b.Codings {
			coded[c.SentenceID] = true
		}
	}
	if len(cities) != rep.Cities || len(coded) != rep.CodedSentences {
		t.Errorf("%d cities and %d coded sentences in the plan, the report says %d and %d", len(cities), len(coded), rep.Cities, rep.CodedSentences)
	}
	if len(plan.Notes) != 0 {
		t.Errorf("notes: %v", plan.Notes)
	}
}

// TestShape checks what makes the corpus worth benchmarking: realistic
// sentence lengths, skewed code frequencies and cities that differ.
func TestShape(t *testing.T) {
	s := Spec{Cities: 6, DocsPerCity: 5, SentencesPerDoc: 200, CodedRate: 0.4, Seed: 1}
	dir, _ := generate(t, s)
	plan, err := loaders.Validate(context.Background(), nil, loaders.SampleInput(dir))
	if err != nil {
		t.Fatal(err)
	}
	runes, n := 0, 0
	perCode := map[string]int{}
	topOf := map[string]map[string]int{} // city → code → codings
	for _, b := range plan.Documents {
		for _, st := range b.Sentences {
			if st.Kind == policykb.KindSentence {
				runes += utf8.RuneCountInString(st.Text)
				n++
			}
		}
		if topOf[b.City.Name] == nil {
			topOf[b.City.Name] = map[string]int{}
		}
		for _, c := range b.Codings {
			perCode[c.CodeID]++
			topOf[b.City.Name][c.CodeID]++
		}
	}
	// The sample's coded sentences average 40 characters; policy sentences
	// run from about 20 to 80.
	if mean := float64(runes) / float64(n); mean < 25 || mean > 65 {
		t.Errorf("mean sentence length %.1f characters, want 25 to 65", mean)
	}
	counts := make([]int, 0, len(perCode))
	for _, k := range perCode {
		counts = append(counts, k)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(counts)))
	if top, median := counts[0], counts[len(counts)/2]; top < 5*median {
		t.Errorf("most frequent code has %d codings, the median %d: want a skew of at least 5×", top, median)
	}
	tops := map[string]bool{}
	for _, m := range topOf {
		best, bestN := "", -1
		for k, v := range m {
			if v > bestN || v == bestN && k < best {
				best, bestN = k, v
			}
		}
		tops[best] = true
	}
	if len(tops) < 2 {
		t.Errorf("all %d cities have the same most frequent code: want city-specific mixes", len(topOf))
	}
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		name string
		spec Spec
		arg  string
	}{
		{"no cities", Spec{Cities: 0, DocsPerCity: 1, SentencesPerDoc: 3}, "cities"},
		{"too many cities", Spec{Cities: MaxCities + 1, DocsPerCity: 1, SentencesPerDoc: 3}, "cities"},
		{"no documents", Spec{Cities: 1, DocsPerCity: 0, SentencesPerDoc: 3}, "docs"},
		{"two sentences", Spec{Cities: 1, DocsPerCity: 1, SentencesPerDoc: 2}, "sentences"},
		{"rate above 1", Spec{Cities: 1, DocsPerCity: 1, SentencesPerDoc: 3, CodedRate: 1.5}, "coded"},
		{"ok", Spec{Cities: 1, DocsPerCity: 1, SentencesPerDoc: 3, CodedRate: 1}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.spec.Check()
			if tc.arg == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var pe *policykb.Error
			if !errorAs(err, &pe) || pe.Code != policykb.EInvalid || pe.Argument != tc.arg {
				t.Fatalf("error %v, want BAD_USER_INPUT on %s", err, tc.arg)
			}
		})
	}
}

// TestTiny: three units are a title, one heading and one sentence, all of
// it coded when the rate is 1.
func TestTiny(t *testing.T) {
	dir, rep := generate(t, Spec{Cities: 1, DocsPerCity: 1, SentencesPerDoc: 3, CodedRate: 1, Seed: 3})
	if rep.Sentences != 3 || rep.CodedSentences != 1 {
		t.Errorf("report %+v, want 3 sentences, 1 coded", rep)
	}
	if _, err := loaders.Validate(context.Background(), nil, loaders.SampleInput(dir)); err != nil {
		t.Fatal(err)
	}
}

func TestCopySample(t *testing.T) {
	dir := t.TempDir()
	rep, err := CopySample(dir)
	if err != nil {
		t.Fatal(err)
	}
	// The study: 18 documents of 18 cities, 406 coded sentences; the sample
	// codes 21 of them at two concepts, 427 codings in all.
	want := Report{Cities: 18, Documents: 18, Sentences: rep.Sentences, CodedSentences: 406, Codings: 427}
	if rep != want {
		t.Errorf("report %+v, want %+v", rep, want)
	}
	got := hashes(t, dir)
	n := 0
	err = fs.WalkDir(data.Sample, "sample", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := data.Sample.ReadFile(p)
		sum := sha256.Sum256(b)
		rel := p[len("sample/"):]
		if got[rel] != hex.EncodeToString(sum[:]) {
			t.Errorf("%s is not the sample's", rel)
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != len(got) {
		t.Errorf("%d files copied, the sample has %d", len(got), n)
	}
}

func errorAs(err error, target **policykb.Error) bool {
	return errors.As(err, target)
}
