package loaders

import (
	"fmt"
	"io"
	"time"

	"github.com/policykb/policykb/graph"
)

// progress writes throttled progress lines while documents are written.
type progress struct {
	w          io.Writer
	began      time.Time
	last       time.Time
	sentences  []int // sentences in the first i documents
	printed    bool
	shown      int // documents done at the last line printed
	done, all  int
	minElapsed time.Duration
	every      time.Duration
}

func newProgress(w io.Writer, docs []graph.DocumentBundle) *progress {
	p := &progress{w: w, began: time.Now(), sentences: make([]int, len(docs)+1), all: len(docs),
		minElapsed: time.Second, every: 250 * time.Millisecond}
	for i, d := range docs {
		p.sentences[i+1] = p.sentences[i] + len(d.Sentences)
	}
	return p
}

func (p *progress) report(done, total int) {
	if p.w == nil {
		return
	}
	p.done = min(max(done, 0), len(p.sentences)-1)
	now := time.Now()
	if now.Sub(p.began) < p.minElapsed || now.Sub(p.last) < p.every {
		return
	}
	p.last = now
	p.print(now)
}

func (p *progress) print(now time.Time) {
	p.printed, p.shown = true, p.done
	rate := float64(p.sentences[p.done]) / max(now.Sub(p.began).Seconds(), 1e-3)
	fmt.Fprintf(p.w, "documents %d/%d, %d sentences, %.0f sentences/s\n", p.done, p.all, p.sentences[p.done], rate)
}

// finish prints the last state if lines were printed but not this one.
func (p *progress) finish() {
	if p.w != nil && p.printed && p.shown != p.done {
		p.print(time.Now())
	}
}
