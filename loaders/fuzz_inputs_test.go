package loaders

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/policykb/policykb"
)

// fuzzStudy is a folder with a manifest's texts, and a file outside it,
// for the fuzz targets that read manifests.
func fuzzStudy(f *testing.F) (dir, outside string) {
	root := f.TempDir()
	dir = filepath.Join(root, "study")
	if err := os.MkdirAll(filepath.Join(dir, "texts"), 0o755); err != nil {
		f.Fatal(err)
	}
	for name, text := range map[string]string{
		"texts/a.txt": "临澜市产教联合体建设方案\n一、总体要求\n坚持政府统筹，产业牵引。\n",
		"texts/b.txt": "Javasolja a\nkötelező oltást.\n",
		"texts/e.txt": " \n",
	} {
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), []byte(text), 0o644); err != nil {
			f.Fatal(err)
		}
	}
	outside = filepath.Join(root, "secret.txt")
	if err := os.WriteFile(outside, []byte("秘密。"), 0o644); err != nil {
		f.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "texts", "link.txt")); err != nil {
		f.Fatal(err)
	}
	return dir, outside
}

// FuzzParseManifest: any manifest gives located problems or documents,
// never a panic; a document that was read lies inside the manifest's
// folder, has the text of its file and sentences that cover it; no row
// reads the file outside the folder.
func FuzzParseManifest(f *testing.F) {
	dir, outside := fuzzStudy(f)
	for _, p := range []string{"testdata/load/documents.csv", "testdata/manifest/errors.csv", "testdata/manifest/fields.csv",
		"testdata/manifest/bad_header.csv", "testdata/manifest/missing_columns.csv", "../data/sample/documents.csv"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("id,city,title,file\na,C,T,texts/a.txt\nb,C,T,texts/b.txt\n"))
	f.Add([]byte("id,city,title,file\na,C,T,../secret.txt\nb,C,T,texts/link.txt\nc,C,T," + outside + "\n"))
	f.Add([]byte("id,city,title,file,encoding\na,C,T,texts/./../texts/a.txt,gbk\ne,C,T,texts/e.txt,\n"))
	manifest := filepath.Join(dir, "documents.csv")
	f.Fuzz(func(t *testing.T, data []byte) {
		var c collector
		lines := 1 + bytes.Count(data, []byte{'\n'})
		docs := parseManifest(manifest, data, false, &c)
		for _, p := range c.problems {
			if p.File == "" || p.Message == "" || p.Line < 0 || p.Line > lines {
				t.Fatalf("problem not located: %+v (%d lines)", p, lines)
			}
		}
		for _, d := range docs {
			if !d.ok {
				continue
			}
			if !within(dir, d.open) && !strings.HasPrefix(d.open, dir) {
				t.Fatalf("read %s, outside %s", d.open, dir)
			}
			if strings.Contains(d.doc.Text, "秘密") {
				t.Fatalf("row %d read the file outside the folder", d.line)
			}
			if len(d.sentences) == 0 || d.doc.SHA256 != sha256Hex(d.doc.Text) {
				t.Fatalf("row %d: %d sentences, sha %s", d.line, len(d.sentences), d.doc.SHA256)
			}
			checkUnitsIn(t, d.doc.ID, d.doc.Text, d.sentences)
		}
	})
}

// checkUnitsIn is checkUnits for sentences of any document id.
func checkUnitsIn(t *testing.T, id, text string, units []policykb.Sentence) {
	t.Helper()
	renamed := slices.Clone(units)
	for i := range renamed {
		renamed[i].ID = policykb.SentenceID("doc", renamed[i].Index)
		if units[i].ID != policykb.SentenceID(id, units[i].Index) {
			t.Fatalf("unit %d has id %q", i, units[i].ID)
		}
	}
	checkUnits(t, text, renamed)
}

// FuzzConfine: whatever the path, one that confine accepts resolves inside
// the folder; the folder's own files are accepted.
func FuzzConfine(f *testing.F) {
	dir, outside := fuzzStudy(f)
	for _, p := range []string{"texts/a.txt", "../secret.txt", "texts/link.txt", outside, "texts/../../study/texts/a.txt",
		"/etc/passwd", "texts//a.txt", "./texts/a.txt", "nope/../../x", "texts/a.txt/..", "", ".", "..", "\x00"} {
		f.Add(p)
	}
	root, err := filepath.EvalSymlinks(dir)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, path string) {
		open, err := confine(dir, path)
		if err != nil {
			return
		}
		real, rerr := filepath.EvalSymlinks(open)
		if rerr != nil {
			real = filepath.Clean(open)
			if !filepath.IsAbs(real) {
				real, _ = filepath.Abs(real)
			}
		}
		if !within(root, real) && !within(dir, real) {
			t.Fatalf("confine(%q) accepted %s, which resolves to %s outside %s", path, open, real, root)
		}
		if b, err := os.ReadFile(open); err == nil && strings.Contains(string(b), "秘密") {
			t.Fatalf("confine(%q) let %s read the file outside", path, open)
		}
	})
}

