package refiqda

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/policykb/policykb/internal/testshared"
)

// elementCounts counts elements by local name with a plain token scan,
// independently of the parser under test.
func elementCounts(t *testing.T, data []byte) map[string]int {
	t.Helper()
	counts := map[string]int{}
	dec := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return counts
		}
		if err != nil {
			t.Fatal(err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			counts[se.Name.Local]++
		}
	}
}

// The sizes the shared README states for each sample (sources, codes,
// codings), which the token scan must confirm and the parser reproduce.
var sampleSizes = map[string]struct{ sources, codes, codings int }{
	"nvivo12win_oltas0517.qdpx":       {2, 152, 303},
	"atlasti84_standard_project.qdpx": {12, 14, 16},
	"maxqda24_icls_themes.qdpx":       {10, 307, 0},
	"nvivomac15_qc_project.qdpx":      {2, 262, 0},
	"qc132_demo.qdpx":                 {2, 262, 205},
	"atlasti23win_target.qdpx":        {0, 3, 0},
	"taguette141_codebook.qdc":        {0, 3, 0},
}

func TestSamplesParse(t *testing.T) {
	dir := testshared.Dir(t, "refi-qda/samples")
	names, _ := filepath.Glob(filepath.Join(dir, "*.qd[pc]*"))
	if len(names) != len(sampleSizes) {
		t.Errorf("%d samples in %s, %d expected", len(names), dir, len(sampleSizes))
	}
	for _, path := range names {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			want, ok := sampleSizes[name]
			if !ok {
				t.Fatalf("a sample this test does not know: %s", name)
			}
			var data []byte
			var res *Result
			var err error
			if strings.HasSuffix(name, ".qdc") {
				data, _ = os.ReadFile(path)
				res, err = ParseCodebook(name, bytes.NewReader(data))
			} else {
				var a *Archive
				if a, err = OpenArchive(path, 0); err != nil {
					t.Fatal(err)
				}
				defer a.Close()
				if data, err = a.ReadEntry(a.QDE); err != nil {
					t.Fatal(err)
				}
				res, err = ParseProject(name, bytes.NewReader(data))
			}
			if err != nil {
				t.Fatal(err)
			}
			scan := elementCounts(t, data)
			scanSources := scan[KindText] + scan[KindPDF] + scan[KindPicture] + scan[KindAudio] + scan[KindVideo]
			if scanSources != want.sources || scan["Code"] != want.codes || scan["Coding"] != want.codings {
				t.Fatalf("token scan: %d sources, %d codes, %d codings; README says %+v", scanSources, scan["Code"], scan["Coding"], want)
			}
			p := res.Project
			codes := 0
			Walk(p.Codes, func(*Code, int, *Code) { codes++ })
			codings := 0
			for _, s := range p.Sources {
				codings += s.CodingCount
			}
			if len(p.Sources) != want.sources || codes != want.codes || codings != want.codings {
				t.Errorf("parsed: %d sources, %d codes, %d codings; want %+v", len(p.Sources), codes, codings, want)
			}
			for _, w := range res.Warnings {
				t.Log("warning:", w)
			}
		})
	}
}
