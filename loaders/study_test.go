package loaders

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadSharesDocumentsAcrossStudies loads the sample as the study
// "sample", then, for another study, a manifest naming d01 with another
// text (a problem at its row, naming the study that has d01 and the file)
// and one giving d01's text under another id (the stored d01 is linked,
// with the other study's codings on its sentences, and a note says so).
func TestLoadSharesDocumentsAcrossStudies(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	sample := SampleInput(filepath.Join("..", "data", "sample"))
	sample.Study = "sample"
	if _, err := Load(ctx, s, sample, Options{}); err != nil {
		t.Fatal(err)
	}
	before := stats(t, s)
	text, err := os.ReadFile(filepath.Join("..", "data", "sample", "texts", "d01.txt"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, content string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const header = "id,city,city_zh,province,title,issuer,issued_on,doc_type,url,file,synthetic\n"
	const row = ",Linlan,临澜市,Zhejiang,临澜市推进市域产教联合体建设实施方案,临澜市人民政府办公室,2023-07-02,implementation plan,,"

	write("changed.txt", string(text)+"\n新增一句。\n")
	changed := write("changed.csv", header+"d01"+row+"changed.txt,true\n")
	_, err = Load(ctx, s, Input{Manifest: changed, Study: "Other team"}, Options{})
	var ps Problems
	if !errors.As(err, &ps) || len(ps) != 1 || ps[0].Line != 2 || ps[0].Field != "file" ||
		!strings.Contains(ps[0].Message, "study sample") || !strings.Contains(ps[0].Message, "changed.txt") {
		t.Fatalf("another text under d01: %v; want one problem at changed.csv:2, file, naming the study sample and changed.txt", err)
	}
	if got := stats(t, s); got != before {
		t.Errorf("a refused load wrote: %+v, before %+v", got, before)
	}

	write("copy.txt", string(text))
	manifest := write("copy.csv", header+"x01"+row+"copy.txt,true\n")
	codings := write("codings.csv", "document_id,quote,code_id,coder\n"+
		"x01,坚持科教融汇，推动高校、科研院所与职业院校、企业共享科研仪器和创新资源,k1,C\n")
	codebook := write("codebook.yaml", "name: other\ncodes:\n"+
		"  - {id: l1, level: LAYER, name: Layer}\n  - {id: m1, level: MAIN_CATEGORY, parent: l1, name: Main}\n"+
		"  - {id: c1, level: CATEGORY, parent: m1, name: Category}\n  - {id: k1, level: CONCEPT, parent: c1, name: Concept}\n")
	in := Input{Codebook: codebook, Manifest: manifest, Codings: []string{codings}, Study: "Other team"}
	plan, err := Validate(ctx, s, in)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(plan.Notes, "\n"), "x01 ("+filepath.Join(dir, "copy.txt")+") is stored document d01") {
		t.Errorf("notes %q: want one saying x01 is the stored d01", plan.Notes)
	}
	sum, err := Load(ctx, s, in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Included != 1 {
		t.Errorf("the load included %d documents in the study, want 1 (d01)", sum.Included)
	}
	all := stats(t, s)
	if all.Documents != before.Documents || all.Sentences != before.Sentences {
		t.Errorf("after the copy: %d documents, %d sentences; want %d and %d: d01 is stored once",
			all.Documents, all.Sentences, before.Documents, before.Sentences)
	}
	other, err := s.StudyStats(ctx, "other-team")
	if err != nil {
		t.Fatal(err)
	}
	if other.Documents != 1 || other.CodedSentences != 1 || other.Codings != 1 || other.Concepts != 1 {
		t.Errorf("the other study: %+v, want d01 with one coded sentence", other)
	}
	studies, err := s.DocumentStudies(ctx, []string{"d01", "x01"})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(studies["d01"], ","); got != "other-team,sample" || len(studies["x01"]) != 0 {
		t.Errorf("studies of d01: %q, of x01: %v; want other-team,sample and no x01", got, studies["x01"])
	}
}
