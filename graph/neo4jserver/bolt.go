package neo4jserver

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"time"
)

// boltProposals is the Bolt handshake: the magic preamble, then four version
// proposals [reserved, range, minor, major], best first: 5.8 down to 5.0, 4.4
// down to 4.2, 4.1 and 3.
var boltProposals = []byte{
	0x60, 0x60, 0xB0, 0x17,
	0x00, 0x08, 0x08, 0x05,
	0x00, 0x02, 0x04, 0x04,
	0x00, 0x00, 0x01, 0x04,
	0x00, 0x00, 0x00, 0x03,
}

var errNotBolt = errors.New("not a Bolt server")

// boltHandshake connects to addr, proposes Bolt versions and returns the one
// the server picked. Success proves a Bolt server accepts connections there;
// it does not log in (the bundled server has no authentication, other
// servers may).
func boltHandshake(ctx context.Context, addr string) (major, minor int, err error) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return 0, 0, err
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	if _, err := conn.Write(boltProposals); err != nil {
		return 0, 0, err
	}
	var answer [4]byte
	if _, err := io.ReadFull(conn, answer[:]); err != nil {
		return 0, 0, fmt.Errorf("no handshake answer: %w", err)
	}
	v := binary.BigEndian.Uint32(answer[:])
	switch {
	case v == 0:
		return 0, 0, fmt.Errorf("%w: it refused every proposed protocol version", errNotBolt)
	case answer[0] != 0 || answer[1] != 0:
		return 0, 0, fmt.Errorf("%w: it answered %q", errNotBolt, answer[:])
	}
	return int(answer[3]), int(answer[2]), nil
}

// WaitBolt waits until a Bolt server answers the handshake at addr
// (host:port), polling every quarter second, for at most timeout (no limit
// but ctx's when timeout <= 0). It returns nil as soon as one answers, else
// an error with the last reason it did not.
func WaitBolt(ctx context.Context, addr string, timeout time.Duration) error {
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		_, _, err := boltHandshake(ctx, addr)
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			if timeout > 0 {
				return fmt.Errorf("neo4jserver: no Bolt server answered at %s within %s: %v", addr, timeout, err)
			}
			return fmt.Errorf("neo4jserver: no Bolt server answered at %s (%v): %v", addr, ctx.Err(), err)
		case <-tick.C:
		}
	}
}

// FreePort returns a TCP port on 127.0.0.1 that nothing listened on a moment
// ago, for tests and throwaway servers. Another process may take it before
// the caller does; Start then fails with ErrPortTaken.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("neo4jserver: free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// listening reports whether anything accepts TCP connections at addr.
func listening(addr string) bool {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	conn.Close()
	return true
}
