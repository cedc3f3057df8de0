package autocode

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/parallel"
)

// unitsOf builds a stored document's units; a document stored without
// words (by a store without a segmenter) is cut now.
func unitsOf(d graph.CodingDocument, w graph.Words) []Unit {
	words := d.Words
	simplified := make([]string, len(d.Sentences))
	if words == nil {
		words = make([][]string, len(d.Sentences))
		for i, st := range d.Sentences {
			words[i] = w.Words(st.Text)
		}
	}
	for i, st := range d.Sentences {
		simplified[i] = w.Simplify(st.Text)
	}
	return Units(d.Sentences, words, simplified)
}

// TrainOptions say what a model learns from.
type TrainOptions struct {
	// Coders are the human coders to learn from; none: every human coding.
	Coders []string
	// Filter admits the documents to learn from (of those the coders coded).
	Filter policykb.CorpusFilter
	// MaxSentences caps the training sentences (whole documents, spread
	// over the corpus); 0: 100,000.
	MaxSentences int
	// Dictionary, when set, is a hint (its matches are features), and the
	// coder is Combined: the dictionary codes where the model abstains
	// unsure.
	Dictionary *Dictionary
	// Hints, when set, is a dictionary the learned coder learns from
	// without coding by it: its matches are features and its words and
	// phrases examples (DictionaryExamples). The coder stays a Model (with
	// Dictionary too, the Combined coder's model learns from it).
	Hints *Dictionary
	// Backoff is Combined.Below (0: DefaultBackoff).
	Backoff float64
	// NoSeeds leaves out the codebook's names, as hints and as examples
	// (SeedExamples).
	NoSeeds    bool
	Thresholds Thresholds
}

