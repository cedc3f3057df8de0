package graph

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/internal/parallel"
)

// Words cuts sentence text into words for word statistics (package words
// implements it with gse). A store configured with one keeps, on every
// document it writes, the words of each of its sentences:
//
//	d.words         one line per sentence, in sentence order, its words separated by spaces
//	d.wordsVersion  the Version of the Words that cut them
//
// written in the same transaction as the document's sentences, so that
// word counts never lag the text. Documents with no words, or words of
// another version (a changed user dictionary), get theirs when a store
// with Words opens the base (EnsureSchema), like rollups. A store without
// Words writes none and answers no word question.
type Words interface {
	// Words returns the words of a sentence's text in order (on a
	// simplified form of it), stop words included.
	Words(text string) []string
	// Simplify returns the form of text words are counted on, with as many
	// code points as text.
	Simplify(text string) string
	// Version names the segmentation (library, dictionaries).
	Version() string
	// Stop reports whether a word is left out of word statistics.
	Stop(word string) bool
}

// PrepareWords starts, in the background, whatever the store's Words need
// before their first use (gse loads its dictionary then), so that a load
// can overlap it with validation. It does nothing without Words.
func (s *Store) PrepareWords() {
	if p, ok := s.cfg.Words.(interface{ Check() error }); ok {
		go p.Check() //nolint:errcheck // reported again by the first Words call
	}
}

// bumpWords moves on the counter that stamps the word index (words_index.go):
// every write that adds, changes or removes documents or their words.
const bumpWords = `MERGE (m:Meta {id: 'policykb'}) SET m.words = coalesce(m.words, 0) + 1`

// documentWords returns the d.words of a document's sentences: one line
// per sentence (in the order given, which is index order), words
// separated by spaces.
func documentWords(w Words, sentences []policykb.Sentence) string {
	var b strings.Builder
	for i, st := range sentences {
		if i > 0 {
			b.WriteByte('\n')
		}
		for j, word := range w.Words(st.Text) {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(word)
		}
	}
	return b.String()
}

// wordsPipeline cuts the sentences of each group of documents into words
// ahead of the group's write, on every core, one group ahead at most, so
// that segmenting overlaps the database's work on the previous group. The
// function it returns gives group i's words (one string per document, ""
// for every document without Words) and must be called for i = 0, 1, ...
// in order; stop ends the work early.
func (s *Store) wordsPipeline(groups [][]DocumentBundle) (next func(i int) []string, stop func()) {
	if s.cfg.Words == nil {
		return func(i int) []string { return make([]string, len(groups[i])) }, func() {}
	}
	out := make(chan []string, 1)
	done := make(chan struct{})
	go func() {
		defer close(out)
		for _, g := range groups {
			words := make([]string, len(g))
			parallel.ForEach(len(g), func(i int) { words[i] = documentWords(s.cfg.Words, g[i].Sentences) })
			select {
			case out <- words:
			case <-done:
				return
			}
		}
	}()
	var once sync.Once
	return func(int) []string { return <-out }, func() { once.Do(func() { close(done) }) }
}

// staleWordDocuments returns documents without words, or with words of
// another version, with their sentences' texts in order.
const (
	staleWordDocuments = `
MATCH (d:Document) WHERE d.wordsVersion IS NULL OR d.wordsVersion <> $version
WITH d LIMIT $limit
CALL (d) {
  OPTIONAL MATCH (d)-[:HAS_SENTENCE]->(s:Sentence)
  WITH s ORDER BY s.index
  RETURN collect(s.text) AS texts
}
RETURN d.id, texts`
	setDocumentWords = `
UNWIND $rows AS row
MATCH (d:Document {id: row.id})
SET d.words = row.words, d.wordsVersion = $version`
)

// backfillWords makes the words of every document that has none, or has
// words of another version, a hundred documents per transaction. It does
// nothing without Words, or on a base whose words are current.
func (s *Store) backfillWords(ctx context.Context) error {
	w := s.cfg.Words
	if w == nil {
		return nil
	}
	params := map[string]any{"version": w.Version(), "limit": int64(100)}
	for {
		var rows []map[string]any
		_, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
			rows = rows[:0]
			recs, err := collect(ctx, tx, staleWordDocuments, params)
			if err != nil {
				return nil, err
			}
			for _, r := range recs {
				var texts []policykb.Sentence
				for _, t := range r.Values[1].([]any) {
					texts = append(texts, policykb.Sentence{Text: str(t)})
				}
				rows = append(rows, map[string]any{"id": str(r.Values[0]), "sentences": texts})
			}
			return nil, nil
		})
		if err != nil {
			return fmt.Errorf("graph: backfill words: %w", err)
		}
		if len(rows) == 0 {
			break
		}
		parallel.ForEach(len(rows), func(i int) {
			rows[i]["words"] = documentWords(w, rows[i]["sentences"].([]policykb.Sentence))
			delete(rows[i], "sentences")
		})
		params["rows"] = rows
		if _, err := s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
			if err := exec(ctx, tx, setDocumentWords, params); err != nil {
				return nil, err
			}
			return nil, exec(ctx, tx, bumpWords, nil)
		}); err != nil {
			return fmt.Errorf("graph: backfill words: %w", err)
		}
		delete(params, "rows")
	}
	return nil
}
