package graph

import (
	"context"
	"fmt"
	"slices"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
)

// The fields of a CorpusFilter that name things, as CheckFilter names them
// in its errors' Argument; each edge maps them onto its own argument or
// parameter names (filter.cities, ?city=, --city).
const (
	FilterCities    = "cities"
	FilterProvinces = "provinces"
	FilterDocuments = "documents"
	FilterCoders    = "coders"
)

const (
	existingDocuments = `MATCH (d:Document) WHERE d.id IN $ids RETURN d.id`
	allDocumentIDs    = `MATCH (d:Document) RETURN d.id ORDER BY d.id`
)

// CheckFilter reports the names in f that name nothing stored, as a
// BAD_USER_INPUT *policykb.Error whose Argument is the filter field
// (FilterCities, FilterProvinces, FilterDocuments or FilterCoders) and
// whose message gives each unknown value with the nearest known names
// (policykb.UnknownNames); the first field with an unknown value is
// reported. A city is known by its English or Chinese name and a province
// by its name, in any case (policykb.City.Called, policykb.NameKey); a
// document by its id and a coder by their name, exactly (as the queries
// match them; the nearest names show a difference of case). An empty filter
// costs nothing; cities, provinces and coders are checked against the lists
// the store holds (see catalog.go), documents by one lookup of their ids.
// Without the check a misspelt name silently matches nothing.
func (s *Store) CheckFilter(ctx context.Context, f policykb.CorpusFilter) error {
	ctx, end := s.enter(ctx, "CheckFilter")
	defer end()
	if len(f.Cities) > 0 || len(f.Provinces) > 0 {
		cities, err := s.Cities(ctx)
		if err != nil {
			return fmt.Errorf("graph: check filter: %w", err)
		}
		var names, provinces []string
		for _, c := range cities {
			names = append(names, c.Name)
			if c.NameZh != "" {
				names = append(names, c.NameZh)
			}
			if c.Province != "" && !slices.Contains(provinces, c.Province) {
				provinces = append(provinces, c.Province)
			}
		}
		slices.Sort(provinces)
		var unknown []string
		for _, n := range f.Cities {
			if !slices.ContainsFunc(cities, func(c policykb.City) bool { return c.Called(n) }) {
				unknown = append(unknown, n)
			}
		}
		if e := policykb.UnknownNames(FilterCities, "no city is called", unknown, names); e != nil {
			return e
		}
		unknown = nil
		for _, p := range f.Provinces {
			if !slices.ContainsFunc(provinces, func(q string) bool { return policykb.NameKey(q) == policykb.NameKey(p) }) {
				unknown = append(unknown, p)
			}
		}
		if e := policykb.UnknownNames(FilterProvinces, "no city is in the province", unknown, provinces); e != nil {
			return e
		}
	}
	if len(f.Documents) > 0 {
		if err := s.checkDocuments(ctx, f.Documents); err != nil {
			return err
		}
	}
	if len(f.Coders) > 0 {
		coders, err := s.Coders(ctx)
		if err != nil {
			return fmt.Errorf("graph: check filter: %w", err)
		}
		var unknown []string
		for _, c := range f.Coders {
			if !slices.Contains(coders, c) {
				unknown = append(unknown, c)
			}
		}
		if len(unknown) > 0 {
			// A coder of frame codings only (a direct instrument coder, or a
			// mapping's derived:<id>) is a coder too.
			out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
				return collect(ctx, tx, frameCodersAmong, map[string]any{"coders": unknown})
			})
			if err != nil {
				return fmt.Errorf("graph: check filter: %w", err)
			}
			framed := strings1(out.([]*neo4j.Record)[0].Values[0])
			unknown = slices.DeleteFunc(unknown, func(c string) bool { return slices.Contains(framed, c) })
		}
		if e := policykb.UnknownNames(FilterCoders, "no coding is by the coder", unknown, coders); e != nil {
			return e
		}
	}
	return nil
}

// frameCodersAmong keeps the names that code in a frame (CODED_IN.coder
// is indexed).
const frameCodersAmong = `
UNWIND $coders AS c
WITH c WHERE EXISTS { MATCH ()-[:CODED_IN {coder: c}]->() }
RETURN collect(c)`

// checkDocuments looks the ids up; only when one is missing are all the ids
// read, for the nearest.
func (s *Store) checkDocuments(ctx context.Context, ids []string) error {
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return collect(ctx, tx, existingDocuments, map[string]any{"ids": ids})
	})
	if err != nil {
		return fmt.Errorf("graph: check filter: %w", err)
	}
	found := map[string]bool{}
	for _, rec := range out.([]*neo4j.Record) {
		found[str(rec.Values[0])] = true
	}
	var unknown []string
	for _, id := range ids {
		if !found[id] {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	out, err = s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return collect(ctx, tx, allDocumentIDs, nil)
	})
	if err != nil {
		return fmt.Errorf("graph: check filter: %w", err)
	}
	known := make([]string, 0, len(out.([]*neo4j.Record)))
	for _, rec := range out.([]*neo4j.Record) {
		known = append(known, str(rec.Values[0]))
	}
	return policykb.UnknownNames(FilterDocuments, "no document has the id", unknown, known)
}
