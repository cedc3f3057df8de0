// Package parallel runs independent pieces of work on the machine's cores.
package parallel

import (
	"runtime"
	"sync"
)

// ForEach calls f(0), …, f(n-1), each once, on up to GOMAXPROCS goroutines,
// and returns when every call has returned. With one core, or n ≤ 1, it
// calls them in order on the calling goroutine.
func ForEach(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}
