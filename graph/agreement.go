package graph

import (
	"context"
	"fmt"
	"slices"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
)

// AgreementTable is the 2×2 table of two coders' decisions over units: for
// each unit (and code), whether coder A coded it, and whether coder B did.
type AgreementTable struct {
	Both    int // coded by A and by B
	OnlyA   int // coded by A, not by B
	OnlyB   int // coded by B, not by A
	Neither int // coded by neither
}

// N is the number of decisions in the table.
func (t AgreementTable) N() int { return t.Both + t.OnlyA + t.OnlyB + t.Neither }

// PercentAgreement is the share of decisions on which the coders agree,
// (both + neither) / N, between 0 and 1; 0 for an empty table.
func (t AgreementTable) PercentAgreement() float64 {
	if t.N() == 0 {
		return 0
	}
	return float64(t.Both+t.Neither) / float64(t.N())
}

// Kappa is Cohen's kappa, (po − pe) / (1 − pe), where po is the percent
// agreement and pe the agreement expected by chance from the coders'
// marginals: pA·pB + (1 − pA)(1 − pB), pA = (both + onlyA) / N and
// pB = (both + onlyB) / N. It lies in [−1, 1].
//
// pe = 1 only when both coders said yes to every unit, or both said no to
// every unit: they agree perfectly, and Kappa is 1 (the formula is 0/0).
// An empty table has Kappa 0. It is computed in integers, scaled by N², so
// that the pe = 1 case is exact.
func (t AgreementTable) Kappa() float64 {
	n := int64(t.N())
	if n == 0 {
		return 0
	}
	yesA, yesB := int64(t.Both+t.OnlyA), int64(t.Both+t.OnlyB)
	chance := yesA*yesB + (n-yesA)*(n-yesB) // pe·N²
	observed := n * int64(t.Both+t.Neither) // po·N²
	if chance == n*n {
		return 1
	}
	return float64(observed-chance) / float64(n*n-chance)
}

// Holsti is Holsti's coefficient of reliability 2M / (N1 + N2), where N1 =
// both + onlyA is the number of codings by A, N2 = both + onlyB those by B
// and M = both those they share. Decisions neither coder made play no part.
// When neither coder coded anything, they agree perfectly: 1 (0/0 otherwise).
func (t AgreementTable) Holsti() float64 {
	if t.Both+t.OnlyA+t.OnlyB == 0 {
		if t.N() == 0 {
			return 0
		}
		return 1
	}
	return float64(2*t.Both) / float64(2*t.Both+t.OnlyA+t.OnlyB)
}

func (t AgreementTable) add(o AgreementTable) AgreementTable {
	return AgreementTable{t.Both + o.Both, t.OnlyA + o.OnlyA, t.OnlyB + o.OnlyB, t.Neither + o.Neither}
}

