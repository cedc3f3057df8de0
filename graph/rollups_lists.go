package graph

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/policykb/policykb"
)

// A city keeps its city rollups of each level as three lists of one order,
// the level's position i in policykb.Levels naming them:
//
//	city.rollupCodes<i>      the ids of the codes of the level it has a CITY_ROLLUP to
//	city.rollupReferences<i> that rollup's sentences (reference points)
//	city.rollupSources<i>    that rollup's documents (material sources)
//
// They are written with the city rollups (refreshStaleCities) and hold
// nothing else, so a question over many cities reads one node per city
// instead of a relationship per city and code: the matrix of the main
// categories against 3,100 jurisdictions reads 3,100 nodes, not 34,100
// relationships. The lists span every study's codes of the level, as the
// relationships do.

// cityLists names the three list properties of level l.
type cityLists struct{ codes, references, sources string }

func cityListsOf(l policykb.Level) cityLists {
	i := strconv.FormatInt(levelIndex(l), 10)
	return cityLists{codes: "rollupCodes" + i, references: "rollupReferences" + i, sources: "rollupSources" + i}
}

// setCityLists is the SET items (without SET) writing every level's lists
// of the city bound to cityVar from cellsVar, a list of [level, code id,
// sentences, documents], one per city rollup.
func setCityLists(cityVar, cellsVar string) string {
	var items []string
	for _, l := range policykb.Levels {
		p := cityListsOf(l)
		sel := "[c IN " + cellsVar + " WHERE c[0] = '" + l.String() + "' | c[%d]]"
		items = append(items,
			"\n    "+cityVar+"."+p.codes+" = "+fmt.Sprintf(sel, 1),
			"\n    "+cityVar+"."+p.references+" = "+fmt.Sprintf(sel, 2),
			"\n    "+cityVar+"."+p.sources+" = "+fmt.Sprintf(sel, 3))
	}
	return strings.Join(items, ",")
}

// backfillCityLists writes the lists of cities stored without them, from
// their city rollups as they are, a few hundred cities per transaction
// (EnsureSchema, before any write).
var backfillCityLists = `
MATCH (city:City) WHERE city.` + cityListsOf(policykb.Levels[0]).codes + ` IS NULL
WITH city LIMIT $limit
CALL (city) {
  MATCH (city)-[r:CITY_ROLLUP]->(k:Code)
  RETURN collect([k.level, k.id, r.sentences, r.documents]) AS cells
}
SET` + setCityLists("city", "cells") + `
RETURN count(*)`

func (s *Store) buildCityLists(ctx context.Context) error {
	total := 0
	for {
		n, err := s.upkeepStep(ctx, "write the cities' rollup lists", backfillCityLists, map[string]any{"limit": int64(500)})
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
		total += n
	}
	if total > 0 {
		s.log.Info(fmt.Sprintf("graph: rollup lists written on %d cities", total), "cities", total)
	}
	return nil
}
