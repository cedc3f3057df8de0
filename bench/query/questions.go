package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// answer is a question's result reduced to comparable numbers: one entry
// per (row, column, measure), zeros left out, so the three ways of asking
// can be compared key by key.
type answer map[string]float64

// diff lists the keys where a and b differ (at most max of them).
func diff(a, b answer, max int) []string {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	var out []string
	for k := range keys {
		if math.Abs(a[k]-b[k]) > 1e-9 {
			out = append(out, fmt.Sprintf("%s: %v vs %v", k, a[k], b[k]))
		}
	}
	sort.Strings(out)
	if len(out) > max {
		out = append(out[:max], fmt.Sprintf("... %d more", len(out)-max))
	}
	return out
}

// request is one GraphQL request.
type request struct {
	Query     string         `json:"query"`
	Variables map[string]any `json:"variables,omitempty"`
}

// question is one benchmark question asked three ways: through policykb's
// GraphQL, as hand-written Cypher (the floor) and through @neo4j/graphql
// (the peer), each with the reduction of its result to an answer.
type question struct {
	name string

	policykb     request
	fromPolicykb func(data json.RawMessage) (answer, error)

	floor       string
	floorParams map[string]any
	fromFloor   func(rows [][]any) answer

	peer     request
	fromPeer func(data json.RawMessage) (answer, error)
	peerHow  string
}

// corpus is what the questions are built from, read from the database
// before timing starts.
type corpus struct {
	codes      map[string][]string // level → code ids in codebook order
	cities     []string            // every city with a document, by name
	fundID     string              // the id of the code named "Fund Support"
	fiveCities []string            // the compared cities
	cityOfFund string              // the city citing Fund Support most (sentences question)
}

const corpusCodes = `MATCH (k:Code) RETURN k.level, k.id ORDER BY k.ord, k.id`
const corpusCities = `MATCH (c:City) WHERE EXISTS { (c)-[:ISSUED]->(:Document) } RETURN c.name ORDER BY c.name`
const corpusFund = `
MATCH (k:Code {name: $name})
OPTIONAL MATCH (k)<-[ru:ROLLUP]-(:Document)<-[:ISSUED]-(c:City)
WITH k, c, sum(ru.sentences) AS refs ORDER BY refs DESC, c.name
RETURN k.id, collect(c.name)[0]`

// readCorpus reads the codebook, the cities and the code and cities the
// questions are about.
func readCorpus(ctx context.Context, d neo4j.DriverWithContext) (*corpus, error) {
	c := &corpus{codes: map[string][]string{}}
	res, err := neo4j.ExecuteQuery(ctx, d, corpusCodes, nil, neo4j.EagerResultTransformer)
	if err != nil {
		return nil, fmt.Errorf("bench: read codes: %w", err)
	}
	for _, r := range res.Records {
		lvl, _ := r.Values[0].(string)
		c.codes[lvl] = append(c.codes[lvl], r.Values[1].(string))
	}
	res, err = neo4j.ExecuteQuery(ctx, d, corpusCities, nil, neo4j.EagerResultTransformer)
	if err != nil {
		return nil, fmt.Errorf("bench: read cities: %w", err)
	}
	for _, r := range res.Records {
		c.cities = append(c.cities, r.Values[0].(string))
	}
	res, err = neo4j.ExecuteQuery(ctx, d, corpusFund, map[string]any{"name": "Fund Support"}, neo4j.EagerResultTransformer)
	if err != nil {
		return nil, fmt.Errorf("bench: read Fund Support: %w", err)
	}
	if len(res.Records) != 1 || res.Records[0].Values[1] == nil {
		return nil, fmt.Errorf("bench: no city cites a code named Fund Support: is a corpus loaded?")
	}
	c.fundID = res.Records[0].Values[0].(string)
	c.cityOfFund = res.Records[0].Values[1].(string)
	if len(c.codes["MAIN_CATEGORY"]) < 2 || len(c.cities) < 5 {
		return nil, fmt.Errorf("bench: the corpus needs at least 5 cities and 2 main categories (has %d, %d)", len(c.cities), len(c.codes["MAIN_CATEGORY"]))
	}
	// Five cities spread over the alphabet.
	for i := 0; i < 5; i++ {
		c.fiveCities = append(c.fiveCities, c.cities[i*len(c.cities)/5])
	}
	return c, nil
}

