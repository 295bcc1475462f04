package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/parallel-sessions/parallel-sessions/cmd/internal/fakegithub"
)

// countingScenario is a plan of n threads (thread i owns area<i>/, merge
// order i), every thread with an open 10-file pull request #100+i, and
// history merged pull requests from branches that are no threads.
func countingScenario(t *testing.T, n, history int) *scenario {
	s := newScenario(t)
	var plan strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&plan, "[[threads]]\nid = %d\nbranch = \"thread-%d\"\ngoal = \"g\"\nowns = [\"area%d/\"]\nmerge_order = %d\n\n", i, i, i, i)
		var files []string
		for f := range 10 {
			files = append(files, fmt.Sprintf("area%d/f%d.go", i, f))
		}
		s.pull(100+i, fmt.Sprintf("thread-%d", i), fmt.Sprintf("sha%d", i), files...)
	}
	s.gh.SetFile("main", "plan.toml", plan.String())
	for h := range history {
		s.gh.AddPull(fakegithub.Pull{Number: 1000 + h, State: "closed", Merged: true, HeadRef: fmt.Sprintf("old-%d", h), HeadSHA: "old", BaseRef: "main"})
	}
	return s
}

type counts struct{ reads, writes int }

func count(r result) counts {
	w := len(fakegithub.Writes(r.reqs))
	return counts{reads: len(r.reqs) - w, writes: w}
}

// maxSyncRequests bounds a synchronize of one pull request whose status,
// label and comment are in place, whatever the number of threads.
const maxSyncRequests = 8

// TestRequestsPerEvent measures the API requests of the events BENCHMARKS.md
// reports, and holds the targets: a steady-state run writes nothing, the
// reads of a pull request event do not grow with merged history, and a
// synchronize costs at most maxSyncRequests with 5, 20 or 50 threads. A
// landing is measured in use: every pull request gated before (by a push
// re-evaluation), then thread 1's merged, and both events a landing sends,
// the close and the push to the base.
func TestRequestsPerEvent(t *testing.T) {
	for _, n := range []int{5, 20, 50} {
		var syncReads []int
		for _, history := range []int{0, 300} {
			s := countingScenario(t, n, history)
			first := count(s.prEvent("pull_request", "synchronize", 103))
			steady := count(s.prEvent("pull_request", "synchronize", 103))
			if steady.writes != 0 {
				t.Errorf("%d threads: steady state made %d writes", n, steady.writes)
			}
			syncReads = append(syncReads, steady.reads)
			if steady.reads+steady.writes > maxSyncRequests {
				t.Errorf("%d threads: a steady synchronize made %d requests, want at most %d", n, steady.reads+steady.writes, maxSyncRequests)
			}
			gateAll := count(s.pushEvent("refs/heads/main"))
			s.gh.Update(101, func(p *fakegithub.Pull) { p.State, p.Merged = "closed", true })
			closeFirst := count(s.prEvent("pull_request", "closed", 101))
			push := count(s.pushEvent("refs/heads/main"))
			closeSteady := count(s.prEvent("pull_request", "closed", 101))
			if push.writes != 0 || closeSteady.writes != 0 {
				t.Errorf("%d threads: after the close, its push made %d writes and a repeated close %d", n, push.writes, closeSteady.writes)
			}
			t.Logf("%d threads, %d merged PRs in history: synchronize first run %d reads %d writes; steady %d reads %d writes; gate all %d reads %d writes; landing: close %d reads %d writes, then push %d reads %d writes; repeated close %d reads %d writes",
				n, history, first.reads, first.writes, steady.reads, steady.writes, gateAll.reads, gateAll.writes, closeFirst.reads, closeFirst.writes, push.reads, push.writes, closeSteady.reads, closeSteady.writes)
		}
		if syncReads[0] != syncReads[1] {
			t.Errorf("%d threads: reads per synchronize grew from %d to %d with 300 merged pull requests in history", n, syncReads[0], syncReads[1])
		}
	}
}
