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

func TestUnitFor(t *testing.T) {
	for _, tc := range []struct {
		origin string
		want   Unit
		tool   string
	}{
		{"NVivo for Windows 12.6", UTF16, "nvivo"},
		{"NVivo for Mac 15.0.0", CodePoints, "nvivo"},
		{"ATLAS.ti 8.4.0 573 , macOS Version 10.14.3 (Build 18D109)", CodePointsCRLFOne, "atlasti"},
		{"ATLAS.ti for Windows 23.2.3.27778", CodePointsCRLFOne, "atlasti"},
		{"MAXQDA 24 (Release 24.7.0)", CodePoints, "maxqda"},
		{"qc 1.3.2", CodePoints, "qc"},
		{"Taguette 1.4.1", CodePoints, "taguette"},
		{"", CodePoints, "refi-qda"},
	} {
		if got := UnitFor(tc.origin); got != tc.want {
			t.Errorf("UnitFor(%q) = %v, want %v", tc.origin, got, tc.want)
		}
		if got := Tool(tc.origin); got != tc.tool {
			t.Errorf("Tool(%q) = %q, want %q", tc.origin, got, tc.tool)
		}
	}
}

// synthetic: "a\r\nb😀c" — a CRLF, then an emoji outside the BMP.
// Normalised: "a\nb😀c", code points a=0 \n=1 b=2 😀=3 c=4, length 5.
// Code points (CRLF counts 2): a0 \r1 \n2 b3 😀4 c5, length 6.
// UTF-16: a0 \r1 \n2 b3 😀4-5 c6, length 7.
// CRLF once: a0 \r\n1 b2 😀3 c4, length 5.
func TestTextCodePoint(t *testing.T) {
	raw := "a\r\nb😀c"
	for _, tc := range []struct {
		unit    Unit
		pos     []int
		want    []int // -1: an error
		wantLen int
	}{
		{CodePoints, []int{0, 1, 2, 3, 4, 5, 6, 7}, []int{0, 1, 1, 2, 3, 4, 5, -1}, 6},
		{UTF16, []int{0, 1, 2, 3, 4, 5, 6, 7, 8}, []int{0, 1, 1, 2, 3, -1, 4, 5, -1}, 7},
		{CodePointsCRLFOne, []int{0, 1, 2, 3, 4, 5, 6}, []int{0, 1, 2, 3, 4, 5, -1}, 5},
	} {
		tx := NewText(raw, tc.unit)
		if tx.Text != "a\nb😀c" {
			t.Fatalf("%v: text %q", tc.unit, tx.Text)
		}
		if tx.Len() != tc.wantLen {
			t.Errorf("%v: Len = %d, want %d", tc.unit, tx.Len(), tc.wantLen)
		}
		for i, p := range tc.pos {
			got, err := tx.CodePoint(p)
			if tc.want[i] < 0 {
				if err == nil {
					t.Errorf("%v: CodePoint(%d) = %d, want an error", tc.unit, p, got)
				}
				continue
			}
			if err != nil || got != tc.want[i] {
				t.Errorf("%v: CodePoint(%d) = %d, %v; want %d", tc.unit, p, got, err, tc.want[i])
			}
		}
	}
	// a lone CR becomes LF and keeps its width
	tx := NewText("x\ry", CodePoints)
	if tx.Text != "x\ny" {
		t.Errorf("lone CR: %q", tx.Text)
	}
	if n, _ := tx.CodePoint(2); n != 2 {
		t.Errorf("lone CR: CodePoint(2) = %d, want 2", n)
	}
}

func TestDecodeText(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
		want string
		bad  bool
	}{
		{"utf8", []byte("政策"), "政策", false},
		{"utf8 bom", append([]byte{0xEF, 0xBB, 0xBF}, "政策"...), "政策", false},
		{"utf16le bom", []byte{0xFF, 0xFE, 0x3F, 0x65, 0x56, 0x7B}, "政策", false},
		{"utf16be bom", []byte{0xFE, 0xFF, 0x65, 0x3F, 0x7B, 0x56}, "政策", false},
		{"gbk", []byte{0xD5, 0xFE, 0xB2, 0xDF}, "", true},
	} {
		got, err := DecodeText(tc.in)
		if tc.bad != (err != nil) || got != tc.want {
			t.Errorf("%s: %q, %v", tc.name, got, err)
		}
	}
}

