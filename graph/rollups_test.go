package graph_test

import (
	"context"
	"fmt"
	"math/rand"
	"reflect"
	"testing"
	"time"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/testneo4j"
	"github.com/policykb/policykb/loaders"
)

// sampleDir is the shipped sample study.
const sampleDir = "../data/sample"

func loadSample(t testing.TB, s *graph.Store) {
	t.Helper()
	if _, err := loaders.Load(context.Background(), s, loaders.SampleInput(sampleDir), loaders.Options{}); err != nil {
		t.Fatal(err)
	}
}

// assertRollupsExact checks that every answer served from the rollups
// equals the sentence-level answer, at every level, for each filter (none
// names coders: those are always answered sentence by sentence).
func assertRollupsExact(t *testing.T, s *graph.Store, filters []policykb.CorpusFilter) {
	t.Helper()
	ctx := context.Background()
	codes, err := s.Codes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range codes {
		ids = append(ids, c.ID)
	}
	docs, _, err := s.Documents(ctx, policykb.CorpusFilter{}, graph.Page{Limit: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	var docIDs []string
	for _, d := range docs {
		docIDs = append(docIDs, d.ID)
	}
	check := func(what string, got, want any, err1, err2 error) {
		t.Helper()
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: %v / %v", what, err1, err2)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: rollups %+v\nsentences %+v", what, got, want)
		}
	}
	for _, level := range policykb.Levels {
		got, err1 := s.CountsByDocument(ctx, level, docIDs)
		want, err2 := s.CountsByDocumentExact(ctx, level, docIDs)
		check("CountsByDocument "+level.String(), got, want, err1, err2)
	}
	for fi, f := range filters {
		for _, level := range policykb.Levels {
			name := fmt.Sprintf("filter %d %+v, %s: ", fi, f, level)
			a, err1 := s.Counts(ctx, level, f)
			b, err2 := s.CountsExact(ctx, level, f)
			check(name+"Counts", a, b, err1, err2)
			c, err1 := s.CountsByCity(ctx, level, f)
			d, err2 := s.CountsByCityExact(ctx, level, f)
			check(name+"CountsByCity", c, d, err1, err2)
			// Every dimension, the measures in turn (each reads its own
			// part of the rollups: sums, document counts, codedSentences).
			measures := []policykb.Measure{policykb.MeasureReferencePoints, policykb.MeasureMaterialSources, policykb.MeasurePer1000Sentences}
			for i, dim := range []policykb.Dimension{policykb.DimensionCity, policykb.DimensionProvince, policykb.DimensionDocument, policykb.DimensionYear, policykb.DimensionDocType} {
				m := measures[(i+int(level)+fi)%len(measures)]
				q := graph.MatrixQuery{Rows: level, Columns: dim, Measure: m, Filter: f}
				x, err1 := s.Matrix(ctx, q)
				y, err2 := s.MatrixExact(ctx, q)
				check(name+"Matrix "+dim.String()+" "+m.String(), x, y, err1, err2)
			}
			for _, scope := range []policykb.Scope{policykb.ScopeSentence, policykb.ScopeDocument} {
				p, err1 := s.Cooccurrence(ctx, level, scope, 1, f)
				q, err2 := s.CooccurrenceExact(ctx, level, scope, 1, f)
				check(name+"Cooccurrence "+scope.String(), p, q, err1, err2)
			}
		}
		name := fmt.Sprintf("filter %d %+v: ", fi, f)
		a, err1 := s.CodeCounts(ctx, ids, f)
		b, err2 := s.CodeCountsExact(ctx, ids, f)
		check(name+"CodeCounts", a, b, err1, err2)
		for i, id := range ids {
			if fi > 0 && i%5 != fi%5 { // every code without a filter, a fifth with each filter
				continue
			}
			c, err1 := s.Citations(ctx, id, f)
			d, err2 := s.CitationsExact(ctx, id, f)
			check(name+"Citations "+id, c, d, err1, err2)
			e, err1 := s.CitationCounts(ctx, id, f)
			for i := range d {
				d[i].DocumentIDs = nil
			}
			check(name+"CitationCounts "+id, e, d, err1, err2)
		}
	}
}

