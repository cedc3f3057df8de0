package graph

import (
	"context"
	"fmt"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/analysis"
)

// CowordQuery asks for the co-occurrence of the most frequent words.
type CowordQuery struct {
	Filter policykb.CorpusFilter
	// Top is the number of words (the most frequent, as Words ranks them).
	Top       int
	MinLength int
	// Scope is the unit two words co-occur in: a sentence or a document.
	Scope policykb.Scope
}

// Coword is the answer to a CowordQuery.
type Coword struct {
	// Words are the Top most frequent words, as Words returns them (their
	// numbers over the admitted corpus).
	Words []WordCount
	// Units is the number of admitted sentences or documents (the scope).
	Units int
	// Counts has, for the words in the order of Words, the units holding
	// each word, each pair, and the products of their frequencies, from
	// which analysis computes every measure.
	Counts analysis.Cooccurrence
}

// Coword counts, for the Top most frequent words of the admitted corpus,
// the sentences (or documents) holding each and each pair of them. Stop
// words and words shorter than MinLength are left out, as in Words.
func (s *Store) Coword(ctx context.Context, q CowordQuery) (Coword, error) {
	ctx, end := s.enter(ctx, "Coword")
	defer end()
	if err := checkWordArgs(q.Top, q.MinLength); err != nil {
		return Coword{}, err
	}
	if !q.Scope.Valid() {
		return Coword{}, policykb.InvalidArgument("scope", "graph: coword: unknown scope %v", q.Scope)
	}
	idx, err := s.wordIndex(ctx)
	if err != nil {
		return Coword{}, err
	}
	t, sc, err := s.tallyFor(ctx, idx, q.Filter)
	if err != nil {
		return Coword{}, fmt.Errorf("graph: coword: %w", err)
	}
	top := idx.ranked(t, q.MinLength)
	top = top[:min(q.Top, len(top))]
	out := Coword{Counts: analysis.NewCooccurrence(len(top))}
	slot := idx.slots(top)
	for _, id := range top {
		out.Words = append(out.Words, idx.count(t, id))
	}
	freq := make([]int, len(top))
	var present []int
	flush := func() {
		out.Units++
		out.Counts.AddUnit(present, freq)
		for _, k := range present {
			freq[k] = 0
		}
		present = present[:0]
	}
	lastDoc := -1
	sc.sentences(idx, func(g int32, doc int) {
		if q.Scope == policykb.ScopeDocument && doc != lastDoc {
			if lastDoc >= 0 {
				flush()
			}
			lastDoc = doc
		}
		for _, id := range idx.sentence(g) {
			if k := int(slot[id]); k >= 0 {
				if freq[k] == 0 {
					present = append(present, k)
				}
				freq[k]++
			}
		}
		if q.Scope == policykb.ScopeSentence {
			flush()
		}
	})
	if q.Scope == policykb.ScopeDocument {
		if lastDoc >= 0 {
			flush()
		}
		// Admitted documents without an admitted sentence are units too.
		out.Units = len(sc.docs)
	}
	return out, nil
}
