//go:build !unix

package neo4jserver

import (
	"os"
	"syscall"
)

// Outside Unix the server is neither detached nor stopped gently: Windows has
// no SIGTERM. policykb is developed and tested on Linux.

func detached() *syscall.SysProcAttr { return nil }

func terminate(pid int) error { return kill(pid) }

func kill(pid int) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	return p.Kill()
}

func alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	p.Release()
	return true
}

func runsNeo4j(pid int, home string) bool { return alive(pid) }
