package graph_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/testneo4j"
)

// openTestStore is the empty test database, with a small write batch so that
// the fixture spans several transactions.
func openTestStore(t *testing.T) *graph.Store {
	t.Helper()
	return testneo4j.EmptyStore(t, 3)
}

func num(n int) *int { return &n }

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// A synthetic fixture small enough to count by hand (see the expected values
// in each test):
//
//	L1 > M1 > C1 > K1, K2        L2 > M3 > C4 > K5 (never coded)
//	        > C2 > K3
//	   > M2 > C3 > K4
//
//	Alpha (P1): a1 (2023-03-01) 4 sentences, a2 (2023-09-01) 3 sentences
//	Beta  (P2): b1 (2023-06-15) 3 sentences
//
//	a1#0 K1 x, K2 x   (two concepts of one category)
//	a1#1 K1 x, K1 y   (two coders, one code)
//	a1#2 K3 x
//	a2#0 K4 y
//	b1#0 K1 x
//	b1#1 K3 y
func fixtureCodes() []policykb.Code {
	return []policykb.Code{
		{ID: "L1", Level: policykb.LevelLayer, Number: num(1), Name: "Layer one", NameZh: "一层"},
		{ID: "M1", Level: policykb.LevelMainCategory, Number: num(1), Name: "Main one", Parent: "L1"},
		{ID: "C1", Level: policykb.LevelCategory, Number: num(1), Name: "Cat one", Parent: "M1"},
		{ID: "K1", Level: policykb.LevelConcept, Number: num(1), Name: "Concept one", Parent: "C1"},
		{ID: "K2", Level: policykb.LevelConcept, Number: num(2), Name: "Concept two", Parent: "C1"},
		{ID: "C2", Level: policykb.LevelCategory, Number: num(2), Name: "Cat two", Parent: "M1"},
		{ID: "K3", Level: policykb.LevelConcept, Number: num(3), Name: "Concept three", Parent: "C2"},
		{ID: "M2", Level: policykb.LevelMainCategory, Number: num(2), Name: "Main two", Parent: "L1"},
		{ID: "C3", Level: policykb.LevelCategory, Number: num(3), Name: "Cat three", Parent: "M2"},
		{ID: "K4", Level: policykb.LevelConcept, Number: num(4), Name: "Concept four", Parent: "C3"},
		{ID: "L2", Level: policykb.LevelLayer, Number: num(2), Name: "Layer two"},
		{ID: "M3", Level: policykb.LevelMainCategory, Number: num(3), Name: "Main three", Parent: "L2"},
		{ID: "C4", Level: policykb.LevelCategory, Number: num(4), Name: "Cat four", Parent: "M3"},
		{ID: "K5", Level: policykb.LevelConcept, Number: num(5), Name: "Concept five", Parent: "C4", Source: "derived"},
	}
}

func bundle(city policykb.City, id, issued string, n int, codings [][3]string) graph.DocumentBundle {
	b := graph.DocumentBundle{City: city, Document: policykb.Document{ID: id, City: city.Name, Title: "Plan " + id,
		IssuedOn: day(issued), SHA256: "sha-" + id, Synthetic: true, Text: "synthetic"}}
	for i := 0; i < n; i++ {
		b.Sentences = append(b.Sentences, policykb.Sentence{ID: policykb.SentenceID(id, i), DocumentID: id, Index: i,
			Kind: policykb.KindSentence, Text: id + " sentence", Start: i, End: i + 1})
	}
	for _, c := range codings {
		b.Codings = append(b.Codings, policykb.Coding{SentenceID: c[0], CodeID: c[1], Coder: c[2], Origin: "manual"})
	}
	return b
}

var (
	alpha = policykb.City{Name: "Alpha", NameZh: "阿尔法市", Province: "P1"}
	beta  = policykb.City{Name: "Beta", Province: "P2"}
)

