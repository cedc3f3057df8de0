package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// runMainEnv, set in the environment of a re-run of the test binary, makes
// it run main() with the remaining arguments instead of the tests: the CLI
// as a user runs it, exit status included, without building it.
const runMainEnv = "POLICYKB_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		os.Args = append([]string{"policykb"}, os.Args[1:]...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runBinary runs the CLI in a process of its own and returns its standard
// output, standard error and exit status.
func runBinary(t *testing.T, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), runMainEnv+"=1")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		status = ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return out.String(), errOut.String(), status
}

// brokenInput writes a codebook with a cycle, a manifest without its city
// and file columns, a manifest row that climbs out of its folder, and
// codings naming an unknown concept and an unknown document.
func brokenInput(t *testing.T) (codebook, manifest, climbing, codings string) {
	t.Helper()
	dir := t.TempDir()
	write := func(name, text string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	codebook = write("codebook.yaml", `name: Cyclic
codes:
  - {id: layer-1, level: LAYER, name: Layer}
  - {id: main-1, level: MAIN_CATEGORY, parent: layer-1, name: Main}
  - {id: cat-a, level: CATEGORY, parent: cat-b, name: A}
  - {id: cat-b, level: CATEGORY, parent: cat-a, name: B}
  - {id: con-1, level: CONCEPT, parent: cat-a, name: One}
`)
	manifest = write("documents.csv", "id,title\nm1,A title\n")
	climbing = write("study/documents.csv", "id,city,title,file\nd1,Linlan,Passwords,../../../../../../../../etc/passwd\n")
	codings = write("codings.csv", "document_id,quote,code_id,coder\nd1,root,con-404,A\n")
	return codebook, manifest, climbing, codings
}

// TestValidateReportsEveryProblem runs `policykb validate` as a user does,
// with a database and offline, on input with a mistake in each file: it
// must list every problem, located, and exit with status 1.
func TestValidateReportsEveryProblem(t *testing.T) {
	testURI(t)
	if out, err := run(t, "wipe", "--yes"); err != nil {
		t.Fatalf("wipe: %v\n%s", err, out)
	}
	codebook, manifest, climbing, codings := brokenInput(t)
	for _, mode := range []string{"database", "offline"} {
		t.Run(mode, func(t *testing.T) {
			args := []string{"validate", "--codebook", codebook, "--documents", manifest, "--codings", codings}
			if mode == "offline" {
				args = append(args, "--offline")
			}
			stdout, stderr, status := runBinary(t, args...)
			if status != 1 {
				t.Errorf("exit status %d, want 1\nstdout: %s\nstderr: %s", status, stdout, stderr)
			}
			if strings.Contains(stdout, "valid") {
				t.Errorf("broken input reported valid: %s", stdout)
			}
			wants := []string{
				codebook + ":5: parent: cycle: cat-a → cat-b → cat-a",
				manifest + ":1: city: missing column",
				manifest + ":1: file: missing column",
				codings + `:2: code_id: unknown code "con-404"`,
			}
			if mode == "database" {
				// Offline, the unreadable manifest cannot say which
				// documents exist.
				wants = append(wants, codings+`:2: document_id: unknown document "d1"`)
			}
			for _, want := range wants {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
		})
	}
	t.Run("a path out of the manifest's folder", func(t *testing.T) {
		stdout, stderr, status := runBinary(t, "validate", "--offline", "--documents", climbing)
		if status != 1 || !strings.Contains(stderr, climbing+`:2: file: "../../../../../../../../etc/passwd" leads to /etc/passwd, outside the manifest's folder`) {
			t.Errorf("status %d\nstdout: %s\nstderr: %s", status, stdout, stderr)
		}
		_, stderr, status = runBinary(t, "load", "--documents", climbing)
		if status != 1 || !strings.Contains(stderr, "outside the manifest's folder") {
			t.Errorf("load: status %d, stderr: %s", status, stderr)
		}
		out, err := run(t, "validate", "--offline", "--allow-outside-paths", "--documents", climbing)
		if err != nil || !strings.Contains(out, "valid: 0 codes, 1 documents") {
			t.Errorf("with --allow-outside-paths: %v\n%s", err, out)
		}
	})
	t.Run("valid input", func(t *testing.T) {
		stdout, stderr, status := runBinary(t, "validate", "sample")
		if status != 0 || !strings.HasPrefix(stdout, "valid: ") {
			t.Errorf("status %d\nstdout: %s\nstderr: %s", status, stdout, stderr)
		}
	})
}
