package resolvers

import (
	"context"
	"strconv"

	"github.com/policykb/policykb"
)

// cityResolver resolves City; Name answers its field directly (see
// UseFieldResolvers in NewHandler).
type cityResolver struct {
	Name string
	c    *policykb.City
}

func newCity(c *policykb.City) *cityResolver { return &cityResolver{Name: c.Name, c: c} }

// cityList wraps cities as one sibling group.
func (r *request) cityList(cities []*policykb.City) []*cityResolver {
	out := make([]*cityResolver, len(cities))
	names := make([]string, len(cities))
	for i, c := range cities {
		out[i] = newCity(c)
		names[i] = c.Name
	}
	r.cityKeys.add(names)
	return out
}

func (c *cityResolver) NameZh() *string   { return optString(c.c.NameZh) }
func (c *cityResolver) Province() *string { return optString(c.c.Province) }

// Documents loads the documents of every sibling city at once; all the
// documents of that batch become one sibling group.
func (c *cityResolver) Documents(ctx context.Context) ([]*documentResolver, error) {
	r := requestFrom(ctx)
	l := loaderFor(r, "documentsByCity", &r.cityKeys, func(ctx context.Context, names []string) (map[string][]policykb.Document, error) {
		got, err := r.store.DocumentsByCity(ctx, names)
		if err != nil {
			return nil, err
		}
		var all []policykb.Document
		for _, n := range names {
			all = append(all, got[n]...)
		}
		r.documentList(all)
		return got, nil
	})
	docs, _, err := l.load(ctx, c.c.Name)
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	out := make([]*documentResolver, len(docs))
	for i, d := range docs {
		out[i] = &documentResolver{d: d}
	}
	return out, nil
}

type profileArgs struct {
	Level  string
	Filter *corpusFilterInput
}

// countsByCity is graph.CountsByCity, once per (level, filter) per request.
func (r *request) countsByCity(ctx context.Context, level policykb.Level, in *corpusFilterInput) (map[string][]policykb.Count, error) {
	f, key, err := in.filter(ctx)
	if err != nil {
		return nil, err
	}
	m, err := memo(r, "countsByCity|"+level.String()+"|"+key, func() (map[string][]policykb.Count, error) {
		return r.store.CountsByCity(ctx, level, f)
	})
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	return m, nil
}

// Profile returns the codes of a level the city's sentences are coded at,
// leaving out zeros, most reference points first, then codebook order.
func (c *cityResolver) Profile(ctx context.Context, args profileArgs) ([]*codeCountResolver, error) {
	r := requestFrom(ctx)
	level, err := parseLevel(args.Level, "level")
	if err != nil {
		return nil, err
	}
	cb, err := r.codebook(ctx)
	if err != nil {
		return nil, err
	}
	m, err := r.countsByCity(ctx, level, args.Filter)
	if err != nil {
		return nil, err
	}
	counts := nonZero(m[c.c.Name])
	cb.sortCounts(counts)
	return r.countList(cb, counts), nil
}

// citationResolver resolves CityCitation: city and the counts from its
// fields.
type citationResolver struct {
	City            *cityResolver
	ReferencePoints int32
	MaterialSources int32
	codeID          string
	filter          policykb.CorpusFilter
	filterKey       string
}

// Documents keeps the order graph.Citations gives (issue date, then id).
// The counts come from the city rollups; the documents of every city of
// the answer are read together, the first time one is asked for.
func (c *citationResolver) Documents(ctx context.Context) ([]*documentResolver, error) {
	r := requestFrom(ctx)
	byCity, err := memo(r, "citationDocuments|"+c.codeID+"|"+c.filterKey, func() (map[string][]string, error) {
		cits, err := r.store.Citations(ctx, c.codeID, c.filter)
		if err != nil {
			return nil, err
		}
		m := map[string][]string{}
		var all []string
		for _, cit := range cits {
			m[cit.City] = cit.DocumentIDs
			all = append(all, cit.DocumentIDs...)
		}
		r.docKeys.add(all)
		return m, nil
	})
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	l := r.documentsByID()
	ids := byCity[c.City.Name]
	out := make([]*documentResolver, 0, len(ids))
	for _, id := range ids {
		d, found, err := l.load(ctx, id)
		if err != nil {
			return nil, r.fail(ctx, err)
		}
		if found {
			out = append(out, &documentResolver{d: d})
		}
	}
	return out, nil
}

type evidenceArgs struct{ First int32 }

// Evidence loads the first sentences of every sibling city at once.
func (c *citationResolver) Evidence(ctx context.Context, args evidenceArgs) ([]*sentenceResolver, error) {
	r := requestFrom(ctx)
	n := int(args.First)
	if n < 0 || n > r.maxPage {
		return nil, badInput("first", "first must be between 0 and %d, got %d", r.maxPage, n)
	}
	if n == 0 {
		return []*sentenceResolver{}, nil
	}
	name := "evidence|" + c.codeID + "|" + c.filterKey + "|" + strconv.Itoa(n)
	l := loaderFor(r, name, &r.cityKeys, func(ctx context.Context, cities []string) (map[string][]policykb.Sentence, error) {
		got, err := r.store.Evidence(ctx, c.codeID, c.filter, cities, n)
		if err != nil {
			return nil, err
		}
		var all []policykb.Sentence
		for _, city := range cities {
			all = append(all, got[city]...)
		}
		r.sentenceList(all)
		return got, nil
	})
	ss, _, err := l.load(ctx, c.City.Name)
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	out := make([]*sentenceResolver, len(ss))
	for i, s := range ss {
		out[i] = &sentenceResolver{s: s}
	}
	return out, nil
}
