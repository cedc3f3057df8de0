package resolvers

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	graphql "github.com/graph-gophers/graphql-go"
	gqlerrors "github.com/graph-gophers/graphql-go/errors"

	"github.com/policykb/policykb"
)

// Tests of the parts that need no database.

func TestOperationType(t *testing.T) {
	tests := []struct{ doc, op, want string }{
		{`{ stats { cities } }`, "", "query"},
		{`query { stats { cities } }`, "", "query"},
		{`query Q($a: Int = 3) @dir { stats { cities } }`, "", "query"},
		{`mutation { x }`, "", "mutation"},
		{`mutation M { x }`, "", "mutation"},
		{`subscription S { x }`, "", "subscription"},
		{"# mutation\n{ a }", "", "query"},
		{`{ a(s: "mutation { }") }`, "", "query"},
		{`{ a(s: """ mutation """) }`, "", "query"},
		{`fragment F on Query { a } query Q { ...F }`, "", "query"},
		{`query A { a } mutation B { b }`, "B", "mutation"},
		{`query A { a } mutation B { b }`, "A", "query"},
		{`query A { a } mutation B { b }`, "", ""},
		{`query A { a }`, "Nope", ""},
		{`query A { mutation: a }`, "", "query"},
	}
	for _, tt := range tests {
		if got := operationType(tt.doc, tt.op); got != tt.want {
			t.Errorf("operationType(%q, %q) = %q, want %q", tt.doc, tt.op, got, tt.want)
		}
	}
}

func TestCursors(t *testing.T) {
	for _, n := range []int{0, 1, 49, 12345} {
		got, err := decodeCursor(encodeCursor(n))
		if err != nil || got != n {
			t.Errorf("round trip of %d: %d, %v", n, got, err)
		}
	}
	for _, bad := range []string{"", "x", "b2Zmc2V0Oi0x" /* offset:-1 */, "bm90IGEgY3Vyc29y" /* not a cursor */} {
		if _, err := decodeCursor(bad); err == nil {
			t.Errorf("decodeCursor(%q) accepted", bad)
		}
	}
	r := newRequest(nil, nil, 60)
	after := encodeCursor(9)
	if p, err := r.page(20, &after); err != nil || p.Offset != 10 || p.Limit != 20 {
		t.Errorf("page(20, after 9) = %+v, %v", p, err)
	}
	for _, first := range []int32{-1, 61} {
		_, err := r.page(first, nil)
		if e, ok := err.(*apiError); !ok || e.Argument != "first" || e.Code != "BAD_USER_INPUT" {
			t.Errorf("page(%d): %v", first, err)
		}
	}
}

func TestSplitExamples(t *testing.T) {
	doc := "# one\n# more\nquery A { a }\n\n# two\nquery B {\n  b\n}\n"
	got := SplitExamples(doc)
	if len(got) != 2 || got[0].Query != "# one\n# more\nquery A { a }\n" || got[1].Query != "# two\nquery B {\n  b\n}\n" {
		t.Errorf("SplitExamples: %q", got)
	}
	ex := DefaultExamples()
	var names []string
	for _, e := range ex {
		names = append(names, operationStart.FindStringSubmatch(e.Query)[2])
	}
	// The study's four questions open GraphiQL; the analyses' tabs follow.
	if got := strings.Join(names, " "); !strings.HasPrefix(got, "Table4_layers Table3_main_categories Which_cities_cite_Fund_Support Compare_three_cities ") {
		t.Errorf("example operations: %s", got)
	}
	if !strings.HasPrefix(ex[0].Query, "# Table 4 — layers") {
		t.Errorf("first example lost its comment: %q", ex[0].Query)
	}
}

// TestLoaderSiblings checks that loads of sibling keys share one fetch even
// when only two run at a time (as under graphql-go's MaxParallelism), and
// that keys without siblings are fetched one by one.
func TestLoaderSiblings(t *testing.T) {
	var kin siblings
	var keys []string
	for i := range 100 {
		keys = append(keys, fmt.Sprint("k", i))
	}
	kin.add(keys)
	for _, withKin := range []bool{true, false} {
		var fetches atomic.Int32
		var k *siblings
		if withKin {
			k = &kin
		}
		l := newLoader(k, func(ctx context.Context, ks []string) (map[string]int, error) {
			fetches.Add(1)
			m := map[string]int{}
			for _, key := range ks {
				m[key] = len(key)
			}
			return m, nil
		})
		slots := make(chan struct{}, 2)
		var wg sync.WaitGroup
		for _, key := range keys {
			wg.Add(1)
			slots <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-slots }()
				v, found, err := l.load(context.Background(), key)
				if err != nil || !found || v != len(key) {
					t.Errorf("load(%s) = %d, %v, %v", key, v, found, err)
				}
			}()
		}
		wg.Wait()
		want := int32(1)
		if !withKin {
			want = 100
		}
		if got := fetches.Load(); got != want {
			t.Errorf("with siblings %v: %d fetches, want %d", withKin, got, want)
		}
	}
}