// levelDepth is how many BELONGS_TO steps lie between a code of the level
// and the concepts below it.
var levelDepth = map[string]int{"LAYER": 3, "MAIN_CATEGORY": 2, "CATEGORY": 1, "CONCEPT": 0}

// levelIndex is a level's position in the lists a city keeps (rollupCodes<i>, ...).
var levelIndex = map[string]int{"LAYER": 0, "MAIN_CATEGORY": 1, "CATEGORY": 2, "CONCEPT": 3}

// under is the peer's filter for a sentence coded at code id or at a code
// up to depth BELONGS_TO steps below it: the hierarchy spelled out with
// the generated relationship filters.
func under(id string, depth int) string {
	var alts []string
	for n := 0; n <= depth; n++ {
		f := fmt.Sprintf("{id: {eq: %q}}", id)
		for i := 0; i < n; i++ {
			f = "{parent: {some: " + f + "}}"
		}
		alts = append(alts, "{codes: {some: "+f+"}}")
	}
	return "{OR: [" + strings.Join(alts, ", ") + "]}"
}

const countNodes = "{ aggregate { count { nodes } } }"

// peerCount reads a connection's aggregate count.
type peerCount struct {
	Aggregate struct {
		Count struct {
			Nodes float64 `json:"nodes"`
		} `json:"count"`
	} `json:"aggregate"`
}

func integer(v any) float64 {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case float64:
		return x
	}
	return 0
}

func put(a answer, key string, v float64) {
	if v != 0 {
		a[key] = v
	}
}

// questions builds the benchmark's questions for the corpus.
func questions(c *corpus) []question {
	return []question{
		countsQuestion(c, "LAYER"),
		countsQuestion(c, "MAIN_CATEGORY"),
		citiesCitingQuestion(c),
		compareQuestion(c, "MAIN_CATEGORY"),
		matrixQuestion(c, "MAIN_CATEGORY"),
		cooccurrenceQuestion(c, "MAIN_CATEGORY"),
		sentencesQuestion(c),
	}
}

func countsQuestion(c *corpus, level string) question {
	ids := c.codes[level]
	var peer strings.Builder
	peer.WriteString("{")
	for i, id := range ids {
		f := under(id, levelDepth[level])
		fmt.Fprintf(&peer, "\n r%d: sentencesConnection(where: %s) %s", i, f, countNodes)
		fmt.Fprintf(&peer, "\n m%d: documentsConnection(where: {sentences: {some: %s}}) %s", i, f, countNodes)
	}
	peer.WriteString("\n}")
	return question{
		name: "counts(" + level + ")",
		policykb: request{Query: `query($l: Level!) { counts(level: $l) { code { id } referencePoints materialSources } }`,
			Variables: map[string]any{"l": level}},
		fromPolicykb: func(data json.RawMessage) (answer, error) {
			var v struct {
				Counts []struct {
					Code                             struct{ ID string }
					ReferencePoints, MaterialSources float64
				}
			}
			if err := json.Unmarshal(data, &v); err != nil {
				return nil, err
			}
			a := answer{}
			for _, r := range v.Counts {
				put(a, r.Code.ID+"/refs", r.ReferencePoints)
				put(a, r.Code.ID+"/sources", r.MaterialSources)
			}
			return a, nil
		},
		floor: `MATCH (k:Code) WHERE k.level = $level
OPTIONAL MATCH (k)<-[cr:GROUP_ROLLUP]-(:RollupGroup {key: 'corpus'})
WITH k.id AS id, sum(cr.sentences) AS refs, sum(cr.documents) AS docs
RETURN collect([id, refs, docs])`,
		floorParams: map[string]any{"level": level},
		fromFloor: func(rows [][]any) answer {
			a := answer{}
			for _, r := range rows {
				put(a, r[0].(string)+"/refs", integer(r[1]))
				put(a, r[0].(string)+"/sources", integer(r[2]))
			}
			return a
		},
		peer: request{Query: peer.String()},
		fromPeer: func(data json.RawMessage) (answer, error) {
			var v map[string]peerCount
			if err := json.Unmarshal(data, &v); err != nil {
				return nil, err
			}
			a := answer{}
			for i, id := range ids {
				put(a, id+"/refs", v[fmt.Sprintf("r%d", i)].Aggregate.Count.Nodes)
				put(a, id+"/sources", v[fmt.Sprintf("m%d", i)].Aggregate.Count.Nodes)
			}
			return a, nil
		},
		peerHow: fmt.Sprintf("one request, 2 aliases per code (%d): sentencesConnection / documentsConnection(where: coded at the code or 0–%d BELONGS_TO below, spelled with nested `some` filters) { aggregate { count } }",
			len(ids), levelDepth[level]),
	}
}

