package graph

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
)

// Group rollups sum the city rollups once more, so that questions over
// whole provinces or over everything read one relationship per code (or
// pair of codes) instead of one per city. Every city is in the group of
// its province (cities without one in the group of the empty province),
//
//	(city:City)-[:IN_GROUP]->(g:RollupGroup {key: 'province:' + province})
//
// and one group holds every city, (:RollupGroup {key: 'corpus'}). A group
// has the city rollups' shape:
//
//	(g:RollupGroup)-[:GROUP_ROLLUP {sentences: n, documents: m}]->(k:Code)
//	(g:RollupGroup)-[:GROUP_COOCCURRENCE {a: a.id, sentences: n}]->(b:Code)
//
// A group co-occurrence also holds its key (groupCooccurrenceKey): the
// group's key, the study and the two codes' ids, unique (a constraint), so
// that adding a difference to a pair finds the pair by its index instead of
// among the thousands of co-occurrences a code has from every group.
//
// They are kept by difference: when refreshStaleCities recomputes a city's
// rollups, what changed (the new rollups minus the old) is added to the
// city's province group and to the corpus group in the same statement, so a
// write costs what its cities' rollups cost, whatever the size of the base.
// A group whose members changed (a city moved to another province, a city
// deleted, a city with rollups put in a group) is summed again from its
// cities, and the corpus group then from the province groups. Like the
// other rollups, they are derived data refreshed before every write
// transaction commits (Store.write), not reported in WriteSummary.

// groupRollupsVersion is the version of the group rollups: a base whose
// corpus group has an older one (or none) has every group summed again.
// Version 2 added the key of the group co-occurrences.
const groupRollupsVersion = 2

// groupCooccurrenceKey is the properties, besides a, that make a group
// co-occurrence of the group g to the code k unique: a MERGE on them finds
// the pair by the constraint's index (group_cooccurrence_key).
func groupCooccurrenceKey(g, k string) string {
	return "group: " + g + ".key, study: " + k + ".study, b: " + k + ".id"
}

// placeCities puts cities in the group of their province (and creates
// the corpus group when there is a city: a base without cities has no
// groups, so that wiping one ends): every city (placeAllCities, when a
// base is opened) or those a write upserted (placeUpsertedCities, before
// every commit: upsertCities labels them Unplaced, so that a write does not
// read every city). A city that moves leaves its old group stale; a city
// with rollups already (one stored before groups, or one that moved) makes
// its new group stale, since its rollups are not in it; a new city joins
// without, its rollups arriving as differences when it is refreshed.
// Whether there is a city is asked with EXISTS, not a count: inside a
// transaction that wrote, Neo4j counts by visiting everything it wrote
// (about 30 ms for a transaction of a load).
func placeCities(cities string) string {
	return `
WITH 1 AS one WHERE EXISTS { MATCH (:City) }
MERGE (all:RollupGroup {key: 'corpus'})
ON CREATE SET all.rollups = $groupRollups
WITH all
CALL (all) {
  WITH all WHERE all.rollups < $groupRollups
  MATCH (g:RollupGroup) WHERE g <> all
  SET g.stale = true
}
SET all.rollups = $groupRollups
WITH count(*) AS one` + cities + `
WITH city
WHERE NOT EXISTS { (city)-[:IN_GROUP]->(g:RollupGroup) WHERE g.key = 'province:' + coalesce(city.province, '') }
CALL (city) {
  OPTIONAL MATCH (city)-[old:IN_GROUP]->(was:RollupGroup)
  SET was.stale = true
  DELETE old
}
MERGE (g:RollupGroup {key: 'province:' + coalesce(city.province, '')})
ON CREATE SET g.province = coalesce(city.province, ''), g.cities = 0
MERGE (city)-[:IN_GROUP]->(g)
SET g.cities = g.cities + 1
FOREACH (_ IN CASE WHEN city.rollups IS NOT NULL THEN [1] ELSE [] END | SET g.stale = true)`
}

var (
	placeAllCities      = placeCities("\nMATCH (city:City)\nREMOVE city:Unplaced")
	placeUpsertedCities = placeCities("\nMATCH (city:Unplaced)\nREMOVE city:Unplaced")
)

// cityRollupsBefore binds, for a city about to be refreshed, its rollups
// as they were, negated: rollupsBefore ([code, -sentences, -documents])
// and pairsBefore ([code, a, -sentences]). It writes to the city first:
// the write lock makes a concurrent refresh of the same city wait until
// this one commits and then read the rollups this one wrote, so that no
// difference is added to the groups twice (reads alone are only
// read-committed). A write that changes a city's documents has locked it
// already, marking it stale; this covers the refreshes no write marked
// (older rollups, a document moved to another city).
const cityRollupsBefore = `
SET city.rollupsRefreshing = true
WITH city
CALL (city) {
  MATCH (city)-[old:CITY_ROLLUP]->(k:Code)
  RETURN collect([k, -old.sentences, -old.documents]) AS rollupsBefore
}
CALL (city) {
  MATCH (city)-[old:CITY_COOCCURRENCE]->(k:Code)
  RETURN collect([k, old.a, -old.sentences]) AS pairsBefore
}`

