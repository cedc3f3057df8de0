package words_test

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/analysis"
	"github.com/policykb/policykb/graph"
)

// expectedKeywords scores the words of one unit (its rows) by hand: tf is
// the word's occurrences in the unit, tokens the unit's counted words, df
// the documents of the corpus holding the word, n the corpus's documents;
// score = tf/tokens × (ln((1+n)/(1+df)) + 1).
func expectedKeywords(unit []sentenceRow, corpus map[string]*count, n, top, minLength int) []graph.Keyword {
	tf, sf := map[string]int{}, map[string]int{}
	tokens := 0
	for _, r := range unit {
		seen := map[string]bool{}
		for _, w := range r.words {
			if utf8.RuneCountInString(w) < minLength {
				continue
			}
			tf[w]++
			tokens++
			if !seen[w] {
				seen[w] = true
				sf[w]++
			}
		}
	}
	var out []graph.Keyword
	for w, f := range tf {
		df := corpus[w].df
		out = append(out, graph.Keyword{Word: w, Frequency: f, Sentences: sf[w], DocumentFrequency: df,
			Score: float64(f) / float64(tokens) * (math.Log(float64(1+n)/float64(1+df)) + 1)})
	}
	slices.SortFunc(out, func(a, b graph.Keyword) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(b.Frequency, a.Frequency), strings.Compare(a.Word, b.Word))
	})
	return out[:min(top, len(out))]
}

func sameKeywords(got, want []graph.Keyword) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Word != w.Word || g.Frequency != w.Frequency || g.Sentences != w.Sentences ||
			g.DocumentFrequency != w.DocumentFrequency || math.Abs(g.Score-w.Score) > 1e-12 {
			return false
		}
	}
	return true
}

