package resolvers

import (
	"context"
	"sort"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/analysis"
)

// profiles lays out each city's counts at the codes, in the codes' order:
// vec[i][j] is city i's count at the code codes[j] (zero when absent), sums[i] the
// sum of city i's reference points over the codes. The profile of
// City.profile, as a vector.
func profiles(codes []string, cities []*policykb.City, byCity map[string][]policykb.Count) (vec [][]policykb.Count, sums []int) {
	vec = make([][]policykb.Count, len(cities))
	sums = make([]int, len(cities))
	for i, c := range cities {
		vec[i] = make([]policykb.Count, len(codes))
		at := map[string]policykb.Count{}
		for _, n := range byCity[c.Name] {
			at[n.CodeID] = n
		}
		for j, code := range codes {
			vec[i][j] = at[code]
			sums[i] += at[code].ReferencePoints
		}
	}
	return vec, sums
}

// cityPairs returns every unordered pair of cities (a before b in the
// given order) with the cosine of their reference-point vectors.
func cityPairs(cities []*cityResolver, vec [][]policykb.Count) []*cityPair {
	refs := make([][]float64, len(vec))
	for i, v := range vec {
		refs[i] = make([]float64, len(v))
		for j, n := range v {
			refs[i][j] = float64(n.ReferencePoints)
		}
	}
	var pairs []*cityPair
	for a := range cities {
		for b := a + 1; b < len(cities); b++ {
			pairs = append(pairs, &cityPair{a: cities[a], b: cities[b], cosine: analysis.Cosine(refs[a], refs[b])})
		}
	}
	return pairs
}

type similarityArgs struct {
	studyArg
	Level      *string
	FrameLevel *axisInput
	Filter     *corpusFilterInput
}

// Similarity pairs every city (by name) with every other, most similar
// first; ties keep name order. At a codebook level the profiles come from
// one CountsByCity (rollups), shared with City.profile and compareCities
// in the request; at a level of another frame from one FrameCountsByCity
// (the level × CITY cross-tab).
func (*queryResolver) Similarity(ctx context.Context, args similarityArgs) ([]*cityPair, error) {
	r, at, ci, err := mixRequest(ctx, args.Study, args.Level, args.FrameLevel)
	if err != nil {
		return nil, err
	}
	var codes []string
	var byCity map[string][]policykb.Count
	if at.codebook {
		cb, err := r.codebook(ctx)
		if err != nil {
			return nil, err
		}
		for _, c := range cb.byLevel[at.level] {
			codes = append(codes, c.ID)
		}
		if byCity, err = r.countsByCity(ctx, at.level, args.Filter); err != nil {
			return nil, err
		}
	} else {
		f, _, err := args.Filter.filter(ctx)
		if err != nil {
			return nil, err
		}
		p, err := r.store.FrameCountsByCity(ctx, "frameLevel", at.axis, f)
		if err != nil {
			return nil, r.fail(ctx, err)
		}
		for _, c := range p.Codes {
			codes = append(codes, c.ID)
		}
		byCity = p.ByCity
	}
	vec, _ := profiles(codes, ci.list, byCity)
	pairs := cityPairs(r.cityList(ci.list), vec)
	sort.SliceStable(pairs, func(i, j int) bool { return pairs[i].cosine > pairs[j].cosine })
	if r.keepDirect("similarity", pairs) {
		return []*cityPair{}, nil
	}
	return nonNil(pairs), nil
}
