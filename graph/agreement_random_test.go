package graph_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
)

// A randomized two-coder fixture (synthetic, drawn from a fixed seed): a
// scheme of two layers whose codes are coded at every level, documents in
// three cities, and codings by A, B, a third coder and automatic coding,
// several to a sentence. The expected agreement is recomputed here from the
// raw codings, sentence by sentence, as the definition in Store.Agreement
// reads: no rollup, no Cypher.
func randomAgreementFixture() ([]policykb.Code, []graph.DocumentBundle) {
	codes := append(fixtureCodes(), policykb.Code{ID: "K6", Level: policykb.LevelConcept, Number: num(6), Name: "Concept six (never coded)", Parent: "C4"})
	// Coded at: every concept but K6, and some codes above concepts.
	targets := []string{"K1", "K2", "K3", "K4", "K5", "K1", "K2", "K3", "K5", "C1", "C4", "M2", "L2"}
	cities := []policykb.City{
		{Name: "Gamma", Province: "P1"}, {Name: "Alpha", Province: "P2"}, {Name: "Beta", Province: "P1"}}
	rng := rand.New(rand.NewPCG(13, 2026))
	var docs []graph.DocumentBundle
	for i := range 12 {
		city := cities[i%len(cities)]
		id := fmt.Sprintf("r%02d", i)
		n := 3 + rng.IntN(8)
		var codings [][3]string
		seen := map[[3]string]bool{}
		// Documents 0–8 are coded by A, 3–11 by B: 3–8 by both; C codes
		// everywhere (never compared here); auto codings are A's.
		for s := range n {
			sid := policykb.SentenceID(id, s)
			for _, coder := range []string{"A", "B", "C"} {
				if (coder == "A" && i > 8) || (coder == "B" && i < 3) {
					continue
				}
				for range rng.IntN(3) {
					c := [3]string{sid, targets[rng.IntN(len(targets))], coder}
					if !seen[c] {
						seen[c] = true
						codings = append(codings, c)
					}
				}
			}
		}
		b := bundle(city, id, fmt.Sprintf("2023-%02d-%02d", 1+rng.IntN(12), 1+rng.IntN(28)), n, codings)
		for s := range n {
			if rng.IntN(6) == 0 {
				b.Codings = append(b.Codings, policykb.Coding{SentenceID: policykb.SentenceID(id, s), CodeID: targets[rng.IntN(len(targets))],
					Coder: "A", Origin: policykb.OriginAuto})
			}
		}
		docs = append(docs, b)
	}
	return codes, docs
}

// agreementBySentence recomputes Store.Agreement's numbers from the
// fixture's raw codings: the units are the sentences of the documents
// both coders coded in and the filter admits (docs nil: every one); a unit
// is yes for a coder at code k when the coder coded it at k or below.
func agreementBySentence(codes []policykb.Code, docs []graph.DocumentBundle, a, b string, level policykb.Level, admit func(graph.DocumentBundle) bool) (units int, pooled graph.AgreementTable, byCode map[string]graph.AgreementTable, differ map[string][]string) {
	parent := map[string]string{}
	for _, c := range codes {
		parent[c.ID] = c.Parent
	}
	under := func(c, k string) bool {
		for ; c != ""; c = parent[c] {
			if c == k {
				return true
			}
		}
		return false
	}
	var common []graph.DocumentBundle
	for _, d := range docs {
		if !admit(d) {
			continue
		}
		coders := map[string]bool{}
		for _, c := range d.Codings {
			coders[c.Coder] = true
		}
		if coders[a] && coders[b] {
			common = append(common, d)
		}
	}
	// Document order: city, issue date, id.
	slices.SortFunc(common, func(x, y graph.DocumentBundle) int {
		if x.City.Name != y.City.Name {
			return map[bool]int{true: -1, false: 1}[x.City.Name < y.City.Name]
		}
		if c := x.Document.IssuedOn.Compare(y.Document.IssuedOn); c != 0 {
			return c
		}
		return map[bool]int{true: -1, false: 1}[x.Document.ID < y.Document.ID]
	})
	byCode, differ = map[string]graph.AgreementTable{}, map[string][]string{}
	for _, k := range codes {
		if k.Level != level {
			continue
		}
		var t graph.AgreementTable
		for _, d := range common {
			for _, s := range d.Sentences {
				var yesA, yesB bool
				for _, c := range d.Codings {
					if c.SentenceID == s.ID && under(c.CodeID, k.ID) {
						yesA = yesA || c.Coder == a
						yesB = yesB || c.Coder == b
					}
				}
				switch {
				case yesA && yesB:
					t.Both++
				case yesA:
					t.OnlyA++
				case yesB:
					t.OnlyB++
				default:
					t.Neither++
				}
				if yesA != yesB {
					differ[k.ID] = append(differ[k.ID], s.ID)
				}
			}
		}
		pooled = pooled.Add(t)
		if t.Both+t.OnlyA+t.OnlyB > 0 {
			byCode[k.ID] = t
		}
	}
	for _, d := range common {
		units += len(d.Sentences)
	}
	return units, pooled, byCode, differ
}