// CodeAgreement is the two coders' agreement on one code over the units.
type CodeAgreement struct {
	CodeID string
	AgreementTable
	// Disagreements are the units coded at the code (or below it) by one
	// coder and not the other, in document then sentence order.
	Disagreements []policykb.Sentence
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
// the documents where coderA coded too.
const agreementDocuments = `
MATCH (s:Sentence)-[rb:CODED_AS]->() WHERE rb.coder = $coderB
WITH DISTINCT s
MATCH (d:Document)-[:HAS_SENTENCE]->(s)
WITH DISTINCT d
MATCH (city:City)-[:ISSUED]->(d)
WHERE %s
  AND EXISTS { MATCH (d)-[:HAS_SENTENCE]->(:Sentence)-[ra:CODED_AS]->() WHERE ra.coder = $coderA }
RETURN d.id, COUNT { (d)-[:HAS_SENTENCE]->(:Sentence) }
ORDER BY city.name, d.issuedOn, d.id`

// agreementCodings lists, for every unit, which coder coded it at which
// code of the level (at the code or below it).
const agreementCodings = `
MATCH (d:Document)-[:HAS_SENTENCE]->(s:Sentence)-[r:CODED_AS]->(:Code)-[:BELONGS_TO*0..3]->(k:Code)
WHERE d.id IN $docs AND r.coder IN [$coderA, $coderB] AND k.level = $level
WITH DISTINCT s, d, r.coder AS coder, k.id AS code
RETURN code, coder, ` + sentenceFields

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
	res := Agreement{CoderA: coderA, CoderB: coderB, Level: level}
	switch {
	case len(f.Coders) > 0:
		return res, policykb.InvalidArgument("filter", "filter.coders does not apply to agreement: the coders compared are coderA and coderB")
	case coderA == coderB:
		return res, policykb.InvalidArgument("coderB", "coderB is coderA (%q): compare two different coders", coderA)
	}
	codes, err := s.Codes(ctx)
	if err != nil {
		return res, fmt.Errorf("graph: agreement: %w", err)
	}
	params := map[string]any{"coderA": coderA, "coderB": coderB, "coders": []string{coderA, coderB}, "level": level.String()}
	docsQ := fmt.Sprintf(agreementDocuments, filterClause(f, params, false))
	present := map[string]bool{}
	var recs []*neo4j.Record
	_, err = s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		res.Documents, res.Units, recs = nil, 0, nil
		rs, err := collect(ctx, tx, codersPresent, params)
		if err != nil {
			return nil, err
		}
		for _, rec := range rs {
			present[str(rec.Values[0])] = boolean(rec.Values[1])
		}
		if !present[coderA] || !present[coderB] {
			return nil, nil
		}
		rs, err = collect(ctx, tx, docsQ, params)
		if err != nil {
			return nil, err
		}
		for _, rec := range rs {
			res.Documents = append(res.Documents, str(rec.Values[0]))
			res.Units += integer(rec.Values[1])
		}
		params["docs"] = res.Documents
		recs, err = collect(ctx, tx, agreementCodings, params)
		return nil, err
	})
	if err != nil {
		return res, fmt.Errorf("graph: agreement: %w", err)
	}
	for _, arg := range []struct{ name, coder string }{{"coderA", coderA}, {"coderB", coderB}} {
		if !present[arg.coder] {
			return res, policykb.InvalidArgument(arg.name, "no coding is by the coder %q", arg.coder)
		}
	}

	// yes[code][sentence id] says who coded the unit at the code: bit 1 A, bit 2 B.
	yes := map[string]map[string]int{}
	units := map[string]policykb.Sentence{}
	for _, rec := range recs {
		code, coder, st := str(rec.Values[0]), str(rec.Values[1]), sentenceOf(rec.Values[2:])
		units[st.ID] = st
		if yes[code] == nil {
			yes[code] = map[string]int{}
		}
		if coder == coderA {
			yes[code][st.ID] |= 1
		} else {
			yes[code][st.ID] |= 2
		}
	}
	docPos := map[string]int{}
	for i, id := range res.Documents {
		docPos[id] = i
	}
	for _, c := range codes {
		if c.Level != level {
			continue
		}
		var t AgreementTable
		var differ []policykb.Sentence
		for id, who := range yes[c.ID] {
			switch who {
			case 3:
				t.Both++
			case 1:
				t.OnlyA++
				differ = append(differ, units[id])
			case 2:
				t.OnlyB++
				differ = append(differ, units[id])
			}
		}
		t.Neither = res.Units - t.Both - t.OnlyA - t.OnlyB
		res.Pooled = res.Pooled.add(t)
		if len(yes[c.ID]) == 0 {
			continue
		}
		slices.SortFunc(differ, func(a, b policykb.Sentence) int {
			if d := docPos[a.DocumentID] - docPos[b.DocumentID]; d != 0 {
				return d
			}
			return a.Index - b.Index
		})
		res.ByCode = append(res.ByCode, CodeAgreement{CodeID: c.ID, AgreementTable: t, Disagreements: differ})
	}
	return res, nil
}
