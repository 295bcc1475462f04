package main

import (
	"fmt"
	"sync"

	"github.com/parallel-sessions/parallel-sessions/plan"
)

// runTeardown runs the plan's teardown commands in a worktree cleanup is
// about to remove, with the same variables as setup (README "Worktree
// setup") and each output line on c.stderr prefixed by the worktree's name.
// It returns "" when they all succeed, else why the worktree should stay.
func (c *command) runTeardown(p *plan.Plan, wt threadWorktree, name string) string {
	if len(p.Teardown) == 0 {
		return ""
	}
	vars := []envValue{{"PS_BRANCH", wt.branch}, {"PS_WORKTREE", wt.dir}}
	if t := threadOfBranch(p, wt.branch); t != nil {
		vars = hookVars(p, t, wt.dir)
	}
	out := &lineWriter{mu: &sync.Mutex{}, w: c.stderr, prefix: name + ": "}
	f := runHookCommands(p.Teardown, wt.dir, vars, defaultSetupTimeout, out)
	out.Flush()
	if f == nil {
		return ""
	}
	return fmt.Sprintf("teardown command %d of %d, %s, %v; fix it and rerun cleanup", f.index+1, len(p.Teardown), shellQuote(f.command), f.err)
}
