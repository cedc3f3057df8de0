package refiqda

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParseCodebook: the .qdc parser never panics; a refusal names the
// file; an accepted codebook round-trips: written out and read again, it
// has the same code tree.
func FuzzParseCodebook(f *testing.F) {
	f.Add(`<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="Taguette 1.4.1"><Codes>` +
		`<Code guid="{11111111-1111-1111-1111-111111111111}" name="A" isCodable="true"><Code guid="22222222-2222-2222-2222-222222222222" name="B" isCodable="false"/></Code>` +
		`</Codes><Sets/></CodeBook>`)
	f.Add(`<CodeBook><Codes/></CodeBook>`)
	f.Add(`<CodeBook xmlns="urn:QDA-XML:codebook:0:4"><Codes><Code name="no guid"/></Codes></CodeBook>`)
	f.Add(`<Project name="x"/>`)
	if dir := os.Getenv("POLICYKB_SHARED_DIR"); dir != "" {
		if b, err := os.ReadFile(filepath.Join(dir, "refi-qda/samples/taguette141_codebook.qdc")); err == nil {
			f.Add(string(b))
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		res, err := ParseCodebook("fuzz.qdc", strings.NewReader(s))
		if err != nil {
			var pe *ParseError
			if errors.As(err, &pe) && pe.File != "fuzz.qdc" {
				t.Fatalf("refusal names %q: %v", pe.File, err)
			}
			return
		}
		codes := res.Project.Codes
		if len(codes) == 0 {
			return // nothing to write: a codebook needs a code
		}
		var buf bytes.Buffer
		if err := WriteCodebook(&buf, res.Project.Origin, codes); err != nil {
			t.Fatalf("write back: %v", err)
		}
		again, err := ParseCodebook("again.qdc", &buf)
		if err != nil {
			t.Fatalf("an accepted codebook, written out, is refused: %v\n%s", err, buf.String())
		}
		if got, want := treeString(again.Project.Codes), treeString(codes); got != want {
			t.Fatalf("round trip changed the tree:\n got  %s\n want %s", got, want)
		}
	})
}

func treeString(codes []*Code) string {
	var b strings.Builder
	Walk(codes, func(c *Code, depth int, _ *Code) {
		b.WriteString(strings.Repeat(">", depth) + c.GUID + "=" + c.Name + ";")
	})
	return b.String()
}

// FuzzOpenArchive: any bytes as a .qdpx are refused or opened, never a
// panic; an opened archive's entries and source paths stay inside it, and
// reading them never expands past the cap.
func FuzzOpenArchive(f *testing.F) {
	zipOf := func(entries ...string) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for i := 0; i+1 < len(entries); i += 2 {
			w, _ := zw.Create(entries[i])
			w.Write([]byte(entries[i+1]))
		}
		zw.Close()
		return buf.Bytes()
	}
	f.Add(zipOf("project.qde", strings.ReplaceAll(tinyQDE, "{CLOSE}", "2"), "sources/a.txt", "文本"), "internal://a.txt")
	f.Add(zipOf("../evil.qde", "x"), "internal://../x")
	f.Add(zipOf("Sources/b.txt", "x", "P.QDE", "<Project/>"), "b.txt")
	f.Add(zipOf("a/project.qde", "<Project/>", "big.txt", strings.Repeat("x", 5000)), "internal://big.txt")
	f.Add([]byte("PK\x03\x04 not a zip"), "relative://x")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte, plainTextPath string) {
		file := filepath.Join(dir, "p.qdpx")
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		a, err := OpenArchive(file, 4096)
		if err != nil {
			return
		}
		defer a.Close()
		if _, ok := cleanEntry(a.QDE); !ok || !strings.HasSuffix(strings.ToLower(a.QDE), ".qde") {
			t.Fatalf("project file %q", a.QDE)
		}
		for name := range a.byName {
			if c, ok := cleanEntry(name); !ok || c != name {
				t.Fatalf("entry %q kept", name)
			}
			if _, err := a.ReadEntry(name); err != nil && !errors.Is(err, ErrTooLarge) && a.BytesRead() > 4096+1 {
				t.Fatalf("read %d bytes past the cap", a.BytesRead())
			}
		}
		if a.BytesRead() > 4096+1 {
			t.Fatalf("read %d bytes with a cap of 4096", a.BytesRead())
		}
		if entry, _, ok := a.SourcePath(plainTextPath); ok {
			if c, safe := cleanEntry(entry); !safe || c != entry {
				t.Fatalf("source path %q leads to %q", plainTextPath, entry)
			}
		}
	})
}
