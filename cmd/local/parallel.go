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
