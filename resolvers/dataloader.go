package resolvers

import (
	"context"
	"fmt"
	"sync"
)

// Dataloaders. graphql-go resolves the fields of list elements concurrently,
// at most MaxParallelism at a time, and a resolver waiting for a batch holds
// one of those slots; a loader that waits a moment to collect keys therefore
// collects at most MaxParallelism of them. Instead, whoever produces a list of
// parents registers the list's keys as siblings (see siblings.add) before
// returning it, and the first child load of any of them fetches the whole
// list's keys in one call; the other children find their values already in
// flight or loaded. The number of graph calls thus depends on the shape of
// the query, not on the length of its lists.

// siblings records which keys were produced together (one list of parents),
// for one kind of key (document ids, sentence ids, city names, code ids).
// Safe for concurrent use.
type siblings struct {
	mu     sync.Mutex
	groups map[string][][]string // key → the groups it belongs to
}

// add registers keys as one group: loading any of them loads all of them.
func (s *siblings) add(keys []string) {
	if len(keys) < 2 {
		return
	}
	g := dedupe(keys)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.groups == nil {
		s.groups = map[string][][]string{}
	}
	for _, k := range g {
		s.groups[k] = append(s.groups[k], g)
	}
}

// of returns every key sharing a group with key (key included, once each).
func (s *siblings) of(key string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	gs := s.groups[key]
	switch len(gs) {
	case 0:
		return []string{key}
	case 1:
		return gs[0]
	}
	var all []string
	for _, g := range gs {
		all = append(all, g...)
	}
	return dedupe(all)
}

func dedupe(keys []string) []string {
	seen := make(map[string]bool, len(keys))
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

// loader fetches values of one kind by key, in batches, at most once per key
// per request. A key absent from a fetch's result is "not found".
type loader[V any] struct {
	fetch func(ctx context.Context, keys []string) (map[string]V, error)
	kin   *siblings // whose groups say which keys to fetch together; may be nil

	mu    sync.Mutex
	slots map[string]*flight[V]
}

// flight is one fetch of a batch of keys; done is closed when it has ended.
type flight[V any] struct {
	done chan struct{}
	vals map[string]V
	err  error
}

func (f *flight[V]) run(ctx context.Context, fetch func(context.Context, []string) (map[string]V, error), keys []string) {
	defer close(f.done)
	defer func() {
		if p := recover(); p != nil {
			f.vals, f.err = nil, fmt.Errorf("resolvers: dataloader panic: %v", p)
		}
	}()
	f.vals, f.err = fetch(ctx, keys)
}

func newLoader[V any](kin *siblings, fetch func(ctx context.Context, keys []string) (map[string]V, error)) *loader[V] {
	return &loader[V]{fetch: fetch, kin: kin, slots: map[string]*flight[V]{}}
}

// load returns the value for key, fetching it together with its siblings
// that are not loaded yet. found is false when the fetch did not return key.
func (l *loader[V]) load(ctx context.Context, key string) (v V, found bool, err error) {
	l.mu.Lock()
	f, ok := l.slots[key]
	if !ok {
		keys := []string{key}
		if l.kin != nil {
			for _, k := range l.kin.of(key) {
				if _, known := l.slots[k]; !known && k != key {
					keys = append(keys, k)
				}
			}
		}
		f = &flight[V]{done: make(chan struct{})}
		for _, k := range keys {
			l.slots[k] = f
		}
		l.mu.Unlock()
		f.run(ctx, l.fetch, keys)
	} else {
		l.mu.Unlock()
	}
	select {
	case <-f.done:
	case <-ctx.Done():
		return v, false, ctx.Err()
	}
	if f.err != nil {
		return v, false, f.err
	}
	v, found = f.vals[key]
	return v, found, nil
}

// prime records a value known without a fetch (a document listed by its
// parent, say), unless the key is already loaded or in flight.
func (l *loader[V]) prime(key string, v V) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.slots[key]; ok {
		return
	}
	f := &flight[V]{done: make(chan struct{}), vals: map[string]V{key: v}}
	close(f.done)
	l.slots[key] = f
}

// lazy computes a value once; concurrent callers wait for the first.
type lazy[T any] struct {
	once sync.Once
	v    T
	err  error
}

func (l *lazy[T]) get(f func() (T, error)) (T, error) {
	l.once.Do(func() {
		defer func() {
			if p := recover(); p != nil {
				l.err = fmt.Errorf("resolvers: panic: %v", p)
			}
		}()
		l.v, l.err = f()
	})
	return l.v, l.err
}
