package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/testneo4j"
	"github.com/policykb/policykb/loaders"
	"github.com/policykb/policykb/refiqda"
)

// frameState is what a user checks of the base's one frame: its levels
// and codes, its mappings' sizes, how many direct and derived codings it
// holds, the counts of every code, and its direct codings (sentence text,
// code, coder).
type frameState struct {
	Frame          policykb.Frame
	Mappings       []string // id, entries, exclusions
	Codings        int
	Derived        int
	CodedSentences int
	Counts         map[string]graph.FrameCodeCount
	Direct         []string
}

func readFrameState(t *testing.T, s *graph.Store) frameState {
	t.Helper()
	ctx := context.Background()
	fs, err := s.Frames(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 {
		t.Fatalf("%d frames, want 1: %+v", len(fs), fs)
	}
	fi := fs[0]
	st := frameState{Frame: fi.Frame, Codings: fi.Codings, Derived: fi.Derived, CodedSentences: fi.CodedSentences}
	maps, err := s.Mappings(ctx, fi.Study)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range maps {
		st.Mappings = append(st.Mappings, fmt.Sprintf("%s %s→%s: %d entries, %d excluded", m.ID, m.Source, m.Target, len(m.Entries), len(m.Excluded)))
	}
	if st.Counts, err = s.FrameCounts(ctx, fi.Study, fi.ID, policykb.CorpusFilter{}); err != nil {
		t.Fatal(err)
	}
	for _, c := range fi.Codes {
		cs, _, err := s.FrameCodings(ctx, fi.Study, fi.ID, c.ID, policykb.CorpusFilter{}, graph.Page{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range cs {
			if !k.Derived {
				st.Direct = append(st.Direct, k.Sentence.Text+" | "+k.Code+" | "+k.Coder)
			}
		}
	}
	return st
}

// The sample with its instrument frame, the sample's mapping and one
// direct instrument coding goes out as .qdpx and .qdc: both validate
// against the REFI-QDA schemas; the project shows the frame as a code tree
// of its own beside the codebook, with every coding of the frame (the
// derived ones by the user derived:sample-instruments); imported into an
// empty database it restores the frame, its mapping, its direct coding and
// every frame count, leaves the grounded-theory counts as they were, and a
// second import writes nothing.
func TestExportFramesRoundTrip(t *testing.T) {
	schemas, lint, s := sampleForExport(t)
	ctx := context.Background()
	plan, err := loaders.Validate(ctx, nil, loaders.SampleInput("../../data/sample"))
	if err != nil {
		t.Fatal(err)
	}
	st := plan.Documents[1].Sentences[4]
	dir := t.TempDir()
	csvFile := filepath.Join(dir, "codings.csv")
	if err := os.WriteFile(csvFile, []byte("document_id,quote,code_id,coder\n"+st.DocumentID+",\""+st.Text+"\",ins-demand-pilot,R\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := run(t, "frames", "add", "--study", "sample", "--frame", "instruments", "--codings", csvFile); err != nil {
		t.Fatalf("frames add: %v\n%s", err, out)
	}
	before := readFrameState(t, s)
	if before.Codings != 1 || before.Derived == 0 || len(before.Direct) != 1 || len(before.Mappings) != 1 {
		t.Fatalf("the frame before export: %+v", before)
	}
	statsBefore, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	countsBefore := levelCounts(t, s)

	qdpx, qdc := filepath.Join(dir, "study.qdpx"), filepath.Join(dir, "study.qdc")
	if out, err := run(t, "export", "qdpx", qdpx); err != nil {
		t.Fatalf("export qdpx: %v\n%s", err, out)
	}
	if out, err := run(t, "export", "qdc", qdc); err != nil {
		t.Fatalf("export qdc: %v\n%s", err, out)
	}
	qde := unzipEntry(t, qdpx, "project.qde", dir)
	xmllintValid(t, lint, filepath.Join(schemas, "Project-mrt2019.xsd"), qde)
	xmllintValid(t, lint, filepath.Join(schemas, "Codebook.xsd"), qdc)

	t.Run("what a QDA program shows", func(t *testing.T) {
		data, err := os.ReadFile(qde)
		if err != nil {
			t.Fatal(err)
		}
		res, err := refiqda.ParseProject("project.qde", bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		p := res.Project
		var root *refiqda.Code
		for _, c := range p.Codes {
			if strings.HasPrefix(c.Name, before.Frame.Name) {
				root = c
			}
		}
		if root == nil || root.IsCodable || len(root.Children) != 3 || !strings.Contains(root.Description, "derived:sample-instruments") {
			t.Fatalf("no uncodable root code for the frame with its 3 types and a word on derived codings: %+v", root)
		}
		names := map[string]bool{}
		refiqda.Walk(root.Children, func(c *refiqda.Code, _ int, _ *refiqda.Code) { names[c.Name] = true })
		if len(names) != len(before.Frame.Codes) || !names["Supply-side"] || !names["Talent cultivation"] {
			t.Errorf("the frame's codes in the project: %v, want its %d codes", names, len(before.Frame.Codes))
		}
		frameCode := map[string]bool{}
		refiqda.Walk(root.Children, func(c *refiqda.Code, _ int, _ *refiqda.Code) { frameCode[c.GUID] = true })
		user := map[string]string{}
		for _, u := range p.Users {
			user[u.GUID] = u.Name
		}
		derived, direct := 0, 0
		for _, src := range p.Sources {
			for _, sel := range src.Selections {
				for _, c := range sel.Codings {
					if !frameCode[c.CodeGUID] {
						continue
					}
					if user[c.CreatingUser] == "derived:sample-instruments" {
						derived++
					} else if user[c.CreatingUser] == "R" {
						direct++
					}
				}
			}
		}
		// One selection per derived coding: the sample's codings select whole sentences.
		if derived != before.Derived || direct != 1 {
			t.Errorf("frame codings in the project: %d derived, %d by R; want %d and 1", derived, direct, before.Derived)
		}
	})

	testneo4j.EmptyStore(t, 0)
	out, err := run(t, "import", "qdpx", qdpx)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if !strings.Contains(out, "1 frames beside the codebook") {
		t.Errorf("the import report does not mention the frame:\n%s", out)
	}
	after := readFrameState(t, s)
	if !reflect.DeepEqual(after, before) {
		t.Errorf("the frame after the round trip:\n%+v\nbefore:\n%+v", after, before)
	}
	if statsAfter, err := s.Stats(ctx); err != nil || statsAfter != statsBefore {
		t.Errorf("stats after the round trip:\n%+v\nbefore:\n%+v (%v)", statsAfter, statsBefore, err)
	}
	countsAfter := levelCounts(t, s)
	if !reflect.DeepEqual(countsAfter, countsBefore) {
		t.Errorf("grounded-theory counts after the round trip differ: %d codes, %d before", len(countsAfter), len(countsBefore))
	}
	out, err = run(t, "import", "qdpx", qdpx)
	if err != nil || !strings.Contains(out, "0 nodes and 0 relationships created") {
		t.Errorf("a second import changed something: %v\n%s", err, out)
	}

	t.Run("the codebook alone", func(t *testing.T) {
		testneo4j.EmptyStore(t, 0)
		out, err := run(t, "import", "qdc", qdc)
		if err != nil {
			t.Fatalf("import qdc: %v\n%s", err, out)
		}
		fs, err := s.Frames(ctx, "")
		if err != nil || len(fs) != 1 || !reflect.DeepEqual(fs[0].Frame, before.Frame) {
			t.Errorf("frames after importing the .qdc: %+v (%v), want the frame", fs, err)
		}
		codes, err := s.Codes(ctx)
		if err != nil || len(codes) != len(countsBefore) {
			t.Errorf("%d codebook codes after importing the .qdc, want %d (%v)", len(codes), len(countsBefore), err)
		}
	})
}
