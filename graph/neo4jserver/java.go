package neo4jserver

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// CheckJava runs `java -version` with cfg.Java (default $JAVA_HOME/bin/java,
// else java from PATH) and returns nil when it is Java 17 or 21, the versions
// Neo4j 5.26 supports. The error says which java was found, its version, and
// how to point JAVA_HOME at a suitable JDK.
func CheckJava(ctx context.Context, cfg Config) error {
	cfg = cfg.withDefaults()
	path, err := exec.LookPath(cfg.Java)
	if err != nil {
		return fmt.Errorf("neo4jserver: java (%q) not found (%v): Neo4j 5.26 needs a Java 17 or 21 runtime: "+
			"install one (e.g. apt-get install openjdk-17-jre-headless) or set JAVA_HOME to it%s",
			cfg.Java, err, javaHomeNote())
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "-version").CombinedOutput()
	if err != nil {
		if parent.Err() != nil {
			return fmt.Errorf("neo4jserver: checking java interrupted: %w", parent.Err())
		}
		if ctx.Err() != nil {
			return fmt.Errorf("neo4jserver: %s -version did not finish within 30s%s", path, javaHomeNote())
		}
		return fmt.Errorf("neo4jserver: %s -version failed (%v)%s; its output:\n%s", path, err, javaHomeNote(), indent(string(out)))
	}
	major, err := javaMajor(string(out))
	if err != nil {
		return fmt.Errorf("neo4jserver: %s: %w%s", path, err, javaHomeNote())
	}
	if !javaSupported(major) {
		return fmt.Errorf("neo4jserver: %s is Java %d; Neo4j 5.26 needs Java 17 or 21: set JAVA_HOME to a JDK or JRE 17 or 21 "+
			"(e.g. /usr/lib/jvm/java-17-openjdk-amd64)%s", path, major, javaHomeNote())
	}
	return nil
}

func javaHomeNote() string {
	if jh := os.Getenv("JAVA_HOME"); jh != "" {
		return " (JAVA_HOME is " + jh + ")"
	}
	return " (JAVA_HOME is not set)"
}

func javaSupported(major int) bool { return major == 17 || major == 21 }

var javaVersionRE = regexp.MustCompile(`(?m)^\S+ version "([^"]+)"`)

// javaMajor reads the major version from the output of `java -version`:
// `openjdk version "17.0.15" 2025-04-15` is 17, `java version "1.8.0_292"` is 8.
func javaMajor(out string) (int, error) {
	m := javaVersionRE.FindStringSubmatch(out)
	if m == nil {
		return 0, errors.New("cannot read the version from `java -version`: " + strings.TrimSpace(firstLine(out)))
	}
	v := strings.TrimPrefix(m[1], "1.") // 1.8.0_292 → 8.0_292
	end := 0
	for end < len(v) && v[end] >= '0' && v[end] <= '9' {
		end++
	}
	major, err := strconv.Atoi(v[:end])
	if err != nil {
		return 0, fmt.Errorf("cannot read the major version of java %q", m[1])
	}
	return major, nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
