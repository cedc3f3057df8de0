package loaders

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/policykb/policykb/graph"
)

// streamChunk is a chunk of documents ready to be written, or the error
// that stopped reading them.
type streamChunk struct {
	bundles []graph.DocumentBundle
	err     error
}

// write writes the stream's documents a chunk of about
// streamChunkSentences sentences at a time (each chunk in the
// transactions of graph.Store.WriteDocuments), reading the next chunk
// while one is written. The documents are those the validation pass
// checked: a text or codings file that changed since is an error, with
// the documents before it written whole.
func (s *docStream) write(ctx context.Context, store *graph.Store, study string, p *progress, log *slog.Logger) (graph.WriteSummary, error) {
	defer s.close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chunks := make(chan streamChunk)
	go func() {
		defer close(chunks)
		for lo := 0; lo < len(s.jobs); {
			hi, n := lo, 0
			for hi < len(s.jobs) && (hi == lo || n+s.sentences[hi] <= streamChunkSentences) {
				n += s.sentences[hi]
				hi++
			}
			bundles, err := s.bundles(lo, hi, study)
			select {
			case chunks <- streamChunk{bundles, err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
			lo = hi
		}
	}()
	var sum graph.WriteSummary
	done := 0
	for c := range chunks {
		if c.err != nil {
			return sum, c.err
		}
		w, err := store.WriteDocuments(ctx, c.bundles, func(d, _ int) { p.report(done+d, len(s.jobs)) })
		sum = sum.Add(w)
		if err != nil {
			return sum, err
		}
		done += len(c.bundles)
		log.Debug("load: documents written", "documents", done, "of", len(s.jobs))
	}
	return sum, nil
}

// bundles reads the documents jobs[lo:hi] again and returns their bundles
// as validated (see validation.shared), for study.
func (s *docStream) bundles(lo, hi int, study string) ([]graph.DocumentBundle, error) {
	jobs := make([]textJob, hi-lo)
	copy(jobs, s.jobs[lo:hi])
	sha := make([]string, len(jobs))
	for i, j := range jobs {
		e := &s.entries[j.doc]
		sha[i], e.ok = e.doc.SHA256, false
	}
	codings, quotes, err := s.read(jobs)
	if err != nil {
		return nil, err
	}
	out := make([]graph.DocumentBundle, len(jobs))
	for i, j := range jobs {
		e := &s.entries[j.doc]
		problems := j.problems.problems
		for _, q := range quotes {
			problems = append(problems, q.problems.problems...)
		}
		switch {
		case len(problems) > 0:
			return nil, fmt.Errorf("loaders: the input changed while it was loaded: %s", problems[0])
		case !e.ok || e.doc.SHA256 != sha[i] || len(e.sentences) != s.sentences[lo+i] || len(codings[i]) != e.nCodings:
			return nil, fmt.Errorf("loaders: %s (%s:%d) changed while it was loaded", e.path, s.file, e.line)
		}
		b := s.v.shared(graph.DocumentBundle{City: e.city, Document: e.doc, Sentences: e.sentences, Codings: codings[i]})
		b.Study = study
		for k := range b.Codings {
			b.Codings[k].Study = study
		}
		out[i] = b
		e.doc.Text, e.sentences = "", nil
	}
	return out, nil
}
