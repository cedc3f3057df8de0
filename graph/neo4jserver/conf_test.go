package neo4jserver

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestRenderConf(t *testing.T) {
	cfg := Config{Home: "/srv/kb/neo4j", BoltAddr: "127.0.0.1:17687", Heap: "768m", PageCache: "256m"}.withDefaults()
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	b, err := renderConf(cfg)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Errorf("line %d %q: not key=value", i+1, line)
			continue
		}
		if _, dup := got[k]; dup {
			t.Errorf("line %d: %s set twice (Neo4j refuses duplicate keys)", i+1, k)
		}
		got[k] = v
	}
	want := map[string]string{
		"server.config.strict_validation.enabled":       "true",
		"dbms.security.auth_enabled":                    "false",
		"dbms.usage_report.enabled":                     "false",
		"server.default_listen_address":                 "127.0.0.1",
		"server.bolt.listen_address":                    "127.0.0.1:17687",
		"server.http.enabled":                           "false",
		"server.https.enabled":                          "false",
		"server.directories.data":                       "/srv/kb/neo4j/data",
		"server.directories.logs":                       "/srv/kb/neo4j/logs",
		"server.directories.run":                        "/srv/kb/neo4j/run",
		"server.directories.import":                     "/srv/kb/neo4j/import",
		"dbms.security.allow_csv_import_from_file_urls": "false",
		"internal.dbms.cypher_ip_blocklist":             "0.0.0.0/0,::/0",
		"dbms.security.procedures.unrestricted":         "",
		"dbms.security.procedures.allowlist":            "db.awaitIndexes,db.index.fulltext.queryNodes,dbms.components",
		"server.memory.heap.initial_size":               "768m",
		"server.memory.heap.max_size":                   "768m",
		"server.memory.pagecache.size":                  "256m",
		"db.memory.transaction.max":                     "256m",
		"db.tx_log.rotation.retention_policy":           "2 files",
		"db.tx_log.rotation.size":                       "64m",
		"db.tx_log.preallocate":                         "false",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected key %s (every key must be checked against Neo4j's strict validation)", k)
		}
	}
}

func TestConfigDefaults(t *testing.T) {
	t.Setenv("JAVA_HOME", "/opt/jdk17")
	old := systemMemory
	t.Cleanup(func() { systemMemory = old })
	systemMemory = func() int64 { return 0 } // unknown: the fixed sizes
	c := Config{Home: "rel/home"}.withDefaults()
	if !strings.HasPrefix(c.Home, "/") || !strings.HasSuffix(c.Home, "/rel/home") {
		t.Errorf("Home = %q, want it absolute", c.Home)
	}
	checks := []struct{ name, got, want string }{
		{"BoltAddr", c.BoltAddr, "127.0.0.1:7687"},
		{"Heap", c.Heap, "1g"},
		{"PageCache", c.PageCache, "512m"},
		{"Version", c.Version, Version},
		{"Java", c.Java, "/opt/jdk17/bin/java"},
		{"Maven", c.Maven, "mvn"},
		{"libDir", c.libDir(), c.Home + "/lib/" + Version},
		{"pidFile", c.pidFile(), c.Home + "/run/policykb-neo4j.pid"},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %q, want %q", ch.name, ch.got, ch.want)
		}
	}
	if c.StartTimeout != 120*time.Second || c.Log == nil {
		t.Errorf("StartTimeout = %v, Log = %v", c.StartTimeout, c.Log)
	}
	t.Setenv("JAVA_HOME", "")
	if j := (Config{}).withDefaults().Java; j != "java" {
		t.Errorf("Java without JAVA_HOME = %q, want java", j)
	}
	if l := (Config{Home: "/h", LibDir: "/cache/neo4j"}).withDefaults().libDir(); l != "/cache/neo4j" {
		t.Errorf("libDir with LibDir = %q", l)
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string // substring of the error; "" for valid
	}{
		{"defaults", Config{Home: "/h"}, ""},
		{"localhost", Config{Home: "/h", BoltAddr: "localhost:7688"}, ""},
		{"ipv6 loopback", Config{Home: "/h", BoltAddr: "[::1]:7688"}, ""},
		{"no home", Config{}, "Home is empty"},
		{"all interfaces", Config{Home: "/h", BoltAddr: "0.0.0.0:7687"}, "loopback only"},
		{"remote host", Config{Home: "/h", BoltAddr: "db.example.org:7687"}, "loopback only"},
		{"no port", Config{Home: "/h", BoltAddr: "127.0.0.1"}, "want host:port"},
		{"port zero", Config{Home: "/h", BoltAddr: "127.0.0.1:0"}, "port must be"},
		{"heap unit", Config{Home: "/h", Heap: "1x"}, `Heap "1x"`},
		{"heap words", Config{Home: "/h", Heap: "lots"}, `Heap "lots"`},
		{"version", Config{Home: "/h", Version: "4.4.0"}, "Neo4j 5 release"},
		{"no transaction memory limit", Config{Home: "/h", TransactionMemory: "0"}, ""},
		{"transaction memory words", Config{Home: "/h", TransactionMemory: "half"}, `TransactionMemory "half"`},
		{"newline in transaction memory", Config{Home: "/h", TransactionMemory: "1g\ndbms.security.auth_enabled=true"}, `TransactionMemory`},
		{"newline in page cache", Config{Home: "/h", PageCache: "1g\ndbms.security.auth_enabled=true"}, "control character"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.withDefaults().validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestJavaArgs(t *testing.T) {
	cfg := Config{Home: "/h", Heap: "2g"}.withDefaults()
	args := javaArgs(cfg, "/cache/lib")
	for _, want := range []string{"-Xms2g", "-Xmx2g", "-XX:+UseG1GC", "-Dfile.encoding=UTF-8",
		"--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
		"--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "/cache/lib/*"} {
		if !slices.Contains(args, want) {
			t.Errorf("java args lack %q: %q", want, args)
		}
	}
	tail := args[len(args)-4:]
	if want := []string{mainClass, "--home-dir=/h", "--config-dir=/h/conf", "--console-mode"}; !slices.Equal(tail, want) {
		t.Errorf("java args end %q, want %q", tail, want)
	}
}
