package main

import (
	"fmt"

	"github.com/parallel-sessions/parallel-sessions/ordering"
)

// runConverge is the seed tool's converge: push --open-prs, or with
// --no-push the commands it would run, in merge order, changing nothing.
func (c *command) runConverge(args []string) error {
	fset := c.flags("converge", "[--remote NAME] [--no-push] [PLAN]")
	remote := fset.String("remote", "origin", "push to the remote `NAME`")
	noPush := fset.Bool("no-push", false, "print what converge would run, and change nothing")
	if err := c.parseNoArgs(fset, args); err != nil {
		return err
	}
	if !*noPush {
		return c.runPush([]string{"--open-prs", "--remote", *remote})
	}
	ws, err := c.openWorkspace("converge")
	if err != nil {
		return err
	}
	bases := []string{ws.baseSHA}
	for _, t := range ordering.Active(ws.plan) {
		st, err := readBranchState(ws.git, t.Branch, bases, planInRepo(ws.loc))
		if err != nil {
			return err
		}
		if !st.exists || st.ahead == 0 {
			fmt.Fprintf(c.stdout, "# %s: nothing to push\n", t.Label())
			continue
		}
		fmt.Fprintf(c.stdout, "git push --set-upstream %s %s\n", quoteIfNeeded(*remote), quoteIfNeeded("refs/heads/"+t.Branch+":refs/heads/"+t.Branch))
		fmt.Fprintf(c.stdout, "# open or update the pull request %s into %s: %s\n", t.Branch, ws.plan.Base, pullTitle(ws.plan, t))
	}
	return nil
}
