package main

import (
	"runtime"
	"sync"
)

// concurrently calls f(0) to f(n-1), at most runtime.NumCPU() at a time,
// and returns when all have returned. f writes its result to slot i of a
// slice of the caller's, so the results stay in the caller's order
// whatever order the calls finish in.
func concurrently(n int, f func(i int)) {
	slots := make(chan struct{}, runtime.NumCPU())
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer func() { <-slots; wg.Done() }()
			f(i)
		}()
	}
	wg.Wait()
}
