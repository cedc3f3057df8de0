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
// or hung; Mute makes it one that accepts connections and logs them in but
// answers no query, as a server whose database is still starting (after a
// kill, recovery runs while Bolt already answers); Start listens on the
// same port again, as when Neo4j is back.
type Relay struct {
	t      testing.TB
	target string
	addr   string

	mu    sync.Mutex
	ln    net.Listener
	conns []net.Conn
	mode  relayMode
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

// relayMode is what the relay does with a new connection.
type relayMode int

const (
	forward relayMode = iota // both ways
	hang                     // holds it open, forwards nothing
	mute                     // forwards the login, then holds back the server's answers
)

// Hang closes every relayed connection and holds new ones open without
// answering, until Start or Stop.
func (r *Relay) Hang() { r.t.Helper(); r.restart(hang) }

// Mute closes every relayed connection and forwards new ones only as far as
// the server's answer to the Bolt handshake and its first two messages (the
// SUCCESS of HELLO and of LOGON): what the server says after that is held
// back, so a connection is made and then no query is answered, until Start
// or Stop.
func (r *Relay) Mute() { r.t.Helper(); r.restart(mute) }

// restart closes the listener and every relayed connection and listens
// again on the same port, treating new connections as m says.
func (r *Relay) restart(m relayMode) {
	r.t.Helper()
	r.Stop()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.mode = m
	r.listen()
}

// Start listens again on the relay's port and forwards (a no-op while it
// listens and forwards).
func (r *Relay) Start() {
	r.t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.mode != forward {
		r.mode = forward
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
		m := r.mode
		if m == hang {
			r.conns = append(r.conns, c) // held open, never answered
		}
		r.mu.Unlock()
		if m == hang {
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
		if m == mute {
			go func() { _ = forwardLogin(c, up) }()
			continue
		}
		go func() { _, _ = io.Copy(c, up); c.Close() }()
	}
}

// forwardLogin copies from the server to the client its answer to the Bolt
// handshake (4 bytes: the version chosen, or 00 00 01 FF and a manifest: a
// varint count, that many 4-byte versions, a varint of capabilities) and
// then two messages (each a run of chunks, a 2-byte big-endian size and its
// bytes, ended by an empty chunk), and then reads and drops the rest, so the
// client waits for an answer that never comes.
func forwardLogin(client, server net.Conn) error {
	var version [4]byte
	if _, err := io.ReadFull(server, version[:]); err != nil {
		return err
	}
	if _, err := client.Write(version[:]); err != nil {
		return err
	}
	if version == [4]byte{0, 0, 1, 0xFF} {
		count, err := copyVarint(client, server)
		if err != nil {
			return err
		}
		if _, err := io.CopyN(client, server, 4*int64(count)); err != nil {
			return err
		}
		if _, err := copyVarint(client, server); err != nil {
			return err
		}
	}
	for messages := 0; messages < 2; {
		var size [2]byte
		if _, err := io.ReadFull(server, size[:]); err != nil {
			return err
		}
		if _, err := client.Write(size[:]); err != nil {
			return err
		}
		n := int64(size[0])<<8 | int64(size[1])
		if n == 0 {
			messages++
			continue
		}
		if _, err := io.CopyN(client, server, n); err != nil {
			return err
		}
	}
	_, err := io.Copy(io.Discard, server)
	return err
}

// copyVarint copies one base-128 varint (low groups first, high bit: more
// follow) from the server to the client and returns its value.
func copyVarint(client, server net.Conn) (uint64, error) {
	var v uint64
	for shift := 0; ; shift += 7 {
		var b [1]byte
		if _, err := io.ReadFull(server, b[:]); err != nil {
			return 0, err
		}
		if _, err := client.Write(b[:]); err != nil {
			return 0, err
		}
		v |= uint64(b[0]&0x7F) << shift
		if b[0]&0x80 == 0 || shift > 56 {
			return v, nil
		}
	}
}

// Stop closes the listener and every relayed connection.
func (r *Relay) Stop() {
	r.mu.Lock()
	ln := r.ln
	r.ln = nil
	r.mode = forward
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
