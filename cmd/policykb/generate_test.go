package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/policykb/policykb"
)

func TestGenerateCommand(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		want string // in the output
		arg  string // the argument a BAD_USER_INPUT names; "" for success
	}{
		// Synthetic: 2 cities × 2 documents × 10 units; each document is a
		// title, one section heading and 8 sentences, round(0.5 × 10) = 5 of
		// them coded: 4 × 5 = 20.
		{"overrides", []string{"--tier", "M4", "--cities", "2", "--docs", "2", "--sentences", "10", "--coded", "0.5", "--seed", "5", "--out", filepath.Join(dir, "small")},
			"2 cities, 4 documents, 40 sentences (20 coded)", ""},
		// County scale: 2 cities and 6 counties share 20 documents of 10
		// units (round(0.4 × 10) = 4 coded each), every jurisdiction at least one.
		{"county scale", []string{"--tier", "L", "--cities", "2", "--counties", "6", "--documents", "20", "--sentences", "10", "--out", filepath.Join(dir, "county")},
			"2 cities and 6 counties, 20 documents, 200 sentences (80 coded)", ""},
		{"in parts", []string{"--tier", "L", "--cities", "2", "--counties", "6", "--documents", "20", "--sentences", "10", "--parts", "2", "--out", filepath.Join(dir, "parts")},
			"2 cities and 6 counties, 20 documents", ""},
		{"more parts than documents", []string{"--tier", "M4", "--cities", "1", "--docs", "2", "--parts", "3", "--out", filepath.Join(dir, "x")}, "", "parts"},
		{"documents per city on L", []string{"--tier", "L", "--docs", "3", "--out", filepath.Join(dir, "x")}, "", "docs"},
		{"counties on M4", []string{"--tier", "M4", "--counties", "3", "--out", filepath.Join(dir, "x")}, "", "tier"},
		{"fewer documents than jurisdictions", []string{"--tier", "L", "--cities", "2", "--counties", "6", "--documents", "7", "--out", filepath.Join(dir, "x")}, "", "documents"},
		// The sample: 18 documents, the study's 406 coded sentences.
		{"sample", []string{"--tier", "S", "--out", filepath.Join(dir, "s")}, "18 cities, 18 documents", ""},
		{"unknown tier", []string{"--tier", "XL", "--out", filepath.Join(dir, "x")}, "", "tier"},
		{"sample with a seed", []string{"--tier", "S", "--seed", "2", "--out", filepath.Join(dir, "x")}, "", "tier"},
		{"no out", []string{"--tier", "M4"}, "", "out"},
		{"no cities", []string{"--tier", "M4", "--cities", "0", "--out", filepath.Join(dir, "x")}, "", "cities"},
		{"coded above 1", []string{"--tier", "M4", "--coded", "2", "--out", filepath.Join(dir, "x")}, "", "coded"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := run(t, append([]string{"generate"}, tc.args...)...)
			if tc.arg != "" {
				var pe *policykb.Error
				if !errors.As(err, &pe) || pe.Code != policykb.EInvalid || pe.Argument != tc.arg {
					t.Fatalf("error %v, want BAD_USER_INPUT on %s", err, tc.arg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out, tc.want) {
				t.Errorf("output %q, want %q in it", out, tc.want)
			}
		})
	}
	for _, f := range []string{"small/codebook.yaml", "small/documents.csv", "small/codings.csv", "small/texts/c002-d02.txt", "s/texts/d18.txt", "county/texts/c0008-d001.txt", "parts/documents-part02.csv", "parts/codings-part02.csv"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "x")); err == nil {
		t.Error("a refused generate wrote files")
	}
}
