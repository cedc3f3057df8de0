package graph

import (
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Helpers reading driver values; a missing or null property reads as the
// zero value.

func str(v any) string {
	s, _ := v.(string)
	return s
}

func integer(v any) int {
	n, _ := v.(int64)
	return int(n)
}

func optInt(v any) *int {
	n, ok := v.(int64)
	if !ok {
		return nil
	}
	i := int(n)
	return &i
}

func optFloat(v any) *float64 {
	f, ok := v.(float64)
	if !ok {
		return nil
	}
	return &f
}

func boolean(v any) bool {
	b, _ := v.(bool)
	return b
}

func date(v any) time.Time {
	switch d := v.(type) {
	case neo4j.Date:
		return d.Time()
	case time.Time:
		return d
	}
	return time.Time{}
}
