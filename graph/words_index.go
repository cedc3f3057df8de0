package graph

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
)

// Word questions (words, keywords, co-words, concordances) are answered
// from a word index the store builds from the documents' stored words
// (d.words, words_write.go) and holds, like the catalog, until the base's
// words change: it is stamped with m.words, a counter on the Meta node
// that every write of documents (and every backfill and wipe) moves on,
// and is checked against it as the catalog is (CatalogMaxAge). Writes of
// codings do not move it, so coding and autocoding keep the index.
//
// The index holds, in document order (city, issue date, id), each
// document's city, date and sentences, and for every sentence the ids of
// its words in order, stop words left out: at tier M (900,000 sentences)
// about 14 million int32, 55 MB. Building it reads every document's words
// (about 100 MB of text at tier M, a few seconds); every question is then
// one pass over the admitted sentences in memory, with no segmentation.

// wordIndex is one build of the index. It is never modified once built
// (totals is filled once).
type wordIndex struct {
	stamp   int64 // m.words when built
	version string
	vocab   []string
	ids     map[string]int32
	runes   []int32 // code points of each word
	docs    []wordDoc
	// toks[sentStart[g]:sentStart[g+1]] are the word ids of the g-th
	// sentence of the base (documents in order, sentences in order).
	toks      []int32
	sentStart []int32

	totalsOnce sync.Once
	totals     *wordTally // unfiltered
}

type wordDoc struct {
	id       string
	city     string
	issuedOn time.Time
	first    int32 // global number of its first sentence
	n        int32 // its sentences
}

// heldWords holds the index and builds it once for concurrent requests.
type heldWords struct {
	mu       sync.Mutex
	idx      *wordIndex
	checked  time.Time
	building chan struct{} // non-nil while a build runs; closed when it ends
	built    *wordIndex    // what the last build made
	err      error         // and its error
}

const (
	readWordsStamp = `OPTIONAL MATCH (m:Meta {id: 'policykb'}) RETURN coalesce(m.words, 0)`
	wordDocuments  = `
MATCH (city:City)-[:ISSUED]->(d:Document)
WITH city, d ORDER BY city.name, d.issuedOn, d.id
RETURN collect([d.id, city.name, d.issuedOn, COUNT { (d)-[:HAS_SENTENCE]->() }])`
	wordsOfDocuments = `
MATCH (d:Document) WHERE d.id IN $ids
RETURN collect([d.id, d.words, d.wordsVersion])`
)

// errNoWords answers word questions on a store without Words.
var errNoWords = &policykb.Error{Code: policykb.EUnavailable,
	Message: "word statistics are not available: this store was opened without a word segmenter"}

// wordIndex returns the index, building it when the base's words changed
// since it was built. A build runs once for every request that waits on
// it, on its own context: a request that gives up does not stop it.
func (s *Store) wordIndex(ctx context.Context) (*wordIndex, error) {
	if s.cfg.Words == nil {
		return nil, errNoWords
	}
	h := &s.words
	h.mu.Lock()
	if h.idx != nil && s.cfg.CatalogMaxAge > 0 && time.Since(h.checked) < s.cfg.CatalogMaxAge {
		idx := h.idx
		h.mu.Unlock()
		return idx, nil
	}
	h.mu.Unlock()
	stamp, err := s.readWordsStamp(ctx)
	if err != nil {
		return nil, fmt.Errorf("graph: word index: %w", err)
	}
	for {
		h.mu.Lock()
		if h.idx != nil && h.idx.stamp == stamp && h.idx.version == s.cfg.Words.Version() {
			h.checked = time.Now()
			idx := h.idx
			h.mu.Unlock()
			return idx, nil
		}
		wait := h.building
		if wait == nil {
			wait = make(chan struct{})
			h.building = wait
			go func() {
				idx, err := s.buildWordIndex(context.Background())
				h.mu.Lock()
				if err == nil && (h.idx == nil || idx.stamp >= h.idx.stamp) {
					h.idx, h.checked = idx, time.Now()
				}
				h.built, h.err = idx, err
				h.building = nil
				close(wait)
				h.mu.Unlock()
			}()
		}
		h.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil, &policykb.Error{Code: policykb.ETimeout, Message: "the word index is still being built; ask again shortly", Err: ctx.Err()}
		case <-wait:
		}
		h.mu.Lock()
		built, err := h.built, h.err
		h.mu.Unlock()
		if err != nil {
			return nil, fmt.Errorf("graph: word index: %w", err)
		}
		if built.stamp >= stamp {
			return built, nil
		}
		// A build begun before the words last changed: build again.
	}
}

