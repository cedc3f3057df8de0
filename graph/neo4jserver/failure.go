package neo4jserver

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Errors Start can return, to test with errors.Is; the messages around them
// say what to do.
var (
	// ErrAlreadyRunning: the pid file of Home names a live server.
	ErrAlreadyRunning = errors.New("already running")
	// ErrPortTaken: something already accepts connections on BoltAddr.
	ErrPortTaken = errors.New("port taken")
	// ErrBadConfig: Neo4j rejected its configuration (an unknown key, a bad
	// value, heap plus page cache larger than RAM) and exited.
	ErrBadConfig = errors.New("bad configuration")
	// ErrStoreLocked: another Neo4j holds the lock on Home's data directory.
	ErrStoreLocked = errors.New("store locked")
)

// Neo4j's exit codes (org.neo4j.server.NeoBootstrapper). An exception while
// reading neo4j.conf (unknown key, bad value) escapes main instead: code 1.
const (
	exitWebServer     = 1
	exitDatabase      = 2
	exitInvalidConfig = 3
	exitLicense       = 4
)

var (
	lockSigns = []string{
		"Lock file has been locked by another process",
		"Another process may be using databases at location",
	}
	portSigns = []string{
		"already in use",
		"PortBindException",
	}
	configSigns = []string{
		"Unrecognized setting",
		"Error evaluating value for setting",
		"Invalid memory configuration",
		"declared multiple times",
		"[Fatal Error]",
		"Failed to read config",
	}
	memorySign = "Invalid memory configuration"
)

// classifyExit tells why Neo4j exited with code before it was ready, from the
// code and its console output: the lines that show it, and one of the Err*
// kinds (nil when none fits).
func classifyExit(code int, out string) (evidence []string, kind error) {
	if ev := matching(out, lockSigns); len(ev) > 0 {
		return ev, ErrStoreLocked
	}
	if ev := matching(out, portSigns); len(ev) > 0 {
		return ev, ErrPortTaken
	}
	if ev := matching(out, configSigns); len(ev) > 0 || code == exitInvalidConfig {
		if len(ev) == 0 {
			ev = matching(out, []string{" ERROR ", "Exception"})
		}
		return ev, ErrBadConfig
	}
	return matching(out, []string{" ERROR ", "Exception in thread"}), nil
}

// exitError builds Start's error for a server that exited (how: "exit status
// 1", "signal: killed") with code before Bolt answered; out is its console
// output from this start.
func exitError(cfg Config, code int, how, out string) error {
	evidence, kind := classifyExit(code, out)
	var b strings.Builder
	switch {
	case kind == ErrStoreLocked:
		fmt.Fprintf(&b, "neo4jserver: Neo4j exited (%s): %v: another Neo4j is already running on the data directory %s; "+
			"stop it first (policykb neo4j stop), or give this server another home", how, kind, cfg.dataDir())
	case kind == ErrPortTaken:
		fmt.Fprintf(&b, "neo4jserver: Neo4j exited (%s): %v: it could not listen on %s; choose another Bolt address for the bundled server",
			how, kind, cfg.BoltAddr)
	case kind == ErrBadConfig:
		fmt.Fprintf(&b, "neo4jserver: Neo4j exited (%s): %v in %s", how, kind, cfg.confFile())
		if len(matching(out, []string{memorySign})) > 0 {
			fmt.Fprintf(&b, ": heap (%s) plus page cache (%s) must fit in this machine's RAM", cfg.Heap, cfg.PageCache)
		}
	case code == exitDatabase:
		fmt.Fprintf(&b, "neo4jserver: Neo4j exited (%s): the database failed to start", how)
	case code == exitLicense:
		fmt.Fprintf(&b, "neo4jserver: Neo4j exited (%s): license not accepted (is this the Community edition?)", how)
	default:
		fmt.Fprintf(&b, "neo4jserver: Neo4j exited (%s) before Bolt answered", how)
	}
	if len(evidence) > 0 {
		b.WriteString(":\n")
		b.WriteString(indent(strings.Join(evidence, "\n")))
	}
	b.WriteString("\n")
	b.WriteString(logTailNote(cfg, out))
	if kind != nil {
		return &kindError{msg: b.String(), kind: kind}
	}
	return errors.New(b.String())
}

// kindError is an error with a message of its own that still matches its
// kind with errors.Is.
type kindError struct {
	msg  string
	kind error
}

func (e *kindError) Error() string { return e.msg }
func (e *kindError) Unwrap() error { return e.kind }

// logTailNote is the last lines of this start's console output, for errors.
func logTailNote(cfg Config, out string) string {
	t := tailLines(out, 30, true)
	if strings.TrimSpace(t) == "" {
		return fmt.Sprintf("%s has no output from this start; see also %s", cfg.consoleLog(), cfg.logsDir())
	}
	return fmt.Sprintf("last lines of %s (Java stack frames left out; more in %s):\n%s", cfg.consoleLog(), cfg.logsDir(), indent(t))
}

// matching returns the distinct lines of out that contain one of signs, at
// most 8, trimmed and shortened.
func matching(out string, signs []string) []string {
	var lines []string
	seen := map[string]bool{}
	for line := range strings.Lines(out) {
		line = strings.TrimSpace(line)
		for _, s := range signs {
			if !strings.Contains(line, s) {
				continue
			}
			line = shorten(line, 400)
			if !seen[line] && len(lines) < 8 {
				seen[line] = true
				lines = append(lines, line)
			}
			break
		}
	}
	return lines
}

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// isFrame reports a Java stack frame line: "\tat x.y(Z.java:1)" or "\t... 5 more".
func isFrame(line string) bool {
	t := strings.TrimLeft(line, " \t")
	return len(t) < len(line) && (strings.HasPrefix(t, "at ") || strings.HasPrefix(t, "... "))
}

// tailLines returns the last n lines of s, without Java stack frames when dropFrames.
func tailLines(s string, n int, dropFrames bool) string {
	var keep []string
	for line := range strings.Lines(s) {
		line = strings.TrimRight(line, "\r\n")
		if dropFrames && isFrame(line) {
			continue
		}
		keep = append(keep, line)
	}
	if len(keep) > n {
		keep = keep[len(keep)-n:]
	}
	return strings.Join(keep, "\n")
}

func indent(s string) string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return "    (nothing)"
	}
	return "    " + strings.ReplaceAll(s, "\n", "\n    ")
}

// readFrom returns the file's content from offset off on, at most its last MiB.
func readFrom(path string, off int64) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size()-off > 1<<20 {
		off = st.Size() - 1<<20
	}
	if _, err := f.Seek(off, io.SeekStart); err != nil {
		return ""
	}
	b, _ := io.ReadAll(f)
	return string(b)
}
