package graph

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/analysis"
)

// WordCount is a word's numbers among the sentences a question admits.
type WordCount struct {
	Word string
	// Frequency is the number of times the word occurs (term frequency).
	Frequency int
	// Documents is the number of documents holding it (document frequency).
	Documents int
	// Sentences is the number of sentences holding it.
	Sentences int
}

// WordStats is the answer to Words.
type WordStats struct {
	// Words are the most frequent words, most frequent first (then in more
	// documents, then by the word).
	Words []WordCount
	// Tokens counts every occurrence of a counted word (of at least
	// MinLength characters, not a stop word); Vocabulary the distinct ones.
	Tokens, Vocabulary int
	// Documents and Sentences are the admitted ones.
	Documents, Sentences int
}

// WordQuery asks for the most frequent words.
type WordQuery struct {
	Filter policykb.CorpusFilter
	// Top is how many words to return (the most frequent).
	Top int
	// MinLength leaves out words of fewer characters (code points).
	MinLength int
}

// wordTally is the numbers of every word of the index over a scope.
type wordTally struct {
	tf, sf, df      []int32
	docs, sentences int
}

// tally counts every word over the scope's sentences.
func (idx *wordIndex) tally(sc wordScope) *wordTally {
	n := len(idx.vocab)
	t := &wordTally{tf: make([]int32, n), sf: make([]int32, n), df: make([]int32, n), docs: len(sc.docs)}
	lastSent, lastDoc := make([]int32, n), make([]int32, n)
	for i := range lastSent {
		lastSent[i], lastDoc[i] = -1, -1
	}
	sc.sentences(idx, func(g int32, doc int) {
		t.sentences++
		for _, id := range idx.sentence(g) {
			t.tf[id]++
			if lastSent[id] != g {
				lastSent[id] = g
				t.sf[id]++
			}
			if lastDoc[id] != int32(doc) {
				lastDoc[id] = int32(doc)
				t.df[id]++
			}
		}
	})
	return t
}

// slots returns, for every word id, its position in ids, or -1 (ids < 0
// are skipped).
func (idx *wordIndex) slots(ids []int32) []int32 {
	slot := make([]int32, len(idx.vocab))
	for i := range slot {
		slot[i] = -1
	}
	for k, id := range ids {
		if id >= 0 {
			slot[id] = int32(k)
		}
	}
	return slot
}

// counted reports whether a word id counts under a minimum length.
func (idx *wordIndex) counted(id int32, minLength int) bool { return int(idx.runes[id]) >= minLength }

// ranked returns the ids of words with tf > 0 and at least minLength
// characters, most frequent first, then in more documents, then by word.
func (idx *wordIndex) ranked(t *wordTally, minLength int) []int32 {
	var ids []int32
	for id, tf := range t.tf {
		if tf > 0 && idx.counted(int32(id), minLength) {
			ids = append(ids, int32(id))
		}
	}
	slices.SortFunc(ids, func(a, b int32) int {
		if c := cmp.Compare(t.tf[b], t.tf[a]); c != 0 {
			return c
		}
		if c := cmp.Compare(t.df[b], t.df[a]); c != 0 {
			return c
		}
		return strings.Compare(idx.vocab[a], idx.vocab[b])
	})
	return ids
}

func (idx *wordIndex) count(t *wordTally, id int32) WordCount {
	return WordCount{Word: idx.vocab[id], Frequency: int(t.tf[id]), Documents: int(t.df[id]), Sentences: int(t.sf[id])}
}

// tallyFor counts the words under a filter; the unfiltered tally is
// computed once per index.
func (s *Store) tallyFor(ctx context.Context, idx *wordIndex, f policykb.CorpusFilter) (*wordTally, wordScope, error) {
	sc, err := s.wordScope(ctx, idx, f)
	if err != nil {
		return nil, sc, err
	}
	if isZeroFilter(f) {
		idx.totalsOnce.Do(func() { idx.totals = idx.tally(sc) })
		return idx.totals, sc, nil
	}
	return idx.tally(sc), sc, nil
}

func isZeroFilter(f policykb.CorpusFilter) bool {
	return len(f.Cities) == 0 && len(f.Provinces) == 0 && len(f.Documents) == 0 &&
		f.IssuedFrom == nil && f.IssuedTo == nil && len(f.Coders) == 0
}

func checkWordArgs(top, minLength int) error {
	if top < 1 {
		return policykb.InvalidArgument("top", "top must be at least 1, got %d", top)
	}
	if minLength < 1 {
		return policykb.InvalidArgument("minLength", "minLength must be at least 1, got %d", minLength)
	}
	return nil
}

