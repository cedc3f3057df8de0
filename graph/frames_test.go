package graph_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/framecheck"
	"github.com/policykb/policykb/loaders"
)

const (
	framesDir      = "../data/frames"
	instrumentFile = framesDir + "/policy-instruments.yaml"
	mappingFile    = framesDir + "/sample-instruments-mapping.yaml"
)

func sampleFrames(t *testing.T) (policykb.Frame, []byte) {
	t.Helper()
	data, err := os.ReadFile(instrumentFile)
	if err != nil {
		t.Fatal(err)
	}
	f, err := loaders.ParseFrame(instrumentFile, data)
	if err != nil {
		t.Fatal(err)
	}
	m, err := os.ReadFile(mappingFile)
	if err != nil {
		t.Fatal(err)
	}
	return f, m
}

// samplePlan is the sample study read offline (framecheck.ReadSample).
func samplePlan(t *testing.T) (parents map[string]string, coded map[string][]string, docOf, cityOf map[string]string, codebook policykb.Frame) {
	t.Helper()
	p, err := framecheck.ReadSample(sampleDir)
	if err != nil {
		t.Fatal(err)
	}
	return p.Parents, p.Coded, p.DocOf, p.CityOf, p.Codebook
}

func allCounts(t *testing.T, s *graph.Store) map[policykb.Level][]policykb.Count {
	t.Helper()
	out := map[policykb.Level][]policykb.Count{}
	for _, l := range policykb.Levels {
		c, err := s.Counts(context.Background(), l, policykb.CorpusFilter{})
		if err != nil {
			t.Fatal(err)
		}
		out[l] = c
	}
	return out
}

