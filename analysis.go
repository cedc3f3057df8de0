package policykb

import (
	"fmt"
	"strings"
)

// Dimension is what the columns of a code matrix are: the cases documents
// are grouped by.
type Dimension int

// The dimensions a matrix can have as columns.
const (
	DimensionCity     Dimension = iota + 1 // the issuing city's name
	DimensionProvince                      // the issuing city's province
	DimensionDocument                      // the document's id
	DimensionYear                          // the year of issuedOn, "unknown" without a date
	DimensionDocType                       // the document type, "unknown" without one
)

var dimensionNames = map[Dimension]string{
	DimensionCity:     "CITY",
	DimensionProvince: "PROVINCE",
	DimensionDocument: "DOCUMENT",
	DimensionYear:     "YEAR",
	DimensionDocType:  "DOC_TYPE",
}

// String returns the GraphQL enum name of the dimension (CITY, DOC_TYPE, ...).
func (d Dimension) String() string { return enumString("Dimension", int(d), dimensionNames[d]) }

// Valid reports whether d is one of the five dimensions.
func (d Dimension) Valid() bool { _, ok := dimensionNames[d]; return ok }

// ParseDimension accepts the enum name (DOC_TYPE) or a lower-case spelling
// with spaces or dashes (doc type), case-insensitively.
func ParseDimension(s string) (Dimension, error) {
	return parseEnum("dimension", s, dimensionNames)
}

// Measure is what a code matrix's cells hold.
type Measure int

// The measures of a matrix cell; see graph.Matrix for their definitions.
const (
	MeasureReferencePoints  Measure = iota + 1 // distinct coded sentences
	MeasureMaterialSources                     // distinct documents
	MeasureShare                               // the cell's part of its column's references
	MeasurePer1000Sentences                    // references per 1,000 sentences of the column
	MeasurePresence                            // 1 when the cell has a reference, else 0
)

var measureNames = map[Measure]string{
	MeasureReferencePoints:  "REFERENCE_POINTS",
	MeasureMaterialSources:  "MATERIAL_SOURCES",
	MeasureShare:            "SHARE",
	MeasurePer1000Sentences: "PER_1000_SENTENCES",
	MeasurePresence:         "PRESENCE",
}

// String returns the GraphQL enum name of the measure (REFERENCE_POINTS, ...).
func (m Measure) String() string { return enumString("Measure", int(m), measureNames[m]) }

// Valid reports whether m is one of the five measures.
func (m Measure) Valid() bool { _, ok := measureNames[m]; return ok }

// ParseMeasure accepts the enum name (PER_1000_SENTENCES) or a lower-case
// spelling with spaces or dashes, case-insensitively.
func ParseMeasure(s string) (Measure, error) { return parseEnum("measure", s, measureNames) }

// Scope is the unit within which two codes co-occur.
type Scope int

// The scopes of code co-occurrence.
const (
	ScopeSentence Scope = iota + 1 // both codes on one sentence
	ScopeDocument                  // both codes in one document
)

var scopeNames = map[Scope]string{ScopeSentence: "SENTENCE", ScopeDocument: "DOCUMENT"}

// String returns the GraphQL enum name of the scope (SENTENCE or DOCUMENT).
func (s Scope) String() string { return enumString("Scope", int(s), scopeNames[s]) }

// Valid reports whether s is one of the two scopes.
func (s Scope) Valid() bool { _, ok := scopeNames[s]; return ok }

// ParseScope accepts SENTENCE or DOCUMENT, case-insensitively.
func ParseScope(s string) (Scope, error) { return parseEnum("scope", s, scopeNames) }

func enumString(kind string, v int, name string) string {
	if name != "" {
		return name
	}
	return fmt.Sprintf("%s(%d)", kind, v)
}

func parseEnum[E ~int](kind, s string, names map[E]string) (E, error) {
	norm := strings.ToUpper(strings.NewReplacer(" ", "_", "-", "_").Replace(strings.TrimSpace(s)))
	var all []string
	for v := E(1); int(v) <= len(names); v++ {
		if names[v] == norm {
			return v, nil
		}
		all = append(all, names[v])
	}
	return 0, fmt.Errorf("unknown %s %q: expected one of %s", kind, s, strings.Join(all, ", "))
}