// ReadTraining reads the documents the coders coded, as cross-validation
// and training take them.
func ReadTraining(ctx context.Context, store *graph.Store, w graph.Words, opt TrainOptions) ([]Document, error) {
	f := opt.Filter
	f.Coders = opt.Coders
	var docs []Document
	err := store.EachCodingDocument(ctx, graph.CodingDocumentsQuery{Filter: f, Human: true, Codings: true}, 0, func(batch []graph.CodingDocument) error {
		for _, d := range batch {
			doc := Document{ID: d.Document.ID, Units: unitsOf(d, w), Codes: map[string][]string{}}
			for _, c := range d.Codings {
				if !slices.Contains(doc.Codes[c.SentenceID], c.CodeID) {
					doc.Codes[c.SentenceID] = append(doc.Codes[c.SentenceID], c.CodeID)
				}
			}
			docs = append(docs, doc)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		who := "any human coder"
		if len(opt.Coders) > 0 {
			who = strings.Join(opt.Coders, ", ")
		}
		return nil, policykb.InvalidArgument("from", "no admitted document is coded by %s: nothing to learn from", who)
	}
	max := opt.MaxSentences
	if max <= 0 {
		max = 100000
	}
	total := 0
	for _, d := range docs {
		total += len(d.Units)
	}
	if total > max {
		// Every k-th document, so that the sample spans the corpus.
		k := (total + max - 1) / max
		var kept []Document
		for i, d := range docs {
			if i%k == 0 {
				kept = append(kept, d)
			}
		}
		docs = kept
	}
	return docs, nil
}

// Trainer returns the trainer of coders with these options: a Model, or
// with a Dictionary a Combined coder.
func (opt TrainOptions) Trainer(codes []policykb.Code, w graph.Words) Trainer {
	var hints []*Dictionary
	if opt.Dictionary != nil {
		hints = append(hints, opt.Dictionary)
	}
	var seeds []Example
	if opt.Hints != nil {
		if opt.Hints != opt.Dictionary {
			hints = append(hints, opt.Hints)
		}
		seeds = DictionaryExamples(opt.Hints, w.Words, w.Simplify)
	}
	if !opt.NoSeeds {
		hints = append(hints, Seeds(codes, w.Words, w.Simplify, w.Stop))
		seeds = append(seeds, SeedExamples(codes, w.Words, w.Simplify)...)
	}
	return func(examples []Example) (Coder, error) {
		m, err := Train(codes, append(examples[:len(examples):len(examples)], seeds...), w.Stop, opt.Thresholds, hints...)
		if err != nil || opt.Dictionary == nil {
			return m, err
		}
		below := opt.Backoff
		if below == 0 {
			below = DefaultBackoff
		}
		return Combined{Model: m, Dictionary: opt.Dictionary, Below: below}, nil
	}
}

// Examples flattens documents into training examples.
func Examples(docs []Document) []Example {
	var out []Example
	for _, d := range docs {
		for _, u := range d.Units {
			out = append(out, Example{Unit: u, Codes: d.Codes[u.Sentence.ID]})
		}
	}
	return out
}

// ApplyOptions say which documents a coder codes.
type ApplyOptions struct {
	// Filter admits the documents to code.
	Filter policykb.CorpusFilter
	// New codes only the documents no human coded.
	New bool
	// DryRun codes but writes nothing.
	DryRun bool
	// Progress, when set, gets a line per batch of documents.
	Progress io.Writer
}

// ApplySummary reports an application.
type ApplySummary struct {
	Coder                         string
	Documents, Sentences, Codings int
	Written                       graph.WriteSummary
	Elapsed                       time.Duration
}

// String summarises the application in one line.
func (s ApplySummary) String() string {
	return fmt.Sprintf("%s: %d documents, %d sentences, %d codings; %d created, %d deleted, %d confidences changed (%s, %.0f sentences/s)",
		s.Coder, s.Documents, s.Sentences, s.Codings, s.Written.RelationshipsCreated, s.Written.RelationshipsDeleted,
		max(0, s.Written.PropertiesSet-4*s.Written.RelationshipsCreated), s.Elapsed.Round(time.Millisecond),
		float64(s.Sentences)/max(s.Elapsed.Seconds(), 1e-9))
}

// Apply codes the admitted documents with a coder and makes its codings
// there the coder's (graph.ReplaceAutoCodings): running it twice writes
// nothing the second time; running it with a changed coder replaces what
// the first run wrote. Human codings are never touched. Documents are read,
// coded and written a hundred at a time.
func Apply(ctx context.Context, store *graph.Store, w graph.Words, coder string, c Coder, opt ApplyOptions) (ApplySummary, error) {
	began := time.Now()
	sum := ApplySummary{Coder: coder}
	q := graph.CodingDocumentsQuery{Filter: opt.Filter, HumanFree: opt.New}
	q.Filter.Coders = nil
	err := store.EachCodingDocument(ctx, q, 100, func(batch []graph.CodingDocument) error {
		ids := make([]string, len(batch))
		results := make([][]policykb.Coding, len(batch))
		parallel.ForEach(len(batch), func(i int) {
			d := batch[i]
			ids[i] = d.Document.ID
			for _, u := range unitsOf(d, w) {
				for _, s := range c.Predict(u) {
					conf := s.Confidence
					results[i] = append(results[i], policykb.Coding{SentenceID: u.Sentence.ID, CodeID: s.CodeID,
						Coder: coder, Origin: policykb.OriginAuto, Confidence: &conf})
				}
			}
		})
		var codings []policykb.Coding
		for i, d := range batch {
			sum.Sentences += len(d.Sentences)
			codings = append(codings, results[i]...)
		}
		sum.Documents += len(batch)
		sum.Codings += len(codings)
		if !opt.DryRun {
			ws, err := store.ReplaceAutoCodings(ctx, coder, opt.Filter.Study, ids, codings)
			sum.Written = sum.Written.Add(ws)
			if err != nil {
				return err
			}
		}
		if opt.Progress != nil {
			fmt.Fprintf(opt.Progress, "documents %d, sentences %d, codings %d, %.0f sentences/s\n",
				sum.Documents, sum.Sentences, sum.Codings, float64(sum.Sentences)/max(time.Since(began).Seconds(), 1e-9))
		}
		return nil
	})
	sum.Elapsed = time.Since(began)
	return sum, err
}
