package graph_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/analysis"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/testneo4j"
)

func TestSaturation(t *testing.T) {
	s := loadAgrFixture(t)
	ctx := context.Background()
	// Where each concept is coded (agrDocs), by coder:
	//   K1: p1 (A, B), p3 (A), p4 (C)
	//   K2: p1 (B), p2 (A, B)
	//   K3: p1 (A, B), p2 (B)
	tests := []struct {
		name    string
		held    []string
		level   policykb.Level
		f       policykb.CorpusFilter
		newOnes []string
		others  int
	}{
		// K1 is in p1 and p4 too.
		{"one document, saturated", []string{"p3"}, policykb.LevelConcept, policykb.CorpusFilter{}, nil, 3},
		// p1's K1 is in p3, K2 and K3 in p2.
		{"the richest document, saturated", []string{"p1"}, policykb.LevelConcept, policykb.CorpusFilter{}, nil, 3},
		// p1 and p2 bring K1, K2, K3; p3 and p4 only K1.
		{"a whole city", []string{"p1", "p2"}, policykb.LevelConcept, policykb.CorpusFilter{}, []string{"K2", "K3"}, 2},
		// Duplicates count once.
		{"duplicates", []string{"p2", "p1", "p2"}, policykb.LevelConcept, policykb.CorpusFilter{}, []string{"K2", "K3"}, 2},
		// At CATEGORY level, C1 is in p3 (K1): only C2 is new.
		{"category level", []string{"p1", "p2"}, policykb.LevelCategory, policykb.CorpusFilter{}, []string{"C2"}, 2},
		// A's codings only: K2 is coded by A in p2 alone.
		{"coder filter", []string{"p2"}, policykb.LevelConcept, policykb.CorpusFilter{Coders: []string{"A"}}, []string{"K2"}, 3},
		// A's K3 is in p1 alone; A's K1 is in p3 as well.
		{"coder filter, p1", []string{"p1"}, policykb.LevelConcept, policykb.CorpusFilter{Coders: []string{"A"}}, []string{"K3"}, 3},
		// Alpha only: p1's K1 is nowhere else in Alpha (p2 has K2, K3).
		{"city filter", []string{"p1"}, policykb.LevelConcept, policykb.CorpusFilter{Cities: []string{"alpha"}}, []string{"K1"}, 1},
		// Everything held out: every code coded anywhere is new.
		{"everything held out", []string{"p1", "p2", "p3", "p4"}, policykb.LevelLayer, policykb.CorpusFilter{}, []string{"L1"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Saturation(ctx, tt.held, tt.level, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.NewCodes, tt.newOnes) || got.Saturated() != (len(tt.newOnes) == 0) || got.Others != tt.others {
				t.Errorf("new codes %v (saturated %v), others %d; want %v, %d", got.NewCodes, got.Saturated(), got.Others, tt.newOnes, tt.others)
			}
		})
	}

	for _, tt := range []struct {
		name string
		held []string
		f    policykb.CorpusFilter
	}{
		{"unknown document", []string{"p1", "nope"}, policykb.CorpusFilter{}},
		{"excluded by the filter", []string{"p3"}, policykb.CorpusFilter{Cities: []string{"Alpha"}}},
		{"nothing held out", nil, policykb.CorpusFilter{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Saturation(ctx, tt.held, policykb.LevelConcept, tt.f)
			var pe *policykb.Error
			if !errors.As(err, &pe) || pe.Code != policykb.EInvalid || pe.Argument != "heldOut" {
				t.Errorf("got %v, want BAD_USER_INPUT naming heldOut", err)
			}
		})
	}
}

// A curve read a few documents at a time, stopping once every code coded
// under the filter is seen, is the curve of every document's codes (from
// the sentences, document by document).
func TestCodedDocumentsStopWhenEveryCodeIsSeen(t *testing.T) {
	s := testneo4j.EmptyStore(t, 0)
	loadSample(t, s)
	ctx := context.Background()
	defer graph.SetCurveChunk(2)()
	for _, f := range []policykb.CorpusFilter{{}, {Provinces: []string{"Zhejiang", "Sichuan", "Fujian", "Hunan", "Jiangsu"}}, {Cities: []string{"Linlan", "Xichuan", "Tingyang", "Qiwu", "Puxi"}}} {
		for _, level := range []policykb.Level{policykb.LevelMainCategory, policykb.LevelConcept} {
			cd, err := s.CodedDocuments(ctx, level, f)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, d := range cd.Documents {
				ids = append(ids, d.ID)
			}
			byDoc, err := s.CountsByDocumentExact(ctx, level, ids)
			if err != nil {
				t.Fatal(err)
			}
			all := make([][]string, len(ids))
			read := 0
			for i, id := range ids {
				for _, c := range byDoc[id] {
					if c.ReferencePoints > 0 {
						all[i] = append(all[i], c.CodeID)
					}
				}
				if len(cd.Codes[i]) > 0 {
					read = i + 1
				}
			}
			got, want := analysis.SaturationCurve(cd.Codes), analysis.SaturationCurve(all)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%+v %s: curve %+v\nfrom every document %+v", f, level, got, want)
			}
			if len(ids) < 4 {
				t.Fatalf("%+v %s: %d documents: the test wants more than two chunks", f, level, len(ids))
			}
			t.Logf("%+v %s: codes read for %d of %d documents", f, level, read, len(ids))
		}
	}
}
