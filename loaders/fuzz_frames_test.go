package loaders

import (
	"errors"
	"os"
	"testing"

	"github.com/policykb/policykb"
)

// shippedFrames reads the sample codebook and the instrument frame, the
// frames the shipped mapping and PMC model refer to.
func shippedFrames(f *testing.F) (codebook, instruments policykb.Frame) {
	var err error
	for _, x := range []struct {
		file string
		into *policykb.Frame
	}{{"../data/sample/codebook.yaml", &codebook}, {"../data/frames/policy-instruments.yaml", &instruments}} {
		b, rerr := os.ReadFile(x.file)
		if rerr != nil {
			f.Fatal(rerr)
		}
		if *x.into, err = ParseFrame(x.file, b); err != nil {
			f.Fatal(err)
		}
	}
	return codebook, instruments
}

// addFiles adds the files as seeds.
func addFiles(f *testing.F, files ...string) {
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// yamlLines counts the lines of data the way the YAML parser numbers them:
// CR LF, CR, LF, NEL, LS and PS each end a line.
func yamlLines(data []byte) int {
	n := 1
	s := string(data)
	for i, r := range s {
		switch r {
		case '\n', '\u0085', '\u2028', '\u2029':
			n++
		case '\r':
			if i+1 >= len(s) || s[i+1] != '\n' {
				n++
			}
		}
	}
	return n
}

// checkRefusal: a refusal is Problems, each naming the file and located
// within the input (lines as the YAML parser counts them).
func checkRefusal(t *testing.T, file string, data []byte, err error) {
	t.Helper()
	var ps Problems
	if !errors.As(err, &ps) || len(ps) == 0 {
		t.Fatalf("refusal is not Problems: %v", err)
	}
	lines := yamlLines(data)
	for _, p := range ps {
		if p.File != file || p.Message == "" || p.Line < 0 || p.Line > lines {
			t.Fatalf("problem not located: %+v (%d lines)", p, lines)
		}
	}
}

// FuzzParseFrame: any bytes give a located refusal or a frame whose codes
// have unique ids, known levels and parents inside the frame.
func FuzzParseFrame(f *testing.F) {
	addFiles(f, "../data/frames/policy-instruments.yaml", "../data/sample/codebook.yaml", "testdata/frames/cycle.yaml",
		"testdata/frames/errors.yaml", "testdata/frames/noid.yaml")
	f.Fuzz(func(t *testing.T, data []byte) {
		fr, err := ParseFrame("f.yaml", data)
		if err != nil {
			checkRefusal(t, "f.yaml", data, err)
			return
		}
		ids := map[string]bool{}
		for _, c := range fr.Codes {
			if c.ID == "" || ids[c.ID] {
				t.Fatalf("code id %q empty or repeated", c.ID)
			}
			ids[c.ID] = true
		}
		for _, c := range fr.Codes {
			if c.Parent != "" && !ids[c.Parent] {
				t.Fatalf("code %s has parent %s, not in the frame", c.ID, c.Parent)
			}
		}
	})
}

// FuzzParseMapping: any bytes against the shipped frames give a located
// refusal or a mapping whose entries map codes of the source onto codes of
// the target.
func FuzzParseMapping(f *testing.F) {
	source, target := shippedFrames(f)
	addFiles(f, "../data/frames/sample-instruments-mapping.yaml", "testdata/frames/mapping_errors.yaml")
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseMapping("m.yaml", data, source, target)
		if err != nil {
			checkRefusal(t, "m.yaml", data, err)
			return
		}
		for _, e := range m.Entries {
			if _, ok := source.Lookup(e.Code); !ok {
				t.Fatalf("entry from %q, not a source code", e.Code)
			}
			if _, ok := target.Lookup(e.To); !ok {
				t.Fatalf("entry to %q, not a target code", e.To)
			}
		}
	})
}

// FuzzParsePMCModel and FuzzParseManualScores: any bytes give a located
// refusal or a model (scores), never a panic.
func FuzzParsePMCModel(f *testing.F) {
	codebook, instruments := shippedFrames(f)
	addFiles(f, "../data/pmc/default-model.yaml", "testdata/pmc/model.yaml", "testdata/pmc/model_errors.yaml")
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := ParsePMCModel("p.yaml", data, codebook, instruments); err != nil {
			checkRefusal(t, "p.yaml", data, err)
		}
	})
}

func FuzzParseManualScores(f *testing.F) {
	codebook, instruments := shippedFrames(f)
	b, err := os.ReadFile("../data/pmc/default-model.yaml")
	if err != nil {
		f.Fatal(err)
	}
	model, err := ParsePMCModel("default-model.yaml", b, codebook, instruments)
	if err != nil {
		f.Fatal(err)
	}
	addFiles(f, "../data/pmc/sample-manual-scores.csv", "testdata/pmc/scores_errors.csv", "testdata/pmc/scores_missing.csv")
	f.Fuzz(func(t *testing.T, data []byte) {
		scores, err := ParseManualScores("s.csv", data, model, nil)
		if err != nil {
			checkRefusal(t, "s.csv", data, err)
			return
		}
		for _, s := range scores {
			if s.Score != 0 && s.Score != 1 || s.Note == "" {
				t.Fatalf("accepted score %+v", s)
			}
		}
	})
}