func TestAgreementRandomized(t *testing.T) {
	codes, docs := randomAgreementFixture()
	s := openTestStore(t)
	ctx := context.Background()
	if _, err := s.WriteCodebook(ctx, codes); err != nil {
		t.Fatal(err)
	}
	if _, err := s.WriteDocuments(ctx, docs, nil); err != nil {
		t.Fatal(err)
	}
	filters := []struct {
		name  string
		f     policykb.CorpusFilter
		admit func(graph.DocumentBundle) bool
	}{
		{"every document", policykb.CorpusFilter{}, func(graph.DocumentBundle) bool { return true }},
		{"province P1", policykb.CorpusFilter{Provinces: []string{"P1"}}, func(d graph.DocumentBundle) bool { return d.City.Province == "P1" }},
	}
	for _, fl := range filters {
		for _, pair := range [][2]string{{"A", "B"}, {"B", "A"}, {"A", "C"}} {
			for _, level := range policykb.Levels {
				name := fmt.Sprintf("%s/%s-%s/%s", fl.name, pair[0], pair[1], level)
				units, pooled, byCode, differ := agreementBySentence(codes, docs, pair[0], pair[1], level, fl.admit)
				if units == 0 || pooled.Both == 0 || pooled.OnlyA+pooled.OnlyB == 0 {
					t.Fatalf("%s: the fixture should give agreements and disagreements: %d units, %+v", name, units, pooled)
				}
				full, err := s.Agreement(ctx, pair[0], pair[1], level, fl.f)
				if err != nil {
					t.Fatal(err)
				}
				tables, err := s.AgreementTables(ctx, pair[0], pair[1], level, fl.f)
				if err != nil {
					t.Fatal(err)
				}
				for _, got := range []graph.Agreement{full, tables} {
					if got.Units != units || got.Pooled != pooled {
						t.Errorf("%s: units %d pooled %+v, want %d %+v", name, got.Units, got.Pooled, units, pooled)
					}
					if len(got.ByCode) != len(byCode) {
						t.Errorf("%s: %d codes, want %d (%v)", name, len(got.ByCode), len(byCode), byCode)
					}
					for _, c := range got.ByCode {
						if c.AgreementTable != byCode[c.CodeID] {
							t.Errorf("%s %s: %+v, want %+v", name, c.CodeID, c.AgreementTable, byCode[c.CodeID])
						}
						want := slices.Clone(differ[c.CodeID])
						slices.Sort(want)
						if !slices.Equal(c.DisagreementIDs, want) {
							t.Errorf("%s %s: disagreement ids %v, want %v", name, c.CodeID, c.DisagreementIDs, want)
						}
					}
				}
				for _, c := range full.ByCode {
					var ids []string
					for _, st := range c.Disagreements {
						ids = append(ids, st.ID)
					}
					if !reflect.DeepEqual(ids, differ[c.CodeID]) {
						t.Errorf("%s %s: disagreements %v, want (document order) %v", name, c.CodeID, ids, differ[c.CodeID])
					}
				}
				for _, c := range tables.ByCode {
					if c.Disagreements != nil {
						t.Errorf("%s %s: AgreementTables read the sentences", name, c.CodeID)
					}
				}
			}
		}
	}
}
