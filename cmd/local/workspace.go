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

// openWorkspace loads the plan and the repository for command name. A plan
// with findings prints them (exit 1); a missing repository or base is an
// error (exit 2). done is true when the command should return code.
func (c *command) openWorkspace(name string) (ws workspace, code int, done bool) {
	loc, p, findings, err := c.loadPlan()
	if err != nil {
		return ws, c.fail(err), true
	}
	if len(findings) > 0 {
		for _, f := range findings {
			fmt.Fprintln(c.stdout, f)
		}
		fmt.Fprintf(c.stderr, "%s has %d %s; %s needs a valid plan (run ps-local validate)\n", loc.display, len(findings), plural(len(findings), "problem", "problems"), name)
		return ws, exitFindings, true
	}
	root, err := gitTopLevel(c.dir)
	if err != nil {
		return ws, c.fail(err), true
	}
	git := gitCmd{dir: root}
	_, baseSHA, err := resolveBase(git, p.Base, "")
	if err != nil {
		return ws, c.fail(err), true
	}
	return workspace{loc: loc, plan: p, root: root, git: git, baseSHA: baseSHA}, 0, false
}
