package graph

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
)

// Nearly every request needs the coding scheme (to order and name codes)
// and many need the list of cities (and a filter by coder the list of
// coders, to check the names it gives), but they change only when
// something is written. The store keeps them in memory (the catalog), stamped with the
// knowledge base's version: a counter on the one (:Meta {id: 'policykb'})
// node that every write transaction of policykb increments before it
// commits (see Store.write).
//
// A held value younger than Config.CatalogMaxAge is used as it is; an
// older one is checked by reading the counter (one small statement in the
// reader's transaction) and read anew only when the counter moved. So a
// store's own writes are seen at once (they drop its catalog), a load made
// by another policykb process is seen by a running server within
// CatalogMaxAge, and with CatalogMaxAge < 0 every read checks the counter.
// Writes made to the database by other programs do not move the counter; a
// server sees them after a restart (or after any policykb write). Counts
// and every other answer are always read from the database: only the
// codebook and the lists of cities and coders are held.
const (
	readVersion = `OPTIONAL MATCH (m:Meta {id: 'policykb'}) RETURN m.version`
	bumpVersion = `MERGE (m:Meta {id: 'policykb'}) SET m.version = coalesce(m.version, 0) + 1`
)

// versioned holds a value read at a version of the knowledge base.
type versioned[T any] struct {
	mu      sync.Mutex
	ok      bool
	version int64
	checked time.Time // when version was last read and found unchanged
	value   T
	drops   int // how many times drop was called: a read begun before a drop is not kept
}

// fresh returns the held value if it was checked less than maxAge ago.
func (c *versioned[T]) fresh(maxAge time.Duration) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ok && maxAge > 0 && time.Since(c.checked) < maxAge {
		return c.value, true
	}
	var zero T
	return zero, false
}

// get returns the held value when it is fresh, or when the knowledge
// base's version read in tx is the one it was read at; else it reads it
// anew with load, in the same transaction and after the version (so that
// what is held is never older than its stamp). A base without a version
// (written by an older policykb, or never written) is read every time.
func (c *versioned[T]) get(ctx context.Context, tx neo4j.ManagedTransaction, maxAge time.Duration, load func() (T, error)) (T, error) {
	if v, ok := c.fresh(maxAge); ok {
		return v, nil
	}
	var zero T
	c.mu.Lock()
	drops := c.drops
	c.mu.Unlock()
	recs, err := collect(ctx, tx, readVersion, nil)
	if err != nil {
		return zero, err
	}
	now := time.Now()
	v, stamped := recs[0].Values[0].(int64)
	if stamped {
		c.mu.Lock()
		if c.ok && c.version == v && c.drops == drops {
			c.checked = now
			value := c.value
			c.mu.Unlock()
			return value, nil
		}
		c.mu.Unlock()
	}
	value, err := load()
	if err != nil {
		return zero, err
	}
	if stamped {
		c.mu.Lock()
		if c.drops == drops && (!c.ok || v >= c.version) {
			c.ok, c.version, c.checked, c.value = true, v, now, value
		}
		c.mu.Unlock()
	}
	return value, nil
}

// drop forgets the held value (after a write of this store).
func (c *versioned[T]) drop() {
	c.mu.Lock()
	c.ok = false
	c.drops++
	c.mu.Unlock()
}

// catalog is what the store keeps between requests. The slices held are
// never modified: Codes and Cities return copies.
type catalog struct {
	codes   versioned[[]policykb.Code]
	cities  versioned[[]policykb.City]
	coders  versioned[[]string]
	studies versioned[[]policykb.Study]
}

func (c *catalog) drop() {
	c.studies.drop()
	c.codes.drop()
	c.cities.drop()
	c.coders.drop()
}

// codesIn returns the coding scheme as of tx, from the catalog when it is
// fresh or the knowledge base has not changed since it was read. The
// slice is shared: callers must not modify it.
func (s *Store) codesIn(ctx context.Context, tx neo4j.ManagedTransaction) ([]policykb.Code, error) {
	return s.catalog.codes.get(ctx, tx, s.cfg.CatalogMaxAge, func() ([]policykb.Code, error) { return readCodes(ctx, tx) })
}

// studyCodesIn returns the coding scheme of one study as of tx (every
// code when study is "", the whole base), from the catalog as codesIn.
// Codes of a study keep the catalog's order; the slice is shared when
// study is "" and new otherwise: callers must not modify it.
func (s *Store) studyCodesIn(ctx context.Context, tx neo4j.ManagedTransaction, study string) ([]policykb.Code, error) {
	codes, err := s.codesIn(ctx, tx)
	if err != nil || study == "" {
		return codes, err
	}
	return codesOfStudy(codes, study), nil
}

func codesOfStudy(codes []policykb.Code, study string) []policykb.Code {
	out := []policykb.Code{}
	for _, c := range codes {
		if c.Study == study {
			out = append(out, c)
		}
	}
	return out
}

// studiesIn returns every study as of tx, ordered by id, from the catalog
// when it is fresh or the knowledge base has not changed since they were
// read. The slice is shared: callers must not modify it.
func (s *Store) studiesIn(ctx context.Context, tx neo4j.ManagedTransaction) ([]policykb.Study, error) {
	return s.catalog.studies.get(ctx, tx, s.cfg.CatalogMaxAge, func() ([]policykb.Study, error) { return readStudies(ctx, tx) })
}

// citiesIn returns every city as of tx, ordered by name, from the catalog
// when it is fresh or the knowledge base has not changed since they were
// read. The slice is shared: callers must not modify it.
func (s *Store) citiesIn(ctx context.Context, tx neo4j.ManagedTransaction) ([]policykb.City, error) {
	return s.catalog.cities.get(ctx, tx, s.cfg.CatalogMaxAge, func() ([]policykb.City, error) { return readCities(ctx, tx) })
}

// codersIn returns every coder of a coding as of tx, in order, from the
// catalog when it is fresh or the knowledge base has not changed since they
// were read. The slice is shared: callers must not modify it.
func (s *Store) codersIn(ctx context.Context, tx neo4j.ManagedTransaction) ([]string, error) {
	return s.catalog.coders.get(ctx, tx, s.cfg.CatalogMaxAge, func() ([]string, error) { return readCoders(ctx, tx) })
}

// readShared returns a copy of the held value when it is fresh (no
// transaction), else runs read, which returns a shared slice, in a read
// transaction and returns a copy of the slice.
func readShared[T any](ctx context.Context, s *Store, held *versioned[[]T], read func(context.Context, neo4j.ManagedTransaction) ([]T, error)) ([]T, error) {
	if v, ok := held.fresh(s.cfg.CatalogMaxAge); ok {
		return slices.Clone(v), nil
	}
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) { return read(ctx, tx) })
	if err != nil {
		return nil, err
	}
	return slices.Clone(out.([]T)), nil
}
