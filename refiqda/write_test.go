package refiqda

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A synthetic project written by ArchiveWriter reads back the same.
func TestArchiveRoundTrip(t *testing.T) {
	at := time.Date(2025, 2, 2, 8, 0, 0, 0, time.UTC)
	p := &Project{Name: "synthetic", Origin: "policykb",
		Users:     []User{{GUID: GUIDFor("user", "alice"), Name: "alice"}},
		Codes:     []*Code{{GUID: GUIDFor("code", "layer-1"), Name: "Layer", IsCodable: true, Children: []*Code{{GUID: GUIDFor("code", "main-1"), Name: "Main & <more>", IsCodable: true}}}},
		Variables: []Variable{{GUID: GUIDFor("variable", "province"), Name: "province", Type: "Text"}, {GUID: GUIDFor("variable", "date"), Name: "date", Type: "Date"}},
		Cases: []Case{{GUID: GUIDFor("case", "Linlan"), Name: "Linlan", Values: []VariableValue{{GUIDFor("variable", "province"), "Zhejiang"}},
			SourceRefs: []string{GUIDFor("source", "d1")}}},
	}
	var buf bytes.Buffer
	w, err := NewArchiveWriter(&buf, p)
	if err != nil {
		t.Fatal(err)
	}
	text := "加强组织领导。\n完善资金保障。😀"
	err = w.AddSource(SourceText{Source: Source{GUID: GUIDFor("source", "d1"), Name: "Plan",
		Values: []VariableValue{{GUIDFor("variable", "date"), "2023-08-27"}},
		Selections: []Selection{{GUID: GUIDFor("selection", "s1"), Start: 2, End: 10, CreatingUser: p.Users[0].GUID, Created: at,
			Codings: []Coding{{GUID: GUIDFor("coding", "c1"), CodeGUID: GUIDFor("code", "main-1"), CreatingUser: p.Users[0].GUID, Created: at}}}}},
		Text: text})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "x.qdpx")
	os.WriteFile(path, buf.Bytes(), 0o644)
	a, err := OpenArchive(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	qde, err := a.ReadEntry(a.QDE)
	if err != nil {
		t.Fatal(err)
	}
	res, err := ParseProject("x.qde", bytes.NewReader(qde))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) > 0 {
		t.Errorf("warnings on our own output: %q", res.Warnings)
	}
	q := res.Project
	if q.Name != "synthetic" || len(q.Users) != 1 || q.Codes[0].Children[0].Name != "Main & <more>" ||
		len(q.Cases) != 1 || q.Cases[0].Values[0].Value != "Zhejiang" || q.Cases[0].SourceRefs[0] != GUIDFor("source", "d1") {
		t.Fatalf("project: %+v", q)
	}
	s := q.Sources[0]
	if s.Name != "Plan" || len(s.Selections) != 1 || s.Selections[0].Start != 2 || s.Selections[0].End != 10 ||
		s.Selections[0].Codings[0].CodeGUID != GUIDFor("code", "main-1") || !s.Selections[0].Codings[0].Created.Equal(at) ||
		s.Values[0].Value != "2023-08-27" {
		t.Fatalf("source: %+v", s)
	}
	entry, _, ok := a.SourcePath(s.PlainTextPath)
	if !ok {
		t.Fatalf("plainTextPath %q", s.PlainTextPath)
	}
	b, err := a.ReadEntry(entry)
	if err != nil || string(b) != text {
		t.Fatalf("text %q, %v", b, err)
	}
	if !strings.Contains(string(qde), `<DateValue>2023-08-27</DateValue>`) {
		t.Error("a Date variable is written as DateValue")
	}
}

func TestWriteCodebook(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCodebook(&buf, "policykb", []*Code{{GUID: GUIDFor("code", "a"), Name: "A", IsCodable: true}}); err != nil {
		t.Fatal(err)
	}
	res, err := ParseCodebook("x.qdc", &buf)
	if err != nil || len(res.Project.Codes) != 1 || res.Project.Codes[0].Name != "A" || len(res.Warnings) > 0 {
		t.Fatalf("%+v %v", res, err)
	}
	if err := WriteCodebook(&buf, "policykb", nil); err == nil {
		t.Error("an empty codebook is refused (the schema wants a code)")
	}
}

// FuzzParseProject: the parser never panics, and a project it accepts has
// selections that start no later than they end.
func FuzzParseProject(f *testing.F) {
	f.Add(strings.ReplaceAll(tinyQDE, "{CLOSE}", "2"))
	f.Add(`<Project name="x"><Sources><TextSource guid="x"><PlainTextSelection startPosition="5" endPosition="1"/></TextSource></Sources></Project>`)
	f.Add(`<CodeBook><Codes/><Sets/></CodeBook>`)
	f.Fuzz(func(t *testing.T, s string) {
		res, err := ParseProject("fuzz.qde", strings.NewReader(s))
		if err != nil {
			return
		}
		for _, src := range res.Project.Sources {
			for _, sel := range src.Selections {
				if sel.End < sel.Start {
					t.Fatalf("accepted a selection [%d, %d)", sel.Start, sel.End)
				}
			}
		}
	})
}

// FuzzText: positions map monotonically onto the normalised text, and the
// end of the original maps onto its end.
func FuzzText(f *testing.F) {
	f.Add("a\r\nb😀c\rd", 0)
	f.Add("政策\r\n\r\n", 1)
	f.Add("", 2)
	f.Fuzz(func(t *testing.T, raw string, u int) {
		if !utf8Valid(raw) {
			return
		}
		unit := Unit(((u % 3) + 3) % 3)
		tx := NewText(raw, unit)
		if n, err := tx.CodePoint(tx.Len()); err != nil || n != len([]rune(tx.Text)) {
			t.Fatalf("end %d maps to %d, %v; text has %d code points", tx.Len(), n, err, len([]rune(tx.Text)))
		}
		prev := 0
		for p := 0; p <= tx.Len(); p++ {
			n, err := tx.CodePoint(p)
			if err != nil {
				continue
			}
			if n < prev {
				t.Fatalf("position %d maps to %d, before %d", p, n, prev)
			}
			prev = n
		}
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "") == s }
