//go:build unix

package neo4jserver

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestJavaMajor(t *testing.T) {
	tests := []struct {
		out  string
		want int
	}{
		{"openjdk version \"17.0.15\" 2025-04-15\nOpenJDK Runtime Environment (build 17.0.15+6-Debian-1deb12u1)\n", 17},
		{"openjdk version \"21\" 2023-09-19\n", 21},
		{"openjdk version \"21.0.4\" 2024-07-16 LTS\n", 21},
		{"java version \"1.8.0_292\"\nJava(TM) SE Runtime Environment\n", 8},
		{"openjdk version \"11.0.2\" 2019-01-15\n", 11},
		{"openjdk version \"25-ea\" 2025-09-16\n", 25},
		{"Picked up JAVA_TOOL_OPTIONS: -Dfoo=bar\nopenjdk version \"17.0.1\" 2021-10-19\n", 17},
	}
	for _, tt := range tests {
		got, err := javaMajor(tt.out)
		if err != nil || got != tt.want {
			t.Errorf("javaMajor(%q) = %d, %v; want %d", firstLine(tt.out), got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "bash: java: command not found", `openjdk version "x.y"`} {
		if got, err := javaMajor(bad); err == nil {
			t.Errorf("javaMajor(%q) = %d, want an error", bad, got)
		}
	}
}

// fakeJava writes a script that prints a `java -version` banner for major.
func fakeJava(t *testing.T, version string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "java")
	script := "#!/bin/sh\necho 'openjdk version \"" + version + "\" 2025-01-01' >&2\necho 'OpenJDK Runtime Environment' >&2\n"
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCheckJava(t *testing.T) {
	t.Setenv("JAVA_HOME", "/opt/some-jdk")
	tests := []struct {
		name, java string
		want       []string // substrings of the error; none for success
	}{
		{"17", fakeJava(t, "17.0.15"), nil},
		{"21", fakeJava(t, "21.0.4"), nil},
		{"11", fakeJava(t, "11.0.2"), []string{"is Java 11", "Java 17 or 21", "JAVA_HOME", "/opt/some-jdk"}},
		{"25", fakeJava(t, "25"), []string{"is Java 25", "Java 17 or 21", "JAVA_HOME"}},
		{"8", fakeJava(t, "1.8.0_292"), []string{"is Java 8"}},
		{"missing", filepath.Join(t.TempDir(), "no-java"), []string{"not found", "Java 17 or 21", "JAVA_HOME is /opt/some-jdk"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckJava(context.Background(), Config{Java: tt.java})
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}