func citiesCitingQuestion(c *corpus) question {
	f := under(c.fundID, levelDepth["MAIN_CATEGORY"])
	return question{
		name: `citiesCiting("Fund Support")`,
		policykb: request{Query: `query($c: String!) { citiesCiting(code: $c) { city { name } referencePoints materialSources } }`,
			Variables: map[string]any{"c": "Fund Support"}},
		fromPolicykb: func(data json.RawMessage) (answer, error) {
			var v struct {
				CitiesCiting []struct {
					City                             struct{ Name string }
					ReferencePoints, MaterialSources float64
				}
			}
			if err := json.Unmarshal(data, &v); err != nil {
				return nil, err
			}
			a := answer{}
			for _, r := range v.CitiesCiting {
				put(a, r.City.Name+"/refs", r.ReferencePoints)
				put(a, r.City.Name+"/sources", r.MaterialSources)
			}
			return a, nil
		},
		floor: `MATCH (:Code {id: $code})<-[cr:CITY_ROLLUP]-(c)
WITH c.name AS name, cr.sentences AS refs, cr.documents AS docs ORDER BY refs DESC, name
RETURN collect([name, refs, docs])`,
		floorParams: map[string]any{"code": c.fundID},
		fromFloor: func(rows [][]any) answer {
			a := answer{}
			for _, r := range rows {
				put(a, r[0].(string)+"/refs", integer(r[1]))
				put(a, r[0].(string)+"/sources", integer(r[2]))
			}
			return a
		},
		peer: request{Query: fmt.Sprintf(`{ cities(where: {documents: {some: {sentences: {some: %[1]s}}}}, sort: [{name: ASC}]) {
  name documents(where: {sentences: {some: %[1]s}}) { sentencesConnection(where: {node: %[1]s}) %[2]s } } }`, f, countNodes)},
		fromPeer: func(data json.RawMessage) (answer, error) {
			var v struct {
				Cities []struct {
					Name      string
					Documents []struct{ SentencesConnection peerCount }
				}
			}
			if err := json.Unmarshal(data, &v); err != nil {
				return nil, err
			}
			a := answer{}
			for _, city := range v.Cities {
				var refs float64
				for _, d := range city.Documents {
					refs += d.SentencesConnection.Aggregate.Count.Nodes
				}
				put(a, city.Name+"/refs", refs)
				put(a, city.Name+"/sources", float64(len(city.Documents)))
			}
			return a, nil
		},
		peerHow: "cities(where: documents some sentences some coded under the code) { documents(same where) { sentencesConnection(where) { aggregate { count } } } }, summed per city by the client",
	}
}

