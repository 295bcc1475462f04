// Package check decides whether a change list stays inside one thread's
// scope: every touched path (both sides of a rename) owned by the thread or
// shared, none forbidden, and never the plan file itself (README, "`check`:
// the scope check").
//
// The package is pure: values in, values out.
package check

import (
	"cmp"
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/parallel-sessions/parallel-sessions/plan"
)

// Checker checks change lists against one plan. Build it once with New and
// use it for any number of threads and lists; it is safe for concurrent use.
type Checker struct {
	plan     *plan.Plan
	planFile string
	index    *index
	workers  int // goroutines for a long list; 0 is GOMAXPROCS
}

// New indexes p's patterns. planFile is the plan's repository-relative path
// (plan.toml unless the repository keeps it elsewhere); no thread may touch
// it. p should be valid: in a plan with overlaps a path may have two owners,
// and the check then reports the other one.
func New(p *plan.Plan, planFile string) *Checker {
	return &Checker{plan: p, planFile: planFile, index: newIndex(p)}
}

// IncompleteError is the result of checking a change list that is shorter
// than its source says the change is: a scope check over part of a change
// proves nothing, so it is never a pass.
type IncompleteError struct {
	Listed, Total int
}

func (e *IncompleteError) Error() string {
	return fmt.Sprintf("the change list is incomplete: %d of %d changed files were listed, so the scope cannot be verified", e.Listed, e.Total)
}

// Report is the verdict on one change list.
type Report struct {
	Thread *plan.Thread
	// PlanFile is the plan's repository-relative path.
	PlanFile string
	// Paths is how many touched paths were checked: one per change, two per
	// rename.
	Paths int
	// Violations has one entry per offending path, sorted by path.
	Violations []Violation
}

// InScope reports whether no path of the change breaks the thread's scope.
func (r Report) InScope() bool { return len(r.Violations) == 0 }

// Check checks changes against thread t, which must be one of the plan's
// threads. total is how many changes the source of the list reports (git's
// count, or a pull request's changed_files); a list of another length is an
// *IncompleteError, never a verdict. A malformed change is an error too.
// A long list is checked in parts by up to GOMAXPROCS goroutines; the
// report is the same as one goroutine's.
func (c *Checker) Check(t *plan.Thread, changes []Change, total int) (Report, error) {
	if len(changes) != total {
		return Report{}, &IncompleteError{Listed: len(changes), Total: total}
	}
	workers := c.workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	parts := make([]part, max(1, min(workers, len(changes)/minPart)))
	size := (len(changes) + len(parts) - 1) / len(parts)
	var wg sync.WaitGroup
	for i := range parts {
		lo := min(i*size, len(changes))
		hi := min(lo+size, len(changes))
		if len(parts) == 1 { // a short list: no goroutine to start
			parts[i] = c.checkPart(t, changes, lo, hi)
			break
		}
		wg.Go(func() { parts[i] = c.checkPart(t, changes, lo, hi) })
	}
	wg.Wait()
	paths := 0
	for _, pt := range parts {
		if pt.err != nil { // the first bad change in list order, as one pass finds it
			return Report{}, pt.err
		}
		paths += pt.paths
	}
	// The parts in order are the offenses in list order. A list sorted by
	// path (as git and GitHub give it) needs neither a sort nor one slice
	// of them all.
	byPath := func(a, b offense) int { return cmp.Or(cmp.Compare(a.path, b.path), cmp.Compare(a.change, b.change)) }
	chunks := make([][]offense, 0, len(parts))
	sorted := true
	for _, pt := range parts {
		if len(pt.offenses) == 0 {
			continue
		}
		if n := len(chunks); !slices.IsSortedFunc(pt.offenses, byPath) || n > 0 && byPath(chunks[n-1][len(chunks[n-1])-1], pt.offenses[0]) > 0 {
			sorted = false
		}
		chunks = append(chunks, pt.offenses)
	}
	if !sorted {
		all := slices.Concat(chunks...)
		slices.SortFunc(all, byPath)
		chunks = [][]offense{all}
	}
	// One violation per path: the first change that touched it.
	n := 0
	last := ""
	for _, ch := range chunks {
		for _, o := range ch {
			if n == 0 || o.path != last {
				n++
				last = o.path
			}
		}
	}
	r := Report{Thread: t, PlanFile: c.planFile, Paths: paths}
	if n > 0 {
		r.Violations = make([]Violation, 0, n)
	}
	for _, ch := range chunks {
		for _, o := range ch {
			if len(r.Violations) > 0 && r.Violations[len(r.Violations)-1].Path == o.path {
				continue
			}
			v := Violation{Path: o.path, Change: changes[o.change], Reason: o.reason}
			if o.claim != nil {
				v.Pattern = o.claim.pattern
				if o.reason == OwnedBy {
					v.Owner = o.claim.thread
				}
			}
			r.Violations = append(r.Violations, v)
		}
	}
	return r, nil
}

// minPart is the fewest changes worth a goroutine of their own.
const minPart = 8192

// part is what Check found in changes[lo:hi].
type part struct {
	offenses []offense
	paths    int
	err      error
}

func (c *Checker) checkPart(t *plan.Thread, changes []Change, lo, hi int) part {
	pt := part{offenses: make([]offense, 0, hi-lo)} // at most one per path, and growing a large slice costs more
	var buf []*claim
	for i := lo; i < hi; i++ {
		ch := changes[i]
		if err := ch.validate(); err != nil {
			pt.err = fmt.Errorf("check %s: %w", t.Label(), err)
			return pt
		}
		if ch.TouchesPrevious() {
			pt.paths++
			if o, ok := c.verdict(t, ch.PreviousPath, &buf); !ok {
				o.path, o.change = ch.PreviousPath, i
				pt.offenses = append(pt.offenses, o)
			}
		}
		pt.paths++
		if o, ok := c.verdict(t, ch.Path, &buf); !ok {
			o.path, o.change = ch.Path, i
			pt.offenses = append(pt.offenses, o)
		}
	}
	return pt
}

// offense is a violation as Check first records it: small, so that a
// change list of many offending paths stays cheap to collect and sort.
type offense struct {
	path   string
	change int // index in the change list
	reason Reason
	claim  *claim // the owning or forbidding pattern, if any
}

// verdict decides one path: ok, or an offense without its path and
// change. The most specific reason wins: the plan file, a dropped thread, a
// forbidding pattern, another thread's ownership, and last plain
// non-ownership. buf is scratch space kept between calls.
func (c *Checker) verdict(t *plan.Thread, path string, buf *[]*claim) (offense, bool) {
	if path == c.planFile {
		return offense{reason: PlanFile}, false
	}
	if !t.Active() {
		return offense{reason: ThreadDropped}, false
	}
	*buf = c.index.lookup(path, (*buf)[:0])
	var inScope bool
	var other *claim
	for _, cl := range *buf {
		switch {
		case cl.thread == t && cl.kind == forbids:
			return offense{reason: Forbidden, claim: cl}, false
		case cl.kind == shared, cl.thread == t && cl.kind == owns:
			inScope = true
		case cl.kind == owns && other == nil:
			other = cl
		}
	}
	switch {
	case inScope:
		return offense{}, true
	case other != nil:
		return offense{reason: OwnedBy, claim: other}, false
	}
	return offense{reason: NotOwned}, false
}