// Words returns the Top most frequent words of the sentences the filter
// admits (with its coders, the sentences they coded), leaving out stop
// words and words shorter than MinLength, with the totals of the admitted
// corpus. Counting is on the stored words of each sentence.
func (s *Store) Words(ctx context.Context, q WordQuery) (WordStats, error) {
	ctx, end := s.enter(ctx, "Words")
	defer end()
	if err := checkWordArgs(q.Top, q.MinLength); err != nil {
		return WordStats{}, err
	}
	idx, err := s.wordIndex(ctx)
	if err != nil {
		return WordStats{}, err
	}
	t, _, err := s.tallyFor(ctx, idx, q.Filter)
	if err != nil {
		return WordStats{}, fmt.Errorf("graph: words: %w", err)
	}
	ids := idx.ranked(t, q.MinLength)
	out := WordStats{Documents: t.docs, Sentences: t.sentences, Vocabulary: len(ids)}
	for _, id := range ids {
		out.Tokens += int(t.tf[id])
	}
	for _, id := range ids[:min(q.Top, len(ids))] {
		out.Words = append(out.Words, idx.count(t, id))
	}
	return out, nil
}

// WordsByCity returns, for each city (by name) with an admitted document
// holding one of the words, the numbers of those words there (words the
// city lacks are absent).
func (s *Store) WordsByCity(ctx context.Context, words []string, f policykb.CorpusFilter) (map[string]map[string]WordCount, error) {
	ctx, end := s.enter(ctx, "WordsByCity")
	defer end()
	idx, err := s.wordIndex(ctx)
	if err != nil {
		return nil, err
	}
	sc, err := s.wordScope(ctx, idx, f)
	if err != nil {
		return nil, fmt.Errorf("graph: words by city: %w", err)
	}
	var ids []int32
	for _, w := range words {
		id, ok := idx.ids[w]
		if !ok {
			id = -1
		}
		ids = append(ids, id)
	}
	slot := idx.slots(ids)
	type acc struct{ tf, sf, df []int32 }
	byCity := map[string]*acc{}
	lastSent, lastDoc := make([]int32, len(words)), make([]int, len(words))
	for i := range lastSent {
		lastSent[i], lastDoc[i] = -1, -1
	}
	sc.sentences(idx, func(g int32, doc int) {
		city := idx.docs[doc].city
		for _, id := range idx.sentence(g) {
			k := int(slot[id])
			if k < 0 {
				continue
			}
			a := byCity[city]
			if a == nil {
				a = &acc{make([]int32, len(words)), make([]int32, len(words)), make([]int32, len(words))}
				byCity[city] = a
			}
			a.tf[k]++
			if lastSent[k] != g {
				lastSent[k] = g
				a.sf[k]++
			}
			if lastDoc[k] != doc {
				lastDoc[k] = doc
				a.df[k]++
			}
		}
	})
	out := make(map[string]map[string]WordCount, len(byCity))
	for city, a := range byCity {
		m := map[string]WordCount{}
		for k, w := range words {
			if a.tf[k] > 0 {
				m[w] = WordCount{Word: w, Frequency: int(a.tf[k]), Documents: int(a.df[k]), Sentences: int(a.sf[k])}
			}
		}
		out[city] = m
	}
	return out, nil
}

// KeywordUnit is what keywords are found for.
type KeywordUnit int

// The units of Keywords.
const (
	KeywordsOfDocument KeywordUnit = iota + 1 // each admitted document
	KeywordsOfCity                            // each city's admitted documents together
	KeywordsOfCode                            // the admitted sentences coded at each code of a level
)

// KeywordQuery asks for the keywords of documents, cities or codes.
type KeywordQuery struct {
	Of KeywordUnit
	// Level is the level of the codes (KeywordsOfCode).
	Level policykb.Level
	// Units, when not empty, are the documents (ids), cities (names,
	// English or Chinese) or codes (ids) to answer for; else all of them.
	Units     []string
	Top       int
	MinLength int
	Filter    policykb.CorpusFilter
}

// Keyword is a word of a unit with its TF-IDF score (analysis.TFIDF).
type Keyword struct {
	Word string
	// Frequency is its occurrences in the unit; Sentences the unit's
	// sentences holding it; DocumentFrequency the admitted documents of the
	// whole corpus holding it.
	Frequency, Sentences, DocumentFrequency int
	Score                                   float64
}

// KeywordTable is one unit's keywords, best first (then by frequency and
// word).
type KeywordTable struct {
	// Unit is the document's id, the city's name or the code's id.
	Unit string
	// Tokens is the number of counted words of the unit (the TF
	// denominator); Documents its admitted documents, Sentences its sentences.
	Tokens, Documents, Sentences int
	Keywords                     []Keyword
}

