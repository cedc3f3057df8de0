package gen

import (
	"math"
	"math/rand/v2"
	"sort"
	"sync"
)

// place is one jurisdiction of a corpus: a city or a county, with the
// number of documents it issued.
type place struct {
	name   cityName
	county bool
	city   int // for a county, the index of the city it is under
	docs   int
}

// jurisdictions lists the corpus's cities (named in order) and then its
// counties, with their documents: DocsPerCity each, or when Documents is
// set, the total spread by allocate.
func (s Spec) jurisdictions(order []int) []place {
	out := make([]place, 0, s.Cities+s.Counties)
	for ci := range s.Cities {
		out = append(out, place{name: cityNames[order[ci]], docs: s.DocsPerCity})
	}
	if s.Documents == 0 {
		return out
	}
	r := rand.New(rand.NewPCG(s.Seed, 0xc0a7e5))
	names := countyNames()
	for _, i := range r.Perm(len(names))[:s.Counties] {
		out = append(out, place{name: names[i], county: true, city: r.IntN(s.Cities)})
	}
	for i, n := range allocate(s.Documents, out, r) {
		out[i].docs = n
	}
	return out
}

// allocate spreads total documents over the places: one each, the rest in
// proportion to log-normal weights (σ 1, cities ×3, as prefecture-level
// governments issue more), rounded by largest remainder so the counts add up
// to total exactly, none above 999. A few places get hundreds of documents,
// most a handful.
func allocate(total int, places []place, r *rand.Rand) []int {
	w := make([]float64, len(places))
	sum := 0.0
	for i, p := range places {
		w[i] = math.Exp(r.NormFloat64())
		if !p.county {
			w[i] *= 3
		}
		sum += w[i]
	}
	n := make([]int, len(places))
	rest := total - len(places)
	type frac struct {
		i int
		f float64
	}
	fracs := make([]frac, len(places))
	given := 0
	for i := range places {
		share := float64(rest) * w[i] / sum
		whole := math.Floor(share)
		n[i] = 1 + int(whole)
		given += int(whole)
		fracs[i] = frac{i, share - whole}
	}
	sort.SliceStable(fracs, func(a, b int) bool { return fracs[a].f > fracs[b].f })
	for k := 0; given < rest; k = (k + 1) % len(fracs) {
		if i := fracs[k].i; n[i] < 999 {
			n[i]++
			given++
		}
	}
	// Cap at 999 (the document id's width), handing the excess to the
	// places with the fewest documents, in order.
	excess := 0
	for i := range n {
		if n[i] > 999 {
			excess += n[i] - 999
			n[i] = 999
		}
	}
	for i := 0; excess > 0; i = (i + 1) % len(n) {
		if n[i] < 999 {
			n[i]++
			excess--
		}
	}
	return n
}

// countyNames lists every synthetic county name, three syllables and 县
// ("Linlanchuan County"), each English name once. No city name ends in
// 县 or "County", which is how a county is told from a city.
var countyNames = sync.OnceValue(func() []cityName {
	var out []cityName
	seen := map[string]bool{}
	for _, a := range firstSyllables {
		for _, b := range secondSyllables {
			for _, c := range secondSyllables {
				if b == c {
					continue
				}
				n := cityName{en: a.pinyin + b.pinyin + c.pinyin + " County", zh: a.zh + b.zh + c.zh + "县"}
				if !seen[n.en] {
					seen[n.en] = true
					out = append(out, n)
				}
			}
		}
	}
	return out
})

// MaxCounties is the number of distinct synthetic county names, the most
// counties a corpus can have.
func MaxCounties() int { return len(countyNames()) }