func TestRollupsEqualSentenceLevelOnSample(t *testing.T) {
	s := testneo4j.EmptyStore(t, 0)
	loadSample(t, s)
	from, to := day("2023-01-01"), day("2023-12-31")
	filters := []policykb.CorpusFilter{
		{},
		{Cities: []string{"Linlan", "溪川市"}},
		{Provinces: []string{"Zhejiang", "Jiangsu", "Shandong"}},
		{Documents: []string{"d01", "d05", "d17"}},
		{IssuedFrom: &from},
		{IssuedFrom: &from, IssuedTo: &to},
	}
	assertRollupsExact(t, s, filters)

	// The paper's Table 4 through the rollups (reference points are the
	// study's figures; see the README).
	counts, err := s.Counts(context.Background(), policykb.LevelLayer, policykb.CorpusFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var refs []int
	for _, c := range counts {
		refs = append(refs, c.ReferencePoints)
	}
	if want := []int{129, 176, 101}; !reflect.DeepEqual(refs, want) {
		t.Errorf("layers' reference points %v, want %v", refs, want)
	}
}

// randomStudy builds a synthetic study from a seed: a random coding scheme,
// cities, documents and codings (several coders, the same code twice by two
// coders, codes above the concepts, sentences under two codes).
type randomStudy struct {
	rng          *rand.Rand
	codes        []policykb.Code
	cities       []policykb.City
	maxSentences int // per document
}

func newRandomStudy(seed int64) *randomStudy {
	r := &randomStudy{rng: rand.New(rand.NewSource(seed)), maxSentences: 12}
	var add func(parent string, level policykb.Level)
	add = func(parent string, level policykb.Level) {
		n := 1 + r.rng.Intn(3)
		for i := 0; i < n; i++ {
			id := fmt.Sprintf("%s%c%d", parent, "LMCK"[level-1], i)
			r.codes = append(r.codes, policykb.Code{ID: id, Level: level, Name: "code " + id, Parent: parent})
			if level < policykb.LevelConcept {
				add(id, level+1)
			}
		}
	}
	add("", policykb.LevelLayer)
	for i, p := range []string{"PA", "PB", "PA", ""} {
		r.cities = append(r.cities, policykb.City{Name: fmt.Sprintf("City%d", i), Province: p})
	}
	return r
}

func (r *randomStudy) document(id, version string) graph.DocumentBundle {
	city := r.cities[r.rng.Intn(len(r.cities))]
	b := graph.DocumentBundle{City: city, Document: policykb.Document{ID: id, City: city.Name, Title: "Random " + id,
		SHA256: "sha-" + id + version, Synthetic: true, Text: "synthetic " + version,
		DocType: []string{"plan", "notice", ""}[r.rng.Intn(3)]}}
	if r.rng.Intn(5) > 0 {
		b.Document.IssuedOn = day("2021-01-01").AddDate(0, 0, r.rng.Intn(4*365))
	}
	n := 1 + r.rng.Intn(r.maxSentences)
	for i := 0; i < n; i++ {
		b.Sentences = append(b.Sentences, policykb.Sentence{ID: policykb.SentenceID(id, i), DocumentID: id, Index: i,
			Kind: policykb.KindSentence, Text: id + " " + version, Start: i, End: i + 1})
	}
	b.Codings = r.codings(id, n)
	return b
}

func (r *randomStudy) codings(docID string, sentences int) []policykb.Coding {
	var out []policykb.Coding
	var concepts []policykb.Code
	for _, c := range r.codes {
		if c.Level == policykb.LevelConcept {
			concepts = append(concepts, c)
		}
	}
	for i := 0; i < sentences; i++ {
		if r.rng.Intn(10) < 4 {
			continue
		}
		for k := 1 + r.rng.Intn(3); k > 0; k-- {
			code := concepts[r.rng.Intn(len(concepts))]
			if r.rng.Intn(5) == 0 {
				code = r.codes[r.rng.Intn(len(r.codes))]
			}
			coder := []string{"x", "y", "z"}[r.rng.Intn(3)]
			c := policykb.Coding{SentenceID: policykb.SentenceID(docID, i), CodeID: code.ID, Coder: coder, Origin: "manual", At: time.Unix(0, 0)}
			out = append(out, c)
			if r.rng.Intn(4) == 0 { // the same code by a second coder
				c.Coder += "2"
				out = append(out, c)
			}
		}
	}
	return out
}

func TestRollupsEqualSentenceLevelOnRandomStudies(t *testing.T) {
	for _, seed := range []int64{1, 2, 3} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			s := testneo4j.EmptyStore(t, 7) // small batches: many transactions
			ctx := context.Background()
			r := newRandomStudy(seed)
			if _, err := s.WriteCodebook(ctx, r.codes); err != nil {
				t.Fatal(err)
			}
			var docs []graph.DocumentBundle
			for i := 0; i < 12; i++ {
				docs = append(docs, r.document(fmt.Sprintf("r%02d", i), "v1"))
			}
			if _, err := s.WriteDocuments(ctx, docs, nil); err != nil {
				t.Fatal(err)
			}
			from, to := day("2022-01-01"), day("2023-06-30")
			filters := []policykb.CorpusFilter{
				{},
				{Cities: []string{"City0", "city2"}},
				{Provinces: []string{"PA"}},
				{Documents: []string{"r01", "r03", "r04", "r09"}},
				{IssuedFrom: &from, IssuedTo: &to},
				{Cities: []string{"City1"}, IssuedFrom: &from},
			}
			assertRollupsExact(t, s, filters)

			// Second write: some documents change text (their sentences and
			// codings are replaced), one is rewritten unchanged, and codings
			// are added to others on their own.
			second := []graph.DocumentBundle{r.document("r02", "v2"), r.document("r05", "v2"), docs[6], r.document("r11", "v2")}
			if _, err := s.WriteDocuments(ctx, second, nil); err != nil {
				t.Fatal(err)
			}
			var more []policykb.Coding
			for _, i := range []int{0, 3, 7} {
				more = append(more, r.codings(docs[i].Document.ID, len(docs[i].Sentences))...)
			}
			if _, err := s.WriteCodings(ctx, more); err != nil {
				t.Fatal(err)
			}
			assertRollupsExact(t, s, filters)
		})
	}
}

