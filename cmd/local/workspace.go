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
// them and returns errFindings; a missing repository or base is an error.
func (c *command) openWorkspace(name string) (workspace, error) {
	bp, err := c.validBasePlan(name)
	if err != nil {
		return workspace{}, err
	}
	return workspace{loc: bp.loc, plan: bp.plan, root: bp.main, git: bp.git, baseSHA: bp.baseSHA}, nil
}

// validBasePlan loads the plan as committed on the base branch for command
// name. A plan with findings prints them and returns errFindings; one that
// cannot be read is an error.
func (c *command) validBasePlan(name string) (basePlan, error) {
	bp, err := c.loadBasePlan()
	if err != nil {
		return bp, err
	}
	if len(bp.findings) > 0 {
		c.printPlanFindings(bp, name)
		return bp, errFindings
	}
	return bp, nil
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
