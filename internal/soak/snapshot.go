// Package soak compares knowledge bases: a Snapshot is every count a user
// can ask for (stats, counts at every level with and without filters, per
// city, citations, matrices) together with a digest of the stored content
// (documents, sentences, codings) and a recount of the reference points and
// material sources from the raw sentences and codings, made here without
// the rollups or the counting queries. The killed-load run (bench/soakload,
// `make soak-load`) and its short test compare the snapshot of a load that
// was killed and rerun with that of a clean load. It imports graph and the
// root package, and is used by tests and bench programs only.
package soak

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
)

// Snapshot is what Take reads from a knowledge base. Every field but
// Checks is compared by Diff.
type Snapshot struct {
	Stats policykb.Stats
	// Answers maps a question ("counts LAYER", "counts CATEGORY city=X",
	// "citiesCiting K", "matrix MAIN_CATEGORY × PROVINCE", ...) to its
	// answer, as graph answers it (from the rollups where it can).
	Answers map[string]any
	// Recount maps "code" and "code@city" to the reference points and
	// material sources counted from the raw codings.
	Recount map[string]policykb.Count
	// Content is a SHA-256 over every document (id, city, sha256 of the
	// text), sentence (id, index, kind, start, end, text) and coding
	// (sentence, code, coder, origin, span), in id order.
	Content                       string
	Documents, Sentences, Codings int
	// PerDocument holds each stored document's sentences and codings.
	PerDocument map[string][2]int
	// Checks is how many numbers Answers and Recount hold.
	Checks int
}

// Take reads a snapshot of the knowledge base. It reads every document
// once (in batches), so it costs about what an export of the codings does.
func Take(ctx context.Context, s *graph.Store) (*Snapshot, error) {
	// A load killed a moment ago may still have a transaction committing on
	// the server (its commit was sent before the kill), so the snapshot is
	// read until the stats before and after the recount agree: then no
	// write landed in between, and the recount and the stats describe the
	// same knowledge base.
	var snap *Snapshot
	var codes []policykb.Code
	var cities []policykb.City
	for attempt := 0; ; attempt++ {
		snap = &Snapshot{Answers: map[string]any{}, Recount: map[string]policykb.Count{}, PerDocument: map[string][2]int{}}
		var err error
		if snap.Stats, err = s.Stats(ctx); err != nil {
			return nil, err
		}
		if codes, err = s.Codes(ctx); err != nil {
			return nil, err
		}
		if cities, err = s.Cities(ctx); err != nil {
			return nil, err
		}
		if err := snap.recount(ctx, s, codes); err != nil {
			return nil, err
		}
		after, err := s.Stats(ctx)
		if err != nil {
			return nil, err
		}
		if after == snap.Stats {
			break
		}
		if attempt == 20 {
			return nil, fmt.Errorf("soak: the knowledge base kept changing while its snapshot was read (stats %+v, then %+v)", snap.Stats, after)
		}
		time.Sleep(250 * time.Millisecond)
	}
	// A few cities and provinces for the filtered questions: the first,
	// the middle and the last, so that the choice does not depend on the
	// order documents were written in.
	var someCities, someProvinces []string
	for _, i := range []int{0, len(cities) / 2, len(cities) - 1} {
		if i >= 0 && i < len(cities) && !slices.Contains(someCities, cities[i].Name) {
			someCities = append(someCities, cities[i].Name)
			if p := cities[i].Province; p != "" && !slices.Contains(someProvinces, p) {
				someProvinces = append(someProvinces, p)
			}
		}
	}
	filters := map[string]policykb.CorpusFilter{"": {}}
	for _, c := range someCities {
		filters[" city="+c] = policykb.CorpusFilter{Cities: []string{c}}
	}
	for _, p := range someProvinces {
		filters[" province="+p] = policykb.CorpusFilter{Provinces: []string{p}}
	}
	for _, level := range policykb.Levels {
		for name, f := range filters {
			counts, err := s.Counts(ctx, level, f)
			if err != nil {
				return nil, err
			}
			snap.answer("counts "+level.String()+name, counts)
		}
		byCity, err := s.CountsByCity(ctx, level, policykb.CorpusFilter{})
		if err != nil {
			return nil, err
		}
		snap.answer("countsByCity "+level.String(), byCity)
	}
	// citiesCiting of the first code of each level.
	for _, level := range policykb.Levels {
		for _, c := range codes {
			if c.Level == level {
				cits, err := s.CitationCounts(ctx, c.ID, policykb.CorpusFilter{})
				if err != nil {
					return nil, err
				}
				snap.answer("citiesCiting "+c.ID, cits)
				break
			}
		}
	}
	for _, q := range []graph.MatrixQuery{
		{Rows: policykb.LevelMainCategory, Columns: policykb.DimensionCity, Measure: policykb.MeasureReferencePoints},
		{Rows: policykb.LevelCategory, Columns: policykb.DimensionProvince, Measure: policykb.MeasureMaterialSources},
		{Rows: policykb.LevelLayer, Columns: policykb.DimensionDocument, Measure: policykb.MeasureReferencePoints},
	} {
		m, err := s.Matrix(ctx, q)
		if err != nil {
			return nil, err
		}
		snap.answer(fmt.Sprintf("matrix %s × %s %s", q.Rows, q.Columns, q.Measure), m)
	}
	snap.Checks += 9 + 2*len(snap.Recount)
	return snap, nil
}