// Moving a concept to another category changes the categories' counts;
// WriteCodebook recomputes the rollups.
func TestRollupsFollowTheCodebook(t *testing.T) {
	s := openTestStore(t)
	loadFixture(t, s)
	ctx := context.Background()
	codes := fixtureCodes()
	for i := range codes {
		if codes[i].ID == "K3" {
			codes[i].Parent = "C1"
		}
	}
	if _, err := s.WriteCodebook(ctx, codes); err != nil {
		t.Fatal(err)
	}
	counts, err := s.Counts(ctx, policykb.LevelCategory, policykb.CorpusFilter{})
	if err != nil {
		t.Fatal(err)
	}
	// C1 now holds K1, K2 and K3: a1#0 a1#1 a1#2 b1#0 b1#1 in a1 and b1; C2 is empty.
	want := []policykb.Count{{CodeID: "C1", ReferencePoints: 5, MaterialSources: 2}, {CodeID: "C2"},
		{CodeID: "C3", ReferencePoints: 1, MaterialSources: 1}, {CodeID: "C4"}}
	if !reflect.DeepEqual(counts, want) {
		t.Errorf("categories after the move: %+v, want %+v", counts, want)
	}
	assertRollupsExact(t, s, []policykb.CorpusFilter{{}})
}

// Replacing a document's text drops its old rollups with its sentences.
func TestRollupsOfAChangedDocument(t *testing.T) {
	s := openTestStore(t)
	loadFixture(t, s)
	ctx := context.Background()
	b := bundle(beta, "b1", "2023-06-15", 2, [][3]string{{"b1#1", "K4", "x"}})
	b.Document.SHA256 = "sha-b1-v2"
	if _, err := s.WriteDocuments(ctx, []graph.DocumentBundle{b}, nil); err != nil {
		t.Fatal(err)
	}
	byDoc, err := s.CountsByDocument(ctx, policykb.LevelMainCategory, []string{"b1"})
	if err != nil {
		t.Fatal(err)
	}
	// b1's M1 sentences (b1#0, b1#1) are gone; b1#1 is now M2.
	want := map[string][]policykb.Count{"b1": {{CodeID: "M2", ReferencePoints: 1, MaterialSources: 1}}}
	if !reflect.DeepEqual(byDoc, want) {
		t.Errorf("b1 after its change: %+v, want %+v", byDoc, want)
	}
}

