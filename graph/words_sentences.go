package graph

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
)

// WordSentenceQuery selects the sentences behind a word number.
type WordSentenceQuery struct {
	Filter policykb.CorpusFilter
	// Words are one word (a word's sentences) or two (a co-word pair's).
	Words []string
	// Scope SENTENCE: the sentences holding every word. DOCUMENT: in the
	// documents holding every word, the sentences holding any of them.
	Scope policykb.Scope
	// City, Document and Code narrow the sentences further: to a city
	// (its name), a document (its id), or the sentences coded at a code or
	// below it (by the filter's coders; human codings by default). Empty:
	// no restriction.
	City, Document, Code string
}

// WordSentences lists the sentences a query selects in document order,
// then sentence order, with their total: exactly the sentences counted in
// the numbers of Words (Sentences), WordsByCity, Keywords (a keyword of a
// document, city or code: its Sentences) and Coword (a pair's count).
func (s *Store) WordSentences(ctx context.Context, q WordSentenceQuery, p Page) ([]policykb.Sentence, int, error) {
	ctx, end := s.enter(ctx, "WordSentences")
	defer end()
	if len(q.Words) == 0 {
		return nil, 0, policykb.InvalidArgument("words", "no word given")
	}
	if q.Scope == 0 {
		q.Scope = policykb.ScopeSentence
	}
	idx, err := s.wordIndex(ctx)
	if err != nil {
		return nil, 0, err
	}
	sc, err := s.wordScope(ctx, idx, q.Filter)
	if err != nil {
		return nil, 0, fmt.Errorf("graph: word sentences: %w", err)
	}
	if q.City != "" || q.Document != "" {
		var docs []int
		for _, di := range sc.docs {
			d := idx.docs[di]
			if (q.City == "" || d.city == q.City) && (q.Document == "" || d.id == q.Document) {
				docs = append(docs, di)
			}
		}
		sc.docs = docs
	}
	if q.Code != "" {
		sets, err := s.codedSentenceSets(ctx, q.Filter, []string{q.Code})
		if err != nil {
			return nil, 0, fmt.Errorf("graph: word sentences: %w", err)
		}
		sc = sc.restrict(idx, sets[q.Code])
	}
	ids := make([]int32, len(q.Words))
	for i, w := range q.Words {
		id, ok := idx.ids[w]
		if !ok {
			return nil, 0, nil // a stop word or a word the corpus lacks: no sentence holds it
		}
		ids[i] = id
	}
	has := func(g int32, id int32) bool { return slices.Contains(idx.sentence(g), id) }
	var hits []int32
	if q.Scope == policykb.ScopeSentence {
		sc.sentences(idx, func(g int32, _ int) {
			for _, id := range ids {
				if !has(g, id) {
					return
				}
			}
			hits = append(hits, g)
		})
	} else {
		for _, di := range sc.docs {
			one := wordScope{docs: []int{di}}
			if sc.only != nil {
				one.only = map[int]map[int32]bool{di: sc.only[di]}
			}
			var in []int32
			found := make([]bool, len(ids))
			one.sentences(idx, func(g int32, _ int) {
				any := false
				for k, id := range ids {
					if has(g, id) {
						found[k], any = true, true
					}
				}
				if any {
					in = append(in, g)
				}
			})
			if !slices.Contains(found, false) {
				hits = append(hits, in...)
			}
		}
	}
	page := pageOf(hits, p)
	sentences, err := s.sentencesInOrder(ctx, idx, page)
	if err != nil {
		return nil, 0, fmt.Errorf("graph: word sentences: %w", err)
	}
	return sentences, len(hits), nil
}

func pageOf[T any](all []T, p Page) []T {
	if p.Offset >= len(all) {
		return nil
	}
	return all[p.Offset:min(len(all), p.Offset+p.Limit)]
}

// sentencesInOrder reads the sentences with the given global numbers, in
// that order.
func (s *Store) sentencesInOrder(ctx context.Context, idx *wordIndex, gs []int32) ([]policykb.Sentence, error) {
	if len(gs) == 0 {
		return nil, nil
	}
	ids := make([]string, len(gs))
	for i, g := range gs {
		d := idx.docs[idx.docOf(g)]
		ids[i] = policykb.SentenceID(d.id, int(g-d.first))
	}
	byID, err := s.SentencesByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]policykb.Sentence, 0, len(ids))
	for _, id := range ids {
		if st, ok := byID[id]; ok {
			out = append(out, st)
		}
	}
	return out, nil
}

// ConcordanceLine is one occurrence of a word in context (keyword in
// context): the sentence, where the word is in its text (code points),
// and up to Window characters of the sentence on either side.
type ConcordanceLine struct {
	Sentence          policykb.Sentence
	Start             int // code points into Sentence.Text
	Left, Word, Right string
}

const documentWordLines = `
MATCH (d:Document) WHERE d.id IN $ids RETURN collect([d.id, d.words])`

