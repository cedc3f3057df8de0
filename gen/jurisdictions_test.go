package gen

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/loaders"
)

// county is a county-scale corpus small enough for every test run: 5
// cities and 40 counties sharing 200 documents of 12 units.
var county = Spec{Cities: 5, Counties: 40, Documents: 200, SentencesPerDoc: 12, CodedRate: 0.4, Seed: 3}

// TestTiersMUnchanged: the files of an M-shaped corpus are the ones the
// generator wrote before counties existed (tiers M and M4 stay
// byte-identical). The digest covers every file's path and SHA-256, in
// path order; it was taken with the generator of the commit before counties.
func TestTiersMUnchanged(t *testing.T) {
	dir, _ := generate(t, small)
	h := hashes(t, dir)
	paths := make([]string, 0, len(h))
	for p := range h {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	sum := sha256.New()
	for _, p := range paths {
		sum.Write([]byte(p + " " + h[p] + "\n"))
	}
	const before = "4d4de6419f650617b3f9ab80b65570fb31e44e27a92b750057fd7328abe70aa5"
	if got := hex.EncodeToString(sum.Sum(nil)); got != before {
		t.Errorf("an M-shaped corpus changed: digest %s, before %s", got, before)
	}
}

func TestCountyScale(t *testing.T) {
	a, rep := generate(t, county)
	b, rep2 := generate(t, county)
	ha, hb := hashes(t, a), hashes(t, b)
	if len(ha) != 3+200 {
		t.Errorf("%d files, want codebook, documents.csv, codings.csv and 200 texts", len(ha))
	}
	for f, h := range ha {
		if hb[f] != h {
			t.Errorf("%s differs between two runs with seed %d", f, county.Seed)
		}
	}
	want := Report{Cities: 5, Counties: 40, Documents: 200, Sentences: 200 * 12, CodedSentences: rep.CodedSentences, Codings: rep.Codings}
	if rep != want || rep2 != rep {
		t.Errorf("reports %+v and %+v, want %+v", rep, rep2, want)
	}
	if !strings.HasPrefix(rep.String(), "5 cities and 40 counties, 200 documents, 2400 sentences") {
		t.Errorf("report line %q", rep)
	}

	plan, err := loaders.Validate(context.Background(), nil, loaders.SampleInput(a))
	if err != nil {
		t.Fatal(err)
	}
	if _, docs, sentences, codings := plan.Counts(); docs != 200 || sentences != 2400 || codings != rep.Codings {
		t.Errorf("plan: %d documents, %d sentences, %d codings; want 200, 2400, %d", docs, sentences, codings, rep.Codings)
	}
	perPlace := map[string]int{}
	places := map[string]policykb.City{}
	for _, d := range plan.Documents {
		perPlace[d.City.Name]++
		places[d.City.Name] = d.City
		if !strings.HasPrefix(d.Document.ID, "c0") || len(d.Document.ID) != len("c0001-d001") {
			t.Errorf("document id %q, want the wide form c0001-d001", d.Document.ID)
		}
	}
	cityProvinces := map[string]bool{}
	cities, counties := 0, 0
	for _, c := range places {
		isCounty := strings.HasSuffix(c.Name, " County")
		if isCounty != strings.HasSuffix(c.NameZh, "县") || !isCounty && !strings.HasSuffix(c.NameZh, "市") {
			t.Errorf("%s (%s): a county's names end in County and 县, a city's in 市", c.Name, c.NameZh)
		}
		if isCounty {
			counties++
		} else {
			cities++
			cityProvinces[c.Province] = true
		}
	}
	if cities != 5 || counties != 40 {
		t.Errorf("%d cities and %d counties issued documents, want every one of 5 and 40", cities, counties)
	}
	for _, c := range places {
		if strings.HasSuffix(c.Name, " County") && !cityProvinces[c.Province] {
			t.Errorf("county %s is in %s, a province none of the cities is in", c.Name, c.Province)
		}
	}
	n := make([]int, 0, len(perPlace))
	for _, k := range perPlace {
		n = append(n, k)
	}
	slices.Sort(n)
	// Skewed: the busiest issued several times the median; every one at
	// least one (the floor).
	if n[0] < 1 || n[len(n)-1] < 4*n[len(n)/2] {
		t.Errorf("documents per jurisdiction %v: want a floor of 1 and the most at least 4× the median", n)
	}
}

func TestAllocate(t *testing.T) {
	places := make([]place, 3100)
	for i := range places {
		places[i].county = i >= 300
	}
	r := rand.New(rand.NewPCG(9, 9))
	n := allocate(30000, places, r)
	total := 0
	for _, k := range n {
		if k < 1 || k > 999 {
			t.Fatalf("a jurisdiction has %d documents: want 1 to 999", k)
		}
		total += k
	}
	if total != 30000 {
		t.Errorf("%d documents in all, want 30000", total)
	}
	// At 999 documents per place every place is full.
	full := allocate(999*3, places[:3], r)
	if !slices.Equal(full, []int{999, 999, 999}) {
		t.Errorf("999 each: %v", full)
	}
}

// TestParts: with Parts, the manifest and the codings come as pairs of
// files that together hold the rows of the single pair, in order, each
// part's codings on its own documents.
func TestParts(t *testing.T) {
	one, _ := generate(t, county)
	split := county
	split.Parts = 3
	three, _ := generate(t, split)
	if _, err := os.Stat(filepath.Join(three, "documents.csv")); err == nil {
		t.Error("documents.csv written beside the parts")
	}
	for _, f := range []string{"documents", "codings"} {
		whole := readLines(t, filepath.Join(one, f+".csv"))
		var joined []string
		for k := 1; k <= 3; k++ {
			lines := readLines(t, filepath.Join(three, fmt.Sprintf("%s-part%02d.csv", f, k)))
			if lines[0] != whole[0] {
				t.Errorf("%s part %d header %q, want %q", f, k, lines[0], whole[0])
			}
			if f == "documents" && (len(lines)-1 < 60 || len(lines)-1 > 70) {
				t.Errorf("part %d has %d documents, want about 200/3", k, len(lines)-1)
			}
			joined = append(joined, lines[1:]...)
		}
		if !slices.Equal(joined, whole[1:]) {
			t.Errorf("the parts' %s rows are not the single file's", f)
		}
	}
	// Each part loads on its own: its codings are on its documents.
	for k := 1; k <= 3; k++ {
		in := loaders.Input{Codebook: filepath.Join(three, "codebook.yaml"),
			Manifest: filepath.Join(three, fmt.Sprintf("documents-part%02d.csv", k)),
			Codings:  []string{filepath.Join(three, fmt.Sprintf("codings-part%02d.csv", k))}}
		if _, err := loaders.Validate(context.Background(), nil, in); err != nil {
			t.Errorf("part %d: %v", k, err)
		}
	}
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}
