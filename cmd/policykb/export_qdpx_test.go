package main

import (
	"archive/zip"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/testneo4j"
	"github.com/policykb/policykb/internal/testshared"
)

// levelCounts returns every code's counts keyed by level and name path
// (ids differ after a round trip: imported codes are keyed by GUID).
func levelCounts(t *testing.T, s *graph.Store) map[string]policykb.Count {
	t.Helper()
	ctx := context.Background()
	codes, err := s.Codes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	path := map[string]string{}
	for _, c := range codes { // parents first
		path[c.ID] = path[c.Parent] + "/" + c.Name
	}
	out := map[string]policykb.Count{}
	for _, l := range policykb.Levels {
		counts, err := s.Counts(ctx, l, policykb.CorpusFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range counts {
			key := l.String() + path[n.CodeID]
			n.CodeID = ""
			out[key] = n
		}
	}
	return out
}

// unzipEntry writes one entry of an archive to dir and returns its path.
func unzipEntry(t *testing.T, archive, name, dir string) string {
	t.Helper()
	zr, err := zip.OpenReader(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name != name {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		p := filepath.Join(dir, name)
		out, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		defer out.Close()
		if _, err := io.Copy(out, rc); err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Fatalf("%s holds no %s", archive, name)
	return ""
}

func xmllintValid(t *testing.T, lint, schema, file string) {
	t.Helper()
	out, err := exec.Command(lint, "--noout", "--schema", schema, file).CombinedOutput()
	if err != nil {
		t.Fatalf("%s does not validate against %s: %v\n%s", filepath.Base(file), filepath.Base(schema), err, out)
	}
}

// sampleForExport loads the sample study into an empty database through
// the command line, and gives the REFI-QDA schemas' folder and xmllint to
// check what is exported.
func sampleForExport(t *testing.T) (schemas, lint string, s *graph.Store) {
	t.Helper()
	testURI(t)
	schemas = testshared.Dir(t, "refi-qda/schema")
	lint = testshared.XMLLint(t)
	s = testneo4j.EmptyStore(t, 0)
	if out, err := run(t, "load", "sample"); err != nil {
		t.Fatalf("load sample: %v\n%s", err, out)
	}
	return schemas, lint, s
}

// The sample study goes out as .qdpx and .qdc, both validate against the
// REFI-QDA schemas, and the .qdpx imported into an empty database gives the
// same stats and the same counts at every level; importing it again
// creates nothing.
func TestExportRoundTrip(t *testing.T) {
	schemas, lint, s := sampleForExport(t)
	ctx := context.Background()
	before, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	countsBefore := levelCounts(t, s)
	dir := t.TempDir()
	qdpx, qdc := filepath.Join(dir, "study.qdpx"), filepath.Join(dir, "study.qdc")
	if out, err := run(t, "export", "qdpx", qdpx); err != nil {
		t.Fatalf("export qdpx: %v\n%s", err, out)
	}
	if out, err := run(t, "export", "qdc", qdc); err != nil {
		t.Fatalf("export qdc: %v\n%s", err, out)
	}
	xmllintValid(t, lint, filepath.Join(schemas, "Project-mrt2019.xsd"), unzipEntry(t, qdpx, "project.qde", dir))
	xmllintValid(t, lint, filepath.Join(schemas, "Codebook.xsd"), qdc)

	testneo4j.EmptyStore(t, 0)
	out, err := run(t, "import", "qdpx", qdpx)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	after, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Errorf("stats after the round trip:\n%+v\nbefore:\n%+v", after, before)
	}
	countsAfter := levelCounts(t, s)
	if len(countsAfter) != len(countsBefore) {
		t.Errorf("%d codes with counts after, %d before", len(countsAfter), len(countsBefore))
	}
	for k, n := range countsBefore {
		if countsAfter[k] != n {
			t.Errorf("%s: %+v after, %+v before", k, countsAfter[k], n)
		}
	}
	out, err = run(t, "import", "qdpx", qdpx)
	if err != nil || !strings.Contains(out, "0 nodes and 0 relationships created") {
		t.Errorf("a second import changed something: %v\n%s", err, out)
	}
}

// A refused archive writes nothing.
func TestImportRefusalWritesNothing(t *testing.T) {
	testURI(t)
	s := testneo4j.EmptyStore(t, 0)
	p := filepath.Join(t.TempDir(), "evil.qdpx")
	f, _ := os.Create(p)
	zw := zip.NewWriter(f)
	w, _ := zw.Create("project.qde")
	io.WriteString(w, `<Project xmlns="urn:QDA-XML:project:1.0" name="x"><CodeBook><Codes>
		<Code guid="00000000-0000-0000-0000-00000000000a" name="A" isCodable="true"/></Codes></CodeBook></Project>`)
	w, _ = zw.Create("../../tmp/evil.txt")
	io.WriteString(w, "x")
	zw.Close()
	f.Close()
	out, err := run(t, "import", "qdpx", p)
	if err == nil || !strings.Contains(err.Error(), "escapes the archive") {
		t.Fatalf("want a refusal, got %v\n%s", err, out)
	}
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st != (policykb.Stats{}) {
		t.Errorf("a refused import wrote %+v", st)
	}
}
