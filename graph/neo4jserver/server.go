package neo4jserver

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

const (
	mainClass = "org.neo4j.server.CommunityEntryPoint"
	// stopGrace is how long Stop waits after SIGTERM before SIGKILL.
	stopGrace = 60 * time.Second
	// consoleLogMax: a bigger console.log is moved to console.log.1 at Start.
	consoleLogMax = 8 << 20
)

// startedRE is the line Neo4j logs once every database is up.
var startedRE = regexp.MustCompile(`(?m)\sINFO\s+Started\.\s*$`)

// Server is a bundled Neo4j that this process started. It keeps running
// when this process exits; Stop (the function) finds it again by its pid file.
type Server struct {
	cfg   Config
	pid   int
	done  chan struct{} // closed once the process has exited and been reaped
	state *os.ProcessState
}

// PID is the server's process id.
func (s *Server) PID() int { return s.pid }

// BoltURI is the URI drivers connect to: "bolt://" + BoltAddr.
func (s *Server) BoltURI() string { return s.cfg.boltURI() }

// Stop shuts the server down like the function Stop: SIGTERM, up to 60 s for
// a clean shutdown, then SIGKILL, and removes the pid file. Stopping a server
// that already exited returns nil. If ctx ends first, Stop returns its error
// and the server may still be shutting down.
func (s *Server) Stop(ctx context.Context) error {
	select {
	case <-s.done:
		removePIDFile(s.cfg, s.pid)
		return nil
	default:
	}
	if !runsNeo4j(s.pid, s.cfg.Home) { // exiting, or stopped through Stop(cfg)
		removePIDFile(s.cfg, s.pid)
		return nil
	}
	return stopPID(ctx, s.cfg, s.pid, s.done)
}

// Start starts the bundled Neo4j described by cfg and returns once it is
// ready: its Bolt port answers the handshake and it has logged "Started.".
//
// In order, it refuses (ErrAlreadyRunning) when the pid file of cfg.Home
// names a live server and (ErrPortTaken) when something already listens on
// cfg.BoltAddr; checks Java (CheckJava); fetches the jars (Fetch); writes
// <Home>/conf/neo4j.conf; creates data/, logs/ and run/; then starts java in
// a session of its own, appending its output to <Home>/logs/console.log, and
// writes its pid to <Home>/run/policykb-neo4j.pid.
//
// If the server exits before it is ready, the error explains why (ErrBadConfig,
// ErrStoreLocked, ErrPortTaken, or the exit code) with the last lines of its
// output. If it is not ready within cfg.StartTimeout, or ctx ends first, the
// server is killed and the error carries the same log tail. The data in
// <Home>/data persists from one run to the next.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if pid, err := readPIDFile(cfg); err == nil && runsNeo4j(pid, cfg.Home) {
		answers := "does not answer yet"
		if _, _, err := boltHandshake(ctx, cfg.BoltAddr); err == nil {
			answers = "answers"
		}
		return nil, fmt.Errorf("neo4jserver: %w: a Neo4j started from %s runs as pid %d (Bolt on %s %s); "+
			"stop it first (policykb neo4j stop), or use it", ErrAlreadyRunning, cfg.Home, pid, cfg.BoltAddr, answers)
	}
	if listening(cfg.BoltAddr) {
		what := ""
		probe, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		if _, _, err := boltHandshake(probe, cfg.BoltAddr); err == nil {
			what = " (it speaks Bolt: another Neo4j?)"
		}
		return nil, fmt.Errorf("neo4jserver: %w: something already listens on %s%s; stop it or choose another Bolt address for the bundled server",
			ErrPortTaken, cfg.BoltAddr, what)
	}
	if err := CheckJava(ctx, cfg); err != nil {
		return nil, err
	}
	lib, err := Fetch(ctx, cfg)
	if err != nil {
		return nil, err
	}
	conf, err := renderConf(cfg)
	if err != nil {
		return nil, err
	}
	for _, dir := range []string{cfg.confDir(), cfg.dataDir(), cfg.logsDir(), cfg.runDir(), cfg.importDir()} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("neo4jserver: start: %w", err)
		}
	}
	if err := writeFileAtomic(cfg.confFile(), conf); err != nil {
		return nil, fmt.Errorf("neo4jserver: start: write neo4j.conf: %w", err)
	}
	removePIDFile(cfg, 0) // stale: its process is gone (checked above)

	logf, off, err := openConsoleLog(cfg)
	if err != nil {
		return nil, fmt.Errorf("neo4jserver: start: %w", err)
	}
	cmd := exec.Command(cfg.Java, javaArgs(cfg, lib)...)
	cmd.Dir = cfg.Home
	cmd.Stdout, cmd.Stderr = logf, logf // an *os.File: the child writes it directly, without us
	cmd.SysProcAttr = detached()
	began := time.Now()
	err = cmd.Start()
	logf.Close()
	if err != nil {
		return nil, fmt.Errorf("neo4jserver: start %s: %w", cfg.Java, err)
	}
	s := &Server{cfg: cfg, pid: cmd.Process.Pid, done: make(chan struct{})}
	go func() {
		cmd.Wait()
		s.state = cmd.ProcessState
		close(s.done)
	}()
	if err := writeFileAtomic(cfg.pidFile(), []byte(strconv.Itoa(s.pid)+"\n")); err != nil {
		s.kill()
		return nil, fmt.Errorf("neo4jserver: start: write pid file: %w", err)
	}
	cfg.Log.Info("neo4j: starting", "version", cfg.Version, "pid", s.pid, "bolt", cfg.BoltAddr, "home", cfg.Home,
		"heap", cfg.Heap, "pagecache", cfg.PageCache)
	if err := s.waitReady(ctx, off); err != nil {
		return nil, err
	}
	cfg.Log.Info("neo4j: ready", "pid", s.pid, "bolt", s.BoltURI(), "took", time.Since(began).Round(time.Millisecond))
	return s, nil
}

