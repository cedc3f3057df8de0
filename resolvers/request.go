package resolvers

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sort"
	"sync"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
)

// request is the state of one GraphQL request: the store, the codebook and
// cities (each read from the store at most once; their indexes are shared
// by requests while the store hands out the same lists, see heldIndex),
// the sibling groups and the dataloaders.
type request struct {
	store   *graph.Store
	log     *slog.Logger
	maxPage int

	cb     lazy[*codebook]
	cities lazy[*cityIndex]
	study  requestStudy  // the study the request asks about (study.go)
	direct *directAnswer // set when the request is answered directly (direct.go)

	// Sibling groups per kind of key.
	docKeys, sentenceKeys, cityKeys, codeKeys siblings
	allCodes                                  sync.Once

	mu      sync.Mutex
	loaders map[string]any // name → *loader[V]
	memos   map[string]any // name → *lazy[T]
}

type requestKey struct{}

func newRequest(store *graph.Store, log *slog.Logger, maxPage int) *request {
	return &request{store: store, log: log, maxPage: maxPage, loaders: map[string]any{}, memos: map[string]any{}}
}

func withRequest(ctx context.Context, r *request) context.Context {
	return context.WithValue(ctx, requestKey{}, r)
}

// requestFrom returns the request state the handler put in ctx. Its absence
// is a programming error (graphql-go turns the panic into INTERNAL).
func requestFrom(ctx context.Context) *request {
	r, ok := ctx.Value(requestKey{}).(*request)
	if !ok {
		panic("resolvers: no request state in context")
	}
	return r
}

// fail classifies err for the client, logging what the client must not see.
func (r *request) fail(ctx context.Context, err error) error {
	return classify(ctx, r.log, err)
}

// loaderFor returns the request's loader called name, creating it with kin
// and fetch on first use. name must encode every parameter fetch closes over.
func loaderFor[V any](r *request, name string, kin *siblings, fetch func(ctx context.Context, keys []string) (map[string]V, error)) *loader[V] {
	r.mu.Lock()
	defer r.mu.Unlock()
	if l, ok := r.loaders[name]; ok {
		return l.(*loader[V])
	}
	l := newLoader(kin, fetch)
	r.loaders[name] = l
	return l
}

// memo computes the value called name once per request.
func memo[T any](r *request, name string, f func() (T, error)) (T, error) {
	r.mu.Lock()
	m, ok := r.memos[name]
	if !ok {
		m = &lazy[T]{}
		r.memos[name] = m
	}
	r.mu.Unlock()
	return m.(*lazy[T]).get(f)
}

// codebook indexes the coding scheme.
type codebook struct {
	codes    []*policykb.Code // depth-first tree order, as graph.Codes returns it
	ids      []string
	byID     map[string]*policykb.Code
	byLowID  map[string]*policykb.Code
	order    map[string]int
	children map[string][]*policykb.Code
	byLevel  map[policykb.Level][]*policykb.Code
	byName   map[string][]*policykb.Code // lower-cased English and Chinese names
}

func (r *request) codebook(ctx context.Context) (*codebook, error) {
	cb, err := r.cb.get(func() (*codebook, error) {
		codes, err := r.store.Codes(ctx)
		if err != nil {
			return nil, err
		}
		return heldCodebooks.get(r.inStudy(codes), newCodebook), nil
	})
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	return cb, nil
}

// heldIndex keeps the index last built from the store's codebook or
// cities, so that requests do not each rebuild it: while the store answers
// with the same list (graph.Store holds it until the knowledge base
// changes), the index built from it is reused. An index is never modified
// once built.
type heldIndex[E comparable, T any] struct {
	mu    sync.Mutex
	src   []E
	v     T
	built bool
}

var (
	heldCodebooks   heldIndex[policykb.Code, *codebook]
	heldCityIndexes heldIndex[policykb.City, *cityIndex]
)

func (h *heldIndex[E, T]) get(s []E, build func([]E) T) T {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.built || !slices.Equal(s, h.src) {
		h.src, h.v, h.built = s, build(s), true
	}
	return h.v
}

func newCodebook(codes []policykb.Code) *codebook {
	cb := &codebook{
		byID:     map[string]*policykb.Code{},
		byLowID:  map[string]*policykb.Code{},
		order:    map[string]int{},
		children: map[string][]*policykb.Code{},
		byLevel:  map[policykb.Level][]*policykb.Code{},
		byName:   map[string][]*policykb.Code{},
	}
	for i := range codes {
		c := &codes[i]
		cb.codes = append(cb.codes, c)
		cb.ids = append(cb.ids, c.ID)
		cb.byID[c.ID] = c
		cb.byLowID[policykb.NameKey(c.ID)] = c
		cb.order[c.ID] = i
		cb.byLevel[c.Level] = append(cb.byLevel[c.Level], c)
		if c.Parent != "" {
			cb.children[c.Parent] = append(cb.children[c.Parent], c)
		}
		for _, n := range []string{c.Name, c.NameZh} {
			if k := policykb.NameKey(n); k != "" && !containsCode(cb.byName[k], c) {
				cb.byName[k] = append(cb.byName[k], c)
			}
		}
	}
	// Shared by requests (heldIndex): an append to these must copy.
	cb.codes, cb.ids = slices.Clip(cb.codes), slices.Clip(cb.ids)
	for l, list := range cb.byLevel {
		cb.byLevel[l] = slices.Clip(list)
	}
	for k, list := range cb.children {
		cb.children[k] = slices.Clip(list)
	}
	for k, list := range cb.byName {
		cb.byName[k] = slices.Clip(list)
	}
	return cb
}

