package neo4jserver

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The testdata/*.log files are console outputs of real Neo4j 5.26.30 starts
// that failed (exit codes as noted).
func TestExitError(t *testing.T) {
	cfg := Config{Home: "/h", BoltAddr: "127.0.0.1:17687", Heap: "512m", PageCache: "100g"}.withDefaults()
	tests := []struct {
		name string
		code int
		log  string // testdata file, or the output itself when it has no .log suffix
		kind error
		want []string
	}{
		{"page cache lots", 1, "bad-pagecache.log", ErrBadConfig,
			[]string{"bad configuration in /h/conf/neo4j.conf", "'lots' is not a valid size", "server.memory.pagecache.size"}},
		{"unknown key", 1, "unknown-key.log", ErrBadConfig,
			[]string{"bad configuration", "No declared setting with name: dbms.bogus.key"}},
		{"memory larger than RAM", 3, "memory.log", ErrBadConfig,
			[]string{"bad configuration", "heap (512m) plus page cache (100g) must fit in this machine's RAM", "exceeds physical memory"}},
		{"store locked", 1, "locked.log", ErrStoreLocked,
			[]string{"store locked: another Neo4j is already running on the data directory /h/data", "Lock file has been locked by another process"}},
		{"port in use", 1, "port-in-use.log", ErrPortTaken,
			[]string{"port taken", "could not listen on 127.0.0.1:17687", "Address already in use"}},
		{"code 3 without a known message", 3, "2025-01-01 00:00:00.000+0000 ERROR something new\n", ErrBadConfig,
			[]string{"bad configuration", "ERROR something new"}},
		{"code 2", 2, "2025-01-01 00:00:00.000+0000 ERROR Failed to start Neo4j on 127.0.0.1:7474.\n", nil,
			[]string{"the database failed to start", "Failed to start Neo4j"}},
		{"killed", -1, "", nil, []string{"exited (signal: killed) before Bolt answered", "has no output from this start"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := tt.log
			if strings.HasSuffix(tt.log, ".log") {
				b, err := os.ReadFile(filepath.Join("testdata", tt.log))
				if err != nil {
					t.Fatal(err)
				}
				out = string(b)
			}
			how := "exit status " + strconv.Itoa(tt.code)
			if tt.code < 0 {
				how = "signal: killed"
			}
			err := exitError(cfg, tt.code, how, out)
			if tt.kind != nil && !errors.Is(err, tt.kind) {
				t.Errorf("errors.Is(err, %v) = false; err: %v", tt.kind, err)
			}
			for _, kind := range []error{ErrBadConfig, ErrStoreLocked, ErrPortTaken, ErrAlreadyRunning} {
				if kind != tt.kind && errors.Is(err, kind) {
					t.Errorf("error is also %v", kind)
				}
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if strings.Contains(err.Error(), "\tat org.neo4j") {
				t.Errorf("error carries Java stack frames:\n%v", err)
			}
		})
	}
}

func TestTailLines(t *testing.T) {
	in := "one\ntwo\n\tat a.B(C.java:1)\n\t... 5 more\nthree\nfour\n"
	if got, want := tailLines(in, 3, true), "two\nthree\nfour"; got != want {
		t.Errorf("tailLines(3, frames dropped) = %q, want %q", got, want)
	}
	if got, want := tailLines(in, 2, false), "three\nfour"; got != want {
		t.Errorf("tailLines(2) = %q, want %q", got, want)
	}
	if got := tailLines("", 5, true); got != "" {
		t.Errorf("tailLines of nothing = %q", got)
	}
}

func TestReadFrom(t *testing.T) {
	path := filepath.Join(t.TempDir(), "console.log")
	if err := os.WriteFile(path, []byte("old run\nnew run\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := readFrom(path, int64(len("old run\n"))); got != "new run\n" {
		t.Errorf("readFrom = %q", got)
	}
	if got := readFrom(filepath.Join(t.TempDir(), "missing"), 0); got != "" {
		t.Errorf("readFrom(missing) = %q", got)
	}
}
