//go:build unix

package neo4jserver

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeMaven writes an mvn stand-in that logs its arguments to <dir>/calls and
// puts two jars in -DoutputDirectory, or fails like Maven when <dir>/fail exists.
func fakeMaven(t *testing.T) (mvn, dir string) {
	t.Helper()
	dir = t.TempDir()
	mvn = filepath.Join(dir, "mvn")
	script := `#!/bin/sh
echo "$@" >> "` + dir + `/calls"
if [ -e "` + dir + `/fail" ]; then
  echo "[ERROR] Failed to execute goal on project policykb-neo4j-bundle: Could not resolve dependencies"
  echo "[ERROR] repo.maven.apache.org: Temporary failure in name resolution"
  exit 1
fi
for a in "$@"; do
  case "$a" in
    -DoutputDirectory=*) out="${a#-DoutputDirectory=}";;
  esac
done
grep -q '<artifactId>neo4j</artifactId>' pom.xml || { echo "no pom.xml in the working folder"; exit 1; }
mkdir -p "$out" && touch "$out/neo4j-5.26.30.jar" "$out/neo4j-kernel-5.26.30.jar"
`
	if err := os.WriteFile(mvn, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return mvn, dir
}

func calls(t *testing.T, dir string) []string {
	b, err := os.ReadFile(filepath.Join(dir, "calls"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

// leftovers lists the temporary fetch folders left beside a cache.
func leftovers(t *testing.T, parent string) []string {
	m, err := filepath.Glob(filepath.Join(parent, ".fetch-*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestFetch(t *testing.T) {
	ctx := context.Background()
	mvn, mdir := fakeMaven(t)
	home := t.TempDir()
	cfg := Config{Home: home, Maven: mvn}

	dir, err := Fetch(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(home, "lib", Version); dir != want {
		t.Errorf("Fetch dir = %s, want %s", dir, want)
	}
	if n, _ := countJars(dir); n != 2 {
		t.Errorf("%d jars in the cache, want 2", n)
	}
	marker, err := os.ReadFile(filepath.Join(dir, markerName))
	if err != nil || !strings.HasPrefix(string(marker), "org.neo4j:neo4j:"+Version+"\n2 jars") {
		t.Errorf("marker = %q, %v", marker, err)
	}
	c := calls(t, mdir)
	if len(c) != 1 {
		t.Fatalf("maven ran %d times, want once", len(c))
	}
	for _, want := range []string{"-B", "-q", "-Dneo4j.version=" + Version,
		"org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies", "-DincludeScope=runtime"} {
		if !strings.Contains(" "+c[0]+" ", " "+want+" ") {
			t.Errorf("maven arguments %q lack %q", c[0], want)
		}
	}
	if l := leftovers(t, filepath.Dir(dir)); len(l) > 0 {
		t.Errorf("temporary folders left: %v", l)
	}

	if _, err := Fetch(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	if n := len(calls(t, mdir)); n != 1 {
		t.Errorf("a complete cache ran maven again (%d runs)", n)
	}
}

func TestFetchFailureLeavesNoCache(t *testing.T) {
	mvn, mdir := fakeMaven(t)
	if err := os.WriteFile(filepath.Join(mdir, "fail"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	_, err := Fetch(context.Background(), Config{Home: home, Maven: mvn})
	if err == nil {
		t.Fatal("Fetch succeeded with a failing Maven")
	}
	for _, want := range []string{"Maven Central", "must be reachable", "Temporary failure in name resolution", Version} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if _, err := os.Stat(filepath.Join(home, "lib", Version)); !os.IsNotExist(err) {
		t.Errorf("a failed fetch left a cache folder (%v)", err)
	}
	if l := leftovers(t, filepath.Join(home, "lib")); len(l) > 0 {
		t.Errorf("temporary folders left: %v", l)
	}
}

func TestFetchWithoutMaven(t *testing.T) {
	_, err := Fetch(context.Background(), Config{Home: t.TempDir(), Maven: filepath.Join(t.TempDir(), "no-mvn")})
	if err == nil || !strings.Contains(err.Error(), "Maven") || !strings.Contains(err.Error(), "not found") {
		t.Errorf("Fetch without Maven = %v, want a 'not found' error naming Maven", err)
	}
}

func TestFetchLibDir(t *testing.T) {
	ctx := context.Background()
	mvn, mdir := fakeMaven(t)
	lib := filepath.Join(t.TempDir(), "jars")

	t.Run("fills an absent LibDir", func(t *testing.T) {
		dir, err := Fetch(ctx, Config{LibDir: lib, Maven: mvn})
		if err != nil || dir != lib {
			t.Fatalf("Fetch = %s, %v; want %s", dir, err, lib)
		}
		if n, _ := countJars(lib); n != 2 {
			t.Errorf("%d jars, want 2", n)
		}
	})
	t.Run("replaces a cache of another version", func(t *testing.T) {
		if err := os.WriteFile(filepath.Join(lib, markerName), []byte("org.neo4j:neo4j:5.26.0\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		before := len(calls(t, mdir))
		if _, err := Fetch(ctx, Config{LibDir: lib, Maven: mvn}); err != nil {
			t.Fatal(err)
		}
		if len(calls(t, mdir)) != before+1 || !cacheComplete(lib, markerLine(Version)) {
			t.Error("the old version's cache was not replaced")
		}
		if l := leftovers(t, filepath.Dir(lib)); len(l) > 0 {
			t.Errorf("temporary folders left: %v", l)
		}
	})
	t.Run("refuses a folder it did not make", func(t *testing.T) {
		foreign := t.TempDir()
		if err := os.WriteFile(filepath.Join(foreign, "precious.txt"), []byte("keep me"), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Fetch(ctx, Config{LibDir: foreign, Maven: mvn})
		if err == nil || !strings.Contains(err.Error(), "not a jar cache made by policykb") {
			t.Errorf("Fetch into a foreign folder = %v", err)
		}
		if _, err := os.Stat(filepath.Join(foreign, "precious.txt")); err != nil {
			t.Errorf("the foreign folder lost its file: %v", err)
		}
	})
}
