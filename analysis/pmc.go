package analysis

import (
	"cmp"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strings"

	"github.com/policykb/policykb"
)

// Evidence is what a secondary score rests on; which fields are set depends
// on Kind. A 0 has evidence too: the sentences found were fewer than the
// rule asks (maybe none), the attribute has another value or none, or the
// reader's note says what is missing.
type Evidence struct {
	Kind      policykb.PMCRuleKind
	Sentences []string // RuleCodings: every distinct sentence coded under the rule's codes, sorted
	Attribute string   // RuleAttribute
	Value     string   // RuleAttribute: the document's value, "" when it has none
	Note      string   // RuleManual: the reader's note
}

// SecondaryScore is a document's 0/1 score on one secondary variable.
type SecondaryScore struct {
	Variable string // the secondary variable's id (X1:1)
	Score    int
	Evidence Evidence
}

// PrimaryScore is Xi: the mean of the secondary scores, Ones / Of.
type PrimaryScore struct {
	Variable  string
	Ones, Of  int
	Value     float64
	Secondary []SecondaryScore // in model order
}

// DocumentPMC is one document's PMC index.
type DocumentPMC struct {
	Document string
	City     string
	Primary  []PrimaryScore // X1…Xn in model order
	// PMC = ΣXi and Depression = n − PMC, computed exactly on fractions
	// and rounded to the nearest float64 once, so a PMC of exactly 8 is 8.
	PMC        float64
	Depression float64
	Grade      string // the name of the band holding PMC, "" when no band does
	// Surface is X1…Xn as a k × k matrix, row by row, when n = k²; nil
	// otherwise (see Surface).
	Surface [][]float64
}

// Compute returns a document's PMC index from its secondary scores, which
// must hold exactly one score, 0 or 1, for every secondary variable of the
// model and nothing else. Scores in model order (as Score returns them)
// become the PrimaryScores' Secondary without a copy: the result shares
// scores' array.
func Compute(model policykb.PMCModel, document, city string, scores []SecondaryScore) (DocumentPMC, error) {
	for _, s := range scores {
		if s.Score != 0 && s.Score != 1 {
			return DocumentPMC{}, fmt.Errorf("pmc: document %s: %s scored %d: expected 0 or 1", document, s.Variable, s.Score)
		}
	}
	// Scores usually come in model order (Score's); look them up by name
	// only when they do not.
	inOrder := true
	at := 0
	for _, v := range model.Variables {
		for _, sv := range v.Secondary {
			if at >= len(scores) || scores[at].Variable != sv.ID {
				inOrder = false
			}
			at++
		}
	}
	var byVar map[string]int
	if !inOrder || at != len(scores) {
		byVar = make(map[string]int, len(scores))
		for i, s := range scores {
			if _, dup := byVar[s.Variable]; dup {
				return DocumentPMC{}, fmt.Errorf("pmc: document %s: %s scored twice", document, s.Variable)
			}
			byVar[s.Variable] = i
		}
	}
	d := DocumentPMC{Document: document, City: city, Primary: make([]PrimaryScore, 0, len(model.Variables))}
	used := 0
	for _, v := range model.Variables {
		p := PrimaryScore{Variable: v.ID, Of: len(v.Secondary)}
		if byVar == nil {
			// In model order: Xi's scores are the next ones, shared
			// rather than copied.
			p.Secondary = scores[used : used+len(v.Secondary) : used+len(v.Secondary)]
		} else {
			p.Secondary = make([]SecondaryScore, 0, len(v.Secondary))
		}
		for _, sv := range v.Secondary {
			i := used
			if byVar != nil {
				var ok bool
				if i, ok = byVar[sv.ID]; !ok {
					return DocumentPMC{}, fmt.Errorf("pmc: document %s: no score for %s", document, sv.ID)
				}
			}
			used++
			p.Ones += scores[i].Score
			if byVar != nil {
				p.Secondary = append(p.Secondary, scores[i])
			}
		}
		if p.Of == 0 {
			return DocumentPMC{}, fmt.Errorf("pmc: primary variable %s has no secondary variables", v.ID)
		}
		p.Value = float64(p.Ones) / float64(p.Of) // one rounding of an exact fraction
		d.Primary = append(d.Primary, p)
	}
	if used != len(scores) {
		for _, s := range scores {
			if !modelHas(model, s.Variable) {
				return DocumentPMC{}, fmt.Errorf("pmc: document %s: %s is not a secondary variable of model %s", document, s.Variable, model.ID)
			}
		}
	}
	d.PMC, d.Depression = exactSum(d.Primary)
	d.Grade = Grade(model.Grades, d.PMC)
	values := make([]float64, len(d.Primary))
	for i, p := range d.Primary {
		values[i] = p.Value
	}
	d.Surface, _ = Surface(values)
	return d, nil
}

// exactSum returns ΣXi and n − ΣXi, each the exact fraction rounded once to
// the nearest float64: over the least common multiple L of the
// denominators, both are an integer over L, and dividing two integers that
// a float64 holds exactly rounds once. Past 2^53 it falls back to big.Rat.
func exactSum(primary []PrimaryScore) (pmc, depression float64) {
	const exact = 1 << 53
	l := int64(1)
	for _, p := range primary {
		g := int64(gcd(int(l), p.Of))
		l = l / g * int64(p.Of)
		if l > exact/int64(max(1, 2*len(primary))) {
			return bigSum(primary)
		}
	}
	var num int64
	for _, p := range primary {
		num += int64(p.Ones) * (l / int64(p.Of))
	}
	n := int64(len(primary))
	return float64(num) / float64(l), float64(n*l-num) / float64(l)
}

