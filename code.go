package policykb

import (
	"fmt"
	"strings"
)

// Level is a level of the coding scheme, from the most abstract (Layer, the
// study's "core category" dimensions) to the most concrete (Concept).
type Level int

// The four levels, in order from the root of the coding scheme to its leaves.
const (
	LevelLayer Level = iota + 1
	LevelMainCategory
	LevelCategory
	LevelConcept
)

// Levels lists every level from the root of the scheme to the leaves.
var Levels = []Level{LevelLayer, LevelMainCategory, LevelCategory, LevelConcept}

var levelNames = map[Level]string{
	LevelLayer:        "LAYER",
	LevelMainCategory: "MAIN_CATEGORY",
	LevelCategory:     "CATEGORY",
	LevelConcept:      "CONCEPT",
}

var levelLabels = map[Level]string{
	LevelLayer:        "Layer",
	LevelMainCategory: "MainCategory",
	LevelCategory:     "Category",
	LevelConcept:      "Concept",
}

// String returns the GraphQL enum name of the level (LAYER, MAIN_CATEGORY, ...).
func (l Level) String() string {
	if s, ok := levelNames[l]; ok {
		return s
	}
	return fmt.Sprintf("Level(%d)", int(l))
}

// Label returns the Neo4j node label of codes at this level.
func (l Level) Label() string { return levelLabels[l] }

// Valid reports whether l is one of the four levels.
func (l Level) Valid() bool { _, ok := levelNames[l]; return ok }

// Parent returns the level directly above l, or 0 for LevelLayer.
func (l Level) Parent() Level {
	if l <= LevelLayer || !l.Valid() {
		return 0
	}
	return l - 1
}

// ParseLevel accepts the enum name (MAIN_CATEGORY), the node label
// (MainCategory) or a lower-case spelling with spaces, dashes or underscores
// (main category, main-category), case-insensitively.
func ParseLevel(s string) (Level, error) {
	norm := strings.ToUpper(strings.NewReplacer(" ", "_", "-", "_").Replace(strings.TrimSpace(s)))
	for l, name := range levelNames {
		if norm == name || norm == strings.ToUpper(levelLabels[l]) {
			return l, nil
		}
	}
	return 0, fmt.Errorf("unknown level %q: expected one of LAYER, MAIN_CATEGORY, CATEGORY, CONCEPT", s)
}

// Code is one node of the coding scheme.
type Code struct {
	ID     string
	Level  Level
	Number *int   // the number printed in the study, nil when not printed
	Name   string // English name
	NameZh string // Chinese name, may be empty
	Parent string // ID of the code one level up; empty for layers
	// Source says where the code comes from: a table of the study
	// ("table1", "table2", ...), "derived" for codes the study names but does
	// not list, or the tool a codebook was imported from.
	Source string
	// Study is the id of the study the code belongs to; ids are unique
	// within a study. Empty when writing: the study the write is for.
	Study string
}
