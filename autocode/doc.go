// Package autocode codes sentences automatically and says how far to trust
// it: a Dictionary codes by word lists (MAXDictio's way), a Model learns
// from the study's own human codings (NVivo's "autocode by existing
// pattern"), and Evaluate compares any coder with another with the
// agreement measures of package analysis (the numbers Query.agreement
// gives), per code and pooled at every level, also by cross-validation
// over whole documents.
//
// Automatic codings are ordinary codings whose coder says how they were
// made (auto:dict:<name>, auto:model:<name>) and whose origin is "auto",
// with a confidence; they never replace a human's codings and count in no
// number unless a filter asks for them.
//
// It imports the standard library, go.yaml.in/yaml/v3, the root package, analysis
// and graph.
package autocode

import (
	"runtime"
	"sync"
)

// forEach calls f(0..n-1) on up to GOMAXPROCS goroutines.
func forEach(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
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