// answer records an answer and counts its numbers.
func (snap *Snapshot) answer(question string, v any) {
	snap.Answers[question] = v
	snap.Checks += numbers(reflect.ValueOf(v))
}

// numbers counts the numbers in v.
func numbers(v reflect.Value) int {
	switch v.Kind() {
	case reflect.Int, reflect.Int64, reflect.Float64:
		return 1
	case reflect.Slice, reflect.Array:
		n := 0
		for i := range v.Len() {
			n += numbers(v.Index(i))
		}
		return n
	case reflect.Map:
		n := 0
		for _, k := range v.MapKeys() {
			n += numbers(v.MapIndex(k))
		}
		return n
	case reflect.Struct:
		n := 0
		for i := range v.NumField() {
			n += numbers(v.Field(i))
		}
		return n
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return 0
		}
		return numbers(v.Elem())
	}
	return 0
}

// recount reads every document with its sentences and codings, digests
// them, and counts each code's (and each code's in each city) distinct
// sentences and documents coded at it or below it.
func (snap *Snapshot) recount(ctx context.Context, s *graph.Store, codes []policykb.Code) error {
	parent := map[string]string{}
	for _, c := range codes {
		parent[c.ID] = c.Parent
	}
	sentences := map[string]map[string]bool{} // key → sentence ids
	documents := map[string]map[string]bool{} // key → document ids
	add := func(key, sentence, doc string) {
		if sentences[key] == nil {
			sentences[key], documents[key] = map[string]bool{}, map[string]bool{}
		}
		sentences[key][sentence] = true
		documents[key][doc] = true
	}
	h := sha256.New()
	err := s.EachDocument(ctx, 50, func(d graph.ExportDocument) error {
		doc := d.Document
		snap.Documents++
		snap.PerDocument[doc.ID] = [2]int{len(d.Sentences), len(d.Codings)}
		fmt.Fprintf(h, "D\x00%s\x00%s\x00%s\n", doc.ID, doc.City, doc.SHA256)
		for _, st := range d.Sentences {
			snap.Sentences++
			fmt.Fprintf(h, "S\x00%s\x00%d\x00%s\x00%d\x00%d\x00%s\n", st.ID, st.Index, st.Kind, st.Start, st.End, st.Text)
		}
		for _, c := range d.Codings {
			snap.Codings++
			fmt.Fprintf(h, "C\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s\n", c.SentenceID, c.CodeID, c.Coder, c.Origin, span(c.Start), span(c.End))
			for id, seen := c.CodeID, 0; id != "" && seen < 8; id, seen = parent[id], seen+1 {
				add(id, c.SentenceID, doc.ID)
				add(id+"@"+doc.City, c.SentenceID, doc.ID)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	snap.Content = hex.EncodeToString(h.Sum(nil))
	for key, ss := range sentences {
		snap.Recount[key] = policykb.Count{CodeID: key, ReferencePoints: len(ss), MaterialSources: len(documents[key])}
	}
	return nil
}

func span(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

// SelfCheck lists where the knowledge base's own answers (served from the
// rollups) disagree with the recount from the raw codings: the counts of
// every code at every level, in all and in each city, and the stats.
func (snap *Snapshot) SelfCheck() []string {
	var bad []string
	for _, level := range policykb.Levels {
		counts, _ := snap.Answers["counts "+level.String()].([]policykb.Count)
		for _, c := range counts {
			if r := snap.Recount[c.CodeID]; r.ReferencePoints != c.ReferencePoints || r.MaterialSources != c.MaterialSources {
				bad = append(bad, fmt.Sprintf("counts %s %s: %d/%d, recount %d/%d", level, c.CodeID,
					c.ReferencePoints, c.MaterialSources, r.ReferencePoints, r.MaterialSources))
			}
		}
		byCity, _ := snap.Answers["countsByCity "+level.String()].(map[string][]policykb.Count)
		for city, counts := range byCity {
			for _, c := range counts {
				if r := snap.Recount[c.CodeID+"@"+city]; r.ReferencePoints != c.ReferencePoints || r.MaterialSources != c.MaterialSources {
					bad = append(bad, fmt.Sprintf("countsByCity %s %s in %s: %d/%d, recount %d/%d", level, c.CodeID, city,
						c.ReferencePoints, c.MaterialSources, r.ReferencePoints, r.MaterialSources))
				}
			}
		}
	}
	if snap.Stats.Documents != snap.Documents || snap.Stats.Sentences != snap.Sentences || snap.Stats.Codings != snap.Codings {
		bad = append(bad, fmt.Sprintf("stats say %d documents, %d sentences, %d codings; %d, %d, %d are stored",
			snap.Stats.Documents, snap.Stats.Sentences, snap.Stats.Codings, snap.Documents, snap.Sentences, snap.Codings))
	}
	sort.Strings(bad)
	return bad
}

// Diff lists every difference between two snapshots, the question first.
func Diff(want, got *Snapshot) []string {
	var bad []string
	if want.Stats != got.Stats {
		bad = append(bad, fmt.Sprintf("stats: %+v, want %+v", got.Stats, want.Stats))
	}
	if want.Content != got.Content || want.Documents != got.Documents || want.Sentences != got.Sentences || want.Codings != got.Codings {
		bad = append(bad, fmt.Sprintf("content: %d documents, %d sentences, %d codings (digest %.12s), want %d, %d, %d (%.12s)",
			got.Documents, got.Sentences, got.Codings, got.Content, want.Documents, want.Sentences, want.Codings, want.Content))
	}
	for _, q := range keys(want.Answers, got.Answers) {
		if !reflect.DeepEqual(want.Answers[q], got.Answers[q]) {
			bad = append(bad, fmt.Sprintf("%s: %s, want %s", q, short(got.Answers[q]), short(want.Answers[q])))
		}
	}
	for _, k := range keys(want.Recount, got.Recount) {
		if want.Recount[k] != got.Recount[k] {
			bad = append(bad, fmt.Sprintf("recount %s: %+v, want %+v", k, got.Recount[k], want.Recount[k]))
		}
	}
	return bad
}

func keys[V any](a, b map[string]V) []string {
	var out []string
	for k := range a {
		out = append(out, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func short(v any) string {
	s := fmt.Sprintf("%+v", v)
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return strings.TrimSpace(s)
}