func fixtureDocs() []graph.DocumentBundle {
	return []graph.DocumentBundle{
		bundle(alpha, "a1", "2023-03-01", 4, [][3]string{{"a1#0", "K1", "x"}, {"a1#0", "K2", "x"}, {"a1#1", "K1", "x"}, {"a1#1", "K1", "y"}, {"a1#2", "K3", "x"}}),
		bundle(alpha, "a2", "2023-09-01", 3, [][3]string{{"a2#0", "K4", "y"}}),
		bundle(beta, "b1", "2023-06-15", 3, [][3]string{{"b1#0", "K1", "x"}, {"b1#1", "K3", "y"}}),
	}
}

func loadFixture(t *testing.T, s *graph.Store) (graph.WriteSummary, graph.WriteSummary) {
	t.Helper()
	ctx := context.Background()
	cb, err := s.WriteCodebook(ctx, fixtureCodes())
	if err != nil {
		t.Fatal(err)
	}
	docs, err := s.WriteDocuments(ctx, fixtureDocs(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return cb, docs
}

func TestWritesAreIdempotent(t *testing.T) {
	s := openTestStore(t)
	cb, docs := loadFixture(t, s)
	// 14 codes and 12 BELONGS_TO; 2 cities, 3 documents, 10 sentences, 8 codings,
	// 3 ISSUED, 10 HAS_SENTENCE.
	if cb.NodesCreated != 14 || cb.RelationshipsCreated != 12 {
		t.Errorf("first codebook write created %d nodes, %d rels; want 14, 12", cb.NodesCreated, cb.RelationshipsCreated)
	}
	if docs.NodesCreated != 15 || docs.RelationshipsCreated != 21 {
		t.Errorf("first documents write created %d nodes, %d rels; want 15, 21", docs.NodesCreated, docs.RelationshipsCreated)
	}
	cb, docs = loadFixture(t, s)
	if cb.NodesCreated+cb.RelationshipsCreated+cb.NodesDeleted+cb.RelationshipsDeleted != 0 {
		t.Errorf("second codebook write changed the graph: %+v", cb)
	}
	if docs.NodesCreated+docs.RelationshipsCreated+docs.NodesDeleted+docs.RelationshipsDeleted != 0 {
		t.Errorf("second documents write changed the graph: %+v", docs)
	}
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := policykb.Stats{Cities: 2, Documents: 3, Sentences: 10, CodedSentences: 6, Codings: 8,
		Layers: 2, MainCategories: 3, Categories: 4, Concepts: 5}
	if st != want {
		t.Errorf("stats = %+v, want %+v", st, want)
	}
}

func TestChangedDocumentReplacesSentences(t *testing.T) {
	s := openTestStore(t)
	loadFixture(t, s)
	ctx := context.Background()
	b := bundle(beta, "b1", "2023-06-15", 2, nil)
	b.Document.SHA256 = "sha-b1-v2"
	if _, err := s.WriteDocuments(ctx, []graph.DocumentBundle{b}, nil); err != nil {
		t.Fatal(err)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// b1 now has 2 sentences and none of its 2 codings.
	if st.Sentences != 9 || st.CodedSentences != 4 || st.Codings != 6 {
		t.Errorf("after replacing b1: %+v; want 9 sentences, 4 coded, 6 codings", st)
	}
}

func TestCounts(t *testing.T) {
	s := openTestStore(t)
	loadFixture(t, s)
	ctx := context.Background()
	from := day("2023-06-01")
	cases := []struct {
		name   string
		level  policykb.Level
		filter policykb.CorpusFilter
		want   map[string][2]int
	}{
		{"concepts", policykb.LevelConcept, policykb.CorpusFilter{},
			map[string][2]int{"K1": {3, 2}, "K2": {1, 1}, "K3": {2, 2}, "K4": {1, 1}, "K5": {0, 0}}},
		{"categories count a sentence once", policykb.LevelCategory, policykb.CorpusFilter{},
			map[string][2]int{"C1": {3, 2}, "C2": {2, 2}, "C3": {1, 1}, "C4": {0, 0}}},
		{"main categories", policykb.LevelMainCategory, policykb.CorpusFilter{},
			map[string][2]int{"M1": {5, 2}, "M2": {1, 1}, "M3": {0, 0}}},
		{"layers", policykb.LevelLayer, policykb.CorpusFilter{},
			map[string][2]int{"L1": {6, 3}, "L2": {0, 0}}},
		{"coder y", policykb.LevelConcept, policykb.CorpusFilter{Coders: []string{"y"}},
			map[string][2]int{"K1": {1, 1}, "K2": {0, 0}, "K3": {1, 1}, "K4": {1, 1}, "K5": {0, 0}}},
		{"coder y layers", policykb.LevelLayer, policykb.CorpusFilter{Coders: []string{"y"}},
			map[string][2]int{"L1": {3, 3}, "L2": {0, 0}}},
		{"city by Chinese name", policykb.LevelLayer, policykb.CorpusFilter{Cities: []string{"阿尔法市"}},
			map[string][2]int{"L1": {4, 2}, "L2": {0, 0}}},
		{"city Beta", policykb.LevelLayer, policykb.CorpusFilter{Cities: []string{"beta"}},
			map[string][2]int{"L1": {2, 1}, "L2": {0, 0}}},
		{"province, case-insensitive", policykb.LevelLayer, policykb.CorpusFilter{Provinces: []string{"p1"}},
			map[string][2]int{"L1": {4, 2}, "L2": {0, 0}}},
		{"issued from June", policykb.LevelLayer, policykb.CorpusFilter{IssuedFrom: &from},
			map[string][2]int{"L1": {3, 2}, "L2": {0, 0}}},
		{"documents", policykb.LevelMainCategory, policykb.CorpusFilter{Documents: []string{"a1", "a2"}},
			map[string][2]int{"M1": {3, 1}, "M2": {1, 1}, "M3": {0, 0}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			counts, err := s.Counts(ctx, c.level, c.filter)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string][2]int{}
			for _, n := range counts {
				got[n.CodeID] = [2]int{n.ReferencePoints, n.MaterialSources}
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestCodesInTreeOrder(t *testing.T) {
	s := openTestStore(t)
	loadFixture(t, s)
	codes, err := s.Codes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range codes {
		ids = append(ids, c.ID)
	}
	want := []string{"L1", "M1", "C1", "K1", "K2", "C2", "K3", "M2", "C3", "K4", "L2", "M3", "C4", "K5"}
	if !reflect.DeepEqual(ids, want) {
		t.Errorf("codes in order %v, want %v", ids, want)
	}
	if codes[13].Parent != "C4" || codes[13].Source != "derived" || *codes[13].Number != 5 {
		t.Errorf("K5 = %+v", codes[13])
	}
}

func TestCitationsAndEvidence(t *testing.T) {
	s := openTestStore(t)
	loadFixture(t, s)
	ctx := context.Background()
	cits, err := s.Citations(ctx, "M1", policykb.CorpusFilter{})
	if err != nil {
		t.Fatal(err)
	}
	want := []graph.Citation{
		{City: "Alpha", ReferencePoints: 3, MaterialSources: 1, DocumentIDs: []string{"a1"}},
		{City: "Beta", ReferencePoints: 2, MaterialSources: 1, DocumentIDs: []string{"b1"}},
	}
	if !reflect.DeepEqual(cits, want) {
		t.Errorf("citations = %+v, want %+v", cits, want)
	}
	ev, err := s.Evidence(ctx, "M1", policykb.CorpusFilter{}, []string{"Alpha", "Beta"}, 2)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for city, ss := range ev {
		for _, st := range ss {
			got[city] = append(got[city], st.ID)
		}
	}
	wantEv := map[string][]string{"Alpha": {"a1#0", "a1#1"}, "Beta": {"b1#0", "b1#1"}}
	if !reflect.DeepEqual(got, wantEv) {
		t.Errorf("evidence = %v, want %v", got, wantEv)
	}
}

func TestSentences(t *testing.T) {
	s := openTestStore(t)
	loadFixture(t, s)
	ctx := context.Background()
	no := false
	june := day("2023-06-01")
	cases := []struct {
		name      string
		q         graph.SentenceQuery
		p         graph.Page
		want      []string
		wantTotal int
	}{
		{"coded at a category", graph.SentenceQuery{CodeID: "C1"}, graph.Page{Limit: 10}, []string{"a1#0", "a1#1", "b1#0"}, 3},
		{"second page", graph.SentenceQuery{CodeID: "C1"}, graph.Page{Offset: 2, Limit: 2}, []string{"b1#0"}, 3},
		{"uncoded", graph.SentenceQuery{Coded: &no}, graph.Page{Limit: 10}, []string{"a1#3", "a2#1", "a2#2", "b1#2"}, 4},
		{"coder y", graph.SentenceQuery{Filter: policykb.CorpusFilter{Coders: []string{"y"}}}, graph.Page{Limit: 10}, []string{"a1#1", "a2#0", "b1#1"}, 3},
		{"text", graph.SentenceQuery{Text: "B1 SENT"}, graph.Page{Limit: 1}, []string{"b1#0"}, 3},
		// Under a code in whole cities the total comes from the city
		// rollups; under other filters from the sentences.
		{"coded at a category in a city by its Chinese name", graph.SentenceQuery{CodeID: "C1",
			Filter: policykb.CorpusFilter{Cities: []string{"阿尔法市"}}}, graph.Page{Limit: 1}, []string{"a1#0"}, 2},
		{"coded at a category in a province, any case", graph.SentenceQuery{CodeID: "C1",
			Filter: policykb.CorpusFilter{Provinces: []string{"p2"}}}, graph.Page{Limit: 10}, []string{"b1#0"}, 1},
		{"coded at a category in an unknown city", graph.SentenceQuery{CodeID: "C1",
			Filter: policykb.CorpusFilter{Cities: []string{"Gamma"}}}, graph.Page{Limit: 10}, nil, 0},
		{"coded at a category, issued from June", graph.SentenceQuery{CodeID: "C1",
			Filter: policykb.CorpusFilter{IssuedFrom: &june}}, graph.Page{Limit: 10}, []string{"b1#0"}, 1},
		{"coded at a category by coder y", graph.SentenceQuery{CodeID: "C1",
			Filter: policykb.CorpusFilter{Coders: []string{"y"}}}, graph.Page{Limit: 10}, []string{"a1#1"}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ss, total, err := s.Sentences(ctx, c.q, c.p)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, st := range ss {
				ids = append(ids, st.ID)
			}
			if !reflect.DeepEqual(ids, c.want) || total != c.wantTotal {
				t.Errorf("got %v (total %d), want %v (total %d)", ids, total, c.want, c.wantTotal)
			}
		})
	}
	byDoc, err := s.SentencesByDocument(ctx, []string{"a1", "b1"}, graph.Page{Offset: 1, Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(byDoc["a1"]) != 2 || byDoc["a1"][0].ID != "a1#1" || len(byDoc["b1"]) != 2 || byDoc["b1"][1].ID != "b1#2" {
		t.Errorf("sentences by document = %+v", byDoc)
	}
	codings, err := s.CodingsBySentence(ctx, []string{"a1#1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(codings["a1#1"]) != 2 || codings["a1#1"][0].Coder != "x" || codings["a1#1"][1].Coder != "y" {
		t.Errorf("codings of a1#1 = %+v", codings["a1#1"])
	}
}

func TestUnreachableIsUnavailable(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: opens a network connection")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := graph.Open(ctx, graph.Config{URI: "bolt://127.0.0.1:1"}, nil)
	if policykb.ErrorCodeOf(err) != policykb.EUnavailable {
		t.Errorf("open on a closed port: %v (code %q), want UNAVAILABLE", err, policykb.ErrorCodeOf(err))
	}
}
