package graph_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/testneo4j"
)

// TestDownAndBack reads through a relay to the test Neo4j, takes the relay
// down (connections reset, new ones refused, as when Neo4j is killed) and
// brings it back on the same port: while it is down every read fails as
// UNAVAILABLE, and once it is back the same store reads again, its dead
// pooled connections replaced without an error reaching the caller.
func TestDownAndBack(t *testing.T) {
	openTestStore(t) // the skip/fail rules and an empty database
	target, err := url.Parse(testneo4j.URI(t))
	if err != nil {
		t.Fatal(err)
	}
	relay := testneo4j.NewRelay(t, target.Host)
	ctx := context.Background()
	s, err := graph.Open(ctx, graph.Config{URI: "bolt://" + relay.Addr(), CatalogMaxAge: -1, AcquireTimeout: time.Second}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	// Several connections in the pool, all of which die below.
	readAll := func() []error {
		errs := make(chan error, 8)
		for range 8 {
			go func() { _, err := s.Stats(ctx); errs <- err }()
		}
		var out []error
		for range 8 {
			if err := <-errs; err != nil {
				out = append(out, err)
			}
		}
		return out
	}
	if errs := readAll(); len(errs) > 0 {
		t.Fatalf("through the relay: %v", errs)
	}

	relay.Stop()
	for round := range 3 {
		for name, f := range map[string]func(context.Context) error{
			"Stats": func(ctx context.Context) error { _, err := s.Stats(ctx); return err },
			"Codes": func(ctx context.Context) error { _, err := s.Codes(ctx); return err },
			"Ping":  func(ctx context.Context) error { return s.Ping(ctx) },
		} {
			// A deadline far beyond what a refused connection takes: the
			// read must give up by itself (a retry loop would wait for
			// Neo4j until the deadline), and say why.
			ctx, cancel := context.WithTimeout(ctx, 8*time.Second)
			err := f(ctx)
			if code := policykb.ErrorCodeOf(err); code != policykb.EUnavailable {
				t.Errorf("round %d, Neo4j down: %s: %v (code %q), want UNAVAILABLE", round, name, err, code)
			}
			if ctx.Err() != nil {
				t.Errorf("round %d, Neo4j down: %s waited until its deadline instead of failing at once", round, name)
			}
			cancel()
		}
	}

	relay.Start()
	if errs := readAll(); len(errs) > 0 {
		t.Errorf("Neo4j back: %d reads failed, first: %v", len(errs), errs[0])
	}
	if err := s.Ping(ctx); err != nil {
		t.Errorf("Neo4j back: ping: %v", err)
	}

	// A server that takes connections and does not answer them (starting,
	// or hung): UNAVAILABLE once AcquireTimeout (here 1 s) runs out, not at
	// the caller's deadline.
	relay.Hang()
	for range 2 {
		ctx, cancel := context.WithTimeout(ctx, 8*time.Second)
		_, err := s.Stats(ctx)
		if code := policykb.ErrorCodeOf(err); code != policykb.EUnavailable {
			t.Errorf("Neo4j not answering: %v (code %q), want UNAVAILABLE", err, code)
		}
		if ctx.Err() != nil {
			t.Errorf("Neo4j not answering: the read waited until its deadline instead of giving up")
		}
		cancel()
	}
	relay.Start()
	if errs := readAll(); len(errs) > 0 {
		t.Errorf("Neo4j answering again: %d reads failed, first: %v", len(errs), errs[0])
	}

	// Neo4j killed and started again, its database still recovering: new
	// connections are made (Bolt logs them in) but no query is answered.
	// A request then is UNAVAILABLE within a few seconds, not a TIMEOUT at
	// its deadline.
	relay.Mute()
	for range 2 {
		ctx, cancel := context.WithTimeout(ctx, 8*time.Second)
		_, err := s.Stats(ctx)
		if code := policykb.ErrorCodeOf(err); code != policykb.EUnavailable {
			t.Errorf("Neo4j answering no query: %v (code %q), want UNAVAILABLE", err, code)
		}
		if ctx.Err() != nil {
			t.Errorf("Neo4j answering no query: the read waited until its deadline instead of giving up")
		}
		cancel()
	}
	relay.Start()
	if errs := readAll(); len(errs) > 0 {
		t.Errorf("Neo4j recovered: %d reads failed, first: %v", len(errs), errs[0])
	}
}
