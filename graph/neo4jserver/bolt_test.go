package neo4jserver

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fakeServer accepts connections on a free port, reads what a Bolt client
// sends first and answers with answer; it returns the address.
func fakeServer(t *testing.T, answer []byte, got chan<- []byte) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				buf := make([]byte, len(boltProposals))
				if _, err := io.ReadFull(c, buf); err != nil {
					return
				}
				if got != nil {
					select {
					case got <- buf:
					default:
					}
				}
				c.Write(answer)
			}()
		}
	}()
	return l.Addr().String()
}

func TestBoltHandshake(t *testing.T) {
	ctx := context.Background()
	got := make(chan []byte, 1)
	addr := fakeServer(t, []byte{0, 0, 4, 5}, got)
	major, minor, err := boltHandshake(ctx, addr)
	if err != nil || major != 5 || minor != 4 {
		t.Fatalf("handshake = %d.%d, %v; want 5.4", major, minor, err)
	}
	if sent := <-got; !bytes.Equal(sent[:4], []byte{0x60, 0x60, 0xB0, 0x17}) {
		t.Errorf("client sent % x, want the magic 60 60 b0 17 first", sent)
	}
	if err := WaitBolt(ctx, addr, time.Second); err != nil {
		t.Errorf("WaitBolt on a Bolt server: %v", err)
	}

	for name, answer := range map[string][]byte{
		"refuses every version": {0, 0, 0, 0},
		"http server":           []byte("HTTP/1.1 400 Bad Request\r\n\r\n"),
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := boltHandshake(ctx, fakeServer(t, answer, nil))
			if !errors.Is(err, errNotBolt) {
				t.Errorf("handshake error = %v, want errNotBolt", err)
			}
		})
	}

	t.Run("silent server", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		began := time.Now()
		err = WaitBolt(ctx, l.Addr().String(), 500*time.Millisecond)
		if err == nil || !strings.Contains(err.Error(), "no Bolt server answered") {
			t.Errorf("WaitBolt = %v, want a timeout error", err)
		}
		if d := time.Since(began); d > 5*time.Second {
			t.Errorf("WaitBolt took %v with a 500ms timeout", d)
		}
	})
}

func TestWaitBoltNobody(t *testing.T) {
	port, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	err = WaitBolt(context.Background(), addr, 300*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), addr) {
		t.Errorf("WaitBolt with nothing listening = %v, want an error naming %s", err, addr)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := WaitBolt(ctx, addr, 0); err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Errorf("WaitBolt with a cancelled context = %v", err)
	}
}

func TestFreePort(t *testing.T) {
	port, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		t.Fatalf("FreePort gave %d, which is not free: %v", port, err)
	}
	l.Close()
}
