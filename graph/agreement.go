package graph

import (
	"context"
	"fmt"
	"slices"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/analysis"
)

// AgreementTable is the 2×2 table of two coders' decisions over units,
// with percent agreement, Cohen's kappa and Holsti's coefficient (package
// analysis defines them, for the stored coders here and for evaluations
// of codings that are not stored).
type AgreementTable = analysis.AgreementTable

// CodeAgreement is the two coders' agreement on one code over the units.
type CodeAgreement struct {
	CodeID string
	AgreementTable
	// Disagreements are the units coded at the code (or below it) by one
	// coder and not the other, in document then sentence order; nil from
	// AgreementTables.
	Disagreements []policykb.Sentence
	// DisagreementIDs are the ids of the same units, in id order.
	DisagreementIDs []string
}

// Agreement compares two coders on the units both coded; see
// Store.Agreement for the definitions.
type Agreement struct {
	CoderA, CoderB string
	Level          policykb.Level
	// Documents are the admitted documents both coders coded at least one
	// sentence in, in document order (city, issue date, id).
	Documents []string
	// Units is the number of sentences (headings included) of Documents.
	Units int
	// Pooled is the table over every (unit, code of the level) pair: N is
	// Units × the number of codes of the level.
	Pooled AgreementTable
	// ByCode has one entry per code of the level that either coder coded in
	// a unit, in codebook order (every other code has Both = OnlyA = OnlyB
	// = 0: perfect agreement).
	ByCode []CodeAgreement
}

// codersPresent tells which of the coders made at least one coding.
const codersPresent = `
UNWIND $coders AS coder
RETURN coder, EXISTS { MATCH ()-[r:CODED_AS]->() WHERE r.coder = coder }`

// agreementDocuments lists the admitted documents (the filter's WHERE
// goes in %s) both coders coded in, with their number of sentences. It
// starts from coderB's codings, found through the index coded_as_coder
// (a second coder has usually coded a sample of the corpus), and keeps
// the documents where coderA coded too. The hint is needed: the planner
// knows only that the index holds few distinct coders and, on a large
// base, reads every sentence's codings instead (tier L, 9 million
// sentences, B coding 908 documents: 3.6 s against 0.5 s).
const agreementDocuments = `
MATCH (s:Sentence)-[rb:CODED_AS]->() USING INDEX rb:CODED_AS(coder)
WHERE rb.coder = $coderB
WITH DISTINCT s
MATCH (d:Document)-[:HAS_SENTENCE]->(s)
WITH DISTINCT d
MATCH (city:City)-[:ISSUED]->(d)
WHERE %s
  AND EXISTS { MATCH (d)-[:HAS_SENTENCE]->(:Sentence)-[ra:CODED_AS]->() WHERE ra.coder = $coderA }
RETURN d.id, COUNT { (d)-[:HAS_SENTENCE]->() }
ORDER BY city.name, d.issuedOn, d.id`

// coderDocuments reads in tx which of coders a and b made any coding and,
// when both did, the documents f admits that both coded at least one
// sentence in (the units' documents of Agreement and CompareCoders), in
// document order, with their number of sentences. params are f's
// (filterParams) with coderA, coderB and coders set to a, b and both.
func coderDocuments(ctx context.Context, tx neo4j.ManagedTransaction, f policykb.CorpusFilter, params map[string]any, a, b string) (present map[string]bool, docs []string, sentences int, err error) {
	rs, err := collect(ctx, tx, codersPresent, params)
	if err != nil {
		return nil, nil, 0, err
	}
	present = map[string]bool{}
	for _, rec := range rs {
		present[str(rec.Values[0])] = boolean(rec.Values[1])
	}
	if !present[a] || !present[b] {
		return present, nil, 0, nil
	}
	rs, err = collect(ctx, tx, fmt.Sprintf(agreementDocuments, filterClause(f, params, false)), params)
	if err != nil {
		return nil, nil, 0, err
	}
	for _, rec := range rs {
		docs = append(docs, str(rec.Values[0]))
		sentences += integer(rec.Values[1])
	}
	return present, docs, sentences, nil
}

