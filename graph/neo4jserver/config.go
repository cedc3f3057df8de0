package neo4jserver

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"time"
)

// Config describes one bundled server. The zero value of every field but Home
// means its default; cmd/ fills it from config.yaml (neo4j.bundled.*).
type Config struct {
	// Home holds conf/, data/, logs/, run/ and, unless LibDir is set, the jar
	// cache lib/<Version>/. Required; a relative path is made absolute.
	Home string
	// BoltAddr is host:port for Bolt, on loopback only (the server has no
	// authentication). Default "127.0.0.1:7687".
	BoltAddr string
	// Heap is the JVM heap (-Xms and -Xmx), a JVM size such as "512m" or
	// "1g". Default (empty or Auto): chosen from the machine's memory by
	// MemorySizes, "1g" when that is unknown.
	Heap string
	// PageCache is server.memory.pagecache.size, such as "512m". Neo4j
	// validates it: a bad value makes Start fail with ErrBadConfig. Default
	// (empty or Auto): chosen by MemorySizes, "512m" when the machine's
	// memory is unknown.
	PageCache string
	// TransactionMemory is db.memory.transaction.max, the most heap one
	// transaction may use before Neo4j ends it with a memory error (which
	// policykb reports as RESOURCE_EXHAUSTED): a size such as "256m", or
	// "0" for no limit. Default "256m", a quarter of the default heap, so
	// that one heavy query cannot take the heap from the others.
	TransactionMemory string
	// Version is the Neo4j release, 5.x.y. Default: the package's Version.
	Version string
	// LibDir, when set, is the jar cache instead of <Home>/lib/<Version>/,
	// for sharing one download between homes; this package's tests take it
	// from POLICYKB_NEO4J_JARS_CACHE. Fetch fills it, but refuses to replace
	// a non-empty folder it did not make.
	LibDir string
	// Java is the java binary. Default $JAVA_HOME/bin/java when JAVA_HOME is
	// set, else "java" from PATH.
	Java string
	// Maven is the mvn binary. Default "mvn".
	Maven string
	// StartTimeout bounds how long Start waits for Bolt. Default 120s: the
	// first start on an empty store takes several seconds, slow disks more.
	StartTimeout time.Duration
	// Log receives progress (fetching, starting, ready, stopping). Default: discarded.
	Log *slog.Logger
}

// Version is the Neo4j release policykb bundles and is tested with: the one
// place it is written. Fetch passes it to Maven (-Dneo4j.version), cmd/
// uses it when neo4j.bundled.version is empty, and scripts read it from
// `policykb neo4j version`.
const Version = "5.26.30"

const (
	defaultBoltAddr = "127.0.0.1:7687"
	defaultHeap     = "1g"
	defaultCache    = "512m"
	defaultTxMemory = "256m"
	defaultTimeout  = 120 * time.Second
)

var (
	versionRE = regexp.MustCompile(`^5\.[0-9]+\.[0-9]+$`)
	jvmSizeRE = regexp.MustCompile(`^[1-9][0-9]*[kKmMgGtT]?$`)
)

// withDefaults fills the zero fields and makes paths absolute; it validates nothing.
func (c Config) withDefaults() Config {
	if c.BoltAddr == "" {
		c.BoltAddr = defaultBoltAddr
	}
	if c.Heap == "" || c.Heap == Auto || c.PageCache == "" || c.PageCache == Auto {
		heap, cache := MemorySizes(systemMemory())
		if c.Heap == "" || c.Heap == Auto {
			c.Heap = heap
		}
		if c.PageCache == "" || c.PageCache == Auto {
			c.PageCache = cache
		}
	}
	if c.TransactionMemory == "" {
		c.TransactionMemory = defaultTxMemory
	}
	if c.Version == "" {
		c.Version = Version
	}
	if c.Java == "" {
		if jh := os.Getenv("JAVA_HOME"); jh != "" {
			c.Java = filepath.Join(jh, "bin", "java")
		} else {
			c.Java = "java"
		}
	}
	if c.Maven == "" {
		c.Maven = "mvn"
	}
	if c.StartTimeout <= 0 {
		c.StartTimeout = defaultTimeout
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.Home != "" {
		if abs, err := filepath.Abs(c.Home); err == nil {
			c.Home = abs
		}
	}
	if c.LibDir != "" {
		if abs, err := filepath.Abs(c.LibDir); err == nil {
			c.LibDir = abs
		}
	}
	return c
}

// validate checks what Start, Status and Stop need; run it after withDefaults.
func (c Config) validate() error {
	if c.Home == "" {
		return errors.New("neo4jserver: config: Home is empty: want the folder for the server's conf, data and logs")
	}
	for name, v := range map[string]string{"Home": c.Home, "LibDir": c.LibDir, "PageCache": c.PageCache} {
		if hasControl(v) {
			return fmt.Errorf("neo4jserver: config: %s %q contains a control character", name, v)
		}
	}
	if !versionRE.MatchString(c.Version) {
		return fmt.Errorf("neo4jserver: config: Version %q: want a Neo4j 5 release such as %s", c.Version, Version)
	}
	if !jvmSizeRE.MatchString(c.Heap) {
		return fmt.Errorf("neo4jserver: config: Heap %q: want a JVM size such as 512m or 1g", c.Heap)
	}
	if c.TransactionMemory != "0" && !jvmSizeRE.MatchString(c.TransactionMemory) {
		return fmt.Errorf("neo4jserver: config: TransactionMemory %q: want a size such as 256m, or 0 for no limit", c.TransactionMemory)
	}
	if _, _, err := splitLoopback(c.BoltAddr); err != nil {
		return err
	}
	return nil
}

// splitLoopback splits a host:port and insists on a loopback host and a real port.
func splitLoopback(addr string) (host string, port int, err error) {
	h, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, fmt.Errorf("neo4jserver: config: BoltAddr %q: want host:port such as %s", addr, defaultBoltAddr)
	}
	port, err = strconv.Atoi(p)
	if err != nil || port < 1 || port > 65535 {
		return "", 0, fmt.Errorf("neo4jserver: config: BoltAddr %q: port must be 1-65535", addr)
	}
	if h != "localhost" {
		ip := net.ParseIP(h)
		if ip == nil || !ip.IsLoopback() {
			return "", 0, fmt.Errorf("neo4jserver: config: BoltAddr %q: the bundled server has no authentication, so it listens on loopback only (127.0.0.1, ::1 or localhost)", addr)
		}
	}
	return h, port, nil
}

func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return true
		}
	}
	return false
}

// libDir is where the jars of c.Version live.
func (c Config) libDir() string {
	if c.LibDir != "" {
		return c.LibDir
	}
	return filepath.Join(c.Home, "lib", c.Version)
}

func (c Config) confDir() string    { return filepath.Join(c.Home, "conf") }
func (c Config) dataDir() string    { return filepath.Join(c.Home, "data") }
func (c Config) logsDir() string    { return filepath.Join(c.Home, "logs") }
func (c Config) runDir() string     { return filepath.Join(c.Home, "run") }
func (c Config) importDir() string  { return filepath.Join(c.Home, "import") }
func (c Config) consoleLog() string { return filepath.Join(c.logsDir(), "console.log") }
func (c Config) pidFile() string    { return filepath.Join(c.runDir(), "policykb-neo4j.pid") }
func (c Config) confFile() string   { return filepath.Join(c.confDir(), "neo4j.conf") }
func (c Config) boltURI() string    { return "bolt://" + c.BoltAddr }
