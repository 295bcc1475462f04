package main

import (
	"context"
	"fmt"

	"github.com/parallel-sessions/parallel-sessions/ordering"
	"github.com/parallel-sessions/parallel-sessions/plan"
)

// The untracked-prs modes: what a pull request that is no thread gets
// (README, "untracked-prs").
const (
	untrackedGuard = "guard" // fails scope when it touches a path of an active thread that has not landed
	untrackedAllow = "allow" // passes
	untrackedFail  = "fail"  // fails scope
)

// guarded is a path of a pull request that is no thread, owned by an
// active thread that has not landed.
type guarded struct {
	path   string
	thread *plan.Thread
	status ordering.Status
}

// String says whose path it is: "services/auth/x.go is owned by thread 1
// (extract-auth), #11 open, which has not landed".
func (g guarded) String() string {
	return fmt.Sprintf("%s is owned by %s, which has not landed", g.path, ordering.Wait{Thread: g.thread, Status: g.status})
}

// hint says how to proceed.
func (g guarded) hint() string {
	proceed := "land thread " + fmt.Sprint(g.thread.ID) + " first"
	if g.status.State == ordering.Open {
		proceed = fmt.Sprintf("merge #%d first", g.status.PR)
	}
	return fmt.Sprintf("%s, make the change on branch %s, or add this branch as a thread in the plan", proceed, g.thread.Branch)
}

// guard lists the paths of the pull request of g that an active thread
// owns and has not landed, by decisions.
func (e *engine) guard(ctx context.Context, ps *planState, g *gated, decisions []ordering.Decision) error {
	changes, total, err := e.changes(ctx, g)
	if err != nil {
		return err
	}
	if len(changes) != total {
		g.scope = errored
		g.scopeNote = fmt.Sprintf("GitHub lists %d of %d changed files, so whether this pull request touches a thread's paths is unverified; split the PR", len(changes), total)
		return nil
	}
	seen := map[string]bool{}
	visit := func(path string) {
		if path == "" || seen[path] {
			return
		}
		seen[path] = true
		for _, c := range ps.plan.Explain(path).Holders() {
			d, ok := ordering.Find(decisions, c.Thread.ID)
			if ok && d.Status.State != ordering.Landed {
				g.guarded = append(g.guarded, guarded{path: path, thread: c.Thread, status: d.Status})
			}
		}
	}
	for _, c := range changes {
		if c.TouchesPrevious() {
			visit(c.PreviousPath)
		}
		visit(c.Path)
	}
	if len(g.guarded) == 0 {
		g.scope, g.scopeNote = passed, guardPassNote(e.planPath)
		return nil
	}
	g.scope = failed
	g.scopeNote = g.guarded[0].String()
	if len(g.guarded) > 1 {
		g.scopeNote += fmt.Sprintf(" (and %d more)", len(g.guarded)-1)
	}
	return nil
}

// guardPassNote is the scope status of a pull request that is no thread
// and touches no path of an active thread that has not landed.
func guardPassNote(planPath string) string {
	return "not a thread of " + planPath + ": touches no path of an active thread"
}
