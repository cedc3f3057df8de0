package words_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/testneo4j"
	"github.com/policykb/policykb/loaders"
	"github.com/policykb/policykb/words"
)

// A base loaded without a segmenter gets its words when a store with one
// opens it; a changed user dictionary makes them again.
func TestWordsAreBackfilledOnOpen(t *testing.T) {
	ctx := context.Background()
	bare := testneo4j.EmptyStore(t, 0) // no Words: loads keep none
	if _, err := loaders.Load(ctx, bare, loaders.SampleInput("../data/sample"), loaders.Options{}); err != nil {
		t.Fatal(err)
	}
	open := func(seg *words.Segmenter) *graph.Store {
		s, err := graph.Open(ctx, graph.Config{URI: testneo4j.URI(t), CatalogMaxAge: -1, Words: seg}, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close(ctx) })
		if err := s.EnsureSchema(ctx); err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := open(defaultSegmenter(t))
	want := countWords(recount(t, s), 2)
	got, err := s.Words(ctx, graph.WordQuery{Top: 100000, MinLength: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Words) != len(want) {
		t.Fatalf("after the backfill: %d words, the recount finds %d", len(got.Words), len(want))
	}
	for _, w := range got.Words {
		if c := want[w.Word]; c == nil || c.tf != w.Frequency {
			t.Fatalf("after the backfill: %+v, the recount says %+v", w, c)
		}
	}

	// 临澜 is no word of gse's dictionary; a user dictionary that has it
	// changes the segmentation, and the next open makes the words again.
	dict := filepath.Join(t.TempDir(), "terms.txt")
	if err := os.WriteFile(dict, []byte("临澜 30000 ns\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	seg, err := words.New(words.Config{UserDictionary: dict, Simplify: true})
	if err != nil {
		t.Fatal(err)
	}
	before, err := s.Words(ctx, graph.WordQuery{Top: 100000, MinLength: 2, Filter: policykb.CorpusFilter{Cities: []string{"Linlan"}}})
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(before.Words, func(w graph.WordCount) bool { return w.Word == "临澜" }) {
		t.Fatal("临澜 is a word before the user dictionary has it")
	}
	s2 := open(seg)
	after, err := s2.Words(ctx, graph.WordQuery{Top: 100000, MinLength: 2, Filter: policykb.CorpusFilter{Cities: []string{"Linlan"}}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(after.Words, func(w graph.WordCount) bool { return w.Word == "临澜" && w.Frequency > 0 }) {
		t.Error("after opening with a user dictionary holding 临澜, it is not counted")
	}
}

// A document reposted in traditional script counts the words of its
// simplified original, and its concordance shows it as it is written.
func TestTraditionalScriptCountsAsSimplified(t *testing.T) {
	s := openWords(t)
	ctx := context.Background()
	simplified := "国务院办公厅关于深化产教融合的若干意见。职业院校与企业共建双师型教师队伍。"
	traditional := "國務院辦公廳關於深化產教融合的若干意見。職業院校與企業共建雙師型教師隊伍。"
	var docs []graph.DocumentBundle
	for _, d := range []struct{ id, text string }{{"s1", simplified}, {"t1", traditional}} {
		b := graph.DocumentBundle{City: policykb.City{Name: "X"}, Document: policykb.Document{ID: d.id, City: "X", Title: d.id, SHA256: d.id, Text: d.text, Synthetic: true}}
		cut := strings.Index(d.text, "。") + len("。")
		start := 0
		for i, part := range []string{d.text[:cut], d.text[cut:]} {
			n := len([]rune(part))
			b.Sentences = append(b.Sentences, policykb.Sentence{ID: policykb.SentenceID(d.id, i), DocumentID: d.id, Index: i, Kind: policykb.KindSentence, Text: part, Start: start, End: start + n})
			start += n
		}
		docs = append(docs, b)
	}
	if _, err := s.WriteDocuments(ctx, docs, nil); err != nil {
		t.Fatal(err)
	}
	count := func(id string) []graph.WordCount {
		st, err := s.Words(ctx, graph.WordQuery{Top: 100, MinLength: 1, Filter: policykb.CorpusFilter{Documents: []string{id}}})
		if err != nil {
			t.Fatal(err)
		}
		return st.Words
	}
	if a, b := count("s1"), count("t1"); !slices.Equal(a, b) || len(a) == 0 {
		t.Errorf("simplified %+v\ntraditional %+v", a, b)
	}
	lines, total, err := s.Concordance(ctx, "双师型教师", 3, policykb.CorpusFilter{Documents: []string{"t1"}}, graph.Page{Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if total != 1 || len(lines) != 1 || lines[0].Word != "雙師型教師" || lines[0].Left != "業共建" || lines[0].Right != "隊伍。" {
		t.Errorf("concordance %d %+v", total, lines)
	}
}
