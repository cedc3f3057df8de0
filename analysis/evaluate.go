package analysis

import (
	"slices"

	"github.com/policykb/policykb"
)

// AgreementTable is the 2×2 table of two coders' decisions over units: for
// each unit (and code), whether coder A coded it, and whether coder B did.
// When B is evaluated against A (the reference), Both are true positives,
// OnlyB false positives, OnlyA false negatives and Neither true negatives.
type AgreementTable struct {
	Both    int // coded by A and by B
	OnlyA   int // coded by A, not by B
	OnlyB   int // coded by B, not by A
	Neither int // coded by neither
}

// N is the number of decisions in the table.
func (t AgreementTable) N() int { return t.Both + t.OnlyA + t.OnlyB + t.Neither }

// Add returns the sum of two tables.
func (t AgreementTable) Add(o AgreementTable) AgreementTable {
	return AgreementTable{t.Both + o.Both, t.OnlyA + o.OnlyA, t.OnlyB + o.OnlyB, t.Neither + o.Neither}
}

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
// An empty table has Holsti 0.
func (t AgreementTable) Holsti() float64 {
	if t.Both+t.OnlyA+t.OnlyB == 0 {
		if t.N() == 0 {
			return 0
		}
		return 1
	}
	return float64(2*t.Both) / float64(2*t.Both+t.OnlyA+t.OnlyB)
}

// Precision is B's precision against A: both / (both + onlyB), the share of
// B's codings that A made too; 0 when B coded nothing.
func (t AgreementTable) Precision() float64 { return Share(t.Both, t.Both+t.OnlyB) }

// Recall is B's recall against A: both / (both + onlyA), the share of A's
// codings that B made too; 0 when A coded nothing.
func (t AgreementTable) Recall() float64 { return Share(t.Both, t.Both+t.OnlyA) }

// F1 is the harmonic mean of Precision and Recall, 2·both / (2·both +
// onlyA + onlyB): for one code the same number as Holsti, except that a
// table without any coding has F1 0.
func (t AgreementTable) F1() float64 { return Share(2*t.Both, 2*t.Both+t.OnlyA+t.OnlyB) }

// CodeEvaluation is the table of one code of a level.
type CodeEvaluation struct {
	CodeID string
	AgreementTable
}

// Evaluation compares a candidate coder (B) with a reference coder (A) on
// the same units at one level of the coding scheme, with the definitions
// of graph.Store.Agreement: a unit counts as coded at a code of the level
// when the coder coded it at that code or at a code below it; codings
// above the level count for nothing there.
type Evaluation struct {
	Level policykb.Level
	Units int
	// Pooled is the table over every (unit, code of the level) pair.
	Pooled AgreementTable
	// ByCode has an entry for every code of the level that either coder
	// used in a unit, in codebook order.
	ByCode []CodeEvaluation
	// Coded is the table of "coded at some code of the level": how far the
	// two agree on which units to leave uncoded.
	Coded AgreementTable
}

// MacroF1 is the mean F1 of ByCode (0 when it is empty): every code the
// coders used weighs the same, however often it is used.
func (e Evaluation) MacroF1() float64 {
	if len(e.ByCode) == 0 {
		return 0
	}
	var sum float64
	for _, c := range e.ByCode {
		sum += c.F1()
	}
	return sum / float64(len(e.ByCode))
}

// MacroPrecision and MacroRecall are the means over ByCode.
func (e Evaluation) MacroPrecision() float64 { return e.mean(AgreementTable.Precision) }

// MacroRecall is the mean recall over ByCode.
func (e Evaluation) MacroRecall() float64 { return e.mean(AgreementTable.Recall) }

func (e Evaluation) mean(f func(AgreementTable) float64) float64 {
	if len(e.ByCode) == 0 {
		return 0
	}
	var sum float64
	for _, c := range e.ByCode {
		sum += f(c.AgreementTable)
	}
	return sum / float64(len(e.ByCode))
}

// Scheme answers, for a coding scheme, which code of a level each code
// rolls up to.
type Scheme struct {
	codes []policykb.Code // codebook order
	byID  map[string]policykb.Code
}

// NewScheme indexes a coding scheme (codes in codebook order).
func NewScheme(codes []policykb.Code) *Scheme {
	s := &Scheme{codes: codes, byID: make(map[string]policykb.Code, len(codes))}
	for _, c := range codes {
		s.byID[c.ID] = c
	}
	return s
}

// Codes returns the scheme's codes, in codebook order.
func (s *Scheme) Codes() []policykb.Code { return s.codes }

// Code returns the code with the id.
func (s *Scheme) Code(id string) (policykb.Code, bool) {
	c, ok := s.byID[id]
	return c, ok
}

// At returns the code of level that id is or lies below, and false when
// id is above the level, unknown, or not under a code of the level.
func (s *Scheme) At(id string, level policykb.Level) (string, bool) {
	c, ok := s.byID[id]
	for steps := 0; ok && steps < 4; steps++ {
		if c.Level == level {
			return c.ID, true
		}
		if c.Level < level {
			return "", false
		}
		c, ok = s.byID[c.Parent]
	}
	return "", false
}

// Evaluate compares candidate (B) with reference (A) on units at level.
// reference and candidate map a unit to the codes it was coded at (any
// level); units missing from them are uncoded; codings of units not in
// units are ignored.
func Evaluate(s *Scheme, level policykb.Level, units []string, reference, candidate map[string][]string) Evaluation {
	ev := Evaluation{Level: level, Units: len(units)}
	// who[code][unit]: bit 1 reference, bit 2 candidate.
	who := map[string]map[string]int{}
	coded := make(map[string]int, len(units))
	for _, u := range units {
		for bit, m := range []map[string][]string{reference, candidate} {
			for _, id := range m[u] {
				k, ok := s.At(id, level)
				if !ok {
					continue
				}
				if who[k] == nil {
					who[k] = map[string]int{}
				}
				who[k][u] |= 1 << bit
				coded[u] |= 1 << bit
			}
		}
	}
	for _, c := range s.codes {
		if c.Level != level {
			continue
		}
		t := Tally(who[c.ID], len(units))
		ev.Pooled = ev.Pooled.Add(t)
		if len(who[c.ID]) > 0 {
			ev.ByCode = append(ev.ByCode, CodeEvaluation{CodeID: c.ID, AgreementTable: t})
		}
	}
	ev.Coded = Tally(coded, len(units))
	return ev
}

// Tally is the table of the decisions at one code over n units: marks maps
// each unit either coder coded (at the code) to who did, bit 1 for coder
// A and bit 2 for coder B; the other units count as Neither.
func Tally(marks map[string]int, n int) AgreementTable {
	var t AgreementTable
	for _, w := range marks {
		t = t.Add(cell(w))
	}
	t.Neither = n - t.Both - t.OnlyA - t.OnlyB
	return t
}

func cell(w int) AgreementTable {
	switch w {
	case 3:
		return AgreementTable{Both: 1}
	case 1:
		return AgreementTable{OnlyA: 1}
	case 2:
		return AgreementTable{OnlyB: 1}
	}
	return AgreementTable{}
}

// Levels returns the levels of the scheme that have codes, root first.
func (s *Scheme) Levels() []policykb.Level {
	var out []policykb.Level
	for _, l := range policykb.Levels {
		if slices.ContainsFunc(s.codes, func(c policykb.Code) bool { return c.Level == l }) {
			out = append(out, l)
		}
	}
	return out
}