// groupRollupsDelta ends refreshStaleCities: each refreshed city's new
// rollups plus its negated old ones are what its province group and the
// corpus group gain (or lose); summed over every refreshed city, they are
// added to the groups' relationships, which go when nothing is left.
var groupRollupsDelta = `
WITH city, rollupsBefore, pairsBefore
CALL (city) {
  MATCH (city)-[now:CITY_ROLLUP]->(k:Code)
  RETURN collect([k, now.sentences, now.documents]) AS rollupsAfter
}
CALL (city) {
  MATCH (city)-[now:CITY_COOCCURRENCE]->(k:Code)
  RETURN collect([k, now.a, now.sentences]) AS pairsAfter
}
OPTIONAL MATCH (city)-[:IN_GROUP]->(g:RollupGroup)
WITH collect([g, rollupsBefore + rollupsAfter, pairsBefore + pairsAfter]) AS deltas
MATCH (all:RollupGroup {key: 'corpus'})
CALL (deltas, all) {
  UNWIND deltas AS x
  UNWIND x[1] AS d
  UNWIND [t IN [x[0], all] WHERE t IS NOT NULL] AS t
  WITH t, d[0] AS k, sum(d[1]) AS dn, sum(d[2]) AS dm
  WHERE dn <> 0 OR dm <> 0
  MERGE (t)-[r:GROUP_ROLLUP]->(k)
  SET r.sentences = coalesce(r.sentences, 0) + dn, r.documents = coalesce(r.documents, 0) + dm
  WITH r WHERE r.documents <= 0
  DELETE r
}
CALL (deltas, all) {
  UNWIND deltas AS x
  UNWIND x[2] AS d
  UNWIND [t IN [x[0], all] WHERE t IS NOT NULL] AS t
  WITH t, d[0] AS k, d[1] AS a, sum(d[2]) AS dn
  WHERE dn <> 0
  MERGE (t)-[r:GROUP_COOCCURRENCE {a: a, ` + groupCooccurrenceKey("t", "k") + `}]->(k)
  SET r.sentences = coalesce(r.sentences, 0) + dn
  WITH r WHERE r.sentences <= 0
  DELETE r
}`

// refreshStaleGroups sums again, from their cities, the province groups
// that are stale or whose number of cities changed (their relationships
// deleted and made anew: a full sum is rare, and creating is cheaper than
// matching what to keep), at most $limit of them, deletes the groups left
// without cities, and returns how many groups it summed.
var refreshStaleGroups = `
MATCH (g:RollupGroup)
WHERE g.key <> 'corpus' AND (g.stale OR g.cities <> COUNT { (g)<-[:IN_GROUP]-() })
WITH g LIMIT $limit
CALL (g) {
  MATCH (g)-[old:GROUP_ROLLUP|GROUP_COOCCURRENCE]->()
  DELETE old
}
CALL (g) {
  MATCH (g)<-[:IN_GROUP]-(:City)-[cr:CITY_ROLLUP]->(k:Code)
  WITH k, sum(cr.sentences) AS n, sum(cr.documents) AS m
  CREATE (g)-[:GROUP_ROLLUP {sentences: n, documents: m}]->(k)
}
CALL (g) {
  MATCH (g)<-[:IN_GROUP]-(:City)-[cc:CITY_COOCCURRENCE]->(k:Code)
  WITH cc.a AS a, k, sum(cc.sentences) AS n
  CREATE (g)-[:GROUP_COOCCURRENCE {a: a, ` + groupCooccurrenceKey("g", "k") + `, sentences: n}]->(k)
}
SET g.cities = COUNT { (g)<-[:IN_GROUP]-() }
REMOVE g.stale
WITH collect(g) AS refreshed
CALL (refreshed) {
  UNWIND refreshed AS g
  WITH g WHERE g.cities = 0
  DETACH DELETE g
}
RETURN size(refreshed)`