func TestKeywordsCowordsAndConcordanceEqualARecount(t *testing.T) {
	s := openWords(t)
	loadSampleWith(t, s, "../data/sample/second-coder.csv")
	ctx := context.Background()
	all := recount(t, s)
	corpus := countWords(all, 2)
	docs := map[string]bool{}
	for _, r := range all {
		docs[r.doc.ID] = true
	}
	n := len(docs)

	t.Run("keywords of documents", func(t *testing.T) {
		tables, err := s.Keywords(ctx, graph.KeywordQuery{Of: graph.KeywordsOfDocument, Top: 8, MinLength: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(tables) != n {
			t.Fatalf("%d tables for %d documents", len(tables), n)
		}
		for _, tab := range tables {
			var unit []sentenceRow
			for _, r := range all {
				if r.doc.ID == tab.Unit {
					unit = append(unit, r)
				}
			}
			if want := expectedKeywords(unit, corpus, n, 8, 2); !sameKeywords(tab.Keywords, want) {
				t.Errorf("%s: keywords %+v\nwant %+v", tab.Unit, tab.Keywords, want)
			}
			// A keyword's sentences are those of the document holding it.
			kw := tab.Keywords[0]
			got := wordSentences(t, s, graph.WordSentenceQuery{Words: []string{kw.Word}, Document: tab.Unit})
			if want := holding(unit, kw.Word); !slices.Equal(got, want) || len(got) != kw.Sentences {
				t.Errorf("%s %s: sentences %v, want %v", tab.Unit, kw.Word, got, want)
			}
		}
	})

	t.Run("keywords of cities, some of them", func(t *testing.T) {
		tables, err := s.Keywords(ctx, graph.KeywordQuery{Of: graph.KeywordsOfCity, Units: []string{"溪川市", "linlan"}, Top: 5, MinLength: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(tables) != 2 || tables[0].Unit != "Linlan" || tables[1].Unit != "Xichuan" {
			t.Fatalf("tables %+v, want Linlan then Xichuan", tables)
		}
		for _, tab := range tables {
			var unit []sentenceRow
			for _, r := range all {
				if r.doc.City == tab.Unit {
					unit = append(unit, r)
				}
			}
			if want := expectedKeywords(unit, corpus, n, 5, 2); !sameKeywords(tab.Keywords, want) {
				t.Errorf("%s: keywords %+v\nwant %+v", tab.Unit, tab.Keywords, want)
			}
		}
	})

	t.Run("keywords of codes", func(t *testing.T) {
		codes, err := s.Codes(ctx)
		if err != nil {
			t.Fatal(err)
		}
		scheme := analysis.NewScheme(codes)
		codings, err := s.CodingsBySentence(ctx, sentenceIDs(all))
		if err != nil {
			t.Fatal(err)
		}
		tables, err := s.Keywords(ctx, graph.KeywordQuery{Of: graph.KeywordsOfCode, Level: policykb.LevelMainCategory, Top: 6, MinLength: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(tables) != 11 {
			t.Fatalf("%d tables for 11 main categories", len(tables))
		}
		for _, tab := range tables {
			var unit []sentenceRow
			for _, r := range all {
				if slices.ContainsFunc(codings[r.st.ID], func(k policykb.Coding) bool {
					m, ok := scheme.At(k.CodeID, policykb.LevelMainCategory)
					return ok && m == tab.Unit
				}) {
					unit = append(unit, r)
				}
			}
			if tab.Sentences != len(unit) {
				t.Errorf("%s: %d sentences, the codings say %d", tab.Unit, tab.Sentences, len(unit))
			}
			if want := expectedKeywords(unit, corpus, n, 6, 2); !sameKeywords(tab.Keywords, want) {
				t.Errorf("%s: keywords %+v\nwant %+v", tab.Unit, tab.Keywords, want)
			}
			kw := tab.Keywords[0]
			got := wordSentences(t, s, graph.WordSentenceQuery{Words: []string{kw.Word}, Code: tab.Unit})
			if want := holding(unit, kw.Word); !slices.Equal(got, want) {
				t.Errorf("%s %s: sentences %v, want %v", tab.Unit, kw.Word, got, want)
			}
		}
	})

	t.Run("words by city", func(t *testing.T) {
		top, err := s.Words(ctx, graph.WordQuery{Top: 6, MinLength: 2})
		if err != nil {
			t.Fatal(err)
		}
		var ws []string
		for _, w := range top.Words {
			ws = append(ws, w.Word)
		}
		got, err := s.WordsByCity(ctx, ws, policykb.CorpusFilter{})
		if err != nil {
			t.Fatal(err)
		}
		byCity := map[string][]sentenceRow{}
		for _, r := range all {
			byCity[r.doc.City] = append(byCity[r.doc.City], r)
		}
		for city, rows := range byCity {
			want := countWords(rows, 2)
			for _, w := range ws {
				g, c := got[city][w], want[w]
				if c == nil {
					if g.Frequency != 0 {
						t.Errorf("%s %s: %+v, the recount finds none", city, w, g)
					}
					continue
				}
				if g.Frequency != c.tf || g.Sentences != c.sf || g.Documents != c.df {
					t.Errorf("%s %s: %+v, the recount says %+v", city, w, g, c)
				}
				sentences := wordSentences(t, s, graph.WordSentenceQuery{Words: []string{w}, City: city})
				if want := holding(rows, w); !slices.Equal(sentences, want) {
					t.Errorf("%s %s: sentences %v, want %v", city, w, sentences, want)
				}
			}
		}
	})

	for _, scope := range []policykb.Scope{policykb.ScopeSentence, policykb.ScopeDocument} {
		t.Run("coword "+scope.String(), func(t *testing.T) {
			cw, err := s.Coword(ctx, graph.CowordQuery{Top: 15, MinLength: 2, Scope: scope})
			if err != nil {
				t.Fatal(err)
			}
			// Units: sentences, or documents, each a bag of words.
			var units [][]string
			var unitRows [][]sentenceRow
			if scope == policykb.ScopeSentence {
				for _, r := range all {
					units = append(units, r.words)
					unitRows = append(unitRows, []sentenceRow{r})
				}
			} else {
				at := map[string]int{}
				for _, r := range all {
					i, ok := at[r.doc.ID]
					if !ok {
						i = len(units)
						at[r.doc.ID] = i
						units = append(units, nil)
						unitRows = append(unitRows, nil)
					}
					units[i] = append(units[i], r.words...)
					unitRows[i] = append(unitRows[i], r)
				}
			}
			if cw.Units != len(units) {
				t.Errorf("%d units, want %d", cw.Units, len(units))
			}
			freq := func(u []string, w string) int {
				k := 0
				for _, x := range u {
					if x == w {
						k++
					}
				}
				return k
			}
			for i, a := range cw.Words {
				for j, b := range cw.Words {
					nab, dot := 0, 0.0
					for _, u := range units {
						fa, fb := freq(u, a.Word), freq(u, b.Word)
						if fa > 0 && fb > 0 {
							nab++
						}
						dot += float64(fa * fb)
					}
					if cw.Counts.Count[i][j] != nab || cw.Counts.Dot[i][j] != dot {
						t.Fatalf("%s × %s: count %d dot %g, want %d and %g", a.Word, b.Word, cw.Counts.Count[i][j], cw.Counts.Dot[i][j], nab, dot)
					}
				}
			}
			// A pair's sentences: SENTENCE, those holding both; DOCUMENT, in
			// the documents holding both, those holding either.
			for _, pair := range [][2]int{{0, 1}, {2, 5}, {3, 14}} {
				a, b := cw.Words[pair[0]].Word, cw.Words[pair[1]].Word
				var want []string
				if scope == policykb.ScopeSentence {
					want = holding(all, a, b)
				} else {
					for _, rows := range unitRows {
						if len(holding(rows, a)) > 0 && len(holding(rows, b)) > 0 {
							for _, r := range rows {
								if slices.Contains(r.words, a) || slices.Contains(r.words, b) {
									want = append(want, r.st.ID)
								}
							}
						}
					}
				}
				got := wordSentences(t, s, graph.WordSentenceQuery{Words: []string{a, b}, Scope: scope})
				if !slices.Equal(got, want) {
					t.Errorf("%s + %s: sentences %v, want %v", a, b, got, want)
				}
				if scope == policykb.ScopeSentence && len(got) != cw.Counts.Count[pair[0]][pair[1]] {
					t.Errorf("%s + %s: %d sentences, count %d", a, b, len(got), cw.Counts.Count[pair[0]][pair[1]])
				}
			}
		})
	}

	t.Run("concordance", func(t *testing.T) {
		for _, word := range []string{"联合体", "产教融合", "职业院校"} {
			want := 0
			perSentence := map[string]int{}
			for _, r := range all {
				for _, w := range r.words {
					if w == word {
						want++
						perSentence[r.st.ID]++
					}
				}
			}
			var lines []graph.ConcordanceLine
			for off := 0; ; off += 10 {
				page, total, err := s.Concordance(ctx, word, 6, policykb.CorpusFilter{}, graph.Page{Offset: off, Limit: 10})
				if err != nil {
					t.Fatal(err)
				}
				if total != want {
					t.Fatalf("%s: %d occurrences, the recount finds %d", word, total, want)
				}
				lines = append(lines, page...)
				if off+10 >= total {
					break
				}
			}
			if len(lines) != want {
				t.Fatalf("%s: %d lines for %d occurrences", word, len(lines), want)
			}
			got := map[string]int{}
			for _, l := range lines {
				text := []rune(l.Sentence.Text)
				if string(text[l.Start:l.Start+utf8.RuneCountInString(word)]) != word || l.Word != word {
					t.Errorf("%s: line at %d of %q shows %q", word, l.Start, l.Sentence.Text, l.Word)
				}
				if l.Left != string(text[max(0, l.Start-6):l.Start]) || !strings.HasPrefix(string(text[l.Start:]), l.Word+l.Right) || utf8.RuneCountInString(l.Right) > 6 {
					t.Errorf("%s: context %q|%q|%q of %q", word, l.Left, l.Word, l.Right, l.Sentence.Text)
				}
				got[l.Sentence.ID]++
			}
			if len(got) != len(perSentence) {
				t.Errorf("%s: lines in %d sentences, want %d", word, len(got), len(perSentence))
			}
			for id, k := range perSentence {
				if got[id] != k {
					t.Errorf("%s: %d lines in %s, want %d", word, got[id], id, k)
				}
			}
		}
		if _, _, err := s.Concordance(ctx, "加强", 5, policykb.CorpusFilter{}, graph.Page{Limit: 5}); policykb.ErrorCodeOf(err) != policykb.EInvalid {
			t.Errorf("a stop word: error %v, want BAD_USER_INPUT", err)
		}
		if _, _, err := s.Concordance(ctx, "产教融合发展", 5, policykb.CorpusFilter{}, graph.Page{Limit: 5}); policykb.ErrorCodeOf(err) != policykb.EInvalid {
			t.Errorf("two words: error %v, want BAD_USER_INPUT", err)
		}
	})
}
