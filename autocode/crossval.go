package autocode

import (
	"fmt"
	"slices"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/analysis"
)

// Coder gives a sentence codes (a dictionary, a learned model, or both).
type Coder interface {
	Predict(u Unit) []Suggestion
}

// Document is one document's units with the reference coder's codes of
// each (by sentence id; a sentence absent was left uncoded).
type Document struct {
	ID    string
	Units []Unit
	Codes map[string][]string
}

// Trainer makes a coder from training examples (for cross-validation).
type Trainer func(examples []Example) (Coder, error)

// Folds splits documents into k parts for cross-validation: the i-th
// document in id order goes to part i mod k, so every part has whole
// documents and the parts differ in size by one at most.
func Folds(ids []string, k int) [][]string {
	sorted := slices.Clone(ids)
	slices.Sort(sorted)
	out := make([][]string, k)
	for i, id := range sorted {
		out[i%k] = append(out[i%k], id)
	}
	return out
}

// CrossValidate trains a coder on k−1 parts of the documents and codes the
// held-out part, for each of the k parts, and returns every sentence's
// predicted codes (by sentence id). Documents are never split.
func CrossValidate(docs []Document, k int, train Trainer) (map[string][]Suggestion, error) {
	if k < 2 || k > len(docs) {
		return nil, policykb.InvalidArgument("cross-validate", "cross-validation needs between 2 and %d parts (one document each at least), got %d", len(docs), k)
	}
	ids := make([]string, len(docs))
	byID := map[string]Document{}
	for i, d := range docs {
		ids[i] = d.ID
		byID[d.ID] = d
	}
	out := map[string][]Suggestion{}
	for i, held := range Folds(ids, k) {
		var examples []Example
		for _, d := range docs {
			if slices.Contains(held, d.ID) {
				continue
			}
			for _, u := range d.Units {
				examples = append(examples, Example{Unit: u, Codes: d.Codes[u.Sentence.ID]})
			}
		}
		coder, err := train(examples)
		if err != nil {
			return nil, fmt.Errorf("autocode: part %d of %d: %w", i+1, k, err)
		}
		for _, id := range held {
			for _, u := range byID[id].Units {
				if s := coder.Predict(u); len(s) > 0 {
					out[u.Sentence.ID] = s
				}
			}
		}
	}
	return out, nil
}

// EvaluateAll compares predictions with the documents' reference codes at
// every level of the scheme, over every sentence of the documents.
func EvaluateAll(codes []policykb.Code, docs []Document, predicted map[string][]Suggestion) []analysis.Evaluation {
	scheme := analysis.NewScheme(codes)
	var units []string
	ref := map[string][]string{}
	cand := map[string][]string{}
	for _, d := range docs {
		for _, u := range d.Units {
			id := u.Sentence.ID
			units = append(units, id)
			ref[id] = d.Codes[id]
			for _, s := range predicted[id] {
				cand[id] = append(cand[id], s.CodeID)
			}
		}
	}
	var out []analysis.Evaluation
	for _, l := range scheme.Levels() {
		out = append(out, analysis.Evaluate(scheme, l, units, ref, cand))
	}
	return out
}