// Keywords scores the words of each unit against the admitted corpus with
// TF-IDF (analysis.TFIDF: the word's share of the unit's counted words
// times its smoothed inverse document frequency over the admitted
// documents) and returns the Top best of each. Documents come in document
// order, cities by name, codes in codebook order; a unit without counted
// words has no keywords. Sentences of a code are those coded at it or
// below it by the filter's coders (human ones by default).
func (s *Store) Keywords(ctx context.Context, q KeywordQuery) ([]KeywordTable, error) {
	ctx, end := s.enter(ctx, "Keywords")
	defer end()
	if err := checkWordArgs(q.Top, q.MinLength); err != nil {
		return nil, err
	}
	idx, err := s.wordIndex(ctx)
	if err != nil {
		return nil, err
	}
	corpus, sc, err := s.tallyFor(ctx, idx, q.Filter)
	if err != nil {
		return nil, fmt.Errorf("graph: keywords: %w", err)
	}
	units, err := s.keywordUnits(ctx, idx, q, sc)
	if err != nil {
		return nil, fmt.Errorf("graph: keywords: %w", err)
	}
	out := make([]KeywordTable, 0, len(units))
	n := len(idx.vocab)
	tf, sf, lastSent := make([]int32, n), make([]int32, n), make([]int32, n)
	for i := range lastSent {
		lastSent[i] = -1
	}
	var touched []int32
	for _, u := range units {
		table := KeywordTable{Unit: u.name, Documents: len(u.scope.docs)}
		u.scope.sentences(idx, func(g int32, _ int) {
			table.Sentences++
			for _, id := range idx.sentence(g) {
				if !idx.counted(id, q.MinLength) {
					continue
				}
				if tf[id] == 0 {
					touched = append(touched, id)
				}
				tf[id]++
				table.Tokens++
				if lastSent[id] != g {
					lastSent[id] = g
					sf[id]++
				}
			}
		})
		kws := make([]Keyword, 0, len(touched))
		for _, id := range touched {
			kws = append(kws, Keyword{Word: idx.vocab[id], Frequency: int(tf[id]), Sentences: int(sf[id]),
				DocumentFrequency: int(corpus.df[id]),
				Score:             analysis.TFIDF(int(tf[id]), table.Tokens, int(corpus.df[id]), corpus.docs)})
			tf[id], sf[id], lastSent[id] = 0, 0, -1
		}
		touched = touched[:0]
		slices.SortFunc(kws, func(a, b Keyword) int {
			if c := cmp.Compare(b.Score, a.Score); c != 0 {
				return c
			}
			if c := cmp.Compare(b.Frequency, a.Frequency); c != 0 {
				return c
			}
			return strings.Compare(a.Word, b.Word)
		})
		table.Keywords = kws[:min(q.Top, len(kws))]
		out = append(out, table)
	}
	return out, nil
}

type keywordUnit struct {
	name  string
	scope wordScope
}

// keywordUnits splits the admitted scope into the units of q.
func (s *Store) keywordUnits(ctx context.Context, idx *wordIndex, q KeywordQuery, sc wordScope) ([]keywordUnit, error) {
	want := map[string]bool{} // document and code ids, as NameKey
	for _, u := range q.Units {
		want[policykb.NameKey(u)] = true
	}
	var units []keywordUnit
	switch q.Of {
	case KeywordsOfDocument:
		for _, di := range sc.docs {
			d := idx.docs[di]
			if len(want) > 0 && !want[policykb.NameKey(d.id)] {
				continue
			}
			u := keywordUnit{name: d.id, scope: wordScope{docs: []int{di}}}
			if sc.only != nil {
				u.scope.only = map[int]map[int32]bool{di: sc.only[di]}
			}
			units = append(units, u)
		}
	case KeywordsOfCity:
		cities, err := s.Cities(ctx)
		if err != nil {
			return nil, err
		}
		byCity := map[string]*keywordUnit{}
		for _, c := range cities {
			if len(q.Units) > 0 && !slices.ContainsFunc(q.Units, c.Called) {
				continue
			}
			byCity[c.Name] = &keywordUnit{name: c.Name}
		}
		for _, di := range sc.docs {
			u := byCity[idx.docs[di].city]
			if u == nil {
				continue
			}
			u.scope.docs = append(u.scope.docs, di)
			if sc.only != nil {
				if u.scope.only == nil {
					u.scope.only = map[int]map[int32]bool{}
				}
				u.scope.only[di] = sc.only[di]
			}
		}
		for _, c := range cities {
			if u := byCity[c.Name]; u != nil && len(u.scope.docs) > 0 {
				units = append(units, *u)
			}
		}
	case KeywordsOfCode:
		if !q.Level.Valid() {
			return nil, policykb.InvalidArgument("level", "keywords of codes need a level")
		}
		codes, err := s.StudyCodes(ctx, q.Filter.Study)
		if err != nil {
			return nil, err
		}
		var ids []string
		for _, c := range codes {
			if c.Level == q.Level && (len(want) == 0 || want[policykb.NameKey(c.ID)]) {
				ids = append(ids, c.ID)
			}
		}
		sets, err := s.codedSentenceSets(ctx, q.Filter, ids)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			units = append(units, keywordUnit{name: id, scope: sc.restrict(idx, sets[id])})
		}
	default:
		return nil, policykb.InvalidArgument("of", "unknown keyword unit %d", q.Of)
	}
	return units, nil
}