// perCityPeer is the peer's query for reference points per city and code
// of a level: per document, one aggregate alias per code, summed per city
// by the client. cityWhere restricts the cities ("" for all).
func perCityPeer(c *corpus, level, cityWhere string) string {
	var b strings.Builder
	b.WriteString("{ cities" + cityWhere + " { name documents {")
	for i, id := range c.codes[level] {
		fmt.Fprintf(&b, "\n k%d: sentencesConnection(where: {node: %s}) %s", i, under(id, levelDepth[level]), countNodes)
	}
	b.WriteString("\n} } }")
	return b.String()
}

// fromPerCityPeer reduces perCityPeer's data to refs (and sources when
// sources is set) per city and code.
func fromPerCityPeer(c *corpus, level string, sources bool) func(json.RawMessage) (answer, error) {
	return func(data json.RawMessage) (answer, error) {
		var v struct {
			Cities []struct {
				Name      string
				Documents []map[string]peerCount
			}
		}
		if err := json.Unmarshal(data, &v); err != nil {
			return nil, err
		}
		a := answer{}
		for _, city := range v.Cities {
			for i, id := range c.codes[level] {
				var refs, docs float64
				for _, d := range city.Documents {
					if n := d[fmt.Sprintf("k%d", i)].Aggregate.Count.Nodes; n > 0 {
						refs += n
						docs++
					}
				}
				put(a, city.Name+"/"+id+"/refs", refs)
				if sources {
					put(a, city.Name+"/"+id+"/sources", docs)
				}
			}
		}
		return a, nil
	}
}

func compareQuestion(c *corpus, level string) question {
	names, _ := json.Marshal(c.fiveCities)
	return question{
		name: "compareCities(5 cities, " + level + ")",
		policykb: request{Query: `query($cities: [String!], $l: Level!) { compareCities(cities: $cities, level: $l) {
  rows { code { id } cells { city { name } referencePoints materialSources share } } similarity { a { name } b { name } cosine } } }`,
			Variables: map[string]any{"cities": c.fiveCities, "l": level}},
		fromPolicykb: func(data json.RawMessage) (answer, error) {
			var v struct {
				CompareCities struct {
					Rows []struct {
						Code  struct{ ID string }
						Cells []struct {
							City                             struct{ Name string }
							ReferencePoints, MaterialSources float64
						}
					}
				}
			}
			if err := json.Unmarshal(data, &v); err != nil {
				return nil, err
			}
			a := answer{}
			for _, r := range v.CompareCities.Rows {
				for _, cell := range r.Cells {
					put(a, cell.City.Name+"/"+r.Code.ID+"/refs", cell.ReferencePoints)
					put(a, cell.City.Name+"/"+r.Code.ID+"/sources", cell.MaterialSources)
				}
			}
			return a, nil
		},
		floor: `MATCH (c:City)-[cr:CITY_ROLLUP]->(k:Code)
WHERE c.name IN $cities AND k.level = $level
RETURN collect([c.name, k.id, cr.sentences, cr.documents])`,
		floorParams: map[string]any{"cities": c.fiveCities, "level": level},
		fromFloor: func(rows [][]any) answer {
			a := answer{}
			for _, r := range rows {
				key := r[0].(string) + "/" + r[1].(string)
				put(a, key+"/refs", integer(r[2]))
				put(a, key+"/sources", integer(r[3]))
			}
			return a
		},
		peer:     request{Query: perCityPeer(c, level, "(where: {name: {in: "+string(names)+"}})")},
		fromPeer: fromPerCityPeer(c, level, true),
		peerHow: fmt.Sprintf("cities(where: name in [5]) { documents { one sentencesConnection(where: coded under the code) { aggregate { count } } alias per code (%d) } }, summed per city by the client (shares and cosines left to the client)",
			len(c.codes[level])),
	}
}