// javaArgs is the java command line: the JVM flags Neo4j's own launcher
// passes, the heap, the jar cache as class path, and the entry point.
func javaArgs(cfg Config, lib string) []string {
	return []string{
		"-Xms" + cfg.Heap, "-Xmx" + cfg.Heap,
		"-XX:+UseG1GC",
		"-XX:-OmitStackTraceInFastThrow",
		"-XX:+DisableExplicitGC",
		"-Dfile.encoding=UTF-8",
		"-Djdk.nio.maxCachedBufferSize=1024",
		"-Dio.netty.tryReflectionSetAccessible=true",
		"-Dlog4j2.disable.jmx=true",
		"--add-opens=java.base/java.nio=ALL-UNNAMED",
		"--add-opens=java.base/java.io=ALL-UNNAMED",
		"--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
		"-cp", filepath.Join(lib, "*"),
		mainClass,
		"--home-dir=" + cfg.Home,
		"--config-dir=" + cfg.confDir(),
		"--console-mode",
	}
}

// openConsoleLog opens console.log for appending (moving a big one to
// console.log.1 first), writes a header for this start and returns the
// offset where this start's output begins.
func openConsoleLog(cfg Config) (*os.File, int64, error) {
	path := cfg.consoleLog()
	if st, err := os.Stat(path); err == nil && st.Size() > consoleLogMax {
		os.Rename(path, path+".1")
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, 0, err
	}
	fmt.Fprintf(f, "\n=== policykb: starting Neo4j %s, Bolt on %s, at %s ===\n", cfg.Version, cfg.BoltAddr, time.Now().Format(time.RFC3339))
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, st.Size(), nil
}

// waitReady waits until the server logged "Started." and Bolt answers, the
// server exits, ctx ends or the start timeout passes.
func (s *Server) waitReady(ctx context.Context, off int64) error {
	cfg := s.cfg
	timeout := time.NewTimer(cfg.StartTimeout)
	defer timeout.Stop()
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	started := false
	for {
		select {
		case <-s.done:
			removePIDFile(cfg, s.pid)
			return exitError(cfg, s.state.ExitCode(), s.state.String(), readFrom(cfg.consoleLog(), off))
		case <-ctx.Done():
			s.kill()
			return fmt.Errorf("neo4jserver: start interrupted before Bolt answered on %s (%w); killed Neo4j (pid %d)\n%s",
				cfg.BoltAddr, ctx.Err(), s.pid, logTailNote(cfg, readFrom(cfg.consoleLog(), off)))
		case <-timeout.C:
			s.kill()
			return fmt.Errorf("neo4jserver: Neo4j did not answer on %s within %s, so it was killed (pid %d); "+
				"a slow disk or a big store may need a longer start timeout\n%s",
				cfg.BoltAddr, cfg.StartTimeout, s.pid, logTailNote(cfg, readFrom(cfg.consoleLog(), off)))
		case <-tick.C:
			if !started {
				started = startedRE.MatchString(readFrom(cfg.consoleLog(), off))
			}
			if started {
				if _, _, err := boltHandshake(ctx, cfg.BoltAddr); err == nil {
					return nil
				}
			}
		}
	}
}

// kill kills a server that failed to start and waits until it is reaped.
func (s *Server) kill() {
	kill(s.pid)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
	}
	removePIDFile(s.cfg, s.pid)
}

// Stop stops the bundled server of cfg.Home, whichever process started it:
// SIGTERM to the pid in <Home>/run/policykb-neo4j.pid, up to 60 s for a clean
// shutdown, then SIGKILL; then it removes the pid file. A server that is not
// running (no pid file, or a stale one, which is removed) is not an error.
// If ctx ends first, Stop returns its error and the server may still be
// shutting down.
func Stop(ctx context.Context, cfg Config) error {
	cfg = cfg.withDefaults()
	if cfg.Home == "" {
		return errors.New("neo4jserver: stop: config: Home is empty")
	}
	pid, err := readPIDFile(cfg)
	if errors.Is(err, fs.ErrNotExist) {
		cfg.Log.Info("neo4j: not running", "home", cfg.Home)
		return nil
	}
	if err != nil {
		return err
	}
	if !runsNeo4j(pid, cfg.Home) {
		cfg.Log.Info("neo4j: not running; removing a stale pid file", "pid", pid, "home", cfg.Home)
		removePIDFile(cfg, pid)
		return nil
	}
	return stopPID(ctx, cfg, pid, nil)
}