func TestLoaderErrorsAndPrime(t *testing.T) {
	l := newLoader(nil, func(ctx context.Context, ks []string) (map[string]string, error) {
		return nil, fmt.Errorf("boom")
	})
	l.prime("known", "value")
	if v, found, err := l.load(context.Background(), "known"); v != "value" || !found || err != nil {
		t.Errorf("primed load = %q, %v, %v", v, found, err)
	}
	if _, _, err := l.load(context.Background(), "other"); err == nil || err.Error() != "boom" {
		t.Errorf("failed fetch: %v", err)
	}
	p := newLoader(nil, func(ctx context.Context, ks []string) (map[string]string, error) { panic("oops") })
	if _, _, err := p.load(context.Background(), "x"); err == nil || !strings.Contains(err.Error(), "oops") {
		t.Errorf("panicking fetch: %v", err)
	}
}

func TestOptions(t *testing.T) {
	if _, err := NewHandler(nil, Options{MaxPageSize: 20}); err == nil {
		t.Error("MaxPageSize below the default page size was accepted")
	}
	if _, err := NewHandler(nil, Options{Timeout: -1}); err == nil {
		t.Error("a negative timeout was accepted")
	}
	h, err := NewHandler(nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if h.opts.MaxDepth != 15 || h.opts.MaxPageSize != 100 || h.opts.MaxParallelism != 10 || len(h.opts.Examples) != len(DefaultExamples()) {
		t.Errorf("defaults: %+v", h.opts)
	}
}

func TestHeldIndexIsRebuiltWhenTheListChanges(t *testing.T) {
	var h heldIndex[policykb.City, *cityIndex]
	a := []policykb.City{{Name: "Jinan", NameZh: "济南市"}, {Name: "Qingdao"}}
	first := h.get(a, newCityIndex)
	if again := h.get(slices.Clone(a), newCityIndex); again != first {
		t.Error("an equal list rebuilt the index")
	}
	b := slices.Clone(a)
	b[1].NameZh = "青岛市"
	changed := h.get(b, newCityIndex)
	if changed == first || changed.lookup("青岛市") == nil {
		t.Errorf("a changed list kept the old index (lookup 青岛市 = %v)", changed.lookup("青岛市"))
	}
	if first.lookup("青岛市") != nil {
		t.Error("the old index was modified")
	}
}

func TestEncodeResponseMatchesEncodingJSON(t *testing.T) {
	for _, resp := range []*graphql.Response{
		{Data: json.RawMessage(`{"matrix":{"cells":[[1,2.5],[0,3]],"columns":["Jinan","济南 <b>"]}}`)},
		{Errors: []*gqlerrors.QueryError{{Message: "no code is called \"x\"", Extensions: map[string]any{"code": "BAD_USER_INPUT"}}}},
		{Data: json.RawMessage(`{"a":null}`), Errors: []*gqlerrors.QueryError{{Message: "partial"}}, Extensions: map[string]any{"cost": 3}},
		{},
	} {
		got, err := encodeResponse(resp)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(resp)
		var g, w any
		if err := json.Unmarshal(got, &g); err != nil {
			t.Fatalf("%s is not JSON: %v", got, err)
		}
		_ = json.Unmarshal(want, &w)
		if !reflect.DeepEqual(g, w) {
			t.Errorf("encodeResponse = %s, json.Marshal = %s", got, want)
		}
	}
}

// The whole similarity matrix of more cities than one answer should hold
// is refused with the fields that answer for any number of cities.
func TestSimilarityOfTooManyCities(t *testing.T) {
	c := &cityClustering{vec: make([][]float64, maxSimilarityCities+1)}
	if _, err := c.Similarity(); err == nil || !strings.Contains(err.Error(), "similarityWindow") {
		t.Errorf("%d cities: %v, want an error naming similarityWindow", maxSimilarityCities+1, err)
	}
	c.vec = c.vec[:maxSimilarityCities]
	for i := range c.vec {
		c.vec[i] = []float64{float64(i % 3), 1}
	}
	if sim, err := c.Similarity(); err != nil || len(sim) != maxSimilarityCities {
		t.Errorf("%d cities: %d rows, %v", maxSimilarityCities, len(sim), err)
	}
}
