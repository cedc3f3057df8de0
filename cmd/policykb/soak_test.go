package main

import (
	"context"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/policykb/policykb/gen"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/soak"
)

// TestKilledLoadRerunIsExact is the short form of `make soak-load`: it
// loads a small generated corpus with `policykb load` in a process of its
// own, cleanly; then into an empty base again, killing the process with
// SIGKILL at three seeded random points (once a drawn number of documents
// is stored, and a drawn jitter later), checking after each kill that
// every stored document is whole and every count agrees with what is
// stored; then reruns the load and compares every count, and a digest of
// every sentence and coding, with the clean load's.
func TestKilledLoadRerunIsExact(t *testing.T) {
	uri := testURI(t)
	dir := t.TempDir()
	rep, err := gen.Generate(dir, gen.Spec{Cities: 4, DocsPerCity: 4, SentencesPerDoc: 150, CodedRate: 0.4, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	store, err := graph.Open(ctx, graph.Config{URI: uri, CatalogMaxAge: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close(ctx)
	load := func() *exec.Cmd {
		// Small write batches: more transactions, more points to be killed between.
		cmd := exec.Command(os.Args[0], "load", "--batch-size", "100", "--codebook", filepath.Join(dir, "codebook.yaml"),
			"--documents", filepath.Join(dir, "documents.csv"), "--codings", filepath.Join(dir, "codings.csv"))
		cmd.Env = append(os.Environ(), runMainEnv+"=1")
		return cmd
	}
	wipe := func() {
		t.Helper()
		if _, err := store.Wipe(ctx); err != nil {
			t.Fatal(err)
		}
	}

	wipe()
	began := time.Now()
	if out, err := load().CombinedOutput(); err != nil {
		t.Fatalf("clean load: %v\n%s", err, out)
	}
	clean := time.Since(began)
	want, err := soak.Take(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	if bad := want.SelfCheck(); len(bad) > 0 {
		t.Fatalf("the clean load's counts disagree with its sentences:\n%s", strings.Join(bad, "\n"))
	}
	if want.Documents != rep.Documents || want.Sentences != rep.Sentences || want.Codings != rep.Codings {
		t.Fatalf("clean load stored %d documents, %d sentences, %d codings; the corpus has %s", want.Documents, want.Sentences, want.Codings, rep)
	}
	t.Logf("clean load of %s: %s; %d numbers to compare", rep, clean.Round(time.Millisecond), want.Checks)

	wipe()
	rng := rand.New(rand.NewPCG(7, 7))
	killed, partial, stored := 0, 0, 0
	for i := range 3 {
		target, jitter, ok := soak.Target(rng, stored, rep.Documents, 3-i)
		if !ok {
			break
		}
		k, err := soak.KillAt(ctx, store, load(), target, jitter)
		if err != nil {
			t.Fatal(err)
		}
		if k.Stored, k.Problems, err = soak.Partial(ctx, store, want); err != nil {
			t.Fatal(err)
		}
		stored = k.Stored
		t.Logf("kill %d, once %d documents are stored and %s more: %s", i+1, target, jitter, k)
		if k.Killed {
			killed++
		}
		if k.Stored < rep.Documents {
			partial++
		}
		for _, p := range k.Problems {
			t.Errorf("after kill %d: %s", i+1, p)
		}
	}
	if killed == 0 || partial == 0 {
		t.Errorf("%d loads killed, %d left the corpus partly stored: the test tested nothing", killed, partial)
	}
	if out, err := load().CombinedOutput(); err != nil {
		t.Fatalf("rerun: %v\n%s", err, out)
	}
	got, err := soak.Take(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range append(soak.Diff(want, got), got.SelfCheck()...) {
		t.Errorf("after the rerun: %s", d)
	}
}
