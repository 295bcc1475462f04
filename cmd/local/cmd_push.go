package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/parallel-sessions/parallel-sessions/check"
	"github.com/parallel-sessions/parallel-sessions/cmd/internal/ghapi"
	"github.com/parallel-sessions/parallel-sessions/plan"
)

func (c *command) runPush(args []string) int {
	fset := c.flags("push", "[--remote NAME] [--open-prs] [--force-scope]")
	remote := fset.String("remote", "origin", "push to the remote `NAME`")
	openPRs := fset.Bool("open-prs", false, "open or update one pull request per thread (needs GITHUB_TOKEN or GH_TOKEN)")
	forceScope := fset.Bool("force-scope", false, "push threads whose scope check fails too")
	if code, done := c.parseNoArgs(fset, args); done {
		return code
	}
	ws, code, done := c.openWorkspace("push")
	if done {
		return code
	}
	loc, p, git, baseSHA := ws.loc, ws.plan, ws.git, ws.baseSHA
	repo, err := remoteOf(git, *remote)
	if err != nil {
		return c.fail(err)
	}
	var gh *ghapi.Client
	if *openPRs {
		if gh, err = c.githubFor(repo); err != nil {
			return c.fail(err)
		}
	}
	checker := check.New(p, planInRepo(loc))
	// Check every thread before pushing any, so a refusal changes nothing.
	var ready []*plan.Thread
	refused := 0
	for _, t := range activeByOrder(p) {
		st, err := readBranchState(git, t.Branch, []string{baseSHA})
		if err != nil {
			return c.fail(err)
		}
		if !st.exists || st.ahead == 0 {
			fmt.Fprintf(c.stdout, "%s: nothing to push (no commits ahead of %s)\n", t.Label(), p.Base)
			continue
		}
		set, err := gitChanges(git, p.Base, "", "refs/heads/"+t.Branch, false)
		if err != nil {
			return c.fail(err)
		}
		report, err := checker.Check(t, set.changes, len(set.changes))
		if err != nil {
			return c.fail(err)
		}
		if !report.InScope() && !*forceScope {
			for _, v := range report.Violations {
				fmt.Fprintln(c.stdout, report.Finding(v))
			}
			fmt.Fprintf(c.stderr, "%s: not pushed: %d %s out of scope; fix them, or pass --force-scope\n", t.Label(), len(report.Violations), plural(len(report.Violations), "path", "paths"))
			refused++
			continue
		}
		ready = append(ready, t)
	}
	ctx := context.Background()
	for _, t := range ready {
		if _, err := git.output("push", "--quiet", "--porcelain", *remote, "refs/heads/"+t.Branch+":refs/heads/"+t.Branch); err != nil {
			return c.fail(fmt.Errorf("push %s to %s: %w", t.Branch, *remote, err))
		}
		line := fmt.Sprintf("%s: pushed %s to %s", t.Label(), t.Branch, *remote)
		switch {
		case gh != nil:
			pr, err := upsertPull(ctx, gh, p, t, planInRepo(loc))
			if err != nil {
				return c.fail(err)
			}
			line += "; " + pr
		case *openPRs:
			line += "; no GITHUB_TOKEN or GH_TOKEN, open the pull request at " + repo.compareURL(p.Base, t.Branch)
		default:
			line += "; open a pull request at " + repo.compareURL(p.Base, t.Branch)
		}
		fmt.Fprintln(c.stdout, line)
	}
	if refused > 0 {
		return exitFindings
	}
	return exitOK
}

// pullTitle is "[<order>/<count>] <branch>: <goal>".
func pullTitle(p *plan.Plan, t *plan.Thread) string {
	return fmt.Sprintf("[%d/%d] %s: %s", t.MergeOrder, len(activeByOrder(p)), t.Branch, strings.Join(strings.Fields(t.Goal), " "))
}

// upsertPull opens the thread's pull request into the base, or updates the
// open one when its title or body differ.
func upsertPull(ctx context.Context, gh *ghapi.Client, p *plan.Plan, t *plan.Thread, planFile string) (string, error) {
	title, body := pullTitle(p, t), renderBrief(p, t, planFile)
	pulls, err := gh.BranchPulls(ctx, p.Base, t.Branch)
	if err != nil {
		return "", err
	}
	for _, pr := range pulls {
		if pr.State != "open" {
			continue
		}
		if pr.Title == title && pr.Body == body {
			return fmt.Sprintf("pull request #%d is up to date", pr.Number), nil
		}
		if err := gh.EditPull(ctx, pr.Number, title, body); err != nil {
			return "", err
		}
		return fmt.Sprintf("updated pull request #%d", pr.Number), nil
	}
	n, err := gh.CreatePull(ctx, p.Base, t.Branch, title, body)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("opened pull request #%d", n), nil
}
