package loaders

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/internal/testneo4j"
	"github.com/policykb/policykb/internal/testshared"
)

// passage returns the code points [start, end) of text.
func passage(text string, start, end int) string {
	r := []rune(text)
	return string(r[start:end])
}

// Every sample imports, with the counts the files hold (see the token scan
// in refiqda's TestSamplesParse, which confirms the README's figures), and
// what is kept and dropped, worked out from the files:
//   - atlasti84: all 6 text sources point at .txt files the zip does not
//     hold, the other 6 are PDF/picture/audio/video: no document, all 16
//     codings dropped, the 14 codes kept (flat: all layers);
//   - nvivomac15 and qc132 have 7 levels: the 9+26+3 = 38 codes below depth
//     4 fold onto their depth-4 ancestor (262-38 = 224 kept); nvivomac15's
//     two text files hold one byte each (no sentence): skipped;
//   - maxqda24 has 10 text sources, no codings.
func TestPlanSamples(t *testing.T) {
	dir := testshared.Dir(t, "refi-qda/samples")
	for _, tc := range []struct {
		file                                      string
		sources, codes, codings                   int
		documents, codesKept, folded, codingsKept int
		skipped                                   int // warnings that name a skipped source
	}{
		{"nvivo12win_oltas0517.qdpx", 2, 152, 303, 2, 152, 0, 303, 0},
		{"atlasti84_standard_project.qdpx", 12, 14, 16, 0, 14, 0, 0, 12},
		{"maxqda24_icls_themes.qdpx", 10, 307, 0, 10, 307, 0, 0, 0},
		{"nvivomac15_qc_project.qdpx", 2, 262, 0, 0, 224, 38, 0, 2},
		{"qc132_demo.qdpx", 2, 262, 205, 2, 224, 38, 205, 0},
		{"atlasti23win_target.qdpx", 0, 3, 0, 0, 3, 0, 0, 0},
		{"taguette141_codebook.qdc", 0, 3, 0, 0, 3, 0, 0, 0},
	} {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join(dir, tc.file)
			var plan *Plan
			var rep *ImportReport
			var err error
			if strings.HasSuffix(tc.file, ".qdc") {
				plan, rep, err = PlanQDC(context.Background(), nil, path, ImportOptions{})
			} else {
				plan, rep, err = PlanQDPX(context.Background(), nil, path, ImportOptions{})
			}
			if err != nil {
				t.Fatal(err)
			}
			if rep.Sources != tc.sources || rep.Codes != tc.codes || rep.Codings != tc.codings {
				t.Errorf("in the file: %d sources, %d codes, %d codings; want %d, %d, %d", rep.Sources, rep.Codes, rep.Codings, tc.sources, tc.codes, tc.codings)
			}
			if rep.Documents != tc.documents || rep.CodesKept != tc.codesKept || rep.CodesFolded != tc.folded || rep.CodingsKept != tc.codingsKept {
				t.Errorf("kept: %s", rep)
			}
			if rep.CodingsDropped != tc.codings-tc.codingsKept {
				t.Errorf("dropped %d codings, want %d", rep.CodingsDropped, tc.codings-tc.codingsKept)
			}
			if len(plan.Codes) != tc.codesKept || len(plan.Documents) != tc.documents {
				t.Errorf("plan: %s", plan)
			}
			skipped := 0
			for _, w := range rep.Warnings {
				if strings.HasPrefix(w, "skipped ") {
					skipped++
				}
			}
			if skipped != tc.skipped {
				t.Errorf("%d skipped sources, want %d: %q", skipped, tc.skipped, rep.Warnings)
			}
		})
	}
}

