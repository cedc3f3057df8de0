package resolvers_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestUnknownNamesInFilters: a city, province, document or coder that the
// knowledge base does not hold is BAD_USER_INPUT wherever a CorpusFilter or
// SentenceFilter is accepted, naming the filter's field, the value and the
// nearest known names, instead of quietly matching nothing.
func TestUnknownNamesInFilters(t *testing.T) {
	e := newEnv(t, newCountingStore(openStore(t)), nil)
	const typo = `{cities: ["Linln"]}`
	const wantMsg = `no city is called "Linln" (nearest: "Linlan")`
	fields := map[string]string{
		"counts":                    `{ counts(level: LAYER, filter: ` + typo + `) { referencePoints } }`,
		"documents":                 `{ documents(filter: ` + typo + `) { totalCount } }`,
		"citiesCiting":              `{ citiesCiting(code: "con-3", filter: ` + typo + `) { referencePoints } }`,
		"compareCities":             `{ compareCities(level: LAYER, filter: ` + typo + `) { level } }`,
		"compareCities with cities": `{ compareCities(cities: ["Linlan"], level: LAYER, filter: ` + typo + `) { level } }`,
		"Code.referencePoints":      `{ code(ref: "con-3") { referencePoints(filter: ` + typo + `) } }`,
		"Code.materialSources":      `{ code(ref: "con-3") { materialSources(filter: ` + typo + `) } }`,
		"Code.sentences":            `{ code(ref: "con-3") { sentences(filter: ` + typo + `) { totalCount } } }`,
		"codebook nested":           `{ codebook { children { referencePoints(filter: ` + typo + `) } } }`,
		"City.profile":              `{ cities { profile(level: LAYER, filter: ` + typo + `) { referencePoints } } }`,
		"matrix":                    `{ matrix(rows: LAYER, columns: CITY, filter: ` + typo + `) { columns } }`,
		"cooccurrence":              `{ cooccurrence(level: CONCEPT, filter: ` + typo + `) { count } }`,
		"similarity":                `{ similarity(level: LAYER, filter: ` + typo + `) { cosine } }`,
		"saturation":                `{ saturation(heldOut: ["d3"], filter: ` + typo + `) { saturated } }`,
		"agreement":                 `{ agreement(coderA: "alice", coderB: "bob", filter: ` + typo + `) { units } }`,
		"search":                    `{ search(text: "联合体", filter: ` + typo + `) { totalCount } }`,
		"sentences":                 `{ sentences(filter: ` + typo + `) { totalCount } }`,
	}
	for name, q := range fields {
		t.Run(name, func(t *testing.T) {
			er := assertError(t, e.post(t, q, nil), http.StatusOK, "BAD_USER_INPUT", "filter.cities")
			if er.Message != wantMsg {
				t.Errorf("message %q, want %q", er.Message, wantMsg)
			}
		})
	}
	for _, tt := range []struct {
		name, filter, arg, msg string
	}{
		{"province", `{provinces: ["Province C"]}`, "filter.provinces", `no city is in the province "Province C" (nearest: "Province A", "Province B")`},
		{"document", `{documents: ["d1", "d9"]}`, "filter.documents", `no document has the id "d9" (nearest: "d1", "d2", "d3")`},
		{"coder", `{coders: ["Bob"]}`, "filter.coders", `no coding is by the coder "Bob" (nearest: "bob")`},
		{"cities, several", `{cities: ["临澜", "Atlantis", "xichuan"]}`, "filter.cities", `no city is called "临澜" (nearest: "临澜市"); no city is called "Atlantis"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			er := assertError(t, e.post(t, `{ counts(level: LAYER, filter: `+tt.filter+`) { referencePoints } }`, nil), http.StatusOK, "BAD_USER_INPUT", tt.arg)
			if er.Message != tt.msg {
				t.Errorf("message %q, want %q", er.Message, tt.msg)
			}
		})
	}
	t.Run("sentences by document", func(t *testing.T) {
		er := assertError(t, e.post(t, `{ sentences(filter: {documents: ["d7"]}) { totalCount } }`, nil), http.StatusOK, "BAD_USER_INPUT", "filter.documents")
		if !strings.HasPrefix(er.Message, `no document has the id "d7"`) {
			t.Errorf("message %q", er.Message)
		}
	})
	t.Run("compareCities' own cities say the same", func(t *testing.T) {
		er := assertError(t, e.post(t, `{ compareCities(cities: ["Linln", "Xichuan"], level: LAYER) { level } }`, nil), http.StatusOK, "BAD_USER_INPUT", "cities")
		if er.Message != wantMsg {
			t.Errorf("message %q, want %q", er.Message, wantMsg)
		}
	})
	t.Run("known names in any form", func(t *testing.T) {
		data := e.ok(t, `{
			a: counts(level: LAYER, filter: {cities: ["linlan"]}) { referencePoints }
			b: counts(level: LAYER, filter: {cities: ["临澜市"]}) { referencePoints }
			c: counts(level: LAYER, filter: {cities: [" LINLAN "], provinces: ["province a"]}) { referencePoints } }`, nil)
		// Linlan: layer-1 {d1#1}; layer-2 {d1#2 d1#3 d2#0 d2#1} (see fixture_test.go).
		assertJSON(t, data, `{"a": [{"referencePoints": 1}, {"referencePoints": 4}], "b": [{"referencePoints": 1}, {"referencePoints": 4}],
			"c": [{"referencePoints": 1}, {"referencePoints": 4}]}`)
	})
}