// BenchmarkCounts compares answering from the rollups with walking the
// sentences, on the sample study.
func BenchmarkCounts(b *testing.B) {
	s := testneo4j.EmptyStore(b, 0)
	loadSample(b, s)
	ctx := context.Background()
	var f policykb.CorpusFilter
	matrix := graph.MatrixQuery{Rows: policykb.LevelConcept, Columns: policykb.DimensionCity, Measure: policykb.MeasureReferencePoints}
	cases := []struct {
		name          string
		rollup, exact func() error
	}{
		{"Counts/MAIN_CATEGORY",
			func() error { _, err := s.Counts(ctx, policykb.LevelMainCategory, f); return err },
			func() error { _, err := s.CountsExact(ctx, policykb.LevelMainCategory, f); return err }},
		{"CountsByCity/CONCEPT",
			func() error { _, err := s.CountsByCity(ctx, policykb.LevelConcept, f); return err },
			func() error { _, err := s.CountsByCityExact(ctx, policykb.LevelConcept, f); return err }},
		{"Citations/main-5",
			func() error { _, err := s.Citations(ctx, "main-5", f); return err },
			func() error { _, err := s.CitationsExact(ctx, "main-5", f); return err }},
		{"Matrix/CONCEPTxCITY",
			func() error { _, err := s.Matrix(ctx, matrix); return err },
			func() error { _, err := s.MatrixExact(ctx, matrix); return err }},
	}
	for _, c := range cases {
		for _, v := range []struct {
			name string
			run  func() error
		}{{"rollups", c.rollup}, {"sentences", c.exact}} {
			b.Run(c.name+"/"+v.name, func(b *testing.B) {
				for b.Loop() {
					if err := v.run(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkCountsLarge is BenchmarkCounts on a synthetic study twenty times
// the sample's size: 400 random documents of up to 100 sentences.
func BenchmarkCountsLarge(b *testing.B) {
	s := testneo4j.EmptyStore(b, 0)
	ctx := context.Background()
	r := newRandomStudy(42)
	r.maxSentences = 100
	if _, err := s.WriteCodebook(ctx, r.codes); err != nil {
		b.Fatal(err)
	}
	var docs []graph.DocumentBundle
	for i := range 400 {
		docs = append(docs, r.document(fmt.Sprintf("big%03d", i), "v1"))
	}
	if _, err := s.WriteDocuments(ctx, docs, nil); err != nil {
		b.Fatal(err)
	}
	var f policykb.CorpusFilter
	matrix := graph.MatrixQuery{Rows: policykb.LevelConcept, Columns: policykb.DimensionCity, Measure: policykb.MeasureReferencePoints}
	cases := []struct {
		name          string
		rollup, exact func() error
	}{
		{"Counts/LAYER",
			func() error { _, err := s.Counts(ctx, policykb.LevelLayer, f); return err },
			func() error { _, err := s.CountsExact(ctx, policykb.LevelLayer, f); return err }},
		{"CountsByCity/CONCEPT",
			func() error { _, err := s.CountsByCity(ctx, policykb.LevelConcept, f); return err },
			func() error { _, err := s.CountsByCityExact(ctx, policykb.LevelConcept, f); return err }},
		{"Matrix/CONCEPTxCITY",
			func() error { _, err := s.Matrix(ctx, matrix); return err },
			func() error { _, err := s.MatrixExact(ctx, matrix); return err }},
	}
	for _, c := range cases {
		b.Run(c.name+"/rollups", func(b *testing.B) {
			for b.Loop() {
				if err := c.rollup(); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/sentences", func(b *testing.B) {
			for b.Loop() {
				if err := c.exact(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// The province and corpus rollups follow a city that moves to another
// province (its old province loses its numbers, the new one gains them) or
// into one from none, and a wiped base starts again from nothing.
func TestGroupRollupsFollowCitiesThatMove(t *testing.T) {
	s := testneo4j.EmptyStore(t, 7)
	ctx := context.Background()
	r := newRandomStudy(5)
	if _, err := s.WriteCodebook(ctx, r.codes); err != nil {
		t.Fatal(err)
	}
	write := func(docs ...graph.DocumentBundle) {
		t.Helper()
		if _, err := s.WriteDocuments(ctx, docs, nil); err != nil {
			t.Fatal(err)
		}
	}
	var docs []graph.DocumentBundle
	for i := 0; i < 10; i++ {
		docs = append(docs, r.document(fmt.Sprintf("m%02d", i), "v1"))
	}
	write(docs...)
	filters := []policykb.CorpusFilter{{}, {Provinces: []string{"PA"}}, {Provinces: []string{"PB"}}, {Provinces: []string{"PA", "PC"}}}
	assertRollupsExact(t, s, filters)

	// City1 moves from PB to PC and City3 from no province to PA, each
	// with one more document.
	moved := r.document("m10", "v1")
	moved.City, moved.Document.City = policykb.City{Name: "City1", Province: "PC"}, "City1"
	joined := r.document("m11", "v1")
	joined.City, joined.Document.City = policykb.City{Name: "City3", Province: "PA"}, "City3"
	write(moved, joined)
	cities, err := s.Cities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	provinces := map[string]string{}
	for _, c := range cities {
		provinces[c.Name] = c.Province
	}
	if provinces["City1"] != "PC" || provinces["City3"] != "PA" {
		t.Fatalf("cities after the move: %+v, want City1 in PC and City3 in PA", cities)
	}
	assertRollupsExact(t, s, filters)

	// A wiped base loaded again counts only what it holds again.
	if _, err := s.Wipe(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.WriteCodebook(ctx, r.codes); err != nil {
		t.Fatal(err)
	}
	write(docs[:4]...)
	assertRollupsExact(t, s, filters)
}

// A base stored before the group rollups gets them when it is opened
// (EnsureSchema), before any question is answered from them.
func TestGroupRollupsOfAnOlderBase(t *testing.T) {
	assertOlderBaseCatchesUp(t, 6, (*graph.Store).DropRollupGroups)
}

// A base stored before cities kept their rollups as lists gets them when
// it is opened, and the matrix of every city, which reads them, counts
// what the sentences hold.
func TestCityListsOfAnOlderBase(t *testing.T) {
	assertOlderBaseCatchesUp(t, 8, (*graph.Store).DropCityLists)
}

// A base whose group co-occurrences were stored without their key (the
// first version of the group rollups) has its groups summed again when it
// is opened, so that a later write adds to the pairs it has instead of
// making a second of each beside them.
func TestGroupCooccurrencesOfAnOlderBase(t *testing.T) {
	s := testneo4j.EmptyStore(t, 7)
	ctx := context.Background()
	r, docs := writeRandomStudy(t, s, 9)
	if err := s.UnkeyGroupCooccurrences(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.EnsureSchema(ctx); err != nil {
		t.Fatal(err)
	}
	// A new text of every document, coded anew: each city's pairs gain
	// and lose sentences, and the differences go to the pairs the groups
	// have (a loss added to a pair of its own would be deleted as empty).
	var again []graph.DocumentBundle
	for _, d := range docs {
		again = append(again, r.document(d.Document.ID, "v2"))
	}
	if _, err := s.WriteDocuments(ctx, again, nil); err != nil {
		t.Fatal(err)
	}
	assertRollupsExact(t, s, []policykb.CorpusFilter{{}, {Provinces: []string{"PB"}}})
}

// writeRandomStudy writes the random study of seed, eight documents of
// it, and returns both.
func writeRandomStudy(t *testing.T, s *graph.Store, seed int64) (*randomStudy, []graph.DocumentBundle) {
	t.Helper()
	ctx := context.Background()
	r := newRandomStudy(seed)
	if _, err := s.WriteCodebook(ctx, r.codes); err != nil {
		t.Fatal(err)
	}
	var docs []graph.DocumentBundle
	for i := 0; i < 8; i++ {
		docs = append(docs, r.document(fmt.Sprintf("o%02d", i), "v1"))
	}
	if _, err := s.WriteDocuments(ctx, docs, nil); err != nil {
		t.Fatal(err)
	}
	return r, docs
}

// assertOlderBaseCatchesUp writes a random study, removes what drop
// removes (leaving a base as one stored before it), opens the base again
// and checks every answer against the sentences.
func assertOlderBaseCatchesUp(t *testing.T, seed int64, drop func(*graph.Store, context.Context) error) {
	t.Helper()
	s := testneo4j.EmptyStore(t, 7)
	ctx := context.Background()
	writeRandomStudy(t, s, seed)
	if err := drop(s, ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.EnsureSchema(ctx); err != nil {
		t.Fatal(err)
	}
	assertRollupsExact(t, s, []policykb.CorpusFilter{{}, {Provinces: []string{"PB"}}})
}

// Two writers coding documents of the same city at once: each write
// refreshes the city and adds the difference to its province's and the
// corpus's rollups, which must end up the sum of the cities' whatever the
// interleaving.
func TestGroupRollupsUnderConcurrentWrites(t *testing.T) {
	s := testneo4j.EmptyStore(t, 0)
	ctx := context.Background()
	r := newRandomStudy(7)
	if _, err := s.WriteCodebook(ctx, r.codes); err != nil {
		t.Fatal(err)
	}
	var docs []graph.DocumentBundle
	for i := 0; i < 8; i++ {
		b := r.document(fmt.Sprintf("c%02d", i), "v1")
		b.City, b.Document.City = r.cities[0], r.cities[0].Name
		b.Codings = nil
		docs = append(docs, b)
	}
	if _, err := s.WriteDocuments(ctx, docs, nil); err != nil {
		t.Fatal(err)
	}
	// The codings of each writer, made before they start (the random
	// study's generator is not safe for concurrent use).
	var batches [2][][]policykb.Coding
	for w := range batches {
		for i := w; i < len(docs); i += 2 {
			batches[w] = append(batches[w], r.codings(docs[i].Document.ID, len(docs[i].Sentences)))
		}
	}
	errs := make(chan error, 2)
	for w := range batches {
		go func() {
			for _, c := range batches[w] {
				if _, err := s.WriteCodings(ctx, c); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range batches {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	assertRollupsExact(t, s, []policykb.CorpusFilter{{}, {Provinces: []string{r.cities[0].Province}}})
}
