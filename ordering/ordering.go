// Package ordering is the merge-order gate: from the state of every thread's
// pull request it decides which threads may land now, and for the others
// what they wait on and how to unblock them (README, "The Action").
//
// The package is pure: values in, values out, deterministic.
package ordering

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/parallel-sessions/parallel-sessions/plan"
)

// State is where a thread's pull request stands.
type State string

// Thread states.
const (
	// Landed: the thread's pull request into the base branch is merged.
	Landed State = "landed"
	// Open: the thread has an open pull request.
	Open State = "open"
	// Closed: the thread's pull request was closed without merging.
	Closed State = "closed"
	// Missing: the thread has no pull request yet.
	Missing State = "missing"
)

// Status is what the forge says of one thread: its state and its pull
// request number (0 when Missing).
type Status struct {
	State State
	PR    int
}

// Wait is an earlier thread that has not landed.
type Wait struct {
	Thread *plan.Thread
	Status Status
}

// Unblock says what lets the waiting threads go on.
func (w Wait) Unblock() string {
	switch w.Status.State {
	case Open:
		return fmt.Sprintf("merge #%d", w.Status.PR)
	case Closed:
		return fmt.Sprintf("reopen #%d or mark thread %d dropped in plan.toml", w.Status.PR, w.Thread.ID)
	default:
		return fmt.Sprintf("open a pull request for branch %s", w.Thread.Branch)
	}
}

// String describes the wait: "thread 1 (extract-auth), #12 open".
func (w Wait) String() string {
	if w.Status.PR == 0 {
		return fmt.Sprintf("%s, no pull request yet", w.Thread.Label())
	}
	return fmt.Sprintf("%s, #%d %s", w.Thread.Label(), w.Status.PR, w.Status.State)
}

// Decision is the gate's answer for one active thread.
type Decision struct {
	Thread *plan.Thread
	Status Status
	// Ready is true when every active thread with a smaller merge_order has
	// landed.
	Ready bool
	// Waits lists those that have not, by merge order then id.
	Waits []Wait
	// Nearest lists the Waits with the greatest merge order: what the
	// thread waits on directly. A chain of threads then changes only the
	// nearest of the thread whose turn comes when an earlier one lands,
	// which is what the gate tells a pull request (README, "API cost").
	Nearest []Wait
}

// Decide returns one decision per active thread, by merge order then id.
// statuses maps thread ids to their status; a thread without one is
// Missing. Dropped threads neither block nor appear.
func Decide(p *plan.Plan, statuses map[int]Status) []Decision {
	active := Active(p)
	status := func(t *plan.Thread) Status {
		if s, ok := statuses[t.ID]; ok {
			return s
		}
		return Status{State: Missing}
	}
	decisions := make([]Decision, 0, len(active))
	for _, t := range active {
		d := Decision{Thread: t, Status: status(t), Ready: true}
		for _, e := range active {
			if e.MergeOrder >= t.MergeOrder {
				break
			}
			if s := status(e); s.State != Landed {
				d.Ready = false
				d.Waits = append(d.Waits, Wait{Thread: e, Status: s})
			}
		}
		d.Nearest = nearest(d.Waits)
		decisions = append(decisions, d)
	}
	return decisions
}

// nearest returns the last waits of the same merge order: waits is sorted
// by merge order.
func nearest(waits []Wait) []Wait {
	i := len(waits)
	for i > 0 && waits[i-1].Thread.MergeOrder == waits[len(waits)-1].Thread.MergeOrder {
		i--
	}
	return waits[i:]
}

// Same reports whether d and o tell a thread's pull request the same: one
// thread, ready or not alike, waiting directly on the same threads in the
// same states.
func (d Decision) Same(o Decision) bool {
	if d.Thread.ID != o.Thread.ID || d.Ready != o.Ready || len(d.Nearest) != len(o.Nearest) {
		return false
	}
	for i, w := range d.Nearest {
		if w.Thread.ID != o.Nearest[i].Thread.ID || w.Status != o.Nearest[i].Status {
			return false
		}
	}
	return true
}

// Changed lists, in increasing order, the ids of the threads whose
// decision differs between before and after (two worlds of one plan), or
// that only one of them decides on.
func Changed(before, after []Decision) []int {
	var ids []int
	for _, a := range after {
		if b, ok := Find(before, a.Thread.ID); !ok || !b.Same(a) {
			ids = append(ids, a.Thread.ID)
		}
	}
	for _, b := range before {
		if _, ok := Find(after, b.Thread.ID); !ok {
			ids = append(ids, b.Thread.ID)
		}
	}
	slices.Sort(ids)
	return ids
}

// ByMergeOrder orders threads by merge order, then id: the order the gate
// lands them in. It is a comparison for slices.SortFunc.
func ByMergeOrder(a, b *plan.Thread) int {
	return cmp.Or(cmp.Compare(a.MergeOrder, b.MergeOrder), cmp.Compare(a.ID, b.ID))
}

// Active lists the plan's active threads by ByMergeOrder; dropped threads
// are left out.
func Active(p *plan.Plan) []*plan.Thread {
	var active []*plan.Thread
	for i := range p.Threads {
		if p.Threads[i].Active() {
			active = append(active, &p.Threads[i])
		}
	}
	slices.SortStableFunc(active, ByMergeOrder)
	return active
}

// Next lists the threads reviewers should merge now: ready, with an open
// pull request, by merge order.
func Next(decisions []Decision) []Decision {
	var next []Decision
	for _, d := range decisions {
		if d.Ready && d.Status.State == Open {
			next = append(next, d)
		}
	}
	return next
}

// Find returns the decision for thread id.
func Find(decisions []Decision, id int) (Decision, bool) {
	for _, d := range decisions {
		if d.Thread.ID == id {
			return d, true
		}
	}
	return Decision{}, false
}

// PullRequest is what the gate needs of one pull request of a thread's
// branch into the base.
type PullRequest struct {
	Number       int
	Open, Merged bool
}

// OpenFirst sums up a branch's pull requests as the merge-order gate
// counts them: open when one is open, even when an earlier (or later)
// pull request of the branch merged, because the branch then has work that
// has not landed; else landed when one merged, else closed, else missing.
// Within the winning state the newest (highest number) counts. A pull
// request both open and merged counts as merged.
func OpenFirst(pulls []PullRequest) Status {
	best := Status{State: Missing}
	rank := map[State]int{Missing: 0, Closed: 1, Landed: 2, Open: 3}
	for _, pr := range pulls {
		s := Status{State: Closed, PR: pr.Number}
		switch {
		case pr.Merged:
			s.State = Landed
		case pr.Open:
			s.State = Open
		}
		if rank[s.State] > rank[best.State] || (s.State == best.State && s.PR > best.PR) {
			best = s
		}
	}
	return best
}