// stopPID stops pid: SIGTERM, stopGrace, SIGKILL. done, when not nil, closes
// when the process is reaped (it is our child); else stopPID polls.
func stopPID(ctx context.Context, cfg Config, pid int, done <-chan struct{}) error {
	cfg.Log.Info("neo4j: stopping", "pid", pid, "home", cfg.Home)
	began := time.Now()
	if err := terminate(pid); err != nil && alive(pid) {
		return fmt.Errorf("neo4jserver: stop pid %d: %w", pid, err)
	}
	gone, err := waitGone(ctx, pid, done, stopGrace)
	if err != nil {
		return fmt.Errorf("neo4jserver: stop interrupted (%w); Neo4j (pid %d) may still be shutting down", err, pid)
	}
	if !gone {
		cfg.Log.Warn("neo4j: no clean shutdown, killing it", "pid", pid, "after", stopGrace)
		kill(pid)
		if gone, err = waitGone(ctx, pid, done, 10*time.Second); err != nil || !gone {
			return fmt.Errorf("neo4jserver: stop: Neo4j (pid %d) survived SIGTERM and SIGKILL", pid)
		}
	}
	removePIDFile(cfg, pid)
	cfg.Log.Info("neo4j: stopped", "pid", pid, "took", time.Since(began).Round(time.Millisecond))
	return nil
}

// waitGone waits up to d for pid to exit; err is ctx's when it ends first.
func waitGone(ctx context.Context, pid int, done <-chan struct{}, d time.Duration) (bool, error) {
	limit := time.NewTimer(d)
	defer limit.Stop()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		if done == nil && !alive(pid) {
			return true, nil
		}
		select {
		case <-done: // never ready when done is nil
			return true, nil
		case <-ctx.Done():
			return false, ctx.Err()
		case <-limit.C:
			return !alive(pid), nil
		case <-tick.C:
		}
	}
}

// ServerStatus is what Status reports about the bundled server of a home.
type ServerStatus struct {
	// Running: the process named by the pid file is a live Neo4j of this
	// home, and Bolt answers at BoltAddr.
	Running bool
	// PID is that process's id, 0 when there is none. It is set even when
	// Bolt does not answer (still starting, or shutting down).
	PID int
	// BoltAddr is where the running server listens, as the neo4j.conf it
	// was started with says (a server started with --port or on a port
	// configured in neo4j.uri listens there, whatever cfg.BoltAddr is);
	// when nothing runs, the configuration's.
	BoltAddr string
	// Version and Home are the configuration's (defaults filled in).
	Version string
	Home    string
}

// Status reports on the bundled server of cfg.Home from its pid file, the
// process table, the Bolt address in the neo4j.conf it was started with
// (Start writes it before the server starts, and refuses to rewrite it
// while the server runs) and a Bolt handshake there. cfg.BoltAddr only
// serves when that file does not name an address. A missing or stale pid
// file means not running, without error; it changes nothing on disk.
func Status(cfg Config) (ServerStatus, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return ServerStatus{}, err
	}
	st := ServerStatus{BoltAddr: cfg.BoltAddr, Version: cfg.Version, Home: cfg.Home}
	pid, err := readPIDFile(cfg)
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return st, err
	}
	if !runsNeo4j(pid, cfg.Home) {
		return st, nil
	}
	st.PID = pid
	if addr := confBoltAddr(cfg); addr != "" {
		st.BoltAddr = addr
	}
	_, _, err = boltHandshake(context.Background(), st.BoltAddr)
	st.Running = err == nil
	return st, nil
}

// confBoltAddr returns the Bolt address that <Home>/conf/neo4j.conf gives
// (server.bolt.listen_address), or "" when the file or the key is missing.
func confBoltAddr(cfg Config) string {
	b, err := os.ReadFile(cfg.confFile())
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "server.bolt.listen_address="); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func readPIDFile(cfg Config) (int, error) {
	b, err := os.ReadFile(cfg.pidFile())
	if err != nil {
		return 0, err
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0, fmt.Errorf("neo4jserver: pid file %s holds %q, not a process id; remove it", cfg.pidFile(), shorten(string(b), 40))
	}
	return pid, nil
}

// removePIDFile removes the pid file if it names pid (any pid when pid is 0),
// so a server that lost a race does not remove the winner's.
func removePIDFile(cfg Config, pid int) {
	if pid != 0 {
		if got, err := readPIDFile(cfg); err != nil || got != pid {
			return
		}
	}
	os.Remove(cfg.pidFile())
}
