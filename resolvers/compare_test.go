package resolvers_test

import (
	"encoding/json"
	"math"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/internal/framecheck"
	"github.com/policykb/policykb/loaders"
)

// comparison is the part of CityComparison the tests read.
type comparison struct {
	Level      *string
	Frame      string
	FrameLevel string
	Cities     []struct{ Name string }
	Rows       []struct {
		Value     struct{ ID string }
		Code      *struct{ ID string }
		FrameCode *struct{ ID, Level string }
		Cells     []struct {
			City            struct{ Name string }
			ReferencePoints int
			MaterialSources int
			Share           float64
			Sentences       *struct {
				TotalCount int
				Edges      []struct{ Node struct{ ID string } }
			}
		}
	}
	Similarity []pairJSON
}

type pairJSON struct {
	A, B   struct{ Name string }
	Cosine float64
}

// mix is a city's counts per code, worked out by the test.
type mix map[string]map[string]policykb.Count // city → code → counts

// mixOf counts, per city and code, the distinct sentences (and their
// documents) that sentencesOf puts under the code.
func mixOf(codes []string, sentencesOf func(code string) map[string]bool, docOf, cityOf map[string]string) mix {
	out := mix{}
	for _, code := range codes {
		docs := map[string]map[string]bool{}
		for sid := range sentencesOf(code) {
			city := cityOf[docOf[sid]]
			if out[city] == nil {
				out[city] = map[string]policykb.Count{}
			}
			n := out[city][code]
			n.CodeID = code
			n.ReferencePoints++
			if docs[city] == nil {
				docs[city] = map[string]bool{}
			}
			docs[city][docOf[sid]] = true
			n.MaterialSources = len(docs[city])
			out[city][code] = n
		}
	}
	return out
}

