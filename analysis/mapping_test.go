package analysis

import (
	"reflect"
	"slices"
	"testing"

	"github.com/policykb/policykb"
)

// mappingFixture: source frame A{a1{a1x a1y a1z} a2{a2x}} B{b1 b2} C{c1};
// entries a1→T1 (0), a1x→T2 (1), a1x→T3 (2), a2→T1 (3), b1→T3 (4);
// exclusions a1y and B. c1 is uncovered.
func mappingFixture() (policykb.Mapping, policykb.Frame) {
	code := func(id, level, parent string) policykb.FrameCode {
		return policykb.FrameCode{ID: id, Level: level, Parent: parent, Name: id}
	}
	source := policykb.Frame{ID: "src", Levels: []policykb.FrameLevel{{ID: "L"}, {ID: "M"}, {ID: "C"}}, Codes: []policykb.FrameCode{
		code("A", "L", ""), code("a1", "M", "A"), code("a1x", "C", "a1"), code("a1y", "C", "a1"), code("a1z", "C", "a1"),
		code("a2", "M", "A"), code("a2x", "C", "a2"),
		code("B", "L", ""), code("b1", "M", "B"), code("b2", "M", "B"),
		code("C", "L", ""), code("c1", "M", "C"),
	}}
	m := policykb.Mapping{ID: "m", Source: "src", Target: "tgt",
		Entries: []policykb.MappingEntry{
			{Code: "a1", To: "T1"}, {Code: "a1x", To: "T2"}, {Code: "a1x", To: "T3"}, {Code: "a2", To: "T1"}, {Code: "b1", To: "T3"},
		},
		Excluded: []policykb.MappingExclusion{{Code: "a1y"}, {Code: "B"}},
	}
	return m, source
}

func TestResolve(t *testing.T) {
	m, source := mappingFixture()
	got := Resolve(m, source)
	want := map[string]Decision{
		"A":   {},
		"a1":  {By: "a1", Entries: []int{0}},
		"a1x": {By: "a1x", Entries: []int{1, 2}}, // its own entries win over a1's; both of them apply
		"a1y": {By: "a1y", Excluded: true},       // its exclusion wins over a1's entry
		"a1z": {By: "a1", Entries: []int{0}},     // inherits a1's
		"a2":  {By: "a2", Entries: []int{3}},
		"a2x": {By: "a2", Entries: []int{3}},
		"B":   {By: "B", Excluded: true},
		"b1":  {By: "b1", Entries: []int{4}}, // its entry wins over B's exclusion
		"b2":  {By: "B", Excluded: true},
		"C":   {},
		"c1":  {},
	}
	if !reflect.DeepEqual(got, want) {
		for id := range want {
			if !reflect.DeepEqual(got[id], want[id]) {
				t.Errorf("%s: got %+v, want %+v", id, got[id], want[id])
			}
		}
	}
	if u := Uncovered(m, source); !slices.Equal(u, []string{"c1"}) {
		t.Errorf("uncovered %v, want [c1] (the leaves only: A and C have children)", u)
	}
}

func TestDerive(t *testing.T) {
	m, source := mappingFixture()
	coded := map[string][]string{
		"d1#10": {"a1z", "a2x"},                // two source codes, one target: one coding, two ways
		"d1#2":  {"a1x"},                       // the concept's own two entries, not a1's T1
		"d1#3":  {"a1y"},                       // excluded
		"d1#4":  {"b2", "c1", "ins-elsewhere"}, // excluded, uncovered, and a code of another frame
		"d2#1":  {"b1", "a1"},
		"d2#5":  {"a1x", "a1x"}, // the same code twice yields one way
	}
	want := []DerivedCoding{
		{SentenceID: "d1#2", Code: "T2", Via: []Via{{Coded: "a1x", Entry: 1, EntryCode: "a1x"}}},
		{SentenceID: "d1#2", Code: "T3", Via: []Via{{Coded: "a1x", Entry: 2, EntryCode: "a1x"}}},
		{SentenceID: "d1#10", Code: "T1", Via: []Via{{Coded: "a1z", Entry: 0, EntryCode: "a1"}, {Coded: "a2x", Entry: 3, EntryCode: "a2"}}},
		{SentenceID: "d2#1", Code: "T1", Via: []Via{{Coded: "a1", Entry: 0, EntryCode: "a1"}}},
		{SentenceID: "d2#1", Code: "T3", Via: []Via{{Coded: "b1", Entry: 4, EntryCode: "b1"}}},
		{SentenceID: "d2#5", Code: "T2", Via: []Via{{Coded: "a1x", Entry: 1, EntryCode: "a1x"}}},
		{SentenceID: "d2#5", Code: "T3", Via: []Via{{Coded: "a1x", Entry: 2, EntryCode: "a1x"}}},
	}
	got := Derive(m, source, coded)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if got := Derive(m, source, nil); len(got) != 0 {
		t.Errorf("nothing coded, got %+v", got)
	}
}

func TestCompareSentenceIDs(t *testing.T) {
	ids := []string{"d2#1", "d1#10", "d1#2", "d10#0", "d1#0"}
	slices.SortFunc(ids, CompareSentenceIDs)
	if want := []string{"d1#0", "d1#2", "d1#10", "d10#0", "d2#1"}; !slices.Equal(ids, want) {
		t.Errorf("got %v, want %v", ids, want)
	}
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"d1#b", "d1#a", 1}, // no numeric index: string order
		{"x", "d1#2", 1},
		{"d1#2", "d1#2", 0},
	} {
		if got := CompareSentenceIDs(tt.a, tt.b); got != tt.want {
			t.Errorf("CompareSentenceIDs(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
