package policykb

import (
	"slices"
	"strings"
	"testing"
)

func TestCityCalled(t *testing.T) {
	c := City{Name: "Nanjing", NameZh: "南京市", Province: "Jiangsu"}
	for name, want := range map[string]bool{
		"Nanjing": true, "nanjing": true, " NANJING ": true, "南京市": true, " 南京市\t": true,
		"南京": false, "Nanjin": false, "": false, "Jiangsu": false,
	} {
		if got := c.Called(name); got != want {
			t.Errorf("Called(%q) = %v, want %v", name, got, want)
		}
	}
	if (City{Name: "X"}).Called("") {
		t.Error("a city without a Chinese name is called by the empty name")
	}
}

// TestCityCalledIsNameKey checks Called against its rule (the name's
// NameKey is one of the city's Keys) on names whose case folding is not
// ASCII's: the Kelvin sign lower-cases to k, the dotted capital I to two
// runes, a Greek or German capital to a non-ASCII small letter.
func TestCityCalledIsNameKey(t *testing.T) {
	cities := []City{
		{Name: "Kaifeng", NameZh: "开封"}, {Name: "Kaifeng"}, {Name: "İzmir"}, {Name: "izmir"},
		{Name: "ΑΘΗΝΑ", NameZh: "雅典"}, {Name: "STRAẞE"}, {Name: "Straße"}, {Name: "ǅ"}, {Name: " Mixed Case ", NameZh: " 混合 "}, {Name: "x"}, {Name: "\u2003Kaifeng", NameZh: "\u3000开封"},
	}
	names := []string{"kaifeng", "KAIFENG", "Kaifeng", "KAIFENG", "开封", "izmir", "İZMİR", "i̇zmir",
		"αθηνα", "ΑΘΗΝΑ", "\u2003Kaifeng", "\u2003开封 ", "straße", "STRASSE", "ſtraße", "Ǆ", "ǆ", "ǅ", "mixed case", "MIXED CASE ", "混合", "X", " ", "", "雅典 "}
	for _, c := range cities {
		for _, n := range names {
			k := NameKey(n)
			want := k != "" && slices.Contains(c.Keys(), k)
			if got := c.Called(n); got != want {
				t.Errorf("%+v.Called(%q) = %v, want %v (NameKey %q, Keys %q)", c, n, got, want, k, c.Keys())
			}
		}
	}
}

func TestFilterNamesCity(t *testing.T) {
	nanjing := City{Name: "Nanjing", NameZh: "南京市", Province: "Jiangsu"}
	noProvince := City{Name: "Alone"}
	for _, tt := range []struct {
		name   string
		f      CorpusFilter
		city   City
		admits bool
	}{
		{"no names", CorpusFilter{}, nanjing, true},
		{"English name, any case", CorpusFilter{Cities: []string{" NANJING "}}, nanjing, true},
		{"Chinese name", CorpusFilter{Cities: []string{"Suzhou", "南京市"}}, nanjing, true},
		{"another city", CorpusFilter{Cities: []string{"Suzhou"}}, nanjing, false},
		{"province, any case", CorpusFilter{Provinces: []string{"jiangsu"}}, nanjing, true},
		{"another province", CorpusFilter{Provinces: []string{"Zhejiang"}}, nanjing, false},
		{"city and province both", CorpusFilter{Cities: []string{"Nanjing"}, Provinces: []string{"Jiangsu"}}, nanjing, true},
		{"city but not province", CorpusFilter{Cities: []string{"Nanjing"}, Provinces: []string{"Zhejiang"}}, nanjing, false},
		{"a city without a province is in none", CorpusFilter{Provinces: []string{" "}}, noProvince, false},
		{"nor in the empty one", CorpusFilter{Provinces: []string{""}}, noProvince, false},
	} {
		if got := tt.f.NamesCity(tt.city); got != tt.admits {
			t.Errorf("%s: NamesCity = %v, want %v", tt.name, got, tt.admits)
		}
	}
}

func TestNearest(t *testing.T) {
	known := []string{"Nanjing", "南京市", "Ningbo", "Linlan", "Xichuan", "Wuxi", "Nanjing"}
	tests := []struct {
		name string
		want []string
	}{
		{"nanjing", []string{"Nanjing"}},
		{"Nanjng", []string{"Nanjing"}},
		{"南京", []string{"南京市"}},
		{"Lilan", []string{"Linlan"}},
		{"Ningpo", []string{"Ningbo"}},
		{"Nowhere", nil},
		{"", nil},
		{"x", nil}, // one letter: no containment, and every name is more than 2 edits away
		{"Wux", []string{"Wuxi"}},
	}
	for _, tt := range tests {
		if got := Nearest(tt.name, known, 3); !slices.Equal(got, tt.want) {
			t.Errorf("Nearest(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
	if got := Nearest("d1", []string{"d10", "d2", "d11", "d3", "x1"}, 2); !slices.Equal(got, []string{"d10", "d11"}) {
		t.Errorf("Nearest(d1) = %q: containment ranks first, then at most n", got)
	}
}

func TestEditDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"a", "", 1}, {"kitten", "sitting", 3}, {"南京市", "南京", 1}, {"Nanjing", "Nanjng", 1}} {
		if got := editDistance(tt.a, tt.b); got != tt.d {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.d)
		}
	}
}

func TestUnknownNames(t *testing.T) {
	if UnknownNames("cities", "no city is called", nil, []string{"A"}) != nil {
		t.Error("no unknown names gave an error")
	}
	e := UnknownNames("filter.cities", "no city is called", []string{"Nanjng", "Nowhere"}, []string{"Nanjing", "Ningbo"})
	want := `no city is called "Nanjng" (nearest: "Nanjing"); no city is called "Nowhere"`
	if e.Code != EInvalid || e.Argument != "filter.cities" || e.Message != want {
		t.Errorf("got %+v, want BAD_USER_INPUT on filter.cities: %s", e, want)
	}
}

// FuzzNearest: any name against any known names gives at most n of the
// known names, never a panic, the equal ones (as NameKey) first.
func FuzzNearest(f *testing.F) {
	f.Add("Nanjng", "Nanjing,南京市,Ningbo", 3)
	f.Add("", ",,", 1)
	f.Add("南京", "南京市", 0)
	f.Add("\xff", "\xfe,a", 2)
	f.Fuzz(func(t *testing.T, name, list string, n int) {
		known := strings.Split(list, ",")
		got := Nearest(name, known, n)
		if len(got) > max(n, 0) {
			t.Fatalf("%d names for n = %d", len(got), n)
		}
		for i, g := range got {
			if !slices.Contains(known, g) || slices.Contains(got[:i], g) {
				t.Fatalf("Nearest(%q, %q) = %q", name, known, got)
			}
		}
		if len(got) > 0 && n > 0 && slices.ContainsFunc(known, func(k string) bool { return NameKey(k) == NameKey(name) && NameKey(k) != "" }) &&
			NameKey(got[0]) != NameKey(name) {
			t.Fatalf("Nearest(%q, %q) = %q: the equal name is not first", name, known, got)
		}
	})
}
