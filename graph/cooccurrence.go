package graph

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/analysis"
)

// CodePair is two codes of one level that co-occur: Count (n12) is the
// number of distinct sentences (scope SENTENCE) or documents (scope
// DOCUMENT) holding both, CountA and CountB (n1, n2) the codes' own numbers
// of sentences or documents within the same scope and filter, and
// CCoefficient ATLAS.ti's c-coefficient n12 / (n1 + n2 − n12).
type CodePair struct {
	A, B                  string
	Count, CountA, CountB int
	CCoefficient          float64
}

// pairsPer counts each unordered pair of codes of the level once per unit
// (s: a sentence, d: a document) whose codes, k, hold both: the unit's codes
// collected (DISTINCT where a unit reaches a code along several paths),
// then paired, a.id < b.id here (oriented later).
func pairsPer(unit string, distinct bool) string {
	codes := "collect(k.id)"
	if distinct {
		codes = "collect(DISTINCT k.id)"
	}
	return `
WITH ` + unit + `, ` + codes + ` AS ks WHERE size(ks) > 1
UNWIND ks AS a
UNWIND ks AS b
WITH a, b, ` + unit + ` WHERE a < b
RETURN a, b, count(` + unit + `) AS n`
}

var (
	sentencePairs       = pairsPer("s", true)
	documentPairsExact  = pairsPer("d", true)
	documentPairsRollup = pairsPer("d", false)
)

// From the COOCCURRENCE rollups (co, at k): co.sentences is the number of
// a document's sentences coded under both co.a and k.
const sentencePairsRollup = `
RETURN co.a AS a, k.id AS b, sum(co.sentences) AS n`

// Cooccurrence returns every unordered pair of codes of the level that
// co-occur at least minCount times (and at least once) in the scope, among
// the sentences the filter admits: A before B in codebook order, the pairs
// ordered by Count (most first), then by A's and B's codebook order.
// Without a coder filter both scopes read the rollups; under one they walk
// the coded sentences.
func (s *Store) Cooccurrence(ctx context.Context, level policykb.Level, scope policykb.Scope, minCount int, f policykb.CorpusFilter) ([]CodePair, error) {
	ctx, end := s.enter(ctx, "Cooccurrence")
	defer end()
	return s.cooccurrence(ctx, level, scope, minCount, f, sentenceLevel(f))
}

func (s *Store) cooccurrence(ctx context.Context, level policykb.Level, scope policykb.Scope, minCount int, f policykb.CorpusFilter, exact bool) ([]CodePair, error) {
	if !level.Valid() {
		return nil, policykb.InvalidArgument("level", "graph: cooccurrence: unknown level %v", level)
	}
	if !scope.Valid() {
		return nil, policykb.InvalidArgument("scope", "graph: cooccurrence: unknown scope %v", scope)
	}
	params, err := s.filterParams(ctx, f, map[string]any{"level": level.String()})
	if err != nil {
		return nil, err
	}
	countsQ := countsCypher("k.level = $level", f, params, "", exact)
	var pairsQ string
	switch {
	case scope == policykb.ScopeSentence && exact:
		pairsQ = codedPath + "\nWHERE k.level = $level AND " + filterClause(f, params, true) + sentencePairs
	case scope == policykb.ScopeSentence && cityLevel(f):
		pairsQ = wholeRollupMatch("COOCCURRENCE", "cc", "k.level = $level", f, params) + `
RETURN cc.a AS a, k.id AS b, sum(cc.sentences) AS n`
	case scope == policykb.ScopeSentence:
		pairsQ = rollupMatch("COOCCURRENCE", "co", "k.level = $level", f, params, false) + sentencePairsRollup
	case exact:
		pairsQ = codedPath + "\nWHERE k.level = $level AND " + filterClause(f, params, true) + documentPairsExact
	default:
		pairsQ = rollupMatch("ROLLUP", "ru", "k.level = $level", f, params, false) + documentPairsRollup
	}
	// The codes' own numbers and the pairs, in one statement.
	both := "CALL () {" + countsQ + "\n}\nWITH rows AS own\n" +
		"CALL () {\nCALL () {" + pairsQ + "\n}\nRETURN collect([a, b, n]) AS pairs\n}\nRETURN own, pairs"
	var codes []policykb.Code
	var own, found []any
	_, err = s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		var err error
		if codes, err = s.studyCodesIn(ctx, tx, f.Study); err != nil {
			return nil, err
		}
		recs, err := collect(ctx, tx, both, params)
		if err != nil {
			return nil, err
		}
		own, found = recs[0].Values[0].([]any), recs[0].Values[1].([]any)
		return nil, nil
	})
	if err != nil {
		return nil, fmt.Errorf("graph: cooccurrence: %w", err)
	}
	order := map[string]int{}
	for i, c := range codes {
		order[c.ID] = i
	}
	// The codes' own numbers in the scope: reference points (sentences) or
	// material sources (documents).
	n := map[string]int{}
	for _, row := range own {
		v := row.([]any)
		if scope == policykb.ScopeSentence {
			n[str(v[0])] = integer(v[1])
		} else {
			n[str(v[0])] = integer(v[2])
		}
	}
	pairs := []CodePair{}
	for _, row := range found {
		v := row.([]any)
		a, b, n12 := str(v[0]), str(v[1]), integer(v[2])
		if n12 < max(minCount, 1) {
			continue
		}
		if order[b] < order[a] {
			a, b = b, a
		}
		p := CodePair{A: a, B: b, Count: n12, CountA: n[a], CountB: n[b], CCoefficient: analysis.CCoefficient(n12, n[a], n[b])}
		pairs = append(pairs, p)
	}
	slices.SortFunc(pairs, func(x, y CodePair) int {
		if c := cmp.Compare(y.Count, x.Count); c != 0 {
			return c
		}
		if c := cmp.Compare(order[x.A], order[y.A]); c != 0 {
			return c
		}
		return cmp.Compare(order[x.B], order[y.B])
	})
	return pairs, nil
}