// TestDecodeUTF16 checks the one UTF-16 decoder (refiqda's sources and
// loaders' manifest encodings both use it) on hand-encoded bytes: 😀 is
// U+1F600, the surrogate pair D83D DE00.
func TestDecodeUTF16(t *testing.T) {
	for _, tc := range []struct {
		name      string
		in        []byte
		bigEndian bool
		want      string
		err       string
	}{
		{"le, no bom", []byte{0x3F, 0x65, 0x41, 0x00}, false, "政A", ""},
		{"be, no bom", []byte{0x65, 0x3F, 0x00, 0x41}, true, "政A", ""},
		{"le bom beats big-endian", []byte{0xFF, 0xFE, 0x3F, 0x65}, true, "政", ""},
		{"be bom beats little-endian", []byte{0xFE, 0xFF, 0x65, 0x3F}, false, "政", ""},
		{"surrogate pair", []byte{0x3D, 0xD8, 0x00, 0xDE, 0x0A, 0x00}, false, "😀\n", ""},
		{"empty after bom", []byte{0xFF, 0xFE}, false, "", ""},
		{"odd length", []byte{0xFF, 0xFE, 0x3F, 0x65, 0x41}, false, "", "odd number of bytes (3)"},
		{"lone high surrogate at the end", []byte{0x41, 0x00, 0x3D, 0xD8}, false, "", "byte offset 2: unpaired surrogate 0xD83D"},
		{"high surrogate before a letter", []byte{0x3D, 0xD8, 0x41, 0x00}, false, "", "byte offset 0: unpaired surrogate 0xD83D"},
		{"lone low surrogate", []byte{0xFF, 0xFE, 0x00, 0xDE}, false, "", "byte offset 2: unpaired surrogate 0xDE00"},
	} {
		got, err := DecodeUTF16(tc.in, tc.bigEndian)
		switch {
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("%s: got %q, %v; want %q", tc.name, got, err, tc.want)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: got %q, %v; want an error containing %q", tc.name, got, err, tc.err)
		}
	}
}

