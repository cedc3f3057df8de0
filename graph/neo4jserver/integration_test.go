//go:build unix

package neo4jserver

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestBundledServer starts a real Neo4j. It needs Java 17 or 21 and Maven
// (or POLICYKB_NEO4J_JARS_CACHE, a jar cache shared between runs) and fails
// without them; -short skips it.
func TestBundledServer(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: starts a real Neo4j (needs Java 17/21 and Maven); skipped with -short")
	}
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelInfo}))
	home := t.TempDir()
	cfg := Config{
		Home:      home,
		BoltAddr:  freeAddr(t),
		Heap:      "512m",
		PageCache: "128m",
		LibDir:    os.Getenv("POLICYKB_NEO4J_JARS_CACHE"),
		Log:       log,
	}
	began := time.Now()
	lib, err := Fetch(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("jars ready in %s after %v", lib, time.Since(began).Round(time.Millisecond))
	// The other homes below share these jars.
	other := func(mod func(*Config)) Config {
		c := Config{Home: t.TempDir(), BoltAddr: freeAddr(t), Heap: "512m", PageCache: "128m", LibDir: lib, Log: log}
		mod(&c)
		return c
	}

	began = time.Now()
	srv, err := Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("cold start (empty store, jars cached): %v", time.Since(began).Round(time.Millisecond))
	t.Cleanup(func() { srv.Stop(context.Background()) })
	pid := srv.PID()

	if want := "bolt://" + cfg.BoltAddr; srv.BoltURI() != want {
		t.Errorf("BoltURI = %s, want %s", srv.BoltURI(), want)
	}
	if err := WaitBolt(ctx, cfg.BoltAddr, 5*time.Second); err != nil {
		t.Errorf("WaitBolt on the started server: %v", err)
	}
	if st, err := Status(cfg); err != nil || !st.Running || st.PID != pid || st.Home != home {
		t.Errorf("Status = %+v, %v; want running as pid %d", st, err, pid)
	}

	t.Run("a query reaches no file, URL or plugin", func(t *testing.T) {
		checkReach(t, srv.BoltURI(), home)
	})

	t.Run("second start on the same home", func(t *testing.T) {
		_, err := Start(ctx, cfg)
		if !errors.Is(err, ErrAlreadyRunning) {
			t.Fatalf("second Start = %v, want ErrAlreadyRunning", err)
		}
		for _, want := range []string{"already running", "pid " + strconv.Itoa(pid), "answers"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error lacks %q: %v", want, err)
			}
		}
	})

	t.Run("second server on the same data directory", func(t *testing.T) {
		// Without the pid file Start cannot tell; Neo4j's store lock does.
		pidFile := cfg.withDefaults().pidFile()
		aside := pidFile + ".aside"
		if err := os.Rename(pidFile, aside); err != nil {
			t.Fatal(err)
		}
		defer os.Rename(aside, pidFile)
		c := cfg
		c.BoltAddr = freeAddr(t)
		c.LibDir = lib
		_, err := Start(ctx, c)
		if !errors.Is(err, ErrStoreLocked) {
			t.Fatalf("Start on a locked store = %v, want ErrStoreLocked", err)
		}
		for _, want := range []string{"store locked", "already running on the data directory", "Lock file has been locked"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error lacks %q: %v", want, err)
			}
		}
		if _, err := os.Stat(pidFile); !os.IsNotExist(err) {
			t.Errorf("the failed start left its pid file (%v)", err)
		}
	})

	t.Run("taken port", func(t *testing.T) {
		_, err := Start(ctx, other(func(c *Config) { c.BoltAddr = cfg.BoltAddr }))
		if !errors.Is(err, ErrPortTaken) {
			t.Fatalf("Start on a taken port = %v, want ErrPortTaken", err)
		}
		for _, want := range []string{"port taken: something already listens on " + cfg.BoltAddr, "it speaks Bolt"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error lacks %q: %v", want, err)
			}
		}
	})

	t.Run("bad page cache", func(t *testing.T) {
		c := other(func(c *Config) { c.PageCache = "lots" })
		_, err := Start(ctx, c)
		if !errors.Is(err, ErrBadConfig) {
			t.Fatalf("Start with page cache %q = %v, want ErrBadConfig", c.PageCache, err)
		}
		for _, want := range []string{"bad configuration in " + filepath.Join(c.Home, "conf", "neo4j.conf"),
			"server.memory.pagecache.size", "'lots' is not a valid size"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error lacks %q: %v", want, err)
			}
		}
		if st, err := Status(c); err != nil || st.PID != 0 {
			t.Errorf("after a failed start Status = %+v, %v", st, err)
		}
	})

	t.Run("memory larger than RAM", func(t *testing.T) {
		s, err := Start(ctx, other(func(c *Config) { c.PageCache = "64TiB" }))
		if err == nil {
			s.Stop(ctx)
			t.Skip("Neo4j started with a 64 TiB page cache: this machine does not tell Java its RAM")
		}
		if !errors.Is(err, ErrBadConfig) || !strings.Contains(err.Error(), "exceeds physical memory") ||
			!strings.Contains(err.Error(), "must fit in this machine's RAM") {
			t.Errorf("Start with a 64 TiB page cache = %v, want ErrBadConfig about physical memory", err)
		}
	})

	t.Run("start timeout", func(t *testing.T) {
		c := other(func(c *Config) { c.StartTimeout = time.Second })
		_, err := Start(ctx, c)
		if err == nil || !strings.Contains(err.Error(), "did not answer on "+c.BoltAddr+" within 1s, so it was killed") {
			t.Fatalf("Start with a 1s timeout = %v", err)
		}
		checkKilled(t, c, err)
	})

	t.Run("interrupted start", func(t *testing.T) {
		c := other(func(*Config) {})
		ictx, cancel := context.WithCancel(ctx)
		defer cancel()
		go func() { // cancel once java runs: its pid file exists
			pidFile := c.withDefaults().pidFile()
			for ictx.Err() == nil {
				if _, err := os.Stat(pidFile); err == nil {
					cancel()
				}
				time.Sleep(10 * time.Millisecond)
			}
		}()
		_, err := Start(ictx, c)
		if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "start interrupted") {
			t.Fatalf("Start with a context cancelled once java runs = %v", err)
		}
		checkKilled(t, c, err)
	})

	t.Run("stop", func(t *testing.T) {
		if err := srv.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		if alive(pid) {
			t.Errorf("pid %d still alive after Stop", pid)
		}
		if st, err := Status(cfg); err != nil || st.Running || st.PID != 0 {
			t.Errorf("Status after Stop = %+v, %v", st, err)
		}
		if _, err := os.Stat(cfg.withDefaults().pidFile()); !os.IsNotExist(err) {
			t.Errorf("pid file left after Stop (%v)", err)
		}
		if err := srv.Stop(ctx); err != nil {
			t.Errorf("Server.Stop twice = %v", err)
		}
		if err := Stop(ctx, cfg); err != nil {
			t.Errorf("Stop of a stopped server = %v", err)
		}
	})

	t.Run("restart keeps the data", func(t *testing.T) {
		began := time.Now()
		s, err := Start(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("warm start (existing store): %v", time.Since(began).Round(time.Millisecond))
		defer s.Stop(ctx)
		// The server id lives in data/; a new store would get a new one.
		log, err := os.ReadFile(filepath.Join(home, "logs", "console.log"))
		if err != nil {
			t.Fatal(err)
		}
		ids := regexp.MustCompile(`This instance is (ServerId\{\w+\})`).FindAllStringSubmatch(string(log), -1)
		if len(ids) < 2 || ids[0][1] != ids[len(ids)-1][1] {
			t.Errorf("server ids in console.log = %q, want the first start's again", ids)
		}
		// Stop by pid file, as a later CLI call would.
		if err := Stop(ctx, cfg); err != nil {
			t.Fatal(err)
		}
		if alive(s.PID()) {
			t.Errorf("pid %d still alive after Stop(cfg)", s.PID())
		}
	})
}

// checkKilled checks that the server of a failed start, whose pid the error
// names, is gone with its pid file, and that the error points at its log.
func checkKilled(t *testing.T, c Config, err error) {
	t.Helper()
	m := regexp.MustCompile(`pid (\d+)`).FindStringSubmatch(err.Error())
	if m == nil {
		t.Fatalf("error names no pid: %v", err)
	}
	if pid, _ := strconv.Atoi(m[1]); alive(pid) {
		t.Errorf("pid %d still alive", pid)
	}
	if _, err := os.Stat(c.withDefaults().pidFile()); !os.IsNotExist(err) {
		t.Errorf("pid file left (%v)", err)
	}
	// Killed early, the JVM may not have written a line yet; the error then says so.
	if !strings.Contains(err.Error(), filepath.Join(c.Home, "logs", "console.log")) {
		t.Errorf("error does not point at console.log: %v", err)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	port, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	return "127.0.0.1:" + strconv.Itoa(port)
}
