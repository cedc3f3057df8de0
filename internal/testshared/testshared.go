// Package testshared gives tests the files in ../shared beside the module
// (real files made by other tools, which are not copied into the project),
// or in the folder POLICYKB_SHARED_DIR names (a checkout kept elsewhere).
// When the folder is absent a test skips with a visible message, unless
// POLICYKB_REQUIRE_SHARED=1 (set by .ci/run), which turns the skip into a
// failure. It imports only the standard library and is imported only by
// tests.
package testshared

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// RequireEnv is the variable that turns a missing shared folder into a
// failure.
const RequireEnv = "POLICYKB_REQUIRE_SHARED"

// DirEnv names the shared folder when it is not ../shared beside the module.
const DirEnv = "POLICYKB_SHARED_DIR"

// Dir returns the absolute path of ../shared/<rel> relative to the module
// root (the nearest directory above the test's working directory that holds
// go.mod), or of $POLICYKB_SHARED_DIR/<rel> when that is set. It skips the
// test when that path does not exist, or fails it when RequireEnv is 1.
func Dir(t testing.TB, rel string) string {
	t.Helper()
	shared := os.Getenv(DirEnv)
	if shared == "" {
		root, err := moduleRoot()
		if err != nil {
			t.Fatalf("testshared: %v", err)
		}
		shared = filepath.Join(root, "..", "shared")
	}
	dir := filepath.Join(shared, filepath.FromSlash(rel))
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv(RequireEnv) == "1" {
			t.Fatalf("testshared: %s is missing (%v) and %s=1 requires it", dir, err, RequireEnv)
		}
		t.Skipf("SKIP: %s is missing; this test reads real files made by other tools from it (set %s=1 to fail instead)", dir, RequireEnv)
	}
	return dir
}

// XMLLint returns the path of xmllint (Debian's libxml2-utils), failing the
// test when it is missing, or skipping it under -short.
func XMLLint(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("xmllint")
	if err != nil {
		if testing.Short() {
			t.Skip("SKIP (-short): xmllint is missing (apt-get install libxml2-utils)")
		}
		t.Fatal("xmllint is missing: install it with `apt-get install libxml2-utils` (or run with -short to skip)")
	}
	return p
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}
