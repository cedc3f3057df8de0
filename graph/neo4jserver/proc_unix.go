//go:build unix

package neo4jserver

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// detached puts the server in a session of its own: it outlives the process
// that started it and gets no signals meant for that process's terminal.
func detached() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setsid: true} }

// terminate asks the server to shut down cleanly; Neo4j exits on SIGTERM.
func terminate(pid int) error { return syscall.Kill(pid, syscall.SIGTERM) }

// kill stops the server's whole session at once.
func kill(pid int) error {
	if err := syscall.Kill(-pid, syscall.SIGKILL); err == nil {
		return nil
	}
	return syscall.Kill(pid, syscall.SIGKILL)
}

// alive reports whether process pid exists and is not a zombie.
func alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return !procfs() // gone, unless there is no /proc to ask
	}
	// "pid (comm) S ...": the state follows the last ')'.
	if i := strings.LastIndexByte(string(b), ')'); i >= 0 && i+2 < len(b) && b[i+2] == 'Z' {
		return false
	}
	return true
}

// runsNeo4j reports whether pid is alive and, where /proc tells, is a Neo4j
// started from home: a pid file can outlive its process, and the pid be reused.
func runsNeo4j(pid int, home string) bool {
	if !alive(pid) {
		return false
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil {
		return !procfs()
	}
	cmdline := "\x00" + string(b)
	return strings.Contains(cmdline, "\x00"+mainClass+"\x00") && strings.Contains(cmdline, "\x00--home-dir="+home+"\x00")
}

func procfs() bool {
	_, err := os.Stat("/proc/self/cmdline")
	return err == nil
}
