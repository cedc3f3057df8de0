package main

import (
	"strconv"
	"strings"
	"testing"
)

// TestAutocodeLearnsFromADictionary runs the learned coder with --hints as
// a user would: refused where it means nothing, coding as auto:model:NAME
// where it does, and cross-validated on the sample with the dictionary
// named in the report and a main-category kappa of 0.8 at least (measured
// 0.932).
func TestAutocodeLearnsFromADictionary(t *testing.T) {
	testURI(t)
	if out, err := run(t, "wipe", "--yes"); err != nil {
		t.Fatalf("wipe: %v\n%s", err, out)
	}
	if out, err := run(t, "load", "sample"); err != nil {
		t.Fatalf("load sample: %v\n%s", err, out)
	}
	dict := "../../data/sample/dictionary.yaml"
	for _, args := range [][]string{
		{"autocode", "--dictionary", dict, "--hints", dict},
		{"autocode", "evaluate", "--reference", "A", "--dictionary", dict, "--hints", dict},
	} {
		if out, err := run(t, args...); err == nil || !strings.Contains(err.Error(), "--hints") {
			t.Errorf("%v: %v\n%s\nwant an error about --hints", args, err, out)
		}
	}
	if out, err := run(t, "autocode", "--model", "m", "--learn-from", "A", "--hints", "missing.yaml"); err == nil ||
		!strings.Contains(err.Error(), "--hints") || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("--hints missing.yaml: %v\n%s\nwant an error naming the flag and the file", err, out)
	}
	out, err := run(t, "autocode", "--model", "hinted", "--learn-from", "A", "--hints", dict, "--dry-run")
	if err != nil || !strings.Contains(out, "dry run, nothing written: auto:model:hinted: 18 documents, 929 sentences") {
		t.Errorf("autocode --model hinted --hints: %v\n%s", err, out)
	}
	out, err = run(t, "autocode", "evaluate", "--reference", "A", "--cross-validate", "6", "--hints", dict)
	if err != nil || !strings.Contains(out, "learning from dictionary sample-main") {
		t.Fatalf("evaluate --cross-validate 6 --hints: %v\n%s", err, out)
	}
	kappa := -1.0
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 2 && f[0] == "MAIN_CATEGORY" {
			kappa, _ = strconv.ParseFloat(f[2], 64)
		}
	}
	if kappa < 0.8 {
		t.Errorf("cross-validated main-category kappa %.3f with --hints, want at least 0.8:\n%s", kappa, out)
	}
}
