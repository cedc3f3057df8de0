package loaders

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestManifestPathsStayInside: a manifest's file column may not lead out
// of the manifest's folder, by .., an absolute path or a symbolic link
// (resolved before the check), unless AllowOutsidePaths; the problem names
// the manifest, the line, the field and the path.
func TestManifestPathsStayInside(t *testing.T) {
	root := t.TempDir()
	study := filepath.Join(root, "study")
	secret := filepath.Join(root, "secret")
	for _, d := range []string{filepath.Join(study, "texts"), secret, filepath.Join(study, "sub")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(path, text string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(study, "texts", "a.txt"), "第一句。第二句。")
	write(filepath.Join(secret, "s.txt"), "不应读到的文字。")
	symlink := func(target, link string) {
		t.Helper()
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
	}
	symlink(filepath.Join(secret, "s.txt"), filepath.Join(study, "texts", "link-out.txt"))
	symlink(filepath.Join(study, "texts", "a.txt"), filepath.Join(study, "texts", "link-in.txt"))
	symlink(secret, filepath.Join(study, "secretdir"))
	// a link to a folder inside, then .. from its target: still inside
	symlink(filepath.Join(study, "texts"), filepath.Join(study, "sub", "t"))

	manifest := filepath.Join(study, "documents.csv")
	rows := []struct{ id, file string }{
		{"ok", "texts/a.txt"},
		{"climb", "../../../../etc/passwd"},
		{"absolute", filepath.Join(secret, "s.txt")},
		{"link-out", "texts/link-out.txt"},
		{"link-in", "texts/link-in.txt"},
		{"dir-link", "secretdir/s.txt"},
		{"dotdot-via-link", "sub/t/../texts/a.txt"},
		{"missing-outside", "../nowhere.txt"},
	}
	var b strings.Builder
	b.WriteString("id,city,title,file\n")
	for _, r := range rows {
		b.WriteString(r.id + ",C," + r.id + "," + r.file + "\n")
	}
	write(manifest, b.String())

	_, err := Validate(context.Background(), nil, Input{Manifest: manifest})
	if err == nil {
		t.Fatal("a manifest naming files outside its folder validated")
	}
	got := strings.Split(err.Error(), "\n")
	want := []struct {
		line      int
		path, out string
	}{
		{3, "../../../../etc/passwd", "/etc/passwd"},
		{4, filepath.Join(secret, "s.txt"), filepath.Join(secret, "s.txt")},
		{5, "texts/link-out.txt", filepath.Join(secret, "s.txt")},
		{7, "secretdir/s.txt", filepath.Join(secret, "s.txt")},
		{9, "../nowhere.txt", filepath.Join(root, "nowhere.txt")},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%s", len(got), len(want), err)
	}
	for i, w := range want {
		prefix := manifest + ":" + strconv.Itoa(w.line) + ": file: \"" + w.path + "\" leads to " + w.out + ", outside the manifest's folder "
		if !strings.HasPrefix(got[i], prefix) || !strings.Contains(got[i], "--allow-outside-paths") {
			t.Errorf("problem %d:\n got  %s\n want %s...", i, got[i], prefix)
		}
	}

	// With the flag, files outside are read.
	plan, err := Validate(context.Background(), nil, Input{Manifest: writeManifest(t, study, "texts/link-out.txt", filepath.Join(secret, "s.txt")), AllowOutsidePaths: true})
	if err != nil {
		t.Fatalf("with AllowOutsidePaths: %v", err)
	}
	if len(plan.Documents) != 2 || plan.Documents[0].Document.Text != "不应读到的文字。" {
		t.Errorf("with AllowOutsidePaths the outside files are read: %+v", plan.Documents)
	}
}

func writeManifest(t *testing.T, dir string, files ...string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("id,city,title,file\n")
	for i, f := range files {
		b.WriteString("d" + strconv.Itoa(i) + ",C,T," + f + "\n")
	}
	p := filepath.Join(dir, "allowed.csv")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
