package loaders_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"
	"time"

	"github.com/policykb/policykb/gen"
	"github.com/policykb/policykb/loaders"
)

// TestValidateIsDeterministic: validating on several cores gives the same
// plan and the same problems, in the same order and words, as validating
// on one (where the work runs row by row), on the package's test inputs,
// the sample study and a generated corpus with mistakes put in.
func TestValidateIsDeterministic(t *testing.T) {
	broken := t.TempDir()
	spec := gen.Tiers["M4"]
	spec.Cities, spec.DocsPerCity, spec.SentencesPerDoc = 4, 5, 40
	if _, err := gen.Generate(broken, spec); err != nil {
		t.Fatal(err)
	}
	// Synthetic mistakes: a missing text, an empty one, and coding rows that
	// cannot be placed, between and after the generated rows.
	if err := os.Remove(filepath.Join(broken, "texts", "c002-d03.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(broken, "texts", "c003-d01.txt"), []byte(" \n"), 0o644); err != nil {
		t.Fatal(err)
	}
	appendCodings(t, broken, "c001-d02,这句话不在文中。,con-1,A\nnowhere,一句话。,con-1,A\nc004-d05,，,con-1,A\nc001-d01,一句话。,con-999,B\n")
	good := t.TempDir()
	spec.Cities = 3
	if _, err := gen.Generate(good, spec); err != nil {
		t.Fatal(err)
	}

	load := func(codings ...string) loaders.Input {
		in := loaders.Input{Codebook: "testdata/load/codebook.yaml", Manifest: "testdata/load/documents.csv"}
		for _, c := range codings {
			in.Codings = append(in.Codings, "testdata/load/"+c)
		}
		return in
	}
	inputs := map[string]struct {
		in  loaders.Input
		bad bool // has problems
	}{
		"load":                 {load("codings.csv"), false},
		"load, occurrences":    {load("codings.csv", "codings_occurrence.csv"), false},
		"load, errors":         {load("codings_errors.csv", "codings_unknown_code.csv", "codings_unknown_document.csv"), true},
		"manifest errors":      {loaders.Input{Manifest: "testdata/manifest/errors.csv"}, true},
		"sample":               {loaders.SampleInput("../data/sample"), false},
		"generated":            {loaders.SampleInput(good), false},
		"generated, mistakes":  {loaders.SampleInput(broken), true},
		"codings without docs": {loaders.Input{Codings: []string{filepath.Join(broken, "codings.csv")}}, false},
	}
	validate := func(in loaders.Input, procs int) (*loaders.Plan, string) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		plan, err := loaders.Validate(context.Background(), nil, in)
		msg := ""
		if err != nil {
			msg = err.Error()
		}
		if plan != nil { // the time of the load is not part of the comparison
			for i := range plan.Documents {
				for j := range plan.Documents[i].Codings {
					plan.Documents[i].Codings[j].At = time.Time{}
				}
			}
		}
		return plan, msg
	}
	for name, tt := range inputs {
		t.Run(name, func(t *testing.T) {
			wantPlan, wantErr := validate(tt.in, 1)
			if (wantErr != "") != tt.bad || (wantPlan == nil) != tt.bad {
				t.Fatalf("bad input %v, but got problems %q", tt.bad, wantErr)
			}
			for range 3 {
				plan, msg := validate(tt.in, 4)
				if msg != wantErr {
					t.Fatalf("problems on 4 cores:\n%s\non 1:\n%s", msg, wantErr)
				}
				if !reflect.DeepEqual(plan, wantPlan) {
					t.Fatalf("the plan on 4 cores differs from the plan on 1")
				}
			}
		})
	}
}

// appendCodings adds rows to the codings.csv of the corpus in dir.
func appendCodings(t *testing.T, dir, rows string) {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(dir, "codings.csv"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.WriteString(rows)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
}
