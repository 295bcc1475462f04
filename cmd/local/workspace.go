package main

import (
	"fmt"

	"github.com/parallel-sessions/parallel-sessions/plan"
)

// workspace is a valid plan in its git repository, with the plan's base
// branch resolved: what fanout, status and push start from.
type workspace struct {
	loc     planLocation
	plan    *plan.Plan
	root    string
	git     gitCmd // runs in root
	baseSHA string
}

// openWorkspace loads the plan as committed on the base branch and the
// repository's main worktree for command name. A plan with findings prints
// them (exit 1); a missing repository or base is an error (exit 2). done is
// true when the command should return code.
func (c *command) openWorkspace(name string) (ws workspace, code int, done bool) {
	bp, code, done := c.validBasePlan(name)
	if done {
		return ws, code, true
	}
	return workspace{loc: bp.loc, plan: bp.plan, root: bp.main, git: bp.git, baseSHA: bp.baseSHA}, 0, false
}

// validBasePlan loads the plan as committed on the base branch for command
// name. A plan with findings prints them (exit 1); one that cannot be read
// is an error (exit 2). done is true when the command should return code.
func (c *command) validBasePlan(name string) (bp basePlan, code int, done bool) {
	bp, err := c.loadBasePlan()
	if err != nil {
		return bp, c.fail(err), true
	}
	if len(bp.findings) > 0 {
		c.printPlanFindings(bp, name)
		return bp, exitFindings, true
	}
	return bp, 0, false
}

// printPlanFindings prints the findings of the base's plan and why command
// name stops.
func (c *command) printPlanFindings(bp basePlan, name string) {
	for _, f := range bp.findings {
		fmt.Fprintln(c.stdout, f)
	}
	from := ""
	if bp.baseRef != "" {
		from = " as committed on " + bp.baseRef
	}
	fmt.Fprintf(c.stderr, "%s%s has %d %s; %s needs a valid plan (run ps-local validate, then commit the fix)\n", bp.loc.display, from, len(bp.findings), plural(len(bp.findings), "problem", "problems"), name)
}
