//go:build unix

package neo4jserver

import (
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// These tests need neither Java nor Maven: Start refuses before using them.

func TestStartPortTaken(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	home := t.TempDir()
	_, err = Start(context.Background(), Config{Home: home, BoltAddr: l.Addr().String(), Java: "/nonexistent/java"})
	if !errors.Is(err, ErrPortTaken) {
		t.Fatalf("Start on a taken port = %v, want ErrPortTaken", err)
	}
	if want := "port taken: something already listens on " + l.Addr().String(); !strings.Contains(err.Error(), want) {
		t.Errorf("error %q lacks %q", err, want)
	}
	if _, err := os.Stat(filepath.Join(home, "run", "policykb-neo4j.pid")); !os.IsNotExist(err) {
		t.Errorf("a refused start left a pid file (%v)", err)
	}
}

func TestStartRejectsBadConfig(t *testing.T) {
	_, err := Start(context.Background(), Config{Home: t.TempDir(), BoltAddr: "0.0.0.0:7687"})
	if err == nil || !strings.Contains(err.Error(), "loopback only") {
		t.Errorf("Start on 0.0.0.0 = %v, want a loopback error", err)
	}
}

// deadPID returns the id of a process that has exited and been reaped.
func deadPID(t *testing.T) int {
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatalf("cannot run true: %v", err)
	}
	return cmd.Process.Pid
}

func TestStopAndStatusWhenNotRunning(t *testing.T) {
	ctx := context.Background()
	cfg := Config{Home: t.TempDir()}
	if err := Stop(ctx, cfg); err != nil {
		t.Errorf("Stop without a pid file = %v, want nil", err)
	}
	st, err := Status(cfg)
	if err != nil || st.Running || st.PID != 0 || st.BoltAddr != "127.0.0.1:7687" || st.Version != Version || st.Home != cfg.Home {
		t.Errorf("Status without a pid file = %+v, %v", st, err)
	}

	pidFile := filepath.Join(cfg.Home, "run", "policykb-neo4j.pid")
	if err := os.MkdirAll(filepath.Dir(pidFile), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, pid := range map[string]int{"dead process": deadPID(t), "not a neo4j": os.Getpid()} {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(pidFile, []byte(strconv.Itoa(pid)+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			st, err := Status(cfg)
			if err != nil || st.Running || st.PID != 0 {
				t.Errorf("Status with a stale pid file = %+v, %v", st, err)
			}
			if _, err := os.Stat(pidFile); err != nil {
				t.Errorf("Status changed the pid file: %v", err)
			}
			if err := Stop(ctx, cfg); err != nil {
				t.Errorf("Stop with a stale pid file = %v", err)
			}
			if _, err := os.Stat(pidFile); !os.IsNotExist(err) {
				t.Errorf("Stop left the stale pid file (%v)", err)
			}
		})
	}

	if err := os.WriteFile(pidFile, []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Status(cfg); err == nil || !strings.Contains(err.Error(), "not a process id") {
		t.Errorf("Status with a garbled pid file = %v", err)
	}
}
