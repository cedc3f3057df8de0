// Package framecheck derives frame codings the way a reader would by hand,
// for tests to compare the store's answers with: from the source codings,
// a mapping and the two code trees, never through analysis.Derive or the
// store. It imports the root package, graph (for its count type) and
// loaders (to read the sample offline), and is imported only by tests.
package framecheck

import (
	"context"
	"fmt"
	"slices"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/loaders"
)

// Expected holds, per frame code, the sentences counted under it.
type Expected map[string]map[string]bool // code id → sentence ids

// Recompute derives the codings of m from coded (sentence → codebook or
// source codes), walking up the source tree to the nearest code that an
// entry or an exclusion names (most specific wins), and rolls every
// derived coding up the target tree.
func Recompute(m policykb.Mapping, sourceParent, targetParent map[string]string, coded map[string][]string) Expected {
	to := map[string][]string{}
	excluded := map[string]bool{}
	for _, e := range m.Entries {
		to[e.Code] = append(to[e.Code], e.To)
	}
	for _, x := range m.Excluded {
		excluded[x.Code] = true
	}
	out := Expected{}
	for sid, codes := range coded {
		for _, c := range codes {
			for k := c; k != ""; k = sourceParent[k] {
				if excluded[k] {
					break
				}
				if ts, ok := to[k]; ok {
					for _, t := range ts {
						for u := t; u != ""; u = targetParent[u] {
							if out[u] == nil {
								out[u] = map[string]bool{}
							}
							out[u][sid] = true
						}
					}
					break
				}
			}
		}
	}
	return out
}

// CountOf returns the reference points and material sources of a code
// among the sentences admit keeps.
func (e Expected) CountOf(code string, docOf map[string]string, admit func(sid string) bool) graph.FrameCodeCount {
	docs := map[string]bool{}
	n := 0
	for sid := range e[code] {
		if admit(sid) {
			n++
			docs[docOf[sid]] = true
		}
	}
	return graph.FrameCodeCount{ReferencePoints: n, MaterialSources: len(docs)}
}

// DerivedPairs counts the (sentence, target code) pairs of a mapping: the
// number of derived codings the store must hold.
func DerivedPairs(m policykb.Mapping, sourceParent map[string]string, coded map[string][]string) int {
	// Rolling nothing up: a coding is at the entry's target only.
	flat := Recompute(m, sourceParent, map[string]string{}, coded)
	n := 0
	for _, ss := range flat {
		n += len(ss)
	}
	return n
}

// Sample is a study's input read offline.
type Sample struct {
	Parents  map[string]string   // codebook code → its parent
	Coded    map[string][]string // sentence → the codes humans coded it at
	DocOf    map[string]string   // sentence → document
	CityOf   map[string]string   // document → city name
	Codebook policykb.Frame      // the codebook as the frame "codebook"
}

// ReadSample reads the sample study in dir (data/sample) as `policykb load
// sample` would, writing nothing: the codebook's parents, the human codings
// per sentence, each sentence's document and each document's city.
func ReadSample(dir string) (Sample, error) {
	plan, err := loaders.Validate(context.Background(), nil, loaders.SampleInput(dir))
	if err != nil {
		return Sample{}, err
	}
	out := Sample{Parents: map[string]string{}, Coded: map[string][]string{}, DocOf: map[string]string{}, CityOf: map[string]string{}}
	for _, c := range plan.Codes {
		out.Parents[c.ID] = c.Parent
	}
	for _, b := range plan.Documents {
		out.CityOf[b.Document.ID] = b.City.Name
		for _, k := range b.Codings {
			if k.Origin == policykb.OriginAuto {
				continue
			}
			if !slices.Contains(out.Coded[k.SentenceID], k.CodeID) {
				out.Coded[k.SentenceID] = append(out.Coded[k.SentenceID], k.CodeID)
			}
			out.DocOf[k.SentenceID] = b.Document.ID
		}
	}
	if len(plan.Codings) > 0 {
		return Sample{}, fmt.Errorf("framecheck: the sample's codings all belong to its documents; %d do not", len(plan.Codings))
	}
	out.Codebook = policykb.CodebookFrame("codebook", plan.Codes)
	return out, nil
}
