package autocode

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
)

// EvaluateStored compares two stored coders (human or automatic) with the
// units of Query.agreement: the sentences of the admitted documents both
// coded at least one sentence in. Its kappa and Holsti are the numbers
// agreement gives for the same coders.
func EvaluateStored(ctx context.Context, store *graph.Store, reference, candidate string, f policykb.CorpusFilter) (Report, error) {
	codes, err := store.StudyCodes(ctx, f.Study)
	if err != nil {
		return Report{}, err
	}
	c, err := store.CompareCoders(ctx, reference, candidate, f)
	if err != nil {
		return Report{}, err
	}
	return NewReport(reference, candidate, "stored codings, documents both coded", len(c.Documents), codes,
		EvaluateUnits(codes, c.Units, c.Reference, c.Candidate)), nil
}

// referenceDocs reads the admitted documents the reference coder coded,
// with the reference's codes.
func referenceDocs(ctx context.Context, store *graph.Store, w graph.Words, reference string, f policykb.CorpusFilter) ([]Document, error) {
	docs, err := ReadTraining(ctx, store, w, TrainOptions{Coders: []string{reference}, Filter: f, MaxSentences: 1 << 40})
	if err != nil && policykb.ErrorCodeOf(err) == policykb.EInvalid {
		return nil, policykb.InvalidArgument("reference", "no admitted document is coded by %q", reference)
	}
	return docs, err
}

// EvaluateCodings compares codings that are not stored (read from a file)
// with a stored reference coder, on the sentences of the admitted
// documents both coded at least one sentence in.
func EvaluateCodings(ctx context.Context, store *graph.Store, w graph.Words, reference, candidate string, codings []policykb.Coding, f policykb.CorpusFilter) (Report, error) {
	codes, err := store.StudyCodes(ctx, f.Study)
	if err != nil {
		return Report{}, err
	}
	cand := map[string][]string{}
	candDocs := map[string]bool{}
	for _, c := range codings {
		if !slices.Contains(cand[c.SentenceID], c.CodeID) {
			cand[c.SentenceID] = append(cand[c.SentenceID], c.CodeID)
		}
		doc, _, _ := strings.Cut(c.SentenceID, "#")
		candDocs[doc] = true
	}
	docs, err := referenceDocs(ctx, store, w, reference, f)
	if err != nil {
		return Report{}, err
	}
	var units []string
	ref := map[string][]string{}
	n := 0
	for _, d := range docs {
		if !candDocs[d.ID] {
			continue
		}
		n++
		for _, u := range d.Units {
			units = append(units, u.Sentence.ID)
			ref[u.Sentence.ID] = d.Codes[u.Sentence.ID]
		}
	}
	return NewReport(reference, candidate, "codings file, documents both coded", n, codes, EvaluateUnits(codes, units, ref, cand)), nil
}

// EvaluateCoder codes every sentence of the documents the reference coded
// with a coder (a dictionary) in memory and compares it with the reference.
func EvaluateCoder(ctx context.Context, store *graph.Store, w graph.Words, reference, candidate string, c Coder, f policykb.CorpusFilter) (Report, error) {
	codes, err := store.StudyCodes(ctx, f.Study)
	if err != nil {
		return Report{}, err
	}
	docs, err := referenceDocs(ctx, store, w, reference, f)
	if err != nil {
		return Report{}, err
	}
	pred := map[string][]Suggestion{}
	for _, d := range docs {
		for _, u := range d.Units {
			if s := c.Predict(u); len(s) > 0 {
				pred[u.Sentence.ID] = s
			}
		}
	}
	return NewReport(reference, candidate, "every sentence of the reference's documents", len(docs), codes, EvaluateAll(codes, docs, pred)), nil
}

// CrossValidateStored evaluates the learned coder by k-fold
// cross-validation on the documents the reference coded: trained on the
// reference's codings in k−1 parts of the documents, it codes every
// sentence of the held-out part (documents are never split), and all the
// parts' codes are compared with the reference's.
func CrossValidateStored(ctx context.Context, store *graph.Store, w graph.Words, reference string, k int, opt TrainOptions) (Report, error) {
	codes, err := store.StudyCodes(ctx, opt.Filter.Study)
	if err != nil {
		return Report{}, err
	}
	opt.Coders = []string{reference}
	docs, err := referenceDocs(ctx, store, w, reference, opt.Filter)
	if err != nil {
		return Report{}, err
	}
	pred, err := CrossValidate(docs, k, opt.Trainer(codes, w))
	if err != nil {
		return Report{}, err
	}
	how := fmt.Sprintf("learned coder, %d-fold cross-validation over documents", k)
	if opt.Dictionary != nil {
		how += ", backed by dictionary " + opt.Dictionary.Name
	}
	if opt.Hints != nil {
		how += ", learning from dictionary " + opt.Hints.Name
	}
	return NewReport(reference, "auto:model (cross-validated)", how, len(docs), codes, EvaluateAll(codes, docs, pred)), nil
}