// sumCorpusGroup sums the corpus group again from the province groups.
var sumCorpusGroup = `
MATCH (all:RollupGroup {key: 'corpus'})
CALL (all) {
  MATCH (all)-[old:GROUP_ROLLUP|GROUP_COOCCURRENCE]->()
  DELETE old
}
CALL (all) {
  MATCH (g:RollupGroup)-[gr:GROUP_ROLLUP]->(k:Code) WHERE g <> all
  WITH k, sum(gr.sentences) AS n, sum(gr.documents) AS m
  CREATE (all)-[:GROUP_ROLLUP {sentences: n, documents: m}]->(k)
}
CALL (all) {
  MATCH (g:RollupGroup)-[gc:GROUP_COOCCURRENCE]->(k:Code) WHERE g <> all
  WITH gc.a AS a, k, sum(gc.sentences) AS n
  CREATE (all)-[:GROUP_COOCCURRENCE {a: a, ` + groupCooccurrenceKey("all", "k") + `, sentences: n}]->(k)
}`

// refreshCityRollups brings, inside tx, the city rollups and the group
// rollups up to date with the documents' (run by Store.write before every
// commit).
func refreshCityRollups(ctx context.Context, tx neo4j.ManagedTransaction) error {
	groups := map[string]any{"groupRollups": int64(groupRollupsVersion)}
	if err := exec(ctx, tx, placeUpsertedCities, groups); err != nil {
		return fmt.Errorf("place cities in groups: %w", err)
	}
	if err := exec(ctx, tx, refreshStaleCities, rollupArgs(map[string]any{})); err != nil {
		return fmt.Errorf("refresh city rollups: %w", err)
	}
	recs, err := collect(ctx, tx, refreshStaleGroups, map[string]any{"limit": int64(math.MaxInt64)})
	if err != nil {
		return fmt.Errorf("refresh group rollups: %w", err)
	}
	if integer(recs[0].Values[0]) > 0 {
		if err := exec(ctx, tx, sumCorpusGroup, nil); err != nil {
			return fmt.Errorf("sum the corpus group: %w", err)
		}
	}
	return nil
}

// buildRollupGroups puts every city in its group and sums again the
// groups that need it, one group per transaction, then the corpus group:
// how a base stored without groups, or with an older version of them,
// gets them (EnsureSchema), however many cities it has. Unlike a write's
// refresh (refreshCityRollups), which sums again the few groups a write
// changed, this does not hold every group's rollups in one transaction.
// What a write changes after it reaches the groups by difference.
func (s *Store) buildRollupGroups(ctx context.Context) error {
	run := func(what, cypher string, params map[string]any) (int, error) {
		return s.upkeepStep(ctx, what, cypher, params)
	}
	if _, err := run("place cities in rollup groups", placeAllCities, map[string]any{"groupRollups": int64(groupRollupsVersion)}); err != nil {
		return err
	}
	summed := 0
	for {
		n, err := run("sum rollup groups", refreshStaleGroups, map[string]any{"limit": int64(1)})
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
		summed += n
	}
	if summed > 0 {
		if _, err := run("sum the corpus group", sumCorpusGroup, nil); err != nil {
			return err
		}
		s.log.Info(fmt.Sprintf("graph: %d rollup groups summed", summed), "groups", summed)
	}
	return nil
}

// upkeepStep runs one statement of the upkeep EnsureSchema does on a base
// stored before some derived data (the rollup groups, the cities' rollup
// lists) in a write transaction of its own, without a write's refresh of
// the city rollups, and returns the number its first record holds (0
// without a record): how many groups or cities it brought up to date.
func (s *Store) upkeepStep(ctx context.Context, what, cypher string, params map[string]any) (int, error) {
	out, err := s.transact(ctx, neo4j.AccessModeWrite, func(tx neo4j.ManagedTransaction) (any, error) {
		recs, err := collect(ctx, tx, cypher, params)
		if err != nil || len(recs) == 0 {
			return 0, err
		}
		return integer(recs[0].Values[0]), nil
	})
	if err != nil {
		return 0, fmt.Errorf("graph: %s: %w", what, s.classify(ctx, err))
	}
	return out.(int), nil
}

// wholeRollupMatch matches the rollups of kind ("ROLLUP" or
// "COOCCURRENCE", bound to the variable rv) that answer a filter admitting
// or rejecting whole cities (cityLevel(f) must hold) at the codes k meeting
// keyCond, when the question needs no city: the corpus group's without a
// filter on places, the named provinces' groups under one, and the cities'
// (cityRollupMatch, binding city) when the filter names cities.
func wholeRollupMatch(kind, rv, keyCond string, f policykb.CorpusFilter, params map[string]any) string {
	if len(f.Cities) > 0 {
		return cityRollupMatch("CITY_"+kind, rv, keyCond, f, params)
	}
	conds := []string{studyKey(keyCond, f, params)}
	if len(f.Provinces) > 0 {
		conds = append(conds, "g.key IN [p IN $fProvinceNames | 'province:' + p]")
	} else {
		conds = append(conds, "g.key = 'corpus'")
	}
	return "\nMATCH (g:RollupGroup)-[" + rv + ":GROUP_" + kind + "]->(k:Code)\nWHERE " + strings.Join(conds, " AND ")
}