func cypherInt(t *testing.T, s *graph.Store, stmt string) int {
	t.Helper()
	r, err := s.Cypher(context.Background(), stmt, nil, graph.CypherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	switch v := r.Rows[0][0].(type) {
	case int64:
		return int(v)
	case float64:
		return int(v)
	}
	t.Fatalf("%s: %v", stmt, r.Rows[0][0])
	return 0
}

// TestSampleFrame adds the instrument frame and the sample's mapping to the
// loaded sample study and checks every count against the test's own
// derivation, the cross-tab and its cells' sentences, that the
// grounded-theory counts do not move, idempotence, a changed mapping, bad
// files and wipe.
func TestSampleFrame(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	loadSample(t, s)
	before := allCounts(t, s)

	frame, mapData := sampleFrames(t)
	parents, coded, docOf, cityOf, codebook := samplePlan(t)
	m, err := loaders.ParseMapping(mappingFile, mapData, codebook, frame)
	if err != nil {
		t.Fatal(err)
	}
	in := loaders.FrameInput{Frame: instrumentFile, Mappings: []string{mappingFile}}
	sum, err := loaders.AddFrame(ctx, s, in)
	if err != nil {
		t.Fatal(err)
	}
	if sum.NodesCreated != 1+len(frame.Codes)+1 {
		t.Errorf("nodes created: %d, want the frame, its %d codes and the mapping", sum.NodesCreated, len(frame.Codes))
	}
	framePar := frame.Parents()
	checkFrameCounts(t, s, framecheck.Recompute(m, parents, framePar, coded), frame, docOf, cityOf)
	if got := allCounts(t, s); !reflect.DeepEqual(got, before) {
		t.Errorf("adding the frame moved the grounded-theory counts:\nbefore %v\nafter  %v", before, got)
	}
	fi := framesOf(t, s)
	if len(fi) != 1 || fi[0].Derived != framecheck.DerivedPairs(m, parents, coded) || fi[0].Codings != 0 {
		t.Errorf("frames: %+v, want one with %d derived codings", fi, framecheck.DerivedPairs(m, parents, coded))
	}

	t.Run("idempotent", func(t *testing.T) {
		again, err := loaders.AddFrame(ctx, s, in)
		if err != nil {
			t.Fatal(err)
		}
		if again.NodesCreated+again.RelationshipsCreated+again.NodesDeleted+again.RelationshipsDeleted != 0 {
			t.Errorf("adding the same frame and mapping again changed the graph: %+v", again)
		}
	})

	t.Run("a changed mapping replaces its codings", func(t *testing.T) {
		m2 := m
		m2.Entries = slices.Clone(m.Entries[1:]) // the first entry goes
		m2.Entries[0].To = "ins-demand-pilot"    // the next one moves
		m2.Excluded = append(slices.Clone(m.Excluded), policykb.MappingExclusion{Code: m.Entries[0].Code, Reason: "test"})
		if _, err := s.WriteMapping(ctx, "", m2); err != nil {
			t.Fatal(err)
		}
		checkFrameCounts(t, s, framecheck.Recompute(m2, parents, framePar, coded), frame, docOf, cityOf)
		if fi := framesOf(t, s); fi[0].Derived != framecheck.DerivedPairs(m2, parents, coded) {
			t.Errorf("derived codings: %d, want %d", fi[0].Derived, framecheck.DerivedPairs(m2, parents, coded))
		}
		if got := allCounts(t, s); !reflect.DeepEqual(got, before) {
			t.Errorf("changing the mapping moved the grounded-theory counts")
		}
		// And back.
		if _, err := s.WriteMapping(ctx, "", m); err != nil {
			t.Fatal(err)
		}
		checkFrameCounts(t, s, framecheck.Recompute(m, parents, framePar, coded), frame, docOf, cityOf)
	})

	t.Run("bad files write nothing", func(t *testing.T) {
		dir := t.TempDir()
		frameText, _ := os.ReadFile(instrumentFile)
		badFrame := filepath.Join(dir, "frame.yaml")
		os.WriteFile(badFrame, []byte(strings.Replace(string(frameText), "parent: ins-supply\n", "parent: ins-nowhere\n", 1)), 0o644)
		badMapping := filepath.Join(dir, "mapping.yaml")
		os.WriteFile(badMapping, []byte(strings.Replace(string(mapData), "to: ins-supply-tech\n", "to: ins-supply-teck\n", 1)), 0o644)
		frames0 := framesOf(t, s)
		codings0 := cypherInt(t, s, "MATCH ()-[r:CODED_IN]->() RETURN count(r)")
		for _, c := range []struct {
			in   loaders.FrameInput
			file string
			want string
		}{
			{loaders.FrameInput{Frame: badFrame, Mappings: []string{mappingFile}}, badFrame, "ins-nowhere"},
			{loaders.FrameInput{Frame: instrumentFile, Mappings: []string{badMapping}}, badMapping, "ins-supply-teck"},
		} {
			_, err := loaders.AddFrame(ctx, s, c.in)
			var ps loaders.Problems
			if !errors.As(err, &ps) {
				t.Fatalf("%s: got %v, want problems", c.file, err)
			}
			if ps[0].File != c.file || ps[0].Line == 0 || !strings.Contains(ps.Error(), c.want) {
				t.Errorf("%s: %v: want a problem located in the file naming %s", c.file, ps, c.want)
			}
		}
		if got := framesOf(t, s); !reflect.DeepEqual(got, frames0) {
			t.Errorf("a bad file changed the frames:\n%+v\n%+v", frames0, got)
		}
		if got := cypherInt(t, s, "MATCH ()-[r:CODED_IN]->() RETURN count(r)"); got != codings0 {
			t.Errorf("a bad file changed the codings: %d, was %d", got, codings0)
		}
	})

	t.Run("direct codings", func(t *testing.T) {
		plan, err := loaders.Validate(ctx, nil, loaders.SampleInput(sampleDir))
		if err != nil {
			t.Fatal(err)
		}
		st := plan.Documents[0].Sentences[3]
		dir := t.TempDir()
		good := filepath.Join(dir, "codings.csv")
		os.WriteFile(good, []byte("document_id,quote,code_id,coder\n"+st.DocumentID+",\""+st.Text+"\",ins-demand-pilot,R\n"), 0o644)
		bad := filepath.Join(dir, "bad.csv")
		os.WriteFile(bad, []byte("document_id,quote,code_id,coder\n"+st.DocumentID+",\""+st.Text+"\",ins-nope,R\n"), 0o644)
		_, err = loaders.AddFrame(ctx, s, loaders.FrameInput{FrameID: "instruments", Codings: []string{bad}})
		var ps loaders.Problems
		if !errors.As(err, &ps) || ps[0].File != bad || ps[0].Line != 2 || ps[0].Field != "code_id" {
			t.Errorf("a code outside the frame: %v, want a problem at %s:2 code_id", err, bad)
		}
		for range 2 {
			if _, err := loaders.AddFrame(ctx, s, loaders.FrameInput{FrameID: "instruments", Codings: []string{good}}); err != nil {
				t.Fatal(err)
			}
		}
		want := framecheck.Recompute(m, parents, framePar, coded)
		for _, k := range []string{"ins-demand-pilot", "ins-demand"} {
			if want[k] == nil {
				want[k] = map[string]bool{}
			}
			want[k][st.ID] = true
		}
		docOf[st.ID] = st.DocumentID
		checkFrameCounts(t, s, want, frame, docOf, cityOf)
		if fi := framesOf(t, s); fi[0].Codings != 1 {
			t.Errorf("direct codings: %d, want 1 (the same file twice)", fi[0].Codings)
		}
		if got := allCounts(t, s); !reflect.DeepEqual(got, before) {
			t.Errorf("direct frame codings moved the grounded-theory counts")
		}
	})

	t.Run("wipe study", func(t *testing.T) {
		studies, err := s.Studies(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.WipeStudy(ctx, studies[0].ID); err != nil {
			t.Fatal(err)
		}
		for _, stmt := range []string{"MATCH (n) WHERE n:Frame OR n:FrameCode OR n:FrameMapping RETURN count(n)",
			"MATCH ()-[r:CODED_IN|FRAME_ROLLUP|FRAME_LEVELS]->() RETURN count(r)"} {
			if n := cypherInt(t, s, stmt); n != 0 {
				t.Errorf("%s: %d after wipe --study", stmt, n)
			}
		}
	})
}

func framesOf(t *testing.T, s *graph.Store) []graph.FrameInfo {
	t.Helper()
	fi, err := s.Frames(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	return fi
}

// checkFrameCounts compares the store's counts of every frame code, the
// crosstab of every frame level by city and the sentences of each of its
// cells with the test's derivation.
func checkFrameCounts(t *testing.T, s *graph.Store, want framecheck.Expected, frame policykb.Frame, docOf, cityOf map[string]string) {
	t.Helper()
	ctx := context.Background()
	all := func(string) bool { return true }
	got, err := s.FrameCounts(ctx, "", frame.ID, policykb.CorpusFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range frame.Codes {
		if w := want.CountOf(c.ID, docOf, all); got[c.ID] != w {
			t.Errorf("%s: got %+v, want %+v", c.ID, got[c.ID], w)
		}
	}
	for _, l := range frame.Levels {
		q := graph.CrosstabQuery{Rows: graph.Axis{Frame: frame.ID, Level: l.ID}, Columns: graph.Axis{Dimension: policykb.DimensionCity},
			Measure: policykb.MeasureReferencePoints}
		tab, err := s.Crosstab(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for i, row := range tab.Rows {
			for j, col := range tab.Columns {
				inCity := func(sid string) bool { return cityOf[docOf[sid]] == col.ID }
				w := want.CountOf(row.ID, docOf, inCity)
				if int(tab.Cells[i][j]) != w.ReferencePoints {
					t.Errorf("%s × %s: %v, want %d", row.ID, col.ID, tab.Cells[i][j], w.ReferencePoints)
				}
				if l.ID != frame.Levels[0].ID || w.ReferencePoints == 0 {
					continue
				}
				ss, total, err := s.CrosstabCellSentences(ctx, q, row.ID, col.ID, graph.Page{Limit: 1000})
				if err != nil {
					t.Fatal(err)
				}
				var ids []string
				for _, x := range ss {
					ids = append(ids, x.ID)
				}
				var wantIDs []string
				for sid := range want[row.ID] {
					if inCity(sid) {
						wantIDs = append(wantIDs, sid)
					}
				}
				slices.Sort(ids)
				slices.Sort(wantIDs)
				if total != w.ReferencePoints || !slices.Equal(ids, wantIDs) {
					t.Errorf("%s × %s: sentences %v (total %d), want %v", row.ID, col.ID, ids, total, wantIDs)
				}
			}
		}
	}
}

// TestFrameRandomFixture crosses a random frame, mapping and codings
// (synthetic, seeded) with the test's own derivation: counts, frame ×
// city, frame × codebook category, and every frame × frame cell's
// sentences.
func TestFrameRandomFixture(t *testing.T) {
	seed := uint64(rand.Int64())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 14))
	s := openTestStore(t)
	ctx := context.Background()
	codes := fixtureCodes()
	if _, err := s.WriteCodebook(ctx, codes); err != nil {
		t.Fatal(err)
	}
	parents := map[string]string{}
	for _, c := range codes {
		parents[c.ID] = c.Parent
	}
	coded, docOf, cityOf := map[string][]string{}, map[string]string{}, map[string]string{}
	var bundles []graph.DocumentBundle
	cities := []policykb.City{alpha, {Name: "Beta", Province: "P2"}, {Name: "Gamma", Province: "P2"}}
	for d := range 7 {
		city := cities[rng.IntN(len(cities))]
		id := fmt.Sprintf("r%d", d)
		cityOf[id] = city.Name
		var cs [][3]string
		n := 2 + rng.IntN(6)
		for i := range n {
			sid := policykb.SentenceID(id, i)
			for range rng.IntN(3) {
				code := codes[rng.IntN(len(codes))].ID
				coder := []string{"x", "y"}[rng.IntN(2)]
				cs = append(cs, [3]string{sid, code, coder})
				if !slices.Contains(coded[sid], code) {
					coded[sid] = append(coded[sid], code)
				}
				docOf[sid] = id
			}
		}
		bundles = append(bundles, bundle(city, id, fmt.Sprintf("2023-0%d-01", 1+d), n, cs))
	}
	if _, err := s.WriteDocuments(ctx, bundles, nil); err != nil {
		t.Fatal(err)
	}
	before := allCounts(t, s)
	frame := policykb.Frame{ID: "random", Name: "Random (synthetic)", Levels: []policykb.FrameLevel{{ID: "TYPE", Name: "Type"}, {ID: "TOOL", Name: "Tool"}},
		Codes: []policykb.FrameCode{{ID: "A", Level: "TYPE", Name: "A"}, {ID: "A1", Level: "TOOL", Parent: "A", Name: "A1"},
			{ID: "A2", Level: "TOOL", Parent: "A", Name: "A2"}, {ID: "B", Level: "TYPE", Name: "B"}, {ID: "B1", Level: "TOOL", Parent: "B", Name: "B1"}}}
	tools := []string{"A1", "A2", "B1"}
	m := policykb.Mapping{ID: "random-map", Name: "Random", Source: policykb.CodebookFrameID, Target: "random"}
	for _, c := range codes {
		switch rng.IntN(4) {
		case 0:
			m.Excluded = append(m.Excluded, policykb.MappingExclusion{Code: c.ID, Reason: "random"})
		case 1, 2:
			perm := rng.Perm(len(tools))
			for _, k := range perm[:1+rng.IntN(2)] {
				m.Entries = append(m.Entries, policykb.MappingEntry{Code: c.ID, To: tools[k], Reason: "random"})
			}
		}
	}
	if _, err := s.WriteFrame(ctx, "", frame); err != nil {
		t.Fatal(err)
	}
	if _, err := s.WriteMapping(ctx, "", m); err != nil {
		t.Fatal(err)
	}
	want := framecheck.Recompute(m, parents, frame.Parents(), coded)
	checkFrameCounts(t, s, want, frame, docOf, cityOf)
	if got := allCounts(t, s); !reflect.DeepEqual(got, before) {
		t.Errorf("the frame moved the grounded-theory counts")
	}

	// A document with a new text loses its sentences and every coding on
	// them, derived ones included: its frame rollups follow.
	t.Run("a new text", func(t *testing.T) {
		b := bundles[0]
		b.Document.SHA256 += "-v2"
		b.Codings = nil
		if _, err := s.WriteDocuments(ctx, []graph.DocumentBundle{b}, nil); err != nil {
			t.Fatal(err)
		}
		left := map[string][]string{}
		for sid, cs := range coded {
			if docOf[sid] != b.Document.ID {
				left[sid] = cs
			}
		}
		checkFrameCounts(t, s, framecheck.Recompute(m, parents, frame.Parents(), left), frame, docOf, cityOf)
		// Put it back for what follows.
		if _, err := s.WriteDocuments(ctx, bundles[:1], nil); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Rederive(ctx, ""); err != nil {
			t.Fatal(err)
		}
		checkFrameCounts(t, s, want, frame, docOf, cityOf)
	})

	// Frame × codebook: TOOL × CATEGORY, sentence by sentence.
	under := map[string]map[string]bool{} // category → sentences coded at it or below
	for sid, cs := range coded {
		for _, c := range cs {
			for k := c; k != ""; k = parents[k] {
				for _, x := range codes {
					if x.ID == k && x.Level == policykb.LevelCategory {
						if under[k] == nil {
							under[k] = map[string]bool{}
						}
						under[k][sid] = true
					}
				}
			}
		}
	}
	q := graph.CrosstabQuery{Rows: graph.Axis{Frame: "random", Level: "TOOL"}, Columns: graph.Axis{Frame: policykb.CodebookFrameID, Level: "CATEGORY"},
		Measure: policykb.MeasureReferencePoints}
	tab, err := s.Crosstab(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	for i, row := range tab.Rows {
		for j, col := range tab.Columns {
			var wantIDs []string
			for sid := range want[row.ID] {
				if under[col.ID][sid] {
					wantIDs = append(wantIDs, sid)
				}
			}
			if int(tab.Cells[i][j]) != len(wantIDs) {
				t.Errorf("%s × %s: %v, want %d", row.ID, col.ID, tab.Cells[i][j], len(wantIDs))
			}
			ss, total, err := s.CrosstabCellSentences(ctx, q, row.ID, col.ID, graph.Page{Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, x := range ss {
				ids = append(ids, x.ID)
			}
			slices.Sort(ids)
			slices.Sort(wantIDs)
			if total != len(wantIDs) || !slices.Equal(ids, wantIDs) {
				t.Errorf("%s × %s: sentences %v, want %v", row.ID, col.ID, ids, wantIDs)
			}
		}
	}
}
