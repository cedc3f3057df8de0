package analysis

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/policykb/policykb"
)

// DocumentFacts is what scoring one document needs.
type DocumentFacts struct {
	Document   string
	City       string
	Attributes map[string]string // as DocumentAttributes returns them
	// Coded maps each sentence of the document to the codes it is coded at,
	// in any frame, directly or derived (add the Derive results).
	Coded map[string][]string
}

// Parents returns every code's parent across the frames, for Score. Code ids
// must be unique across them (a PMC model's frames are checked so).
func Parents(frames ...policykb.Frame) map[string]string {
	out := map[string]string{}
	for i := range frames {
		for id, p := range frames[i].Parents() {
			out[id] = p
		}
	}
	return out
}

// Score scores a document on every secondary variable of the model, in model
// order, each with its evidence:
//   - codings: 1 when at least AtLeast distinct sentences are coded at one of
//     the rule's codes or at a code below one (parents from Parents); the
//     evidence lists all such sentences;
//   - attribute: 1 when the document's value is in In, or parses as a number
//     within [Min, Max]; no value scores 0;
//   - manual: the score and note of the ManualScore for this document and
//     variable; a missing one is an error, never a silent 0.
func Score(model policykb.PMCModel, parents map[string]string, facts DocumentFacts, manual []policykb.ManualScore) ([]SecondaryScore, error) {
	n := 0
	for _, v := range model.Variables {
		n += len(v.Secondary)
	}
	out := make([]SecondaryScore, 0, n)
	for _, v := range model.Variables {
		for _, sv := range v.Secondary {
			s := SecondaryScore{Variable: sv.ID, Evidence: Evidence{Kind: sv.Rule.Kind}}
			r := sv.Rule
			switch r.Kind {
			case policykb.RuleCodings:
				s.Evidence.Sentences = sentencesUnder(facts.Coded, r.Codes, parents)
				if len(s.Evidence.Sentences) >= r.AtLeast {
					s.Score = 1
				}
			case policykb.RuleAttribute:
				val, has := facts.Attributes[r.Attribute]
				s.Evidence.Attribute, s.Evidence.Value = r.Attribute, val
				if has && val != "" && attributeMatches(r, val) {
					s.Score = 1
				}
			case policykb.RuleManual:
				i := slices.IndexFunc(manual, func(m policykb.ManualScore) bool {
					return m.Document == facts.Document && m.Variable == sv.ID
				})
				if i < 0 {
					return nil, fmt.Errorf("pmc: document %s: no manual score for %s (%s)", facts.Document, sv.ID, r.Manual)
				}
				s.Score, s.Evidence.Note = manual[i].Score, manual[i].Note
			default:
				return nil, fmt.Errorf("pmc: %s has no scoring rule", sv.ID)
			}
			out = append(out, s)
		}
	}
	return out, nil
}

// sentencesUnder returns the sentences coded at one of codes or below one.
func sentencesUnder(coded map[string][]string, codes []string, parents map[string]string) []string {
	var out []string
	for sid, cs := range coded {
		if slices.ContainsFunc(cs, func(c string) bool { return under(c, codes, parents) }) {
			out = append(out, sid)
		}
	}
	slices.SortFunc(out, CompareSentenceIDs)
	return out
}

// under reports whether code is one of codes or has one of them as an
// ancestor.
func under(code string, codes []string, parents map[string]string) bool {
	for steps := 0; code != "" && steps <= len(parents); steps++ {
		if slices.Contains(codes, code) {
			return true
		}
		code = parents[code]
	}
	return false
}

func attributeMatches(r policykb.PMCRule, val string) bool {
	if r.In != nil && !slices.Contains(r.In, val) {
		return false
	}
	if r.Min == nil && r.Max == nil {
		return true
	}
	x, err := strconv.ParseFloat(val, 64)
	if err != nil {
		return false
	}
	return (r.Min == nil || x >= *r.Min) && (r.Max == nil || x <= *r.Max)
}
