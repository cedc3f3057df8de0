package soak

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/policykb/policykb/graph"
)

// Kill is what happened to one load that was to be killed.
type Kill struct {
	// Target and JitterMS are when it was to be killed: once the base
	// held Target documents, and JitterMS milliseconds more.
	Target   int   `json:"once_stored"`
	JitterMS int64 `json:"jitter_ms"`
	// After is how long the load ran before SIGKILL (AfterMS in the
	// results file).
	After   time.Duration `json:"-"`
	AfterMS int64         `json:"after_ms"`
	// Killed is false when the load finished before its time.
	Killed bool `json:"killed"`
	// Progress is the last progress line the load printed before it died
	// ("documents 12/100, ..."), "" when it printed none.
	Progress string `json:"progress"`
	// Stored is how many documents the knowledge base held afterwards.
	Stored int `json:"documents_stored"`
	// Problems is what SelfCheck and Partial found in what it held: none
	// when every stored document is whole and every count agrees with it.
	Problems []string `json:"problems"`
}

// String says what happened, in one line.
func (k Kill) String() string {
	what := "killed"
	if !k.Killed {
		what = "finished first"
	}
	return fmt.Sprintf("%s after %s (%s); %d documents stored, %d problems", what, k.After.Round(time.Millisecond),
		orNone(k.Progress), k.Stored, len(k.Problems))
}

func orNone(s string) string {
	if s == "" {
		return "no progress line yet"
	}
	return s
}

// KillAt starts cmd (a load) and sends it SIGKILL once the knowledge base
// holds at least target documents (read every 20 ms) and jitter more has
// passed, unless it exits first; it returns once the process is gone, with
// its last progress line (what it wrote to standard error that starts with
// "documents "). The caller fills Stored and Problems.
func KillAt(ctx context.Context, s *graph.Store, cmd *exec.Cmd, target int, jitter time.Duration) (Kill, error) {
	var mu sync.Mutex
	last := ""
	var out bytes.Buffer // standard error, for the message of a failed load
	pr, pw := io.Pipe()
	cmd.Stderr = pw
	done := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			line := sc.Text()
			mu.Lock()
			if strings.HasPrefix(line, "documents ") {
				last = line
			}
			out.WriteString(line + "\n")
			mu.Unlock()
		}
		io.Copy(io.Discard, pr)
		close(done)
	}()
	began := time.Now()
	if err := cmd.Start(); err != nil {
		pw.Close()
		return Kill{}, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	finish := func(k Kill) Kill {
		pw.Close()
		<-done
		mu.Lock()
		k.Progress = last
		mu.Unlock()
		k.AfterMS = k.After.Milliseconds()
		return k
	}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	limit := time.After(10 * time.Minute)
	for {
		select {
		case err := <-exited:
			k := finish(Kill{After: time.Since(began)})
			if err != nil {
				return k, fmt.Errorf("the load failed before it was to be killed: %v\n%s", err, out.String())
			}
			return k, nil
		case <-limit:
			cmd.Process.Signal(syscall.SIGKILL)
			<-exited
			return finish(Kill{After: time.Since(began)}), fmt.Errorf("the load had not stored %d documents after 10 minutes", target)
		case <-tick.C:
			st, err := s.Stats(ctx)
			if err != nil || st.Documents < target {
				continue
			}
			select {
			case err := <-exited: // finished during the jitter
				k := finish(Kill{After: time.Since(began)})
				if err != nil {
					return k, fmt.Errorf("the load failed before it was to be killed: %v\n%s", err, out.String())
				}
				return k, nil
			case <-time.After(jitter):
			}
			cmd.Process.Signal(syscall.SIGKILL)
			<-exited
			return finish(Kill{After: time.Since(began), Killed: true}), nil
		}
	}
}

// Target draws a kill point: a number of stored documents after which to
// kill a load that finds stored already of total, with kills kills left
// to make (the points are spread so that each kill has documents left to
// fall among), and a jitter of up to 100 ms, so that the kill falls at any
// point of the transaction that follows. ok is false when fewer than two
// documents are left.
func Target(r *rand.Rand, stored, total, kills int) (target int, jitter time.Duration, ok bool) {
	if total-stored < 2 {
		return 0, 0, false
	}
	span := max(1, (total-stored-1)/max(1, kills))
	return stored + 1 + r.IntN(span), time.Duration(r.IntN(100)) * time.Millisecond, true
}

// Partial checks a knowledge base that a killed load left: every count
// agrees with what is stored (SelfCheck), and every stored document is
// whole, with the sentences and codings it has in want (the snapshot of a
// clean load); it returns the documents stored and the problems found.
func Partial(ctx context.Context, s *graph.Store, want *Snapshot) (int, []string, error) {
	got, err := Take(ctx, s)
	if err != nil {
		return 0, nil, err
	}
	problems := got.SelfCheck()
	for id, n := range got.PerDocument {
		if w, ok := want.PerDocument[id]; !ok || w != n {
			problems = append(problems, fmt.Sprintf("document %s is stored with %d sentences and %d codings, whole it has %d and %d",
				id, n[0], n[1], w[0], w[1]))
		}
	}
	return got.Documents, problems, nil
}
