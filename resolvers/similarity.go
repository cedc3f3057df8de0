package resolvers

import (
	"context"
	"sort"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/analysis"
)

// profiles lays out each city's counts at the codes, in the codes' order:
// vec[i][j] is city i's count at codes[j] (zero when absent), sums[i] the
// sum of city i's reference points over the codes. The profile of
// City.profile, as a vector.
func profiles(codes []*policykb.Code, cities []*policykb.City, byCity map[string][]policykb.Count) (vec [][]policykb.Count, sums []int) {
	vec = make([][]policykb.Count, len(cities))
	sums = make([]int, len(cities))
	for i, c := range cities {
		vec[i] = make([]policykb.Count, len(codes))
		at := map[string]policykb.Count{}
		for _, n := range byCity[c.Name] {
			at[n.CodeID] = n
		}
		for j, code := range codes {
			vec[i][j] = at[code.ID]
			sums[i] += at[code.ID].ReferencePoints
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
	Level  string
	Filter *corpusFilterInput
}

// Similarity pairs every city (by name) with every other, most similar
// first; ties keep name order. The profiles come from one CountsByCity
// (rollups), shared with City.profile and compareCities in the request.
func (*queryResolver) Similarity(ctx context.Context, args similarityArgs) ([]*cityPair, error) {
	r := requestFrom(ctx)
	if err := r.useStudy(ctx, args.Study); err != nil {
		return nil, err
	}
	level, err := parseLevel(args.Level, "level")
	if err != nil {
		return nil, err
	}
	ci, err := r.cityIndex(ctx)
	if err != nil {
		return nil, err
	}
	cb, err := r.codebook(ctx)
	if err != nil {
		return nil, err
	}
	byCity, err := r.countsByCity(ctx, level, args.Filter)
	if err != nil {
		return nil, err
	}
	vec, _ := profiles(cb.byLevel[level], ci.list, byCity)
	pairs := cityPairs(r.cityList(ci.list), vec)
	sort.SliceStable(pairs, func(i, j int) bool { return pairs[i].cosine > pairs[j].cosine })
	return nonNil(pairs), nil
}
