package graph

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/policykb/policykb"
)

// sentenceTextIndex is the full-text index on Sentence.text (see
// schemaStatements). Its analyzer is Lucene's CJKAnalyzer: Chinese,
// Japanese and Korean text is indexed as overlapping pairs of characters
// (资金支持 → 资金 金支 支持), other text as lower-cased words, with common
// English stop words left out.
const sentenceTextIndex = "sentence_text"

// SearchQuery turns what a user typed into a Lucene query for the sentence
// text index, so that no input is a syntax error:
//
//   - the text is cut into terms at white space; a part in double quotes
//     is one term, white space included;
//   - each term is searched as a phrase: its words (for Chinese, its
//     character pairs) must occur next to each other, in order, so 专项资金
//     finds sentences containing 专项资金, not ones with 专项 and 资金 apart;
//   - every term must occur (AND);
//   - every other character, Lucene's operators included (+ - && || ! ( )
//     { } [ ] ^ ~ * ? : / \), is literal text: the analyzer drops
//     punctuation, so a+b searches the phrase "a b" and 资金（专项） the phrase
//     资金 专项.
//
// It returns "" when the text has no term.
func SearchQuery(text string) string {
	var terms []string
	var cur strings.Builder
	quoted := false
	flush := func() {
		if t := strings.TrimSpace(cur.String()); t != "" {
			terms = append(terms, t)
		}
		cur.Reset()
	}
	for _, r := range text {
		switch {
		case r == '"':
			flush()
			quoted = !quoted
		case unicode.IsSpace(r) && !quoted:
			flush()
		default:
			cur.WriteRune(r)
		}
	}
	flush()
	phrases := make([]string, len(terms))
	for i, t := range terms {
		// Inside a phrase only the backslash and the double quote are
		// special to Lucene's query parser.
		t = strings.ReplaceAll(t, `\`, `\\`)
		phrases[i] = `"` + strings.ReplaceAll(t, `"`, `\"`) + `"`
	}
	return strings.Join(phrases, " AND ")
}

// searchMatch finds the admitted sentences the index matches, with their
// score. The coder filter keeps sentences coded by one of the coders, as
// Sentences does.
const searchMatch = `
CALL db.index.fulltext.queryNodes($index, $query) YIELD node AS s, score
MATCH (city:City)-[:ISSUED]->(d:Document)-[:HAS_SENTENCE]->(s)
WHERE `

// Search returns the admitted sentences whose text matches the text (see
// SearchQuery for the syntax), best match first (Lucene's BM25 score: more
// occurrences in a shorter sentence rank higher), ties in document order
// (city, issue date, document id, sentence index), one page of them, with
// the number matched. A text without any term is BAD_USER_INPUT naming
// "text"; one whose terms are all dropped by the analyzer (punctuation, an
// English stop word) matches nothing.
func (s *Store) Search(ctx context.Context, text string, f policykb.CorpusFilter, p Page) ([]policykb.Sentence, int, error) {
	ctx, end := s.enter(ctx, "Search")
	defer end()
	q := SearchQuery(text)
	if q == "" {
		return nil, 0, policykb.InvalidArgument("text", "the search text is empty")
	}
	params, err := s.filterParams(ctx, f, map[string]any{"index": sentenceTextIndex, "query": q, "offset": int64(p.Offset), "limit": int64(p.Limit)})
	if err != nil {
		return nil, 0, err
	}
	where := filterClause(f, params, false)
	if len(f.Coders) > 0 {
		params["fCoders"] = f.Coders
		where += " AND EXISTS { MATCH (s)-[r:CODED_AS]->() WHERE r.coder IN $fCoders }"
	}
	sentences, total, err := countAndPage(ctx, s, "", searchMatch+where,
		"score DESC, city.name, d.issuedOn, d.id, s.index", sentenceFields, params, sentenceOf)
	if err != nil {
		return nil, 0, fmt.Errorf("graph: search: %w", err)
	}
	return sentences, total, nil
}
