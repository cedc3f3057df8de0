package exports

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/analysis"
	"github.com/policykb/policykb/graph"
)

// WordsRequest holds the parameters of the word tables.
type WordsRequest struct {
	Top, MinLength int
	// Of is document, city or code (keywords).
	Of    string
	Units []string
	// Measure and Scope shape the coword table.
	Measure analysis.CowordMeasure
	Scope   policykb.Scope
}

var keywordUnits = map[string]graph.KeywordUnit{"document": graph.KeywordsOfDocument, "city": graph.KeywordsOfCity, "code": graph.KeywordsOfCode}

// parseWords reads the word tables' parameters into req.Words (and the
// keyword table's level into req.Level).
func parseWords(req *Request, q url.Values, one func(string) (string, error)) error {
	w := &req.Words
	defaults := map[Table]int{Words: 100, Keywords: 10, Coword: 50}
	if _, ok := defaults[req.Table]; !ok {
		return nil
	}
	number := func(k string, def, lo, hi int) (int, error) {
		s, err := one(k)
		if err != nil || s == "" {
			return def, err
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < lo || n > hi {
			return 0, policykb.InvalidArgument(k, "exports: %s: %q: expected a whole number from %d to %d", k, s, lo, hi)
		}
		return n, nil
	}
	var err error
	hi := 100000
	if req.Table == Coword {
		hi = 500
	}
	lo := 1
	if req.Table == Coword {
		lo = 2
	}
	if w.Top, err = number("top", defaults[req.Table], lo, hi); err != nil {
		return err
	}
	if w.MinLength, err = number("min_length", 2, 1, 50); err != nil {
		return err
	}
	switch req.Table {
	case Keywords:
		s, err := one("of")
		if err != nil {
			return err
		}
		w.Of = strings.ToLower(s)
		if _, ok := keywordUnits[w.Of]; !ok {
			return policykb.InvalidArgument("of", "exports: keywords need of: document, city or code, got %q", s)
		}
		req.Level = policykb.LevelMainCategory
		if s, err := one("level"); err != nil {
			return err
		} else if s != "" {
			if req.Level, err = policykb.ParseLevel(s); err != nil {
				return policykb.InvalidArgument("level", "exports: level: %v", err)
			}
		}
	case Coword:
		w.Measure, w.Scope = analysis.CowordOchiai, policykb.ScopeSentence
		if s, err := one("measure"); err != nil {
			return err
		} else if s != "" {
			if w.Measure, err = analysis.ParseCowordMeasure(s); err != nil {
				return policykb.InvalidArgument("measure", "exports: measure: %v", err)
			}
		}
		if s, err := one("scope"); err != nil {
			return err
		} else if s != "" {
			if w.Scope, err = policykb.ParseScope(s); err != nil {
				return policykb.InvalidArgument("scope", "exports: scope: %v", err)
			}
		}
	}
	return nil
}

// WordsColumns are the columns of the words table.
var WordsColumns = []Column{{"rank", 6}, {"word", 16}, {"frequency", 10}, {"documents", 10}, {"sentences", 10}, {"share", 10}}

// writeWords writes the top words of Store.Words, with share = frequency /
// all counted words.
func writeWords(ctx context.Context, src Source, req Request, tw TableWriter) (int, error) {
	st, err := src.Words(ctx, graph.WordQuery{Filter: req.Filter, Top: req.Words.Top, MinLength: req.Words.MinLength})
	if err != nil {
		return 0, err
	}
	if err := tw.Header(WordsColumns); err != nil {
		return 0, err
	}
	for i, w := range st.Words {
		share := 0.0
		if st.Tokens > 0 {
			share = float64(w.Frequency) / float64(st.Tokens)
		}
		if err := tw.Row([]any{i + 1, w.Word, w.Frequency, w.Documents, w.Sentences, share}); err != nil {
			return i, err
		}
	}
	return len(st.Words), nil
}

// KeywordsColumns are the columns of the keywords table.
var KeywordsColumns = []Column{{"unit", 14}, {"unit_name", 24}, {"rank", 6}, {"word", 16}, {"frequency", 10},
	{"sentences", 10}, {"document_frequency", 10}, {"tfidf", 12}}

func writeKeywords(ctx context.Context, src Source, req Request, tw TableWriter) (int, error) {
	tables, err := src.Keywords(ctx, graph.KeywordQuery{Of: keywordUnits[req.Words.Of], Level: req.Level, Units: req.Words.Units,
		Top: req.Words.Top, MinLength: req.Words.MinLength, Filter: req.Filter})
	if err != nil {
		return 0, err
	}
	names := map[string]string{}
	if req.Words.Of == "code" {
		codes, err := src.StudyCodes(ctx, req.Filter.Study)
		if err != nil {
			return 0, err
		}
		for _, c := range codes {
			names[c.ID] = strings.TrimSpace(c.Name + " " + c.NameZh)
		}
	}
	if err := tw.Header(KeywordsColumns); err != nil {
		return 0, err
	}
	n := 0
	for _, t := range tables {
		for i, k := range t.Keywords {
			if err := tw.Row([]any{t.Unit, orNil(names[t.Unit]), i + 1, k.Word, k.Frequency, k.Sentences, k.DocumentFrequency, k.Score}); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

// writeCoword writes the square co-word matrix of the top words: a row per
// word (word, its frequency, the units holding it), then a column per
// word holding the measure (the diagonal: the units for COUNT, 1 for the
// similarity measures) — the matrix clustering and network tools read.
func writeCoword(ctx context.Context, src Source, req Request, tw TableWriter) (int, error) {
	cw, err := src.Coword(ctx, graph.CowordQuery{Filter: req.Filter, Top: req.Words.Top, MinLength: req.Words.MinLength, Scope: req.Words.Scope})
	if err != nil {
		return 0, err
	}
	cols := []Column{{"word", 16}, {"frequency", 10}, {"units", 10}}
	taken := map[string]bool{"word": true, "frequency": true, "units": true}
	for _, w := range cw.Words {
		name := w.Word
		for taken[name] {
			name += " (word)"
		}
		taken[name] = true
		cols = append(cols, Column{name, max(8, float64(len([]rune(name)))*2+2)})
	}
	if err := tw.Header(cols); err != nil {
		return 0, err
	}
	m := cw.Counts.Matrix(req.Words.Measure)
	for i, w := range cw.Words {
		row := []any{w.Word, w.Frequency, cw.Counts.Units[i]}
		for _, v := range m[i] {
			row = append(row, v)
		}
		if err := tw.Row(row); err != nil {
			return i, err
		}
	}
	return len(cw.Words), nil
}
