package soak

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/policykb/policykb/graph"
)

// Kill is what happened to one load that was to be killed.
type Kill struct {
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

// RunUntil starts cmd and sends it SIGKILL after d, unless it exits first;
// it returns once the process is gone, with its last progress line (what
// it wrote to standard error that starts with "documents ").
func RunUntil(cmd *exec.Cmd, d time.Duration) (Kill, error) {
	var mu sync.Mutex
	last := ""
	pr, pw := io.Pipe()
	cmd.Stderr = pw
	var out bytes.Buffer // standard error, for the message of a failed load
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
	k := Kill{}
	select {
	case err := <-exited:
		k.After = time.Since(began)
		pw.Close()
		<-done
		if err != nil {
			k.AfterMS = k.After.Milliseconds()
			return k, fmt.Errorf("the load failed before it was to be killed: %v\n%s", err, out.String())
		}
	case <-time.After(d):
		cmd.Process.Signal(syscall.SIGKILL)
		<-exited
		k.After, k.Killed = time.Since(began), true
		pw.Close()
		<-done
	}
	mu.Lock()
	k.Progress = last
	mu.Unlock()
	k.AfterMS = k.After.Milliseconds()
	return k, nil
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
