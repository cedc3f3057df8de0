package loaders

import (
	"fmt"
	"io"
	"time"

	"github.com/policykb/policykb/graph"
)

// progress writes the state of a load while documents are written: how
// many documents and sentences are done, out of how many, the rate so far
// and the time left at that rate. Live (a terminal), it rewrites one line
// in place up to four times a second; otherwise it writes a line every
// Every. Nothing is written for a load that ends within a second; a load
// that wrote anything ends with the final state, at 100 % when every
// document was written.
type progress struct {
	w          io.Writer
	live       bool
	began      time.Time
	last       time.Time
	sentences  []int // sentences in the first i documents
	printed    bool
	done, all  int
	minElapsed time.Duration
	every      time.Duration
	now        func() time.Time
}

func newProgress(w io.Writer, live bool, every time.Duration, docs []graph.DocumentBundle) *progress {
	counts := make([]int, len(docs))
	for i, d := range docs {
		counts[i] = len(d.Sentences)
	}
	return newProgressOf(w, live, every, counts)
}

// newProgressOf is newProgress for documents of the given numbers of
// sentences.
func newProgressOf(w io.Writer, live bool, every time.Duration, sentences []int) *progress {
	if every <= 0 {
		every = 10 * time.Second
	}
	if live {
		every = 250 * time.Millisecond
	}
	p := &progress{w: w, live: live, began: time.Now(), sentences: make([]int, len(sentences)+1), all: len(sentences),
		minElapsed: time.Second, every: every, now: time.Now}
	for i, n := range sentences {
		p.sentences[i+1] = p.sentences[i] + n
	}
	return p
}

func (p *progress) report(done, total int) {
	if p.w == nil {
		return
	}
	p.done = min(max(done, 0), len(p.sentences)-1)
	now := p.now()
	if now.Sub(p.began) < p.minElapsed || now.Sub(p.last) < p.every {
		return
	}
	p.last = now
	p.print(now, false)
}

func (p *progress) print(now time.Time, final bool) {
	p.printed = true
	line := progressLine(p.done, p.all, p.sentences[p.done], p.sentences[p.all], now.Sub(p.began), final)
	if p.live {
		// Back to the start of the line, the state, the rest of the
		// line cleared; the final state ends the line.
		end := ""
		if final {
			end = "\n"
		}
		fmt.Fprintf(p.w, "\r%s\x1b[K%s", line, end)
		return
	}
	fmt.Fprintln(p.w, line)
}

// finish prints the final state, with the time taken, if anything was
// printed.
func (p *progress) finish() {
	if p.w != nil && p.printed {
		p.print(p.now(), true)
	}
}

// progressLine is one progress report: "documents 1200/30000 (4.0 %),
// 360000/9000000 sentences, 10234 sentences/s, 14m05s left", or "..., in
// 14m40s" for the final one.
func progressLine(docs, allDocs, sentences, allSentences int, elapsed time.Duration, final bool) string {
	pct := 100.0
	if allSentences > 0 {
		pct = 100 * float64(sentences) / float64(allSentences)
	} else if allDocs > 0 {
		pct = 100 * float64(docs) / float64(allDocs)
	}
	secs := max(elapsed.Seconds(), 1e-3)
	rate := float64(sentences) / secs
	tail := "in " + elapsed.Round(time.Second).String()
	if !final {
		switch {
		case sentences >= allSentences:
			tail = "0s left"
		case rate <= 0:
			tail = "time left unknown"
		default:
			left := time.Duration(float64(allSentences-sentences) / rate * float64(time.Second))
			tail = left.Round(time.Second).String() + " left"
		}
	}
	return fmt.Sprintf("documents %d/%d (%.1f %%), %d/%d sentences, %.0f sentences/s, %s",
		docs, allDocs, pct, sentences, allSentences, rate, tail)
}