// cosine of two cities' reference-point vectors over the codes, by hand.
func (m mix) cosine(a, b string, codes []string) float64 {
	var dot, na, nb float64
	for _, c := range codes {
		x, y := float64(m[a][c].ReferencePoints), float64(m[b][c].ReferencePoints)
		dot, na, nb = dot+x*y, na+x*x, nb+y*y
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}

// checkComparison checks every cell, share and pair of a comparison of
// the given cities against the test's own counts.
func checkComparison(t *testing.T, got comparison, want mix, codes, cities []string) {
	t.Helper()
	var names []string
	for _, c := range got.Cities {
		names = append(names, c.Name)
	}
	if !slices.Equal(names, cities) {
		t.Fatalf("cities %v, want %v", names, cities)
	}
	var ids []string
	for _, r := range got.Rows {
		ids = append(ids, r.Value.ID)
	}
	if !slices.Equal(ids, codes) {
		t.Fatalf("rows %v, want the level's codes %v", ids, codes)
	}
	for i, city := range cities {
		sum := 0
		for _, c := range codes {
			sum += want[city][c].ReferencePoints
		}
		for j, code := range codes {
			cell := got.Rows[j].Cells[i]
			w := want[city][code]
			share := 0.0
			if sum > 0 {
				share = float64(w.ReferencePoints) / float64(sum)
			}
			if cell.City.Name != city || cell.ReferencePoints != w.ReferencePoints || cell.MaterialSources != w.MaterialSources || math.Abs(cell.Share-share) > 1e-12 {
				t.Errorf("%s in %s: %d refs, %d sources, share %v; want %d, %d, %v", code, city,
					cell.ReferencePoints, cell.MaterialSources, cell.Share, w.ReferencePoints, w.MaterialSources, share)
			}
		}
	}
	k := 0
	for a := range cities {
		for b := a + 1; b < len(cities); b++ {
			p := got.Similarity[k]
			k++
			if w := want.cosine(cities[a], cities[b], codes); p.A.Name != cities[a] || p.B.Name != cities[b] || math.Abs(p.Cosine-w) > 1e-12 {
				t.Errorf("pair %d: %s–%s %v, want %s–%s %v", k, p.A.Name, p.B.Name, p.Cosine, cities[a], cities[b], w)
			}
		}
	}
	if k != len(got.Similarity) {
		t.Errorf("%d pairs, want %d", len(got.Similarity), k)
	}
}

// checkSimilarity checks similarity's pairs: every pair once, the cosine
// worked out by the test, most similar first.
func checkSimilarity(t *testing.T, got []pairJSON, want mix, codes, cities []string) {
	t.Helper()
	if len(got) != len(cities)*(len(cities)-1)/2 {
		t.Fatalf("%d pairs, want %d", len(got), len(cities)*(len(cities)-1)/2)
	}
	seen := map[string]bool{}
	for i, p := range got {
		if w := want.cosine(p.A.Name, p.B.Name, codes); math.Abs(p.Cosine-w) > 1e-12 || p.A.Name >= p.B.Name || seen[p.A.Name+"|"+p.B.Name] {
			t.Errorf("%s–%s %v, want %v once, a before b", p.A.Name, p.B.Name, p.Cosine, w)
		}
		seen[p.A.Name+"|"+p.B.Name] = true
		if i > 0 && p.Cosine > got[i-1].Cosine {
			t.Errorf("pair %d (%v) is more similar than pair %d (%v): not most similar first", i, p.Cosine, i-1, got[i-1].Cosine)
		}
	}
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const comparisonFields = `level frame frameLevel cities { name }
	rows { value { id } code { id } frameCode { id level } cells { city { name } referencePoints materialSources share } }
	similarity { a { name } b { name } cosine }`

// TestCompareFramesOnSample compares the sample's cities at the instrument
// levels (compareCities, similarity and frameSimilarity with a frame) and
// checks every count, share and cosine against the instrument codings the
// test derives itself from the sample's codings CSV and the mapping file;
// every cell's sentences are the sentences counted; and the answers at the
// codebook's levels are what the codings give and do not move when the
// frame is added.
func TestCompareFramesOnSample(t *testing.T) {
	s := loadSampleAsStudy(t)
	opts := testOptions(nil)
	opts.Log, opts.MaxCost, opts.MaxPageSize = nil, 1_000_000, 1000
	e := newEnv(t, s, &opts)

	sample, err := framecheck.ReadSample("../data/sample")
	if err != nil {
		t.Fatal(err)
	}
	var cities []string
	for _, c := range sample.CityOf {
		if !slices.Contains(cities, c) {
			cities = append(cities, c)
		}
	}
	sort.Strings(cities)

	// The codebook's main categories by hand: a sentence counts under every
	// code on the way up from a code it is coded at.
	var mains []string
	for _, c := range sample.Codebook.Codes {
		if c.Level == policykb.LevelMainCategory.String() {
			mains = append(mains, c.ID)
		}
	}
	under := map[string]map[string]bool{}
	for sid, codes := range sample.Coded {
		for _, c := range codes {
			for k := c; k != ""; k = sample.Parents[k] {
				if under[k] == nil {
					under[k] = map[string]bool{}
				}
				under[k][sid] = true
			}
		}
	}
	mainMix := mixOf(mains, func(code string) map[string]bool { return under[code] }, sample.DocOf, sample.CityOf)
	codebookQuery := `{ compareCities(level: MAIN_CATEGORY) { ` + comparisonFields + ` }
		byFrame: compareCities(frameLevel: {frame: "codebook", level: "main_category"}) { ` + comparisonFields + ` }
		similarity(level: MAIN_CATEGORY) { a { name } b { name } cosine } }`
	before := e.ok(t, codebookQuery, nil)
	var cb struct {
		CompareCities, ByFrame comparison
		Similarity             []pairJSON
	}
	if err := json.Unmarshal(before, &cb); err != nil {
		t.Fatal(err)
	}
	checkComparison(t, cb.CompareCities, mainMix, mains, cities)
	checkSimilarity(t, cb.Similarity, mainMix, mains, cities)
	if cb.CompareCities.Level == nil || *cb.CompareCities.Level != "MAIN_CATEGORY" || cb.CompareCities.Frame != "codebook" ||
		cb.CompareCities.FrameLevel != "MAIN_CATEGORY" || cb.CompareCities.Rows[0].Code == nil || cb.CompareCities.Rows[0].FrameCode != nil {
		t.Errorf("a codebook comparison: level %v, frame %q, frameLevel %q, row %+v", cb.CompareCities.Level, cb.CompareCities.Frame,
			cb.CompareCities.FrameLevel, cb.CompareCities.Rows[0])
	}
	if a, b := jsonOf(t, cb.CompareCities), jsonOf(t, cb.ByFrame); a != b {
		t.Errorf("frameLevel {frame: codebook} differs from level:\n%s\n%s", b, a)
	}

	addSampleFrame(t, s)
	if after := e.ok(t, codebookQuery, nil); string(after) != string(before) {
		t.Errorf("adding the instrument frame changed the codebook comparison:\nbefore %s\nafter  %s", before, after)
	}

	frameData, err := os.ReadFile("../data/frames/policy-instruments.yaml")
	if err != nil {
		t.Fatal(err)
	}
	frame, err := loaders.ParseFrame("policy-instruments.yaml", frameData)
	if err != nil {
		t.Fatal(err)
	}
	mapData, err := os.ReadFile("../data/frames/sample-instruments-mapping.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m, err := loaders.ParseMapping("sample-instruments-mapping.yaml", mapData, sample.Codebook, frame)
	if err != nil {
		t.Fatal(err)
	}
	derived := framecheck.Recompute(m, sample.Parents, frame.Parents(), sample.Coded)

	for _, level := range []string{"TYPE", "TOOL"} {
		t.Run(level, func(t *testing.T) {
			var codes []string
			for _, c := range frame.Codes {
				if c.Level == level {
					codes = append(codes, c.ID)
				}
			}
			want := mixOf(codes, func(code string) map[string]bool { return derived[code] }, sample.DocOf, sample.CityOf)
			if len(want) < 10 {
				t.Fatalf("only %d cities hold instrument codings: the sample or the mapping changed", len(want))
			}
			fl := `{frame: "instruments", level: "` + level + `"}`
			var got struct {
				CompareCities   comparison
				Similarity, Old []pairJSON
			}
			data := e.ok(t, `{ compareCities(frameLevel: `+fl+`) { `+comparisonFields+` }
				similarity(frameLevel: `+fl+`) { a { name } b { name } cosine }
				old: frameSimilarity(frame: "instruments", level: "`+level+`") { a { name } b { name } cosine } }`, nil)
			if err := json.Unmarshal(data, &got); err != nil {
				t.Fatal(err)
			}
			c := got.CompareCities
			checkComparison(t, c, want, codes, cities)
			checkSimilarity(t, got.Similarity, want, codes, cities)
			if !slices.Equal(got.Old, got.Similarity) {
				t.Errorf("frameSimilarity differs from similarity(frameLevel:)")
			}
			if c.Level != nil || c.Frame != "instruments" || c.FrameLevel != level {
				t.Errorf("level %v, frame %q, frameLevel %q; want null, instruments, %s", c.Level, c.Frame, c.FrameLevel, level)
			}
			for _, r := range c.Rows {
				if r.Code != nil || r.FrameCode == nil || r.FrameCode.ID != r.Value.ID || r.FrameCode.Level != level {
					t.Errorf("row %s: code %v, frameCode %v", r.Value.ID, r.Code, r.FrameCode)
				}
			}
		})
	}

	t.Run("two cities, and every cell's sentences", func(t *testing.T) {
		var codes []string
		for _, c := range frame.Codes {
			if c.Level == "TYPE" {
				codes = append(codes, c.ID)
			}
		}
		want := mixOf(codes, func(code string) map[string]bool { return derived[code] }, sample.DocOf, sample.CityOf)
		pair := []string{cities[5], cities[2]}
		var got struct{ CompareCities comparison }
		data := e.ok(t, `query($c: [String!]) { compareCities(cities: $c, frameLevel: {frame: "instruments", level: "type"}) {
			cities { name } rows { value { id } cells { city { name } referencePoints materialSources share
			  sentences(first: 1000) { totalCount edges { node { id } } } } }
			similarity { a { name } b { name } cosine } } }`, map[string]any{"c": pair})
		if err := json.Unmarshal(data, &got); err != nil {
			t.Fatal(err)
		}
		checkComparison(t, got.CompareCities, want, codes, pair)
		for j, r := range got.CompareCities.Rows {
			for i, cell := range r.Cells {
				var ids []string
				for _, e := range cell.Sentences.Edges {
					ids = append(ids, e.Node.ID)
				}
				var wantIDs []string
				for sid := range derived[codes[j]] {
					if sample.CityOf[sample.DocOf[sid]] == pair[i] {
						wantIDs = append(wantIDs, sid)
					}
				}
				slices.Sort(ids)
				slices.Sort(wantIDs)
				if cell.Sentences.TotalCount != cell.ReferencePoints || !slices.Equal(ids, wantIDs) {
					t.Errorf("%s in %s: %d refs, sentences %d %v; want %v", codes[j], pair[i], cell.ReferencePoints,
						cell.Sentences.TotalCount, ids, wantIDs)
				}
			}
		}
	})

	t.Run("the codebook's cells expand too", func(t *testing.T) {
		data := e.ok(t, `{ compareCities(cities: ["Xichuan"], level: MAIN_CATEGORY) { rows { value { id }
			cells { referencePoints sentences { totalCount edges { node { id } } } } } } }`, nil)
		var got struct{ CompareCities comparison }
		if err := json.Unmarshal(data, &got); err != nil {
			t.Fatal(err)
		}
		for _, r := range got.CompareCities.Rows {
			cell := r.Cells[0]
			n := 0
			for sid := range under[r.Value.ID] {
				if sample.CityOf[sample.DocOf[sid]] == "Xichuan" {
					n++
				}
			}
			if cell.ReferencePoints != n || cell.Sentences.TotalCount != n || len(cell.Sentences.Edges) != n {
				t.Errorf("%s in Xichuan: %d refs, %d sentences (%d listed); want %d", r.Value.ID, cell.ReferencePoints,
					cell.Sentences.TotalCount, len(cell.Sentences.Edges), n)
			}
		}
	})

	t.Run("bad levels", func(t *testing.T) {
		for _, c := range []struct{ query, arg, says string }{
			{`{ compareCities { frame } }`, "level", "give level"},
			{`{ compareCities(level: LAYER, frameLevel: {frame: "instruments", level: "TYPE"}) { frame } }`, "frameLevel", "not both"},
			{`{ compareCities(frameLevel: {dimension: CITY}) { frame } }`, "frameLevel", "not a dimension"},
			{`{ compareCities(frameLevel: {frame: "instrumentz", level: "TYPE"}) { frame } }`, "frameLevel", "the frames are codebook, instruments"},
			{`{ similarity(frameLevel: {frame: "instruments", level: "KIND"}) { cosine } }`, "frameLevel", "its levels are TYPE, TOOL"},
			{`{ similarity(frameLevel: {frame: "codebook", level: "TYPE"}) { cosine } }`, "frameLevel", "TYPE"},
			{`{ similarity(frameLevel: {frame: "instruments"}) { cosine } }`, "frameLevel", "needs a level"},
		} {
			if err := assertError(t, e.post(t, c.query, nil), http.StatusOK, "BAD_USER_INPUT", c.arg); !strings.Contains(err.Message, c.says) {
				t.Errorf("%s: %q, want it to say %q", c.query, err.Message, c.says)
			}
		}
	})
}
