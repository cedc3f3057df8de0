package testneo4j

import (
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// Relay forwards TCP connections on a loopback port to the test Neo4j. Stop
// makes that port one where nothing listens, as when Neo4j stops under a
// running client (connections reset, new ones refused); Hang makes it one
// that accepts connections and never answers, as a server that is starting
// or hung; Start listens on the same port again, as when Neo4j is back.
type Relay struct {
	t      testing.TB
	target string
	addr   string

	mu    sync.Mutex
	ln    net.Listener
	conns []net.Conn
	hang  bool
	wg    sync.WaitGroup
}

// NewRelay starts a relay to target (host:port), stopped when the test ends.
func NewRelay(t testing.TB, target string) *Relay {
	t.Helper()
	r := &Relay{t: t, target: target, addr: "127.0.0.1:0"}
	r.Start()
	t.Cleanup(r.Stop)
	return r
}

// Addr is the relay's host:port.
func (r *Relay) Addr() string { return r.addr }

// Hang closes every relayed connection and holds new ones open without
// answering, until Start or Stop.
func (r *Relay) Hang() {
	r.t.Helper()
	r.Stop()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.hang = true
	r.listen()
}

// Start listens again on the relay's port and forwards (a no-op while it
// listens and forwards).
func (r *Relay) Start() {
	r.t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.hang {
		r.hang = false
		for _, c := range r.conns {
			c.Close() // the held ones
		}
		r.conns = nil
	}
	r.listen()
}

// listen starts the listener if it is not running; r.mu is held.
func (r *Relay) listen() {
	r.t.Helper()
	if r.ln != nil {
		return
	}
	var ln net.Listener
	var err error
	// The port was just freed; the kernel may take a moment to let it go.
	for i := 0; i < 50; i++ {
		if ln, err = net.Listen("tcp", r.addr); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		r.t.Fatalf("relay: listen on %s: %v", r.addr, err)
	}
	r.ln, r.addr = ln, ln.Addr().String()
	r.wg.Add(1)
	go r.accept(ln)
}

func (r *Relay) accept(ln net.Listener) {
	defer r.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		r.mu.Lock()
		hang := r.hang
		if hang {
			r.conns = append(r.conns, c) // held open, never answered
		}
		r.mu.Unlock()
		if hang {
			continue
		}
		up, err := net.Dial("tcp", r.target)
		if err != nil {
			c.Close()
			continue
		}
		r.mu.Lock()
		r.conns = append(r.conns, c, up)
		r.mu.Unlock()
		go func() { _, _ = io.Copy(up, c); up.Close() }()
		go func() { _, _ = io.Copy(c, up); c.Close() }()
	}
}

// Stop closes the listener and every relayed connection.
func (r *Relay) Stop() {
	r.mu.Lock()
	ln := r.ln
	r.ln = nil
	r.hang = false
	r.mu.Unlock()
	if ln != nil {
		ln.Close()
	}
	r.wg.Wait()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.conns {
		c.Close()
	}
	r.conns = nil
}
