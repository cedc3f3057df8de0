package loaders

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// forEach calls f(i) for every i in [0, n) on up to GOMAXPROCS goroutines
// and returns once every call has returned. Each call must touch only
// what belongs to its i; results are gathered by index, so they do not
// depend on the order the calls run in.
func forEach(n int, f func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				f(i)
			}
		})
	}
	wg.Wait()
}

// deferred is a piece of validation run apart (in parallel) whose
// problems belong at a given place among those found in sequence.
type deferred struct {
	at       int // len(collector.problems) when the work was set aside
	problems collector
}

// splice puts the problems of each piece of deferred work (in the order
// they were set aside) into c at the place where work done in sequence
// would have added them, so that problems come in the same order either
// way.
func (c *collector) splice(work []deferred) {
	if len(work) == 0 {
		return
	}
	n := len(c.problems)
	for _, w := range work {
		n += len(w.problems.problems)
	}
	out := make(Problems, 0, n)
	from := 0
	for _, w := range work {
		out = append(out, c.problems[from:w.at]...)
		out = append(out, w.problems.problems...)
		from = w.at
	}
	c.problems = append(out, c.problems[from:]...)
}