// Concordance lists the occurrences of a word (as segmented: 教育 does not
// match inside 职业教育 when that is cut as one word) in the admitted
// sentences, in document then sentence order then position, with their
// total. The text shown is the sentence's own (traditional characters
// stay traditional; positions are the same in its simplified form). A
// stop word, or a text that is not one word, is BAD_USER_INPUT naming
// "word".
func (s *Store) Concordance(ctx context.Context, word string, window int, f policykb.CorpusFilter, p Page) ([]ConcordanceLine, int, error) {
	ctx, end := s.enter(ctx, "Concordance")
	defer end()
	if s.cfg.Words == nil {
		return nil, 0, errNoWords
	}
	if window < 0 || window > 200 {
		return nil, 0, policykb.InvalidArgument("window", "window must be between 0 and 200 characters, got %d", window)
	}
	w := s.cfg.Words.Simplify(strings.TrimSpace(word))
	if got := s.cfg.Words.Words(w); len(got) != 1 || got[0] != w {
		if w == "" {
			return nil, 0, policykb.InvalidArgument("word", "the word is empty")
		}
		return nil, 0, policykb.InvalidArgument("word", "%q is not one word as policykb segments text (it is cut as %q)", word, strings.Join(got, " "))
	}
	if s.cfg.Words.Stop(w) {
		return nil, 0, policykb.InvalidArgument("word", "%q is a stop word (words.stop_words): it is not counted", word)
	}
	idx, err := s.wordIndex(ctx)
	if err != nil {
		return nil, 0, err
	}
	sc, err := s.wordScope(ctx, idx, f)
	if err != nil {
		return nil, 0, fmt.Errorf("graph: concordance: %w", err)
	}
	id, ok := idx.ids[w]
	if !ok {
		return nil, 0, nil
	}
	// The page's occurrences: (sentence, which occurrence in it).
	type hit struct {
		g int32
		k int
	}
	var page []hit
	total := 0
	sc.sentences(idx, func(g int32, _ int) {
		k := 0 // occurrences of the word so far in this sentence
		for _, t := range idx.sentence(g) {
			if t != id {
				continue
			}
			if total >= p.Offset && total < p.Offset+p.Limit {
				page = append(page, hit{g, k})
			}
			k++
			total++
		}
	})
	if len(page) == 0 {
		return nil, total, nil
	}
	gs := make([]int32, 0, len(page))
	docIDs := []string{}
	for _, h := range page {
		if len(gs) == 0 || gs[len(gs)-1] != h.g {
			gs = append(gs, h.g)
			d := idx.docs[idx.docOf(h.g)].id
			if !slices.Contains(docIDs, d) {
				docIDs = append(docIDs, d)
			}
		}
	}
	sentences, err := s.sentencesInOrder(ctx, idx, gs)
	if err != nil {
		return nil, 0, fmt.Errorf("graph: concordance: %w", err)
	}
	lines, err := s.documentWordLines(ctx, docIDs)
	if err != nil {
		return nil, 0, fmt.Errorf("graph: concordance: %w", err)
	}
	byID := map[string]policykb.Sentence{}
	for _, st := range sentences {
		byID[st.ID] = st
	}
	var out []ConcordanceLine
	for _, h := range page {
		d := idx.docs[idx.docOf(h.g)]
		st, ok := byID[policykb.SentenceID(d.id, int(h.g-d.first))]
		if !ok {
			continue
		}
		ls := lines[d.id]
		if int(h.g-d.first) >= len(ls) {
			continue
		}
		start, ok := occurrence(s.cfg.Words.Simplify(st.Text), strings.Fields(ls[h.g-d.first]), w, h.k)
		if !ok {
			continue
		}
		text := []rune(st.Text)
		end := start + utf8.RuneCountInString(w)
		out = append(out, ConcordanceLine{Sentence: st, Start: start, Word: string(text[start:end]),
			Left: string(text[max(0, start-window):start]), Right: string(text[end:min(len(text), end+window)])})
	}
	return out, total, nil
}

// occurrence returns the code-point position of the k-th (0-based)
// occurrence of word among the words of a sentence (its stored words, in
// order) in its simplified text. The words are found in order: between
// two of them there is only what segmentation dropped (punctuation,
// spaces, numbers), which holds no word, so each is found where it is.
func occurrence(simplified string, words []string, word string, k int) (int, bool) {
	pos := 0 // byte offset
	for _, w := range words {
		i := strings.Index(simplified[pos:], w)
		if i < 0 {
			return 0, false
		}
		if w == word {
			if k == 0 {
				return utf8.RuneCountInString(simplified[:pos+i]), true
			}
			k--
		}
		pos += i + len(w)
	}
	return 0, false
}

// documentWordLines reads the stored words of documents, as lines.
func (s *Store) documentWordLines(ctx context.Context, ids []string) (map[string][]string, error) {
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		recs, err := collect(ctx, tx, documentWordLines, map[string]any{"ids": ids})
		if err != nil {
			return nil, err
		}
		m := map[string][]string{}
		for _, r := range recs[0].Values[0].([]any) {
			v := r.([]any)
			m[str(v[0])] = strings.Split(str(v[1]), "\n")
		}
		return m, nil
	})
	if err != nil {
		return nil, err
	}
	return out.(map[string][]string), nil
}