func TestCleanEntry(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"project.qde", "project.qde", true},
		{"sources/a.txt", "sources/a.txt", true},
		{"sources/../project.qde", "project.qde", true},
		{"../evil.txt", "", false},
		{"sources/../../evil.txt", "", false},
		{"..\\evil.txt", "", false},
		{"/etc/passwd", "", false},
		{"C:\\Windows\\evil.dll", "", false},
	} {
		got, ok := cleanEntry(tc.in)
		if ok != tc.ok || got != tc.want {
			t.Errorf("cleanEntry(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// writeZip writes a synthetic archive of the given entries.
func writeZip(t *testing.T, entries map[string]string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range entries {
		f, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "x.qdpx")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const tinyQDE = `<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1:0" name="tiny" origin="MAXQDA 24">
 <CodeBook><Codes><Code guid="{11111111-1111-1111-1111-111111111111}" name="A" isCodable="true">
   <Code guid="22222222-2222-2222-2222-222222222222" name="A1" isCodable="true"/></Code></Codes></CodeBook>
 <Sources>
  <TextSource guid="33333333-3333-3333-3333-333333333333" name="doc" plainTextPath="internal://33333333-3333-3333-3333-333333333333.txt">
   <PlainTextSelection guid="44444444-4444-4444-4444-444444444444" startPosition="0" endPosition="5">
    <Coding guid="55555555-5555-5555-5555-555555555555"><CodeRef targetGUID="22222222-2222-2222-2222-22222222222{CLOSE}"/></Coding>
   </PlainTextSelection>
  </TextSource>
  <PictureSource guid="66666666-6666-6666-6666-666666666666" name="pic.jpg"/>
 </Sources>
 <Sets/>
</Project>`

func TestOpenArchive(t *testing.T) {
	good := strings.ReplaceAll(tinyQDE, "{CLOSE}", "2")
	t.Run("ok", func(t *testing.T) {
		a, err := OpenArchive(writeZip(t, map[string]string{"project.qde": good, "Sources/33333333-3333-3333-3333-333333333333.txt": "hello world"}), 0)
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		entry, note, ok := a.SourcePath("internal://33333333-3333-3333-3333-333333333333.txt")
		if !ok || note != "" || entry != "Sources/33333333-3333-3333-3333-333333333333.txt" {
			t.Fatalf("SourcePath: %q %q %v", entry, note, ok)
		}
		b, err := a.ReadEntry(entry)
		if err != nil || string(b) != "hello world" {
			t.Fatalf("ReadEntry: %q %v", b, err)
		}
		if _, err := a.ReadEntry("sources/nothing.txt"); !errors.Is(err, ErrMissing) {
			t.Errorf("missing entry: %v", err)
		}
	})
	t.Run("zip-slip", func(t *testing.T) {
		_, err := OpenArchive(writeZip(t, map[string]string{"project.qde": good, "../../evil.txt": "x"}), 0)
		if !errors.Is(err, ErrUnsafeEntry) {
			t.Fatalf("want ErrUnsafeEntry, got %v", err)
		}
	})
	t.Run("too large", func(t *testing.T) {
		// 11 bytes of XML read so far is under the cap of 100; the 1000-byte
		// source pushes the total past it.
		a, err := OpenArchive(writeZip(t, map[string]string{"project.qde": good, "sources/big.txt": strings.Repeat("x", 1000)}), int64(len(good))+100)
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		if _, err := a.ReadEntry("project.qde"); err != nil {
			t.Fatal(err)
		}
		if _, err := a.ReadEntry("sources/big.txt"); !errors.Is(err, ErrTooLarge) {
			t.Fatalf("want ErrTooLarge, got %v", err)
		}
	})
	t.Run("no qde", func(t *testing.T) {
		if _, err := OpenArchive(writeZip(t, map[string]string{"a.txt": "x"}), 0); err == nil {
			t.Fatal("want an error")
		}
	})
}

func TestParseProject(t *testing.T) {
	t.Run("ok", func(t *testing.T) {
		res, err := ParseProject("tiny.qde", strings.NewReader(strings.ReplaceAll(tinyQDE, "{CLOSE}", "2")))
		if err != nil {
			t.Fatal(err)
		}
		p := res.Project
		if p.Name != "tiny" || p.Origin != "MAXQDA 24" || len(p.Codes) != 1 || len(p.Codes[0].Children) != 1 {
			t.Fatalf("project: %+v", p)
		}
		if p.Codes[0].GUID != "11111111-1111-1111-1111-111111111111" {
			t.Errorf("braces not dropped: %s", p.Codes[0].GUID)
		}
		if len(p.Sources) != 2 || p.Sources[0].Kind != KindText || p.Sources[1].Kind != KindPicture {
			t.Fatalf("sources: %+v", p.Sources)
		}
		sel := p.Sources[0].Selections
		if len(sel) != 1 || sel[0].Start != 0 || sel[0].End != 5 || len(sel[0].Codings) != 1 || sel[0].Codings[0].CodeGUID != "22222222-2222-2222-2222-222222222222" {
			t.Fatalf("selections: %+v", sel)
		}
		if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "empty <Sets>") {
			t.Errorf("warnings: %q", res.Warnings)
		}
	})
	t.Run("dangling CodeRef", func(t *testing.T) {
		_, err := ParseProject("tiny.qde", strings.NewReader(strings.ReplaceAll(tinyQDE, "{CLOSE}", "9")))
		if err == nil || !strings.Contains(err.Error(), "no code of the codebook") {
			t.Fatalf("want a refusal, got %v", err)
		}
	})
	t.Run("duplicate guid", func(t *testing.T) {
		x := strings.ReplaceAll(strings.ReplaceAll(tinyQDE, "{CLOSE}", "2"), `"{11111111-1111-1111-1111-111111111111}"`, `"22222222-2222-2222-2222-222222222222"`)
		if _, err := ParseProject("tiny.qde", strings.NewReader(x)); err == nil {
			t.Fatal("want a refusal")
		}
	})
	t.Run("bad positions", func(t *testing.T) {
		x := strings.ReplaceAll(strings.ReplaceAll(tinyQDE, "{CLOSE}", "2"), `endPosition="5"`, `endPosition="x"`)
		if _, err := ParseProject("tiny.qde", strings.NewReader(x)); err == nil {
			t.Fatal("want a refusal")
		}
	})
}

func TestGUIDFor(t *testing.T) {
	a, b := GUIDFor("code", "main-10"), GUIDFor("code", "main-10")
	if a != b || !IsGUID(a) || a[14] != '5' {
		t.Errorf("GUIDFor: %s %s", a, b)
	}
	if GUIDFor("source", "main-10") == a {
		t.Error("kinds must give different GUIDs")
	}
	if g := GUIDFor("code", "{ABCDEF01-2345-6789-ABCD-EF0123456789}"); g != "abcdef01-2345-6789-abcd-ef0123456789" {
		t.Errorf("a GUID id is kept: %s", g)
	}
}