// FuzzPlanQDPX imports projects built around fuzzed text and selection
// positions in each tool's unit: never a panic; a refusal is Problems
// naming the file; an accepted plan codes only sentences of its
// documents, within their text, and keeps spans inside the text.
func FuzzPlanQDPX(f *testing.F) {
	f.Add(synthText, "2", "11", "MAXQDA 24")
	f.Add(synthText, "9", "16", "NVivo for Windows 12")
	f.Add("2021-10-30T08:45:00Z\r\nUgw\r\n@istvan\r\nNa mi van? 😀 Javasolja a\nkötelező oltást.", "0", "40", "NVivo 12")
	f.Add("a\rb\r\nc", "1", "5", "ATLAS.ti 9")
	f.Add("", "0", "0", "")
	f.Add("😀😀", "1", "3", "NVivo for Windows")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, text, start, end, origin string) {
		if !utf8.ValidString(text) || !utf8.ValidString(origin) {
			return
		}
		qde := strings.NewReplacer("{S1}", xmlAttr(start), "{E1}", xmlAttr(end), `origin="MAXQDA 24"`, `origin="`+xmlAttr(origin)+`"`).Replace(synthQDE)
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for name, body := range map[string]string{"project.qde": qde, "sources/dddddddd-0000-0000-0000-000000000001.txt": text} {
			w, err := zw.Create(name)
			if err != nil {
				t.Fatal(err)
			}
			w.Write([]byte(body))
		}
		zw.Close()
		file := filepath.Join(dir, "p.qdpx")
		if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		plan, _, err := PlanQDPX(context.Background(), nil, file, ImportOptions{})
		if err != nil {
			if ps, ok := err.(Problems); !ok || len(ps) == 0 || ps[0].File == "" {
				t.Fatalf("refusal is not located Problems: %v", err)
			}
			return
		}
		for _, b := range plan.Documents {
			n := utf8.RuneCountInString(b.Document.Text)
			ids := map[string]bool{}
			for _, s := range b.Sentences {
				ids[s.ID] = true
			}
			checkUnitsIn(t, b.Document.ID, b.Document.Text, b.Sentences)
			for _, c := range b.Codings {
				if !ids[c.SentenceID] {
					t.Fatalf("coding on %s, not a sentence of %s", c.SentenceID, b.Document.ID)
				}
				if c.Start != nil && (*c.Start < 0 || *c.End > n || *c.Start >= *c.End) {
					t.Fatalf("span [%d, %d) in a text of %d code points", *c.Start, *c.End, n)
				}
			}
		}
	})
}

func xmlAttr(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString("&quot;")
		case '<':
			b.WriteString("&lt;")
		case '&':
			b.WriteString("&amp;")
		default:
			if r < 0x20 && r != '\t' && r != '\n' && r != '\r' {
				continue
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// FuzzParseLevels: an accepted --levels value is four strictly increasing
// depths from 1, and reads back the same when written out.
func FuzzParseLevels(f *testing.F) {
	for _, s := range []string{"1,2,3,4", "1,2,3,7", " 2 , 3,4,5", "1,1,2,3", "a,b,c,d", "1,2,3", "", "1,2,3,4,5", "-1,2,3,4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lv, err := ParseLevels(s)
		if err != nil {
			if policykb.ErrorCodeOf(err) != policykb.EInvalid {
				t.Fatalf("ParseLevels(%q): %v is not BAD_USER_INPUT", s, err)
			}
			return
		}
		if len(lv) != 4 || lv[0] < 1 || !slices.IsSorted(lv) || lv[1] == lv[0] || lv[2] == lv[1] || lv[3] == lv[2] {
			t.Fatalf("ParseLevels(%q) = %v", s, lv)
		}
		again, err := ParseLevels(fmt.Sprintf("%d,%d,%d,%d", lv[0], lv[1], lv[2], lv[3]))
		if err != nil || !slices.Equal(again, lv) {
			t.Fatalf("%v written out reads %v, %v", lv, again, err)
		}
	})
}
