package schema

import (
	"regexp"
	"strings"
	"testing"
)

// TestSDLNames checks that the names DESIGN.md §4 promises are in the SDL,
// each question of Query with the study argument §4b adds; resolvers/
// parses it with graphql-go and checks the rest.
func TestSDLNames(t *testing.T) {
	s := SDL()
	if s == "" {
		t.Fatal("SDL is empty")
	}
	want := []string{
		`enum Level {`,
		`input CorpusFilter {`,
		`input SentenceFilter {`,
		`codebook(study: ID): [Code!]!`,
		`code(ref: String!, study: ID): Code`,
		`codes(level: Level!, study: ID): [Code!]!`,
		`cities(study: ID): [City!]!`,
		`city(name: String!, study: ID): City`,
		`documents(filter: CorpusFilter, first: Int = 50, after: String, study: ID): DocumentConnection!`,
		`document(id: ID!, study: ID): Document`,
		`sentences(filter: SentenceFilter, first: Int = 50, after: String, study: ID): SentenceConnection!`,
		`counts(level: Level!, filter: CorpusFilter, study: ID): [CodeCount!]!`,
		`citiesCiting(code: String!, minReferences: Int = 1, filter: CorpusFilter, study: ID): [CityCitation!]!`,
		`compareCities(cities: [String!], level: Level, filter: CorpusFilter, study: ID, frameLevel: Axis): CityComparison!`,
		`stats(study: ID): Stats!`,
		`referencePoints(filter: CorpusFilter): Int!`,
		`materialSources(filter: CorpusFilter): Int!`,
		`profile(level: Level!, filter: CorpusFilter): [CodeCount!]!`,
		`evidence(first: Int = 3): [Sentence!]!`,
		`scalar Date`,
		`studies: [Study!]!`,
		`study(id: ID!): Study`,
	}
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Errorf("SDL lacks %q", w)
		}
	}
	// Every type, input and enum carries a description.
	decl := regexp.MustCompile(`(?m)^(type|input|enum|scalar) (\w+)`)
	for _, m := range decl.FindAllStringSubmatchIndex(s, -1) {
		before := strings.TrimRight(s[:m[0]], "\n")
		name := s[m[4]:m[5]]
		if !strings.HasSuffix(before, `"`) {
			t.Errorf("%s %s has no description", s[m[2]:m[3]], name)
		}
	}
}
