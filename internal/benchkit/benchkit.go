// Package benchkit holds what the benchmark and soak programs under bench/
// share: a child server started and stopped (`policykb serve`, the
// @neo4j/graphql peer), its output kept while it runs, and the line that
// says which machine a result was measured on.
package benchkit

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Buffer is a child's output, safe to read while the child writes it.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// Process is a server started by Start.
type Process struct {
	Cmd  *exec.Cmd
	Base string  // http://127.0.0.1:port
	Logs *Buffer // its stdout and stderr
	done chan struct{}
}

// FreeAddr is a loopback host:port nothing listens on (as of now).
func FreeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// Start starts cmd, its output kept in Logs, and waits until base+ready
// answers 200: at most wait, and not after the child exits.
func Start(cmd *exec.Cmd, base, ready string, wait time.Duration) (*Process, error) {
	logs := &Buffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", strings.Join(cmd.Args, " "), err)
	}
	p := &Process{Cmd: cmd, Base: base, Logs: logs, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(p.done) }()
	for deadline := time.Now().Add(wait); time.Now().Before(deadline); {
		resp, err := http.Get(base + ready)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p, nil
			}
		}
		select {
		case <-p.done:
			return nil, fmt.Errorf("%s exited before %s answered; its output:\n%s", cmd.Args[0], ready, logs)
		case <-time.After(100 * time.Millisecond):
		}
	}
	p.Stop()
	return nil, fmt.Errorf("%s did not answer %s within %s; its output:\n%s", cmd.Args[0], ready, wait, logs)
}

// Serve starts `bin serve` on a free loopback port against the Neo4j at
// uri (the bundled server's own start turned off: the caller runs Neo4j)
// and waits until /readyz answers.
func Serve(bin, uri, logLevel string) (*Process, error) {
	addr, err := FreeAddr()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve", "--addr", addr, "--neo4j-uri", uri, "--log-level", logLevel)
	cmd.Env = append(os.Environ(), "POLICYKB_NEO4J_BUNDLED_ENABLED=false")
	p, err := Start(cmd, "http://"+addr, "/readyz", 2*time.Minute)
	if err != nil {
		return nil, fmt.Errorf("policykb serve: %w", err)
	}
	return p, nil
}

// Stop interrupts the server and waits for it to end, killing it after 15 s.
func (p *Process) Stop() {
	if p == nil || p.Cmd.Process == nil {
		return
	}
	_ = p.Cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		_ = p.Cmd.Process.Kill()
		<-p.done
	}
}

// Machine says which machine a result comes from: the CPU model, cores,
// memory and platform.
func Machine() string {
	model := "unknown CPU"
	if raw, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(raw), "\n") {
			if strings.HasPrefix(line, "model name") {
				model = strings.TrimSpace(strings.SplitN(line, ":", 2)[1])
				break
			}
		}
	}
	mem := ""
	if raw, err := os.ReadFile("/proc/meminfo"); err == nil {
		f := strings.Fields(strings.SplitN(string(raw), "\n", 2)[0])
		if len(f) >= 2 {
			kb, _ := strconv.ParseFloat(f[1], 64)
			mem = fmt.Sprintf(", %.1f GB RAM", kb/1024/1024)
		}
	}
	return fmt.Sprintf("%s, %d cores%s, %s/%s", model, runtime.NumCPU(), mem, runtime.GOOS, runtime.GOARCH)
}
