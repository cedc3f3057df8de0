package main

import (
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	// Synthetic samples 1..10 ms, shuffled. Nearest rank: p50 → rank
	// ceil(5) = 5 → 5 ms; p95 → ceil(9.5) = 10 → 10 ms; p10 → rank 1 → 1 ms;
	// p11 → ceil(1.1) = 2 → 2 ms.
	ten := []time.Duration{7, 3, 10, 1, 5, 9, 2, 8, 6, 4}
	for i := range ten {
		ten[i] *= time.Millisecond
	}
	tests := []struct {
		name    string
		samples []time.Duration
		p       float64
		want    time.Duration
	}{
		{"p50 of ten", ten, 50, 5 * time.Millisecond},
		{"p95 of ten", ten, 95, 10 * time.Millisecond},
		{"p99 of ten", ten, 99, 10 * time.Millisecond},
		{"p100 of ten", ten, 100, 10 * time.Millisecond},
		{"p10 of ten", ten, 10, 1 * time.Millisecond},
		{"p11 of ten", ten, 11, 2 * time.Millisecond},
		{"one sample", []time.Duration{42}, 99, 42},
		{"none", nil, 50, 0},
		// Two samples: p50 → rank 1 (the lower), p51 → rank 2.
		{"p50 of two", []time.Duration{20, 10}, 50, 10},
		{"p51 of two", []time.Duration{20, 10}, 51, 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := percentile(tt.samples, tt.p); got != tt.want {
				t.Errorf("percentile(%v, %v) = %v, want %v", tt.samples, tt.p, got, tt.want)
			}
		})
	}
	if ten[0] != 7*time.Millisecond {
		t.Errorf("percentile sorted its input in place: %v", ten)
	}
}

func TestMs(t *testing.T) {
	if got := ms(1234567 * time.Nanosecond); got != 1.23 {
		t.Errorf("ms(1.234567ms) = %v, want 1.23", got)
	}
}
