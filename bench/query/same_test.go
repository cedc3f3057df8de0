//go:build benchcompare

// The three-way check needs Node and the npm registry, so it is not part of
// `make test`: scripts/bench.sh (`make bench`, `make bench-compare`) runs it
// with -tags benchcompare before timing anything.

package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb/internal/benchkit"
	"github.com/policykb/policykb/internal/testneo4j"
)

// TestSameNumbersThreeWays loads the sample study and checks that every
// benchmark question gets the same numbers from policykb's GraphQL, from
// the hand-written Cypher floor and from @neo4j/graphql. It builds
// policykb, runs `npm ci` in bench/peer (the npm registry must be
// reachable) and starts both servers; it fails when node or npm is
// missing, and is skipped under -short. Built only with -tags benchcompare.
func TestSameNumbersThreeWays(t *testing.T) {
	testneo4j.EmptyStore(t, 0) // skips under -short; wipes the database
	uri := testneo4j.URI(t)
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed: the peer's answers need Node 20 (or run with -short)", tool)
		}
	}
	if out, err := exec.Command("node", "-p", "process.versions.node.split('.')[0]").Output(); err != nil {
		t.Fatalf("node -p: %v", err)
	} else if major, _ := strconv.Atoi(strings.TrimSpace(string(out))); major < 20 {
		t.Fatalf("node %s is installed; @neo4j/graphql 7 needs Node 20 or later", strings.TrimSpace(string(out)))
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "policykb")
	cmdRun(t, root, "go", "build", "-o", bin, "./cmd/policykb")
	cmdRun(t, root, bin, "load", "sample", "--neo4j-uri", uri)
	peerDir := filepath.Join(root, "bench", "peer")
	start := time.Now()
	cmdRun(t, peerDir, "npm", "ci", "--no-audit", "--no-fund")
	t.Logf("npm ci took %s", time.Since(start).Round(time.Second))

	ctx := context.Background()
	d, err := neo4j.NewDriverWithContext(uri, neo4j.NoAuth())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(ctx)
	c, err := readCorpus(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	pk, err := benchkit.Serve(bin, uri, "warn")
	if err != nil {
		t.Fatal(err)
	}
	defer pk.Stop()
	peer, err := startPeer(peerDir, uri)
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Stop()
	w := newWays(d, pk.Base+"/graphql", peer.Base+"/graphql")
	qs := questions(c)
	if len(qs) != 7 {
		t.Fatalf("%d questions, want the issue's 7", len(qs))
	}
	// Co-occurrence at MAIN_CATEGORY is empty on the sample study (no
	// sentence is coded under two main categories), so the test also asks
	// it one level down, where the sample has pairs.
	qs = append(qs, cooccurrenceQuestion(c, "CATEGORY"), countsQuestion(c, "CONCEPT"))
	for _, q := range qs {
		t.Run(q.name, func(t *testing.T) {
			if err := check(ctx, w, q, 0); err != nil {
				t.Error(err)
			}
			// The sample study cites Fund Support: the answers checked are
			// not empty (cooccurrence at MAIN_CATEGORY may be).
			a, err := w.policykb(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if len(a) == 0 && q.name != "cooccurrence(MAIN_CATEGORY)" {
				t.Errorf("policykb's answer is empty")
			}
		})
	}
}

func cmdRun(t *testing.T, dir, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "POLICYKB_NEO4J_BUNDLED_ENABLED=false")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %v in %s: %v\n%s", name, args, dir, err, out)
	}
}
