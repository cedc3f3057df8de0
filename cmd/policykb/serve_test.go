package main

import (
	"math"
	"runtime/debug"
	"testing"
)

// TestTuneGCLeavesTheEnvironmentsSettings checks that serve's collector
// settings apply only where GOGC and GOMEMLIMIT are not set.
func TestTuneGCLeavesTheEnvironmentsSettings(t *testing.T) {
	gc, limit := debug.SetGCPercent(100), debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() { debug.SetGCPercent(gc); debug.SetMemoryLimit(limit) })

	tuneGC(func(string) string { return "" })
	if got := debug.SetGCPercent(100); got != 400 {
		t.Errorf("without GOGC, GC percent %d, want 400", got)
	}
	if got := debug.SetMemoryLimit(math.MaxInt64); got != 160<<20 {
		t.Errorf("without GOMEMLIMIT, memory limit %d, want %d", got, 160<<20)
	}

	env := map[string]string{"GOGC": "100", "GOMEMLIMIT": "off"}
	tuneGC(func(k string) string { return env[k] })
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("with GOGC=100 set, GC percent %d, want it left at 100", got)
	}
	if got := debug.SetMemoryLimit(math.MaxInt64); got != math.MaxInt64 {
		t.Errorf("with GOMEMLIMIT set, memory limit %d, want it left unlimited", got)
	}
}
