package main

import (
	"runtime"
	"sync"
)

// forEachBounded calls fn(i) for each i from 0 to n-1, at most limit calls
// at a time (at least one), and returns when every call has returned.
func forEachBounded(n, limit int, fn func(i int)) {
	slots := make(chan struct{}, max(limit, 1))
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer func() { <-slots; wg.Done() }()
			fn(i)
		}()
	}
	wg.Wait()
}

// workers is how many worktrees fanout makes, or sets up, at a time: one
// per CPU unless the command says otherwise.
func (c *command) workers() int {
	if c.jobs > 0 {
		return c.jobs
	}
	return runtime.NumCPU()
}

// concurrently calls f(0) to f(n-1), at most runtime.NumCPU() at a time,
// and returns when all have returned. f writes its result to slot i of a
// slice of the caller's, so the results stay in the caller's order
// whatever order the calls finish in.
func concurrently(n int, f func(i int)) {
	forEachBounded(n, runtime.NumCPU(), f)
}