func containsCode(list []*policykb.Code, c *policykb.Code) bool {
	for _, x := range list {
		if x == c {
			return true
		}
	}
	return false
}

// lookup returns the codes ref means: the code with that id (exactly, then
// case-insensitively), else every code with that English or Chinese name,
// case-insensitively.
func (cb *codebook) lookup(ref string) []*policykb.Code {
	if c, ok := cb.byID[ref]; ok {
		return []*policykb.Code{c}
	}
	if c, ok := cb.byLowID[policykb.NameKey(ref)]; ok {
		return []*policykb.Code{c}
	}
	return cb.byName[policykb.NameKey(ref)]
}

// sortCounts orders counts by reference points, most first, then codebook order.
func (cb *codebook) sortCounts(counts []policykb.Count) {
	sort.SliceStable(counts, func(i, j int) bool {
		if counts[i].ReferencePoints != counts[j].ReferencePoints {
			return counts[i].ReferencePoints > counts[j].ReferencePoints
		}
		return cb.order[counts[i].CodeID] < cb.order[counts[j].CodeID]
	})
}

// resolveCode finds the one code ref means. Nothing matching is (nil, nil)
// unless required, when it is BAD_USER_INPUT naming arg; several matches are
// BAD_USER_INPUT listing them.
func (r *request) resolveCode(ctx context.Context, ref, arg string, required bool) (*policykb.Code, error) {
	cb, err := r.codebook(ctx)
	if err != nil {
		return nil, err
	}
	found := cb.lookup(ref)
	switch len(found) {
	case 0:
		if required {
			return nil, badInput(arg, "no code has the id or name %q", ref)
		}
		return nil, nil
	case 1:
		return found[0], nil
	}
	e := badInput(arg, "%q names %d codes; use one of their ids:", ref, len(found))
	for _, c := range found {
		e.Candidates = append(e.Candidates, candidate{ID: c.ID, Level: c.Level.String(), Name: c.Name})
		e.Message += " " + c.ID + " (" + c.Level.String() + ")"
	}
	return nil, e
}

// useAllCodes makes every code of the codebook one sibling group: a query
// that walks the tree (codebook, children, parent, path) then asks each code
// for its counts gets them all in one CodeCounts call.
func (r *request) useAllCodes(cb *codebook) {
	r.allCodes.Do(func() { r.codeKeys.add(cb.ids) })
}

// cityIndex indexes the cities.
type cityIndex struct {
	list   []*policykb.City
	byName map[string]*policykb.City
	byKey  map[string][]*policykb.City // lower-cased English and Chinese names
}

func (r *request) cityIndex(ctx context.Context) (*cityIndex, error) {
	ci, err := r.cities.get(func() (*cityIndex, error) {
		cities, err := r.store.Cities(ctx)
		if err != nil {
			return nil, err
		}
		return heldCityIndexes.get(cities, newCityIndex), nil
	})
	if err != nil {
		return nil, r.fail(ctx, err)
	}
	return ci, nil
}

func newCityIndex(cities []policykb.City) *cityIndex {
	ci := &cityIndex{byName: map[string]*policykb.City{}, byKey: map[string][]*policykb.City{}}
	for i := range cities {
		c := &cities[i]
		ci.list = append(ci.list, c)
		ci.byName[c.Name] = c
		for _, k := range c.Keys() {
			ci.byKey[k] = append(ci.byKey[k], c)
		}
	}
	ci.list = slices.Clip(ci.list)
	return ci
}

// lookup returns the city called name (policykb.City.Called: its English
// or Chinese name, in any case; the exact name first), or nil.
func (ci *cityIndex) lookup(name string) *policykb.City {
	if c, ok := ci.byName[name]; ok {
		return c
	}
	if cs := ci.byKey[policykb.NameKey(name)]; len(cs) > 0 {
		return cs[0]
	}
	return nil
}

// names lists every name the cities are called by, English then Chinese,
// for the nearest names to an unknown one.
func (ci *cityIndex) names() []string {
	var out []string
	for _, c := range ci.list {
		out = append(out, c.Name)
		if c.NameZh != "" {
			out = append(out, c.NameZh)
		}
	}
	return out
}

// checkFilter reports the names in f that name nothing stored
// (graph.Store.CheckFilter) as BAD_USER_INPUT naming the filter's field:
// filter.cities, filter.provinces, filter.documents or filter.coders. It
// runs once per request for each filter (key is filterKey(f)).
func (r *request) checkFilter(ctx context.Context, f policykb.CorpusFilter, key string) error {
	if len(f.Cities) == 0 && len(f.Provinces) == 0 && len(f.Documents) == 0 && len(f.Coders) == 0 {
		return nil
	}
	_, err := memo(r, "checkFilter|"+key, func() (struct{}, error) {
		return struct{}{}, r.store.CheckFilter(ctx, f)
	})
	if err == nil {
		return nil
	}
	var pe *policykb.Error
	if errors.As(err, &pe) && pe.Code == policykb.EInvalid {
		return badInput("filter."+pe.Argument, "%s", pe.Message)
	}
	return r.fail(ctx, err)
}

// city returns the city with the key name, or a bare City when the index
// lacks it (a document always names its city; this only guards a race with
// a concurrent load).
func (ci *cityIndex) city(name string) *policykb.City {
	if c, ok := ci.byName[name]; ok {
		return c
	}
	return &policykb.City{Name: name}
}