// pairsParam turns pairs into a parameter, each once.
func pairsParam(pairs [][2]string) []any {
	seen := map[[2]string]bool{}
	var out []any
	for _, p := range pairs {
		if !seen[p] {
			seen[p] = true
			out = append(out, []any{p[0], p[1]})
		}
	}
	return out
}

const pairEvidenceOrder = `
WITH p, city, d, s ORDER BY city.name, d.issuedOn, d.id, s.index
WITH p, collect(s {.*, doc: d.id})[..$n] AS ss
UNWIND ss AS s
RETURN p[0], p[1], s.id, s.doc, s.index, s.kind, s.text, s.start, s.end`

// pairEvidenceQuery: admitted sentences coded at both codes (or below
// them), by the filter's coders when it names any.
func pairEvidenceQuery(f policykb.CorpusFilter, params map[string]any) string {
	coder := coderCond(f, params, "r")
	return `
UNWIND $pairs AS p
MATCH (:Code {id: p[0]})<-[:BELONGS_TO*0..3]-(:Code)<-[r:CODED_AS]-(s:Sentence)
WHERE ` + coder + `
WITH DISTINCT p, s
WHERE EXISTS { MATCH (s)-[r:CODED_AS]->(:Code)-[:BELONGS_TO*0..3]->(:Code {id: p[1]}) WHERE ` + coder + ` }
MATCH (city:City)-[:ISSUED]->(d:Document)-[:HAS_SENTENCE]->(s)
WHERE ` + filterClause(f, params, false) + pairEvidenceOrder
}

// pairDocumentEvidenceQuery: the admitted sentences coded at either code
// of the documents that hold both.
func pairDocumentEvidenceQuery(f policykb.CorpusFilter, params map[string]any) string {
	return `
UNWIND $pairs AS p
MATCH (city:City)-[:ISSUED]->(d:Document)-[:HAS_SENTENCE]->(s:Sentence)-[r:CODED_AS]->(:Code)-[:BELONGS_TO*0..3]->(k:Code)
WHERE k.id IN p AND ` + filterClause(f, params, true) + `
WITH p, city, d, s, collect(DISTINCT k.id) AS ks
WITH p, city, d, collect({s: s, ks: ks}) AS rows
WHERE all(x IN p WHERE any(row IN rows WHERE x IN row.ks))
UNWIND rows AS row
WITH p, city, d, row.s AS s` + pairEvidenceOrder
}

// PairEvidence returns, for each pair of code ids, the first n admitted
// sentences coded at both codes (or below them), in the order of Sentences:
// the evidence of a SENTENCE-scope co-occurrence, whose Count is their
// total. Pairs without such a sentence are absent.
func (s *Store) PairEvidence(ctx context.Context, pairs [][2]string, f policykb.CorpusFilter, n int) (map[[2]string][]policykb.Sentence, error) {
	ctx, end := s.enter(ctx, "PairEvidence")
	defer end()
	return s.pairEvidence(ctx, pairs, n, pairEvidenceQuery, f)
}

// PairDocumentEvidence returns, for each pair of code ids, the first n
// admitted sentences coded at either code in the documents holding both,
// in the order of Sentences: the evidence of a DOCUMENT-scope
// co-occurrence, whose Count is the number of their distinct documents.
func (s *Store) PairDocumentEvidence(ctx context.Context, pairs [][2]string, f policykb.CorpusFilter, n int) (map[[2]string][]policykb.Sentence, error) {
	ctx, end := s.enter(ctx, "PairDocumentEvidence")
	defer end()
	return s.pairEvidence(ctx, pairs, n, pairDocumentEvidenceQuery, f)
}

func (s *Store) pairEvidence(ctx context.Context, pairs [][2]string, n int, query func(policykb.CorpusFilter, map[string]any) string, f policykb.CorpusFilter) (map[[2]string][]policykb.Sentence, error) {
	res := map[[2]string][]policykb.Sentence{}
	if len(pairs) == 0 || n <= 0 {
		return res, nil
	}
	params, err := s.filterParams(ctx, f, map[string]any{"pairs": pairsParam(pairs), "n": int64(n)})
	if err != nil {
		return nil, fmt.Errorf("graph: pair evidence: %w", err)
	}
	cypher := query(f, params)
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return collect(ctx, tx, cypher, params)
	})
	if err != nil {
		return nil, fmt.Errorf("graph: pair evidence: %w", err)
	}
	for _, rec := range out.([]*neo4j.Record) {
		v := rec.Values
		k := [2]string{str(v[0]), str(v[1])}
		res[k] = append(res[k], sentenceOf(v[2:]))
	}
	return res, nil
}