// NVivo for Windows counts UTF-16 code units, after the BOM, with CRLF as
// two. The expected words were read out of
// Sources/68bbdc14-c361-4432-b4dd-ae1dbfc12890.txt by hand (the file
// decoded as UTF-8 without its BOM, re-encoded as UTF-16LE, units
// [start, end)); read as code points the same positions land elsewhere
// (60512-60519 would read "alapja "). ("Dugják föl maguknak!", 66769-66789,
// is not among them: it lies in a sentence the same coder coded at the same
// code before, whose first selection's span is kept.)
func TestNVivoWindowsSpans(t *testing.T) {
	dir := testshared.Dir(t, "refi-qda/samples")
	plan, _, err := PlanQDPX(context.Background(), nil, filepath.Join(dir, "nvivo12win_oltas0517.qdpx"), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var doc *policykb.Document
	var codings []policykb.Coding
	for i := range plan.Documents {
		if plan.Documents[i].Document.ID == "68bbdc14-c361-4432-b4dd-ae1dbfc12890" {
			doc, codings = &plan.Documents[i].Document, plan.Documents[i].Codings
		}
	}
	if doc == nil {
		t.Fatal("no document 68bbdc14-c361-4432-b4dd-ae1dbfc12890")
	}
	want := map[string]bool{"Tényleg": false, "Birkaaaaaa": false, "Ennyi vadbarmot!!": false,
		"Ursula mondjon le!": false, "Az oltás öli az embereket": false}
	runes := []rune(doc.Text)
	for _, c := range codings {
		var q string
		if c.Start != nil {
			q = string(runes[*c.Start:*c.End])
		}
		if _, ok := want[q]; ok {
			want[q] = true
		}
	}
	// a whole-sentence coding has no span: find those among the sentences
	for _, b := range plan.Documents {
		if b.Document.ID != doc.ID {
			continue
		}
		coded := map[string]bool{}
		for _, c := range b.Codings {
			if c.Start == nil {
				coded[c.SentenceID] = true
			}
		}
		for _, s := range b.Sentences {
			if coded[s.ID] {
				if _, ok := want[s.Text]; ok {
					want[s.Text] = true
				}
			}
		}
	}
	for w, found := range want {
		if !found {
			t.Errorf("no coding of %q", w)
		}
	}
}

// qc writes code points, and names each selection after the 0-based line
// it codes ("line:6"): every passage, trimmed, must be that line of the
// source file, read here with os-level string splitting.
func TestQCSpans(t *testing.T) {
	dir := testshared.Dir(t, "refi-qda/samples")
	plan, _, err := PlanQDPX(context.Background(), nil, filepath.Join(dir, "qc132_demo.qdpx"), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, b := range plan.Documents {
		lines := strings.Split(b.Document.Text, "\n")
		set := map[string]bool{}
		for _, l := range lines {
			set[strings.TrimSpace(l)] = true
		}
		for _, c := range b.Codings {
			if c.Start == nil {
				continue
			}
			q := strings.TrimSpace(passage(b.Document.Text, *c.Start, *c.End))
			if !set[q] {
				t.Errorf("%s: passage %q is not a line of the source", b.Document.Title, q)
			}
			n++
		}
	}
	if n == 0 {
		t.Fatal("no coding with a span")
	}
}

// synthetic project: a 5-level tree A > B > C > D > E, one source whose
// text is three sentences, selections coding E (depth 5) and B (depth 2).
const synthQDE = `<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="synthetic" origin="MAXQDA 24">
 <Users><User guid="aaaaaaaa-0000-0000-0000-000000000001" name="lin"/></Users>
 <CodeBook><Codes>
  <Code guid="00000000-0000-0000-0000-00000000000a" name="A" isCodable="true">
   <Code guid="00000000-0000-0000-0000-00000000000b" name="B" isCodable="true">
    <Code guid="00000000-0000-0000-0000-00000000000c" name="C" isCodable="true">
     <Code guid="00000000-0000-0000-0000-00000000000d" name="D" isCodable="true">
      <Code guid="00000000-0000-0000-0000-00000000000e" name="E" isCodable="true"/>
 </Code></Code></Code></Code></Codes></CodeBook>
 <Variables><Variable guid="bbbbbbbb-0000-0000-0000-000000000001" name="province" typeOfVariable="Text"/></Variables>
 <Cases><Case guid="cccccccc-0000-0000-0000-000000000001" name="Linlan">
  <VariableValue><VariableRef targetGUID="bbbbbbbb-0000-0000-0000-000000000001"/><TextValue>Zhejiang</TextValue></VariableValue>
  <SourceRef targetGUID="dddddddd-0000-0000-0000-000000000001"/></Case></Cases>
 <Sources>
  <TextSource guid="dddddddd-0000-0000-0000-000000000001" name="Plan" plainTextPath="internal://dddddddd-0000-0000-0000-000000000001.txt">
   <PlainTextSelection guid="eeeeeeee-0000-0000-0000-000000000001" startPosition="{S1}" endPosition="{E1}">
    <Coding guid="ffffffff-0000-0000-0000-000000000001" creatingUser="aaaaaaaa-0000-0000-0000-000000000001"><CodeRef targetGUID="00000000-0000-0000-0000-00000000000e"/></Coding>
    <Coding guid="ffffffff-0000-0000-0000-000000000002" creatingUser="aaaaaaaa-0000-0000-0000-000000000001"><CodeRef targetGUID="00000000-0000-0000-0000-00000000000b"/></Coding>
   </PlainTextSelection>
  </TextSource>
  <AudioSource guid="dddddddd-0000-0000-0000-000000000002" name="talk.m4a"/>
 </Sources>
</Project>`

// synthText: sentence 0 is code points 0-5 "加强组织领导。" is 7 code
// points: 加0 强1 组2 织3 领4 导5 。6; then CRLF (7-8 in the file, 7 once
// normalised), sentence 1 "完善资金保障。" 8-14 normalised (9-15 in the
// file's code points).
const synthText = "加强组织领导。\r\n完善资金保障。"

func synthArchive(t *testing.T, s1, e1 string, extra map[string]string) string {
	t.Helper()
	qde := strings.NewReplacer("{S1}", s1, "{E1}", e1).Replace(synthQDE)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	entries := map[string]string{"project.qde": qde, "sources/dddddddd-0000-0000-0000-000000000001.txt": "\ufeff" + synthText}
	for k, v := range extra {
		entries[k] = v
	}
	for name, body := range entries {
		f, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte(body))
	}
	zw.Close()
	p := filepath.Join(t.TempDir(), "synthetic.qdpx")
	os.WriteFile(p, buf.Bytes(), 0o644)
	return p
}

func TestPlanQDPXSynthetic(t *testing.T) {
	// File positions 2..11 (code points, CRLF counts two): 组织领导。\r\n完善
	// → normalised 2..10: spans both sentences, so both get the codings,
	// with the span kept.
	plan, rep, err := PlanQDPX(context.Background(), nil, synthArchive(t, "2", "11", nil), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Default levels: E (depth 5) folds onto D (depth 4, CONCEPT).
	if len(plan.Codes) != 4 || rep.CodesFolded != 1 {
		t.Fatalf("codes: %+v, folded %d", plan.Codes, rep.CodesFolded)
	}
	b := plan.Documents[0]
	if b.City.Name != "Linlan" || b.City.Province != "Zhejiang" {
		t.Errorf("city from the case: %+v", b.City)
	}
	if len(b.Sentences) != 2 || b.Document.Text != "加强组织领导。\n完善资金保障。" {
		t.Fatalf("sentences: %+v", b.Sentences)
	}
	// 2 sentences × codes D and B = 4 codings, each with the span [2, 10)
	if len(b.Codings) != 4 {
		t.Fatalf("codings: %+v", b.Codings)
	}
	for _, c := range b.Codings {
		if c.Start == nil || *c.Start != 2 || *c.End != 10 || c.Coder != "lin" || c.Origin != "import:maxqda" {
			t.Errorf("coding %+v", c)
		}
		if c.CodeID != "00000000-0000-0000-0000-00000000000d" && c.CodeID != "00000000-0000-0000-0000-00000000000b" {
			t.Errorf("coding on %s", c.CodeID)
		}
	}
	if got := passage(b.Document.Text, 2, 10); got != "组织领导。\n完善" {
		t.Errorf("passage %q", got)
	}
	if !strings.Contains(strings.Join(rep.Warnings, "\n"), `skipped audio source "talk.m4a"`) {
		t.Errorf("warnings: %q", rep.Warnings)
	}

	t.Run("whole sentence", func(t *testing.T) {
		// file 9..16 = sentence 1 exactly: no span kept
		plan, _, err := PlanQDPX(context.Background(), nil, synthArchive(t, "9", "16", nil), ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range plan.Documents[0].Codings {
			if c.Start != nil || c.SentenceID != policykb.SentenceID("dddddddd-0000-0000-0000-000000000001", 1) {
				t.Errorf("coding %+v", c)
			}
		}
	})
	t.Run("levels 1,2,3,5", func(t *testing.T) {
		// D (depth 4) folds onto C; E (depth 5) becomes a CONCEPT under C.
		plan, _, err := PlanQDPX(context.Background(), nil, synthArchive(t, "2", "11", nil), ImportOptions{Levels: []int{1, 2, 3, 5}})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, c := range plan.Codes {
			got[c.Name] = c.Level.String() + "<" + c.Parent
		}
		want := map[string]string{"A": "LAYER<", "B": "MAIN_CATEGORY<00000000-0000-0000-0000-00000000000a",
			"C": "CATEGORY<00000000-0000-0000-0000-00000000000b", "E": "CONCEPT<00000000-0000-0000-0000-00000000000c"}
		if len(got) != len(want) {
			t.Fatalf("codes %v", got)
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: %s, want %s", k, got[k], v)
			}
		}
	})
	t.Run("inline text", func(t *testing.T) {
		// PlainTextContent instead of a file: "加强组织领导。完善资金保障。",
		// sentences [0, 7) and [7, 14); positions 2..9 = "组织领导。完善".
		path := synthArchive(t, "2", "9", nil)
		data, _ := os.ReadFile(path)
		zr, _ := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, f := range zr.File {
			if f.Name != "project.qde" {
				continue
			}
			rc, _ := f.Open()
			var b bytes.Buffer
			b.ReadFrom(rc)
			w, _ := zw.Create(f.Name)
			w.Write([]byte(strings.Replace(b.String(), `plainTextPath="internal://dddddddd-0000-0000-0000-000000000001.txt">`,
				`><PlainTextContent>加强组织领导。完善资金保障。</PlainTextContent>`, 1)))
		}
		zw.Close()
		os.WriteFile(path, buf.Bytes(), 0o644)
		plan, _, err := PlanQDPX(context.Background(), nil, path, ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		b := plan.Documents[0]
		if len(b.Sentences) != 2 || len(b.Codings) != 4 || passage(b.Document.Text, *b.Codings[0].Start, *b.Codings[0].End) != "组织领导。完善" {
			t.Fatalf("%+v", b)
		}
	})
	t.Run("mapping wins", func(t *testing.T) {
		csv := filepath.Join(t.TempDir(), "cities.csv")
		os.WriteFile(csv, []byte("source,city,province,date\nPlan,Xichuan,Jiangsu,2023-08-27\n"), 0o644)
		plan, _, err := PlanQDPX(context.Background(), nil, synthArchive(t, "2", "11", nil), ImportOptions{Cities: csv})
		if err != nil {
			t.Fatal(err)
		}
		b := plan.Documents[0]
		if b.City.Name != "Xichuan" || b.City.Province != "Jiangsu" || b.Document.IssuedOn.Format("2006-01-02") != "2023-08-27" {
			t.Errorf("city %+v, issued %v", b.City, b.Document.IssuedOn)
		}
	})
}

func TestPlanQDPXRefusals(t *testing.T) {
	for _, tc := range []struct {
		name, s1, e1 string
		extra        map[string]string
		max          int64
		want         string
	}{
		// the text is 16 code points in the file (7 + CRLF + 7)
		{"selection past the end", "2", "17", nil, 0, "outside its source"},
		{"zip-slip", "2", "11", map[string]string{"../../etc/evil": "x"}, 0, "escapes the archive"},
		// a cap 10 bytes above the project file: the 48-byte text passes it
		{"too large", "2", "11", map[string]string{}, int64(len(strings.NewReplacer("{S1}", "2", "{E1}", "11").Replace(synthQDE))) + 10, "expands past"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := synthArchive(t, tc.s1, tc.e1, tc.extra)
			plan, _, err := PlanQDPX(context.Background(), nil, path, ImportOptions{MaxBytes: tc.max})
			var ps Problems
			if plan != nil || !errors.As(err, &ps) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want a refusal saying %q, got plan %v, err %v", tc.want, plan, err)
			}
		})
	}
	t.Run("CodeRef to no code", func(t *testing.T) {
		path := synthArchive(t, "2", "11", nil)
		// rewrite the archive with a CodeRef to an unknown code
		data, _ := os.ReadFile(path)
		zr, _ := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, f := range zr.File {
			rc, _ := f.Open()
			var b bytes.Buffer
			b.ReadFrom(rc)
			w, _ := zw.Create(f.Name)
			w.Write([]byte(strings.Replace(b.String(), `targetGUID="00000000-0000-0000-0000-00000000000b"`, `targetGUID="00000000-0000-0000-0000-0000000000ff"`, 1)))
		}
		zw.Close()
		os.WriteFile(path, buf.Bytes(), 0o644)
		plan, _, err := PlanQDPX(context.Background(), nil, path, ImportOptions{})
		if plan != nil || err == nil || !strings.Contains(err.Error(), "no code of the codebook") {
			t.Fatalf("want a refusal, got %v", err)
		}
	})
}

func TestParseLevels(t *testing.T) {
	for _, tc := range []struct {
		in  string
		ok  bool
		out []int
	}{
		{"1,2,3,4", true, []int{1, 2, 3, 4}},
		{"1, 2, 3, 7", true, []int{1, 2, 3, 7}},
		{"1,2,3", false, nil},
		{"1,3,2,4", false, nil},
		{"0,1,2,3", false, nil},
		{"a,b,c,d", false, nil},
	} {
		got, err := ParseLevels(tc.in)
		if (err == nil) != tc.ok || (tc.ok && !equalInts(got, tc.out)) {
			t.Errorf("ParseLevels(%q) = %v, %v", tc.in, got, err)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Every sample imports into an empty database with what its plan holds,
// and importing it again creates nothing.
func TestImportSamples(t *testing.T) {
	dir := testshared.Dir(t, "refi-qda/samples")
	files, _ := filepath.Glob(filepath.Join(dir, "*.qd[pc]*"))
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			s := testneo4j.EmptyStore(t, 0)
			ctx := context.Background()
			plan := func() *Plan {
				var p *Plan
				var err error
				if strings.HasSuffix(path, ".qdc") {
					p, _, err = PlanQDC(ctx, s, path, ImportOptions{})
				} else {
					p, _, err = PlanQDPX(ctx, s, path, ImportOptions{})
				}
				if err != nil {
					t.Fatal(err)
				}
				return p
			}
			p := plan()
			sum, err := WritePlan(ctx, s, p, Options{})
			if err != nil {
				t.Fatal(err)
			}
			st, err := s.Stats(ctx)
			if err != nil {
				t.Fatal(err)
			}
			codes, docs, sentences, codings := p.Counts()
			levels := map[policykb.Level]int{}
			for _, c := range p.Codes {
				levels[c.Level]++
			}
			if st.Documents != docs || st.Sentences != sentences || st.Codings != codings ||
				st.Layers+st.MainCategories+st.Categories+st.Concepts != codes ||
				st.Layers != levels[policykb.LevelLayer] || st.Concepts != levels[policykb.LevelConcept] {
				t.Errorf("stored %+v; plan %s, levels %v", st, p, levels)
			}
			if sum.NodesCreated == 0 {
				t.Error("nothing created")
			}
			again, err := WritePlan(ctx, s, plan(), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if again.NodesCreated != 0 || again.RelationshipsCreated != 0 || again.NodesDeleted != 0 || again.RelationshipsDeleted != 0 {
				t.Errorf("a second import changed the database: %s", again)
			}
		})
	}
}
