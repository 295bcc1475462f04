package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/parallel-sessions/parallel-sessions/cmd/internal/fakegithub"
)

// countingScenario is a plan of n threads (thread i owns area<i>/, merge
// order i), thread i with a 10-file pull request #100+i: merged for the
// first landed threads, open for the others; and history merged pull
// requests from branches that are no threads.
func countingScenario(t *testing.T, n, landed, history int) *scenario {
	s := newScenario(t)
	var plan strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&plan, "[[threads]]\nid = %d\nbranch = \"thread-%d\"\ngoal = \"g\"\nowns = [\"area%d/\"]\nmerge_order = %d\n\n", i, i, i, i)
		var files []string
		for f := range 10 {
			files = append(files, fmt.Sprintf("area%d/f%d.go", i, f))
		}
		s.pull(100+i, fmt.Sprintf("thread-%d", i), fmt.Sprintf("sha%d", i), files...)
		if i <= landed {
			s.gh.Update(100+i, func(p *fakegithub.Pull) { p.State, p.Merged = "closed", true })
		}
	}
	s.gh.SetFile("main", "plan.toml", plan.String())
	// The push to the base after a landing leaves the plan as it was.
	s.gh.SetFile(pushBefore, "plan.toml", plan.String())
	for h := range history {
		s.gh.AddPull(fakegithub.Pull{Number: 1000 + h, State: "closed", Merged: true, HeadRef: fmt.Sprintf("old-%d", h), HeadSHA: "old", BaseRef: "main"})
	}
	return s
}

// pushBefore is the commit testdata/push.json moves main from.
const pushBefore = "1111111111111111111111111111111111111111"

type counts struct{ reads, writes int }

func count(r result) counts {
	w := len(fakegithub.Writes(r.reqs))
	return counts{reads: len(r.reqs) - w, writes: w}
}

// The targets TestRequestsPerEvent holds, whatever the number of threads
// (README, "API cost").
const (
	// maxSyncRequests bounds a synchronize of one pull request whose
	// status, label and comment are in place.
	maxSyncRequests = 8
	// maxCloseRequests bounds the close of a landing in which one pull
	// request's turn comes.
	maxCloseRequests = 15
	// maxPushRequests bounds the push to the base that follows it, which
	// writes nothing.
	maxPushRequests = 8
	// maxRepeatReads bounds the same close again, which writes nothing.
	maxRepeatReads = 6
)

// TestRequestsPerEvent measures the API requests of the events BENCHMARKS.md
// reports, and holds the targets: a steady-state run writes nothing, the
// reads of an event do not grow with merged history, a synchronize costs
// at most maxSyncRequests, a landing's close maxCloseRequests and its push
// maxPushRequests, and the same close again at most maxRepeatReads, with 5,
// 20 or 50 threads, and with 50 threads of which 45 have landed (their
// pull requests merged, the threads still in the plan). A landing is
// measured in use: a full re-evaluation (workflow_dispatch) gates every
// pull request first, then the first open thread's is merged and both
// events a landing sends are run, the close and the push to the base; the
// next thread's turn comes.
func TestRequestsPerEvent(t *testing.T) {
	for _, c := range []struct{ n, landed int }{{5, 0}, {20, 0}, {50, 0}, {50, 45}} {
		n, l := c.n, c.landed
		name := fmt.Sprintf("%d threads", n)
		if l > 0 {
			name += fmt.Sprintf(" (%d landed)", l)
		}
		var perHistory []string
		for _, history := range []int{0, 300} {
			s := countingScenario(t, n, l, history)
			first := count(s.prEvent("pull_request", "synchronize", 103+l))
			steady := count(s.prEvent("pull_request", "synchronize", 103+l))
			if steady.writes != 0 {
				t.Errorf("%s: steady state made %d writes", name, steady.writes)
			}
			if steady.reads+steady.writes > maxSyncRequests {
				t.Errorf("%s: a steady synchronize made %d requests, want at most %d", name, steady.reads+steady.writes, maxSyncRequests)
			}
			gateAll := count(s.dispatchEvent())
			fullSteady := count(s.dispatchEvent())
			if fullSteady.writes != 0 {
				t.Errorf("%s: a second full re-evaluation made %d writes", name, fullSteady.writes)
			}
			s.gh.Update(101+l, func(p *fakegithub.Pull) { p.State, p.Merged = "closed", true })
			closeFirst := count(s.prEvent("pull_request", "closed", 101+l))
			s.wantStatus(fmt.Sprintf("sha%d", 2+l), order, "success: ready")
			s.wantStatus(fmt.Sprintf("sha%d", 3+l), order, fmt.Sprintf("pending: waiting on thread %d (thread-%d), #%d open; merge #%d", 2+l, 2+l, 102+l, 102+l))
			if !strings.Contains(s.botComment(102+l), "turn has come") {
				t.Errorf("%s: the comment of #%d does not say its turn has come:\n%s", name, 102+l, s.botComment(102+l))
			}
			push := count(s.pushEvent("refs/heads/main"))
			closeSteady := count(s.prEvent("pull_request", "closed", 101+l))
			if got := closeFirst.reads + closeFirst.writes; got > maxCloseRequests || closeFirst.writes != 2 {
				t.Errorf("%s: the close of a landing made %d reads and %d writes, want at most %d requests, 2 of them writes (#%d's order status and comment)", name, closeFirst.reads, closeFirst.writes, maxCloseRequests, 102+l)
			}
			if got := push.reads + push.writes; got > maxPushRequests || push.writes != 0 {
				t.Errorf("%s: the push after the close made %d reads and %d writes, want at most %d requests, no writes", name, push.reads, push.writes, maxPushRequests)
			}
			if closeSteady.reads > maxRepeatReads || closeSteady.writes != 0 {
				t.Errorf("%s: the same close again made %d reads and %d writes, want at most %d reads, no writes", name, closeSteady.reads, closeSteady.writes, maxRepeatReads)
			}
			line := fmt.Sprintf("synchronize first run %d reads %d writes; steady %d reads %d writes; full re-evaluation first %d reads %d writes, steady %d reads %d writes; landing: close %d reads %d writes, then push %d reads %d writes; repeated close %d reads %d writes",
				first.reads, first.writes, steady.reads, steady.writes, gateAll.reads, gateAll.writes, fullSteady.reads, fullSteady.writes, closeFirst.reads, closeFirst.writes, push.reads, push.writes, closeSteady.reads, closeSteady.writes)
			t.Logf("%s, %d merged PRs in history: %s", name, history, line)
			perHistory = append(perHistory, line)
		}
		if perHistory[0] != perHistory[1] {
			t.Errorf("%s: the requests grew with 300 merged pull requests in history:\n%s\n%s", name, perHistory[0], perHistory[1])
		}
	}
}
