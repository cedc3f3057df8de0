package loaders

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/policykb/policykb/graph"
)

// Options tune Load. Progress and Log may be nil.
type Options struct {
	// Progress receives the state of the load while documents are written
	// (documents and sentences done out of all, sentences per second, the
	// time left at that rate), once a load has taken more than a second:
	// a line every ProgressEvery (default 10 s), or with ProgressLive one
	// line rewritten in place four times a second (for a terminal). A load
	// that printed anything ends with a line at 100 %.
	Progress      io.Writer
	ProgressLive  bool
	ProgressEvery time.Duration
	Log           *slog.Logger
}

// Summary reports a load: what was submitted (Codes, Documents, Sentences,
// Codings) and what changed in the database (NodesCreated, ...). A second
// load of the same input shows the same submitted counts and nothing
// created or deleted.
type Summary struct {
	graph.WriteSummary
	Elapsed time.Duration
}

// String summarises the load in one line.
func (s Summary) String() string {
	out := fmt.Sprintf("%d codes, %d documents, %d sentences, %d codings; %d nodes and %d relationships created",
		s.Codes, s.Documents, s.Sentences, s.Codings, s.NodesCreated, s.RelationshipsCreated)
	if s.NodesDeleted > 0 || s.RelationshipsDeleted > 0 {
		out += fmt.Sprintf(", %d nodes and %d relationships deleted", s.NodesDeleted, s.RelationshipsDeleted)
	}
	return out + fmt.Sprintf(" (%s)", s.Elapsed.Round(time.Millisecond))
}

// Load validates the input (the checks of Validate, in a pass over the
// files that keeps only what checks across files need) and, only when it
// is free of problems, writes it, reading the documents again a chunk at
// a time, so that memory does not grow with the input: the codebook, then the documents with their cities,
// sentences and codings, then the codings on documents already stored. Bad
// input writes nothing. Each step is idempotent, so loading the same input
// twice changes nothing; a load interrupted between steps is completed by
// running it again.
func Load(ctx context.Context, store *graph.Store, in Input, opts Options) (Summary, error) {
	if store == nil {
		return Summary{}, errors.New("loaders: load: no database")
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	began := time.Now()
	store.PrepareWords() // gse's dictionary loads while the input is checked
	plan, err := validateStream(ctx, store, in)
	if err != nil {
		return Summary{}, err
	}
	if plan.stream != nil {
		defer plan.stream.close()
	}
	for _, n := range plan.Notes {
		log.Info("load: " + n)
	}
	log.Info("load: validated", "plan", plan.String(), "took", time.Since(began).Round(time.Millisecond))
	return writePlan(ctx, store, plan, opts, log, began)
}

// WritePlan writes a validated plan (from Validate, or from an importer
// such as PlanQDPX): the codebook, then the documents with their cities,
// sentences and codings, then the codings on documents already stored.
// Each step is idempotent, so writing the same plan twice changes nothing.
func WritePlan(ctx context.Context, store *graph.Store, plan *Plan, opts Options) (Summary, error) {
	if store == nil {
		return Summary{}, errors.New("loaders: write: no database")
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return writePlan(ctx, store, plan, opts, log, time.Now())
}

func writePlan(ctx context.Context, store *graph.Store, plan *Plan, opts Options, log *slog.Logger, began time.Time) (Summary, error) {
	if err := store.EnsureSchema(ctx); err != nil {
		return Summary{}, fmt.Errorf("loaders: load: %w", err)
	}
	if err := plan.ensureStudy(ctx, store); err != nil {
		return Summary{}, fmt.Errorf("loaders: load: %w", err)
	}
	notes, err := plan.linkStoredTexts(ctx, store)
	if err != nil {
		return Summary{}, fmt.Errorf("loaders: load: %w", err)
	}
	for _, n := range notes {
		log.Info("load: " + n)
	}
	var sum graph.WriteSummary
	if len(plan.Codes) > 0 {
		s, err := store.WriteCodebook(ctx, plan.Codes)
		if err != nil {
			return Summary{sum, time.Since(began)}, fmt.Errorf("loaders: load: %w", err)
		}
		sum = sum.Add(s)
		log.Debug("load: codebook written", "codes", s.Codes, "nodesCreated", s.NodesCreated)
	}
	if len(plan.Documents) > 0 {
		p := newProgress(opts.Progress, opts.ProgressLive, opts.ProgressEvery, plan.Documents)
		s, err := store.WriteDocuments(ctx, plan.Documents, p.report)
		p.finish()
		if err != nil {
			return Summary{sum.Add(s), time.Since(began)}, fmt.Errorf("loaders: load: %w", err)
		}
		sum = sum.Add(s)
		log.Debug("load: documents written", "documents", s.Documents, "sentences", s.Sentences, "nodesCreated", s.NodesCreated)
	}
	if plan.stream != nil && len(plan.stream.jobs) > 0 {
		p := newProgressOf(opts.Progress, opts.ProgressLive, opts.ProgressEvery, plan.stream.sentences)
		s, err := plan.stream.write(ctx, store, plan.Study, p, log)
		p.finish()
		sum = sum.Add(s)
		if err != nil {
			return Summary{sum, time.Since(began)}, fmt.Errorf("loaders: load: %w", err)
		}
		log.Debug("load: documents written", "documents", s.Documents, "sentences", s.Sentences, "nodesCreated", s.NodesCreated)
	}
	if len(plan.Codings) > 0 {
		s, err := store.WriteCodings(ctx, plan.Codings)
		if err != nil {
			return Summary{sum.Add(s), time.Since(began)}, fmt.Errorf("loaders: load: %w", err)
		}
		sum = sum.Add(s)
		log.Debug("load: codings written", "codings", s.Codings, "relationshipsCreated", s.RelationshipsCreated)
	}
	if sum.RelationshipsCreated > 0 || sum.RelationshipsDeleted > 0 {
		// The study's mappings derive from the codings just written.
		d, err := store.Rederive(ctx, plan.Study)
		if err != nil {
			return Summary{sum, time.Since(began)}, fmt.Errorf("loaders: load: %w", err)
		}
		d.Codings = 0
		sum = sum.Add(d)
	}
	if len(plan.Frames) > 0 {
		s, err := writePlanFrames(ctx, store, plan)
		sum = sum.Add(s)
		if err != nil {
			return Summary{sum, time.Since(began)}, fmt.Errorf("loaders: load: %w", err)
		}
	}
	out := Summary{sum, time.Since(began)}
	log.Info("load: done", "summary", out.String())
	return out, nil
}
