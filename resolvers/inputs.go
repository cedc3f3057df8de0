package resolvers

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	graphql "github.com/graph-gophers/graphql-go"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
)

const dateLayout = "2006-01-02"

// Date is the GraphQL Date scalar: a calendar date written YYYY-MM-DD.
type Date struct{ time.Time }

// ImplementsGraphQLType maps Date to the schema's Date scalar.
func (Date) ImplementsGraphQLType(name string) bool { return name == "Date" }

// UnmarshalGraphQL accepts a YYYY-MM-DD string. Dates only appear in
// CorpusFilter, so a bad one is reported against the filter argument.
func (d *Date) UnmarshalGraphQL(input any) error {
	s, ok := input.(string)
	if !ok {
		return badInput("filter", "a Date is a string YYYY-MM-DD, got %v", input)
	}
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return badInput("filter", "%q is not a date YYYY-MM-DD", s)
	}
	d.Time = t
	return nil
}

// MarshalJSON writes the date as YYYY-MM-DD.
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.Format(dateLayout)) }

// corpusFilterInput is the CorpusFilter input object.
type corpusFilterInput struct {
	Cities     *[]string
	Provinces  *[]string
	Documents  *[]graphql.ID
	IssuedFrom *Date
	IssuedTo   *Date
	Coders     *[]string
	// IncludeAutomatic is extended onto CorpusFilter by schema/autocode.graphql.
	IncludeAutomatic *bool
	DocTypes         *[]string
}

// filter converts the input (nil: no restriction), checks the names it
// gives against the knowledge base (an unknown city, province, document or
// coder is BAD_USER_INPUT naming filter.cities, filter.provinces,
// filter.documents or filter.coders, with the nearest known names; see
// request.checkFilter) and returns with it a key that tells filters apart
// in loader names.
func (in *corpusFilterInput) filter(ctx context.Context) (policykb.CorpusFilter, string, error) {
	f, key, err := in.convert()
	if err != nil {
		return f, key, err
	}
	r := requestFrom(ctx)
	if f.Study = r.studyID(); f.Study != "" {
		key += "|study=" + f.Study
	}
	if err := r.checkFilter(ctx, f, key); err != nil {
		return f, key, err
	}
	return f, key, nil
}

// convert converts the input without looking anything up: the dates, and
// their order.
func (in *corpusFilterInput) convert() (policykb.CorpusFilter, string, error) {
	var f policykb.CorpusFilter
	if in != nil {
		f.Cities = deref(in.Cities)
		f.Provinces = deref(in.Provinces)
		f.Coders = deref(in.Coders)
		f.IncludeAutomatic = in.IncludeAutomatic != nil && *in.IncludeAutomatic
		f.DocTypes = deref(in.DocTypes)
		if in.Documents != nil {
			for _, id := range *in.Documents {
				f.Documents = append(f.Documents, string(id))
			}
		}
		if in.IssuedFrom != nil {
			t := in.IssuedFrom.Time
			f.IssuedFrom = &t
		}
		if in.IssuedTo != nil {
			t := in.IssuedTo.Time
			f.IssuedTo = &t
		}
		if f.IssuedFrom != nil && f.IssuedTo != nil && f.IssuedTo.Before(*f.IssuedFrom) {
			return f, "", badInput("filter", "issuedTo %s is before issuedFrom %s",
				f.IssuedTo.Format(dateLayout), f.IssuedFrom.Format(dateLayout))
		}
	}
	return f, filterKey(f), nil
}

func filterKey(f policykb.CorpusFilter) string {
	b, _ := json.Marshal(f) // a struct of strings and times: cannot fail
	return string(b)
}

func deref(p *[]string) []string {
	if p == nil {
		return nil
	}
	return *p
}

// parseLevel converts a Level enum value; graphql-go has already checked it.
func parseLevel(s, arg string) (policykb.Level, error) {
	l, err := policykb.ParseLevel(s)
	if err != nil {
		return 0, badInput(arg, "%v", err)
	}
	return l, nil
}

// levelAndFilter parses the level and corpus filter arguments that most
// queries take; errors name the level's argument, or the filter's field.
func levelAndFilter(ctx context.Context, level, arg string, in *corpusFilterInput) (policykb.Level, policykb.CorpusFilter, error) {
	l, err := parseLevel(level, arg)
	if err != nil {
		return 0, policykb.CorpusFilter{}, err
	}
	f, _, err := in.filter(ctx)
	if err != nil {
		return 0, policykb.CorpusFilter{}, err
	}
	return l, f, nil
}

// Cursors are opaque to clients: base64 of "offset:N", N the 0-based
// position of the edge in the whole list, at most maxCursorOffset (no list
// is that long; a larger N would overflow the offset of the next page).
const (
	cursorPrefix    = "offset:"
	maxCursorOffset = math.MaxInt32 - 1
)

func encodeCursor(offset int) string {
	return base64.StdEncoding.EncodeToString([]byte(cursorPrefix + strconv.Itoa(offset)))
}

func decodeCursor(c string) (int, error) {
	b, err := base64.StdEncoding.DecodeString(c)
	if err != nil || !strings.HasPrefix(string(b), cursorPrefix) {
		return 0, fmt.Errorf("not a cursor")
	}
	n, err := strconv.Atoi(strings.TrimPrefix(string(b), cursorPrefix))
	if err != nil || n < 0 || n > maxCursorOffset {
		return 0, fmt.Errorf("not a cursor")
	}
	return n, nil
}

// defaultPageSize is the schema's default for first (graphql-go fills in
// the schema's defaults, so resolvers never see first missing).
const defaultPageSize = 50

// page converts first/after into a graph.Page, checking first against the
// maximum page size.
func (r *request) page(first int32, after *string) (graph.Page, error) {
	n := int(first)
	if n < 0 || n > r.maxPage {
		return graph.Page{}, badInput("first", "first must be between 0 and %d, got %d", r.maxPage, n)
	}
	p := graph.Page{Limit: n}
	if after != nil && *after != "" {
		off, err := decodeCursor(*after)
		if err != nil {
			return graph.Page{}, badInput("after", "%q is not a cursor this server gave", *after)
		}
		p.Offset = off + 1
	}
	return p, nil
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func optInt(p *int) *int32 {
	if p == nil {
		return nil
	}
	v := int32(*p)
	return &v
}