// unknownCoder is the BAD_USER_INPUT error for the first of the coders
// (argument name, coder, …) that made no coding (present says who did).
func unknownCoder(present map[string]bool, args ...string) error {
	for i := 0; i+1 < len(args); i += 2 {
		if !present[args[i+1]] {
			return policykb.InvalidArgument(args[i], "no coding is by the coder %q", args[i+1])
		}
	}
	return nil
}

// agreementCodings: for each code and coder, the sentences of the
// documents the coder coded at that code (one row per code and coder, in
// one packed record: [study, code id, coder, sentence ids]). It reads from
// the documents down (a few hundred index seeks, then their sentences'
// codings) and leaves climbing the scheme to the level to Go
// (agreementUnits): with the code's level in the pattern, Neo4j starts from
// the level's codes and reads every coding of the knowledge base. The
// sentences themselves are read afterwards, only those the coders disagree
// on, and only when asked for.
const agreementCodings = `
MATCH (d:Document)-[:HAS_SENTENCE]->(s)-[r:CODED_AS]->(c)
WHERE d.id IN $docs AND r.coder IN [$coderA, $coderB]
WITH c, r.coder AS coder, collect(s.id) AS sentences
RETURN collect([coalesce(c.study, ''), c.id, coder, sentences])`

const agreementSentences = `
MATCH (d:Document)-[:HAS_SENTENCE]->(s:Sentence) WHERE s.id IN $ids
RETURN collect([` + sentenceFields + `])`

// agreementUnits folds the rows of agreementCodings into yes[code][sentence
// id], who coded the unit at the code of the level (bit 1 coder A, bit 2
// coder B): a coding counts at its code when that is of the level and at
// its ancestor of the level when it is below, as many BELONGS_TO up as
// there are levels between them (codes holds every code the codings can
// be at, each with its Parent, which is its BELONGS_TO). A coding at a code
// above the level, at a code of another study than study (when set), or
// at a code codes lacks counts nowhere.
func agreementUnits(rows [][]any, codes []policykb.Code, level policykb.Level, study, coderA string) map[string]map[string]int {
	type key struct{ study, id string }
	byKey := make(map[key]policykb.Code, len(codes))
	for _, c := range codes {
		byKey[key{c.Study, c.ID}] = c
	}
	// at[k]: the codes of the level that a coding at k counts at, those
	// found within as many steps up as agreementCodings used to climb
	// (BELONGS_TO*0..n, n the number of levels below the level).
	at := map[key][]string{}
	for k, c := range byKey {
		for steps := int(policykb.LevelConcept - level); ; steps-- {
			if c.Level == level {
				at[k] = append(at[k], c.ID)
			}
			p, ok := byKey[key{c.Study, c.Parent}]
			if steps == 0 || c.Parent == "" || !ok {
				break
			}
			c = p
		}
	}
	yes := map[string]map[string]int{}
	for _, v := range rows {
		k := key{str(v[0]), str(v[1])}
		if study != "" && k.study != study {
			continue
		}
		who := 2
		if str(v[2]) == coderA {
			who = 1
		}
		sentences, _ := v[3].([]any)
		for _, code := range at[k] {
			if yes[code] == nil {
				yes[code] = map[string]int{}
			}
			for _, id := range sentences {
				yes[code][str(id)] |= who
			}
		}
	}
	return yes
}

// Agreement measures how far two coders agree at a level of the scheme.
//
// The units are the sentences (headings included) of the documents both
// coders coded at least one sentence in, among the documents the filter
// admits. For a code c of the level and a unit u, coder A says yes when A
// coded u at c or at a code below it (aggregate coding, DESIGN §2), and B
// likewise. Per code, the 2×2 table over the units gives the percent
// agreement and Cohen's kappa; pooled over every (unit, code) pair of the
// level, it gives the same two and Holsti's 2M/(N1+N2). So a sentence that
// A coded at concept 1 and B at concept 2 of one category is a
// disagreement at CONCEPT level (two of them: A-only for 1, B-only for 2)
// and an agreement at CATEGORY level.
//
// An unknown coder (one with no coding at all) is BAD_USER_INPUT naming
// "coderA" or "coderB"; the same coder twice names "coderB"; a filter with
// coders is BAD_USER_INPUT naming "filter" (the coders compared are coderA
// and coderB). Coders without a common admitted document give zero units
// and zero measures.
func (s *Store) Agreement(ctx context.Context, coderA, coderB string, level policykb.Level, f policykb.CorpusFilter) (Agreement, error) {
	ctx, end := s.enter(ctx, "Agreement")
	defer end()
	return s.agreement(ctx, coderA, coderB, level, f, true)
}

