package neo4jserver

import (
	"os"
	"path/filepath"
	"testing"
)

func TestMemorySizes(t *testing.T) {
	const gib = 1 << 30
	for _, tc := range []struct {
		name            string
		total           int64
		heap, pageCache string
	}{
		// Reserve max(1 GiB, an eighth); heap a quarter of the rest (512 MiB
		// to 8 GiB); page cache half of what remains; down to 128 MiB.
		{"unknown", 0, "1g", "512m"},
		{"1 GiB", 1 * gib, "512m", "256m"},              // nothing left after the reserve: the floors
		{"2 GiB", 2 * gib, "512m", "256m"},              // rest 1024: heap 256 → 512, cache 256
		{"4 GiB", 4 * gib, "768m", "1152m"},             // rest 3072: heap 768, cache 1152
		{"8 GiB", 8 * gib, "1792m", "2688m"},            // rest 7168: heap 1792, cache 2688
		{"16 GiB", 16 * gib, "3584m", "5376m"},          // reserve 2048, rest 14336
		{"this machine", 24105 << 20, "5248m", "7808m"}, // reserve 3013, rest 21092: heap 5273 → 5248, cache 7922 → 7808
		{"64 GiB", 64 * gib, "8g", "24g"},               // reserve 8192, rest 57344: heap at its 8 GiB cap
		{"256 GiB", 256 * gib, "8g", "108g"},            // reserve 32768, rest 229376: cache 110592
	} {
		t.Run(tc.name, func(t *testing.T) {
			heap, cache := MemorySizes(tc.total)
			if heap != tc.heap || cache != tc.pageCache {
				t.Errorf("MemorySizes(%d) = %s, %s; want %s, %s", tc.total, heap, cache, tc.heap, tc.pageCache)
			}
			if !jvmSizeRE.MatchString(heap) || !jvmSizeRE.MatchString(cache) {
				t.Errorf("%s or %s is not a JVM size", heap, cache)
			}
		})
	}
}

// TestAutoSizes: an empty or "auto" heap or page cache is chosen from the
// machine's memory; a size given is kept.
func TestAutoSizes(t *testing.T) {
	old := systemMemory
	t.Cleanup(func() { systemMemory = old })
	systemMemory = func() int64 { return 16 << 30 }
	for _, tc := range []struct {
		heap, cache         string
		wantHeap, wantCache string
	}{
		{"", "", "3584m", "5376m"},
		{"auto", "auto", "3584m", "5376m"},
		{"2g", "", "2g", "5376m"},
		{"auto", "300m", "3584m", "300m"},
	} {
		c := Config{Home: "/h", Heap: tc.heap, PageCache: tc.cache}.withDefaults()
		if c.Heap != tc.wantHeap || c.PageCache != tc.wantCache {
			t.Errorf("heap %q, page cache %q: got %s, %s; want %s, %s", tc.heap, tc.cache, c.Heap, c.PageCache, tc.wantHeap, tc.wantCache)
		}
	}
}

func TestMemTotal(t *testing.T) {
	p := filepath.Join(t.TempDir(), "meminfo")
	if err := os.WriteFile(p, []byte("MemTotal:       24683648 kB\nMemFree:        4104000 kB\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := memTotal(p); got != 24683648*1024 {
		t.Errorf("memTotal = %d, want %d", got, 24683648*1024)
	}
	if got := memTotal(filepath.Join(t.TempDir(), "none")); got != 0 {
		t.Errorf("memTotal of a missing file = %d, want 0", got)
	}
}