func matrixQuestion(c *corpus, level string) question {
	return question{
		name: "matrix(" + level + " × CITY)",
		policykb: request{Query: `query($l: Level!) { matrix(rows: $l, columns: CITY) { rows { id } columns cells } }`,
			Variables: map[string]any{"l": level}},
		fromPolicykb: func(data json.RawMessage) (answer, error) {
			var v struct {
				Matrix struct {
					Rows    []struct{ ID string }
					Columns []string
					Cells   [][]float64
				}
			}
			if err := json.Unmarshal(data, &v); err != nil {
				return nil, err
			}
			m := v.Matrix
			if len(m.Cells) != len(m.Rows) {
				return nil, fmt.Errorf("matrix: %d rows of cells for %d rows", len(m.Cells), len(m.Rows))
			}
			a := answer{}
			for i, r := range m.Rows {
				for j, col := range m.Columns {
					put(a, col+"/"+r.ID+"/refs", m.Cells[i][j])
				}
			}
			return a, nil
		},
		// Each city's rollups of a level are also lists on the city.
		floor: fmt.Sprintf(`MATCH (c:City) WHERE c.rollupDocuments > 0
RETURN collect([c.name, c.rollupCodes%[1]d, c.rollupReferences%[1]d])`, levelIndex[level]),
		fromFloor: func(rows [][]any) answer {
			a := answer{}
			for _, r := range rows {
				ids, refs := r[1].([]any), r[2].([]any)
				for i := range ids {
					put(a, r[0].(string)+"/"+ids[i].(string)+"/refs", integer(refs[i]))
				}
			}
			return a
		},
		peer:     request{Query: perCityPeer(c, level, "")},
		fromPeer: fromPerCityPeer(c, level, false),
		peerHow: fmt.Sprintf("cities { documents { one sentencesConnection(where: coded under the code) { aggregate { count } } alias per code (%d) } }, summed per city by the client",
			len(c.codes[level])),
	}
}

func cooccurrenceQuestion(c *corpus, level string) question {
	ids := c.codes[level]
	type pair struct{ a, b string }
	var pairs []pair
	var peer strings.Builder
	peer.WriteString("{")
	for i := range ids {
		for j := i + 1; j < len(ids); j++ {
			fmt.Fprintf(&peer, "\n p%d: sentencesConnection(where: {AND: [%s, %s]}) %s", len(pairs),
				under(ids[i], levelDepth[level]), under(ids[j], levelDepth[level]), countNodes)
			pairs = append(pairs, pair{ids[i], ids[j]})
		}
	}
	peer.WriteString("\n}")
	key := func(a, b string) string {
		if b < a {
			a, b = b, a
		}
		return a + "+" + b
	}
	return question{
		name: "cooccurrence(" + level + ")",
		policykb: request{Query: `query($l: Level!) { cooccurrence(level: $l) { a { id } b { id } count } }`,
			Variables: map[string]any{"l": level}},
		fromPolicykb: func(data json.RawMessage) (answer, error) {
			var v struct {
				Cooccurrence []struct {
					A, B  struct{ ID string }
					Count float64
				}
			}
			if err := json.Unmarshal(data, &v); err != nil {
				return nil, err
			}
			a := answer{}
			for _, p := range v.Cooccurrence {
				put(a, key(p.A.ID, p.B.ID), p.Count)
			}
			return a, nil
		},
		floor: `MATCH (:RollupGroup {key: 'corpus'})-[cc:GROUP_COOCCURRENCE]->(k:Code)
WHERE k.level = $level
RETURN collect([cc.a, k.id, cc.sentences])`,
		floorParams: map[string]any{"level": level},
		fromFloor: func(rows [][]any) answer {
			a := answer{}
			for _, r := range rows {
				put(a, key(r[0].(string), r[1].(string)), integer(r[2]))
			}
			return a
		},
		peer: request{Query: peer.String()},
		fromPeer: func(data json.RawMessage) (answer, error) {
			var v map[string]peerCount
			if err := json.Unmarshal(data, &v); err != nil {
				return nil, err
			}
			a := answer{}
			for i, p := range pairs {
				put(a, key(p.a, p.b), v[fmt.Sprintf("p%d", i)].Aggregate.Count.Nodes)
			}
			return a, nil
		},
		peerHow: fmt.Sprintf("one request, one alias per pair of codes (%d): sentencesConnection(where: {AND: [coded under a, coded under b]}) { aggregate { count } }", len(pairs)),
	}
}