func (s *Store) readWordsStamp(ctx context.Context) (int64, error) {
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		recs, err := collect(ctx, tx, readWordsStamp, nil)
		if err != nil {
			return nil, err
		}
		v, _ := recs[0].Values[0].(int64)
		return v, nil
	})
	if err != nil {
		return 0, err
	}
	return out.(int64), nil
}

// buildWordIndex reads every document's words, a few hundred documents
// per read transaction. The stamp is read first: a write made during the
// build moves the counter on and makes the next request build again.
func (s *Store) buildWordIndex(ctx context.Context) (*wordIndex, error) {
	began := time.Now()
	idx := &wordIndex{version: s.cfg.Words.Version(), ids: map[string]int32{}}
	var rows []any
	_, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		recs, err := collect(ctx, tx, readWordsStamp, nil)
		if err != nil {
			return nil, err
		}
		idx.stamp, _ = recs[0].Values[0].(int64)
		recs, err = collect(ctx, tx, wordDocuments, nil)
		if err != nil {
			return nil, err
		}
		rows, _ = recs[0].Values[0].([]any)
		return nil, nil
	})
	if err != nil {
		return nil, err
	}
	var total int32
	for _, r := range rows {
		v := r.([]any)
		d := wordDoc{id: str(v[0]), city: str(v[1]), issuedOn: date(v[2]), first: total, n: int32(integer(v[3]))}
		idx.docs = append(idx.docs, d)
		total += d.n
	}
	idx.sentStart = make([]int32, 0, total+1)
	const batch = 200
	for start := 0; start < len(idx.docs); start += batch {
		docs := idx.docs[start:min(start+batch, len(idx.docs))]
		ids := make([]string, len(docs))
		for i, d := range docs {
			ids[i] = d.id
		}
		words := map[string]string{}
		_, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
			recs, err := collect(ctx, tx, wordsOfDocuments, map[string]any{"ids": ids})
			if err != nil {
				return nil, err
			}
			for _, r := range recs[0].Values[0].([]any) {
				v := r.([]any)
				if str(v[2]) == idx.version {
					words[str(v[0])] = str(v[1])
				}
			}
			return nil, nil
		})
		if err != nil {
			return nil, err
		}
		for _, d := range docs {
			idx.addDocument(d, words[d.id], s.cfg.Words)
		}
	}
	idx.sentStart = append(idx.sentStart, int32(len(idx.toks)))
	level := slog.LevelDebug
	if time.Since(began) > time.Second {
		level = slog.LevelInfo
	}
	s.log.Log(ctx, level, "word index built", "documents", len(idx.docs), "sentences", total, "words", len(idx.toks),
		"vocabulary", len(idx.vocab), "took", time.Since(began).Round(time.Millisecond))
	return idx, nil
}

// addDocument adds a document's sentences. Words that do not match its
// sentences (none stored, or a line count that is not its number of
// sentences) leave its sentences without words.
func (idx *wordIndex) addDocument(d wordDoc, words string, w Words) {
	lines := strings.Split(words, "\n")
	ok := words != "" && len(lines) == int(d.n) || words == "" && d.n <= 1
	for i := range d.n {
		idx.sentStart = append(idx.sentStart, int32(len(idx.toks)))
		if !ok || words == "" {
			continue
		}
		for _, word := range strings.Fields(lines[i]) {
			if w.Stop(word) {
				continue
			}
			id, seen := idx.ids[word]
			if !seen {
				id = int32(len(idx.vocab))
				idx.ids[word] = id
				idx.vocab = append(idx.vocab, word)
				idx.runes = append(idx.runes, int32(utf8.RuneCountInString(word)))
			}
			idx.toks = append(idx.toks, id)
		}
	}
}

// sentence returns the word ids of the g-th sentence.
func (idx *wordIndex) sentence(g int32) []int32 { return idx.toks[idx.sentStart[g]:idx.sentStart[g+1]] }

// docOf returns the position in docs of the document holding the g-th
// sentence.
func (idx *wordIndex) docOf(g int32) int {
	lo, hi := 0, len(idx.docs)
	for lo < hi {
		m := (lo + hi) / 2
		if idx.docs[m].first+idx.docs[m].n <= g {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}