// AgreementTables is Agreement without reading the disagreements'
// sentences: every ByCode entry has its DisagreementIDs and no
// Disagreements. Agreement's numbers at a fraction of the reads, for
// callers that show a code's disagreements only on demand (read them with
// SentencesByID, ordered by Agreement.SortUnits).
func (s *Store) AgreementTables(ctx context.Context, coderA, coderB string, level policykb.Level, f policykb.CorpusFilter) (Agreement, error) {
	ctx, end := s.enter(ctx, "AgreementTables")
	defer end()
	return s.agreement(ctx, coderA, coderB, level, f, false)
}

func (s *Store) agreement(ctx context.Context, coderA, coderB string, level policykb.Level, f policykb.CorpusFilter, withSentences bool) (Agreement, error) {
	res := Agreement{CoderA: coderA, CoderB: coderB, Level: level}
	switch {
	case len(f.Coders) > 0:
		return res, policykb.InvalidArgument("filter", "filter.coders does not apply to agreement: the coders compared are coderA and coderB")
	case coderA == coderB:
		return res, policykb.InvalidArgument("coderB", "coderB is coderA (%q): compare two different coders", coderA)
	}
	codes, err := s.StudyCodes(ctx, f.Study)
	if err != nil {
		return res, fmt.Errorf("graph: agreement: %w", err)
	}
	params, err := s.filterParams(ctx, f, map[string]any{"coderA": coderA, "coderB": coderB, "coders": []string{coderA, coderB}})
	if err != nil {
		return res, fmt.Errorf("graph: agreement: %w", err)
	}
	var present map[string]bool
	// yes[code][sentence id] says who coded the unit at the code: bit 1 A, bit 2 B.
	var yes map[string]map[string]int
	units := map[string]policykb.Sentence{}
	_, err = s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		yes = nil
		clear(units)
		var err error
		present, res.Documents, res.Units, err = coderDocuments(ctx, tx, f, params, coderA, coderB)
		if err != nil || !present[coderA] || !present[coderB] {
			return nil, err
		}
		params["docs"] = res.Documents
		rows, err := packed(ctx, tx, agreementCodings, params)
		if err != nil {
			return nil, err
		}
		yes = agreementUnits(rows, codes, level, f.Study, coderA)
		if !withSentences {
			return nil, nil
		}
		var differ []string
		for _, who := range yes {
			for id, w := range who {
				if w != 3 {
					differ = append(differ, id)
				}
			}
		}
		rows, err = packed(ctx, tx, agreementSentences, map[string]any{"ids": differ})
		for _, v := range rows {
			st := sentenceOf(v)
			units[st.ID] = st
		}
		return nil, err
	})
	if err != nil {
		return res, fmt.Errorf("graph: agreement: %w", err)
	}
	if err := unknownCoder(present, "coderA", coderA, "coderB", coderB); err != nil {
		return res, err
	}
	for _, c := range codes {
		if c.Level != level {
			continue
		}
		t := analysis.Tally(yes[c.ID], res.Units)
		res.Pooled = res.Pooled.Add(t)
		if len(yes[c.ID]) == 0 {
			continue
		}
		var ids []string
		for id, who := range yes[c.ID] {
			if who != 3 {
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
		ca := CodeAgreement{CodeID: c.ID, AgreementTable: t, DisagreementIDs: ids}
		if withSentences {
			for _, id := range ids {
				ca.Disagreements = append(ca.Disagreements, units[id])
			}
			res.SortUnits(ca.Disagreements)
		}
		res.ByCode = append(res.ByCode, ca)
	}
	return res, nil
}

// SortUnits puts units of a's documents in document then sentence order.
func (a Agreement) SortUnits(units []policykb.Sentence) {
	docPos := make(map[string]int, len(a.Documents))
	for i, id := range a.Documents {
		docPos[id] = i
	}
	slices.SortFunc(units, func(x, y policykb.Sentence) int {
		if d := docPos[x.DocumentID] - docPos[y.DocumentID]; d != 0 {
			return d
		}
		return x.Index - y.Index
	})
}