func bigSum(primary []PrimaryScore) (float64, float64) {
	sum := new(big.Rat)
	for _, p := range primary {
		sum.Add(sum, big.NewRat(int64(p.Ones), int64(p.Of)))
	}
	pmc, _ := sum.Float64()
	dep, _ := new(big.Rat).Sub(big.NewRat(int64(len(primary)), 1), sum).Float64()
	return pmc, dep
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func modelHas(model policykb.PMCModel, id string) bool {
	for _, v := range model.Variables {
		for _, s := range v.Secondary {
			if s.ID == id {
				return true
			}
		}
	}
	return false
}

// Grade returns the name of the band with Min ≤ pmc < Max, or of the top
// band when pmc equals its Max; "" when no band holds pmc. grades may be in
// any order.
func Grade(grades []policykb.PMCGrade, pmc float64) string {
	top := -1
	for i, g := range grades {
		if pmc >= g.Min && pmc < g.Max {
			return g.Name
		}
		if top < 0 || g.Max > grades[top].Max {
			top = i
		}
	}
	if top >= 0 && pmc == grades[top].Max {
		return grades[top].Name
	}
	return ""
}

// Surface lays X1…Xn out as the PMC surface: a k × k matrix filled row by
// row (X1 X2 X3 / X4 X5 X6 / X7 X8 X9 for nine). It refuses n that is not a
// perfect square rather than pad, since a padded cell would draw a variable
// that does not exist: models with ten variables usually leave one
// (openness, 1 everywhere) out of the surface — pass the nine to draw.
func Surface(values []float64) ([][]float64, error) {
	k := int(math.Round(math.Sqrt(float64(len(values)))))
	if len(values) == 0 || k*k != len(values) {
		return nil, fmt.Errorf("pmc: the surface needs a square number of primary variables (4, 9, 16, ...), got %d", len(values))
	}
	out := make([][]float64, k)
	for r := range out {
		out[r] = slices.Clone(values[r*k : (r+1)*k])
	}
	return out, nil
}

// Ranked is a document's place in a PMC ranking.
type Ranked struct {
	Document string
	City     string
	PMC      float64
	Grade    string
	Rank     int
}

// VariableMean is the mean of one primary variable across documents.
type VariableMean struct {
	Variable string
	Mean     float64
}

// CityMean is the mean PMC, and the mean of every primary variable, of one
// city's documents.
type CityMean struct {
	City      string
	Documents int
	MeanPMC   float64
	Means     []float64 // per primary variable, in model order
}

// Summary describes a set of scored documents.
type Summary struct {
	Documents      int
	MeanPMC        float64
	MeanDepression float64
	Variables      []VariableMean // X1…Xn in model order
	Ranking        []Ranked
	Grades         map[string]int // documents per grade name
	Cities         []CityMean
}

// Summarise returns the means per variable across documents, the ranking
// and the averages per city. Documents must come from Compute with the same
// model. Ranking: by PMC, highest first; equal PMCs share a rank and the
// next rank skips (1, 2, 2, 4: "competition" ranking), tied documents
// listed by document id. Cities: by mean PMC, highest first, ties by name.
func Summarise(docs []DocumentPMC) Summary {
	s := Summary{Documents: len(docs), Grades: map[string]int{}}
	if len(docs) == 0 {
		return s
	}
	n := len(docs[0].Primary)
	sums := make([]float64, n)
	type acc struct {
		docs int
		pmc  float64
		sums []float64
	}
	cities := map[string]*acc{}
	for _, d := range docs {
		s.MeanPMC += d.PMC
		s.MeanDepression += d.Depression
		s.Grades[d.Grade]++
		a := cities[d.City]
		if a == nil {
			a = &acc{sums: make([]float64, n)}
			cities[d.City] = a
		}
		a.docs++
		a.pmc += d.PMC
		for i, p := range d.Primary {
			sums[i] += p.Value
			a.sums[i] += p.Value
		}
		s.Ranking = append(s.Ranking, Ranked{Document: d.Document, City: d.City, PMC: d.PMC, Grade: d.Grade})
	}
	s.MeanPMC /= float64(len(docs))
	s.MeanDepression /= float64(len(docs))
	for i, p := range docs[0].Primary {
		s.Variables = append(s.Variables, VariableMean{Variable: p.Variable, Mean: sums[i] / float64(len(docs))})
	}
	slices.SortFunc(s.Ranking, func(a, b Ranked) int {
		return cmp.Or(cmp.Compare(b.PMC, a.PMC), strings.Compare(a.Document, b.Document))
	})
	for i := range s.Ranking {
		if i > 0 && s.Ranking[i].PMC == s.Ranking[i-1].PMC {
			s.Ranking[i].Rank = s.Ranking[i-1].Rank
		} else {
			s.Ranking[i].Rank = i + 1
		}
	}
	for name, a := range cities {
		c := CityMean{City: name, Documents: a.docs, MeanPMC: a.pmc / float64(a.docs)}
		for _, x := range a.sums {
			c.Means = append(c.Means, x/float64(a.docs))
		}
		s.Cities = append(s.Cities, c)
	}
	slices.SortFunc(s.Cities, func(a, b CityMean) int {
		return cmp.Or(cmp.Compare(b.MeanPMC, a.MeanPMC), strings.Compare(a.City, b.City))
	})
	return s
}