func sentencesQuestion(c *corpus) question {
	f := under(c.fundID, levelDepth["MAIN_CATEGORY"])
	city, _ := json.Marshal(c.cityOfFund)
	return question{
		name: `sentences("Fund Support", city, first 20)`,
		policykb: request{Query: `query($code: String!, $city: String!) { code(ref: $code) {
  sentences(filter: {cities: [$city]}, first: 20) { totalCount edges { node { id } } } } }`,
			Variables: map[string]any{"code": c.fundID, "city": c.cityOfFund}},
		fromPolicykb: func(data json.RawMessage) (answer, error) {
			var v struct {
				Code struct {
					Sentences struct {
						TotalCount float64
						Edges      []struct{ Node struct{ ID string } }
					}
				}
			}
			if err := json.Unmarshal(data, &v); err != nil {
				return nil, err
			}
			a := answer{"total": v.Code.Sentences.TotalCount}
			for i, e := range v.Code.Sentences.Edges {
				a[fmt.Sprintf("%02d:%s", i, e.Node.ID)] = 1
			}
			return a, nil
		},
		floor: `CALL () {
  MATCH (:City {name: $city})-[cr:CITY_ROLLUP]->(:Code {id: $code})
  RETURN sum(cr.sentences) AS total
}
CALL () {
  MATCH (:Code {id: $code})<-[:BELONGS_TO*0..3]-(u:Code)
  WITH collect(u.id) AS under
  MATCH (:City {name: $city})-[:ISSUED]->(d:Document)-[:HAS_SENTENCE]->(s:Sentence)
  WHERE EXISTS { MATCH (s)-[:CODED_AS]->(c:Code) WHERE c.id IN under }
  WITH d, s ORDER BY d.issuedOn, d.id, s.index LIMIT 20
  RETURN collect(s.id) AS ids
}
RETURN [[total, ids]]`,
		floorParams: map[string]any{"code": c.fundID, "city": c.cityOfFund},
		fromFloor: func(rows [][]any) answer {
			a := answer{"total": integer(rows[0][0])}
			for i, id := range rows[0][1].([]any) {
				a[fmt.Sprintf("%02d:%s", i, id)] = 1
			}
			return a
		},
		peer: request{Query: fmt.Sprintf(`{ total: sentencesConnection(where: {AND: [%[1]s, {document: {some: {city: {some: {name: {eq: %[2]s}}}}}}]}) %[3]s
  cities(where: {name: {eq: %[2]s}}) { documents(where: {sentences: {some: %[1]s}}, sort: [{issuedOn: ASC}, {id: ASC}], limit: 20) {
    sentences(where: %[1]s, sort: [{index: ASC}], limit: 20) { id } } } }`, f, city, countNodes)},
		fromPeer: func(data json.RawMessage) (answer, error) {
			var v struct {
				Total  peerCount
				Cities []struct {
					Documents []struct{ Sentences []struct{ ID string } }
				}
			}
			if err := json.Unmarshal(data, &v); err != nil {
				return nil, err
			}
			a := answer{"total": v.Total.Aggregate.Count.Nodes}
			n := 0
			for _, city := range v.Cities {
				for _, d := range city.Documents {
					for _, s := range d.Sentences {
						if n < 20 {
							a[fmt.Sprintf("%02d:%s", n, s.ID)] = 1
							n++
						}
					}
				}
			}
			return a, nil
		},
		peerHow: "sentencesConnection(where: coded under the code AND document some city some name) { aggregate { count } } for the total; cities(where: name) { documents(where, sort: issuedOn, id; limit 20) { sentences(where, sort: index; limit 20) } } for the page, cut to 20 by the client",
	}
}
