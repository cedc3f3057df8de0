package neo4jserver

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

//go:embed pom.xml
var pomXML []byte

const (
	dependencyPlugin = "org.apache.maven.plugins:maven-dependency-plugin:3.6.1"
	// markerName is written last into a finished jar cache; its first line
	// names the artifact and version the jars belong to.
	markerName = ".policykb-complete"
)

// Fetch makes sure the jars of Neo4j cfg.Version are in the jar cache
// (cfg.LibDir, else <Home>/lib/<Version>/) and returns that folder.
//
// A cache with its marker file is used as is, without Maven. Otherwise Maven
// downloads the jars from Maven Central (through ~/.m2, its mirrors and
// proxies) into a temporary folder next to the cache, which is renamed into
// place once complete: an interrupted fetch never leaves a half cache.
// Concurrent fetches of one cache are safe; the first to finish wins.
func Fetch(ctx context.Context, cfg Config) (string, error) {
	cfg = cfg.withDefaults()
	if cfg.Home == "" && cfg.LibDir == "" {
		return "", errors.New("neo4jserver: fetch: config has neither Home nor LibDir: nowhere to cache the jars")
	}
	if !versionRE.MatchString(cfg.Version) {
		return "", fmt.Errorf("neo4jserver: fetch: Version %q: want a Neo4j 5 release such as %s", cfg.Version, Version)
	}
	dir := cfg.libDir()
	want := markerLine(cfg.Version)
	if cacheComplete(dir, want) {
		return dir, nil
	}
	if err := checkForeign(dir); err != nil {
		return "", err
	}
	mvn, err := exec.LookPath(cfg.Maven)
	if err != nil {
		return "", fmt.Errorf("neo4jserver: fetch: Maven (%q) not found: install Maven 3 (e.g. apt-get install maven); "+
			"it downloads Neo4j %s's jars from Maven Central on first start: %w", cfg.Maven, cfg.Version, err)
	}

	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", fmt.Errorf("neo4jserver: fetch: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, ".fetch-"+cfg.Version+"-")
	if err != nil {
		return "", fmt.Errorf("neo4jserver: fetch: %w", err)
	}
	defer os.RemoveAll(tmp)
	pom := filepath.Join(tmp, "pom.xml")
	if err := os.WriteFile(pom, pomXML, 0o644); err != nil {
		return "", fmt.Errorf("neo4jserver: fetch: %w", err)
	}
	jars := filepath.Join(tmp, "jars")

	cfg.Log.Info("neo4j: fetching jars with Maven", "version", cfg.Version, "into", dir)
	began := time.Now()
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, mvn, "-B", "-q", "-f", pom,
		"-Dneo4j.version="+cfg.Version,
		dependencyPlugin+":copy-dependencies",
		"-DincludeScope=runtime", "-DoutputDirectory="+jars)
	cmd.Dir = tmp
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return "", fmt.Errorf("neo4jserver: fetch Neo4j %s jars: interrupted: %w", cfg.Version, ctx.Err())
		}
		return "", fmt.Errorf("neo4jserver: fetch Neo4j %s jars: %s failed (%v); Maven Central "+
			"(https://repo.maven.apache.org/maven2) must be reachable, directly or through a mirror or proxy in ~/.m2/settings.xml. "+
			"Maven's output ends with:\n%s", cfg.Version, cmd.String(), err, indent(tailLines(out.String(), 25, false)))
	}
	n, err := countJars(jars)
	if err != nil || n == 0 {
		return "", fmt.Errorf("neo4jserver: fetch Neo4j %s jars: Maven succeeded but left no jars in %s (%v); its output:\n%s",
			cfg.Version, jars, err, indent(tailLines(out.String(), 25, false)))
	}
	marker := want + "\n" + strconv.Itoa(n) + " jars, fetched " + time.Now().UTC().Format(time.RFC3339) + "\n"
	if err := os.WriteFile(filepath.Join(jars, markerName), []byte(marker), 0o644); err != nil {
		return "", fmt.Errorf("neo4jserver: fetch: %w", err)
	}
	if err := install(jars, dir, filepath.Join(tmp, "old"), want); err != nil {
		return "", err
	}
	cfg.Log.Info("neo4j: jars fetched", "version", cfg.Version, "jars", n, "took", time.Since(began).Round(time.Millisecond))
	return dir, nil
}

func markerLine(version string) string { return "org.neo4j:neo4j:" + version }

// cacheComplete reports whether dir holds a finished fetch of the artifact named by want.
func cacheComplete(dir, want string) bool {
	b, err := os.ReadFile(filepath.Join(dir, markerName))
	if err != nil {
		return false
	}
	first, _, _ := strings.Cut(string(b), "\n")
	return strings.TrimSpace(first) == want
}

// checkForeign refuses to replace a non-empty folder that no fetch of ours
// made (a LibDir someone filled by hand): Fetch would delete it.
func checkForeign(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		return nil
	}
	if _, err := os.Stat(filepath.Join(dir, markerName)); err == nil {
		return nil // ours, for another version: replaced below
	}
	return fmt.Errorf("neo4jserver: fetch: %s is not empty and has no %s marker, so it is not a jar cache made by policykb; "+
		"remove it or point the jar cache elsewhere", dir, markerName)
}

// install renames the finished jars folder to dir. An older cache at dir is
// moved to old (deleted with the temporary folder). If another fetch
// installed a complete cache first, that one is kept.
func install(jars, dir, old, want string) error {
	err := os.Rename(jars, dir)
	if err == nil {
		return nil
	}
	if cacheComplete(dir, want) {
		return nil
	}
	if _, statErr := os.Stat(dir); statErr != nil {
		return fmt.Errorf("neo4jserver: fetch: install jars: %w", err)
	}
	if err := os.Rename(dir, old); err != nil {
		return fmt.Errorf("neo4jserver: fetch: move the old cache %s aside: %w", dir, err)
	}
	if err := os.Rename(jars, dir); err != nil {
		if cacheComplete(dir, want) {
			return nil
		}
		return fmt.Errorf("neo4jserver: fetch: install jars: %w", err)
	}
	return nil
}

func countJars(dir string) (int, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".jar") {
			n++
		}
	}
	return n, nil
}
