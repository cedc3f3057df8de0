package resolvers

import (
	"context"
	"strings"
)

// Coding.quote, start and end: the span a coding keeps (see schema/interop.graphql).

func (c *codingResolver) Start() *int32 {
	if c.c.Start == nil || c.c.End == nil {
		return nil
	}
	v := int32(*c.c.Start)
	return &v
}

func (c *codingResolver) End() *int32 {
	if c.c.Start == nil || c.c.End == nil {
		return nil
	}
	v := int32(*c.c.End)
	return &v
}

// Quote returns the document text of the coding's span. The texts of the
// coding's document and its siblings (the documents of the sentences listed
// together) are fetched in one call, once per request.
func (c *codingResolver) Quote(ctx context.Context) (*string, error) {
	if c.c.Start == nil || c.c.End == nil {
		return nil, nil
	}
	r := requestFrom(ctx)
	docID := documentOfSentence(c.c.SentenceID)
	l := loaderFor(r, "documentTexts", &r.docKeys, func(ctx context.Context, ids []string) (map[string][]rune, error) {
		texts, err := r.store.DocumentTexts(ctx, ids)
		if err != nil {
			return nil, err
		}
		out := make(map[string][]rune, len(texts))
		for id, t := range texts {
			out[id] = []rune(t)
		}
		return out, nil
	})
	text, found, err := l.load(ctx, docID)
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	if !found {
		return nil, nil
	}
	start, end := max(*c.c.Start, 0), min(*c.c.End, len(text))
	if start >= end {
		return nil, nil
	}
	q := string(text[start:end])
	return &q, nil
}

// documentOfSentence returns the document id of a sentence id
// (policykb.SentenceID: the document id, '#', the index).
func documentOfSentence(sentenceID string) string {
	if i := strings.LastIndexByte(sentenceID, '#'); i >= 0 {
		return sentenceID[:i]
	}
	return sentenceID
}
