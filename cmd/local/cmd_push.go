package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/parallel-sessions/parallel-sessions/check"
	"github.com/parallel-sessions/parallel-sessions/cmd/internal/ghapi"
	"github.com/parallel-sessions/parallel-sessions/ordering"
	"github.com/parallel-sessions/parallel-sessions/plan"
)

func (c *command) runPush(args []string) error {
	fset := c.flags("push", "[--remote NAME] [--open-prs] [--force-scope]")
	remote := fset.String("remote", "origin", "push to the remote `NAME`")
	openPRs := fset.Bool("open-prs", false, "open or update one pull request per thread (needs GITHUB_TOKEN or GH_TOKEN)")
	forceScope := fset.Bool("force-scope", false, "push threads whose scope check fails too")
	if err := c.parseNoArgs(fset, args); err != nil {
		return err
	}
	ws, err := c.openWorkspace("push")
	if err != nil {
		return err
	}
	loc, p, git, baseSHA := ws.loc, ws.plan, ws.git, ws.baseSHA
	repo, onGitHub, err := c.remoteOf(git, *remote)
	if err != nil {
		return err
	}
	var gh *ghapi.Client
	if *openPRs {
		if !onGitHub {
			return fmt.Errorf("%w: remote %s is not on GitHub, and ps-local opens pull requests on GitHub only; push without --open-prs and open them on your forge", errUsage, *remote)
		}
		if gh, err = c.githubFor(repo); err != nil {
			return err
		}
		if gh == nil {
			return fmt.Errorf("%w: --open-prs needs a token: set GITHUB_TOKEN or GH_TOKEN (for example GH_TOKEN=$(gh auth token)), or push without --open-prs", errUsage)
		}
	}
	checker := check.New(p, planInRepo(loc))
	// Check every thread before pushing any, so a refusal changes nothing.
	var ready []*plan.Thread
	forced := map[int]bool{} // out of scope, pushed with --force-scope
	refused := 0
	for _, t := range ordering.Active(p) {
		st, err := readBranchState(git, t.Branch, []string{baseSHA}, planInRepo(loc))
		if err != nil {
			return err
		}
		if !st.exists || st.ahead == 0 {
			fmt.Fprintf(c.stdout, "%s: nothing to push (no commits ahead of %s)\n", t.Label(), p.Base)
			continue
		}
		set, err := gitChanges(git, p.Base, "", "refs/heads/"+t.Branch, false)
		if err != nil {
			return err
		}
		report, err := checker.Check(t, set.changes, len(set.changes))
		if err != nil {
			return err
		}
		if !report.InScope() && !*forceScope {
			for _, v := range report.Violations {
				fmt.Fprintln(c.stdout, report.Finding(v))
			}
			fmt.Fprintf(c.stderr, "%s: not pushed: %d %s out of scope; fix them, or pass --force-scope\n", t.Label(), len(report.Violations), plural(len(report.Violations), "path", "paths"))
			refused++
			continue
		}
		forced[t.ID] = !report.InScope()
		ready = append(ready, t)
	}
	ctx := context.Background()
	failed := 0
	for _, t := range ready {
		// -u: the branch tracks what it was pushed to. Never forced. A
		// thread pushed out of scope with --force-scope skips the pre-push
		// hook, which would refuse what the operator decided to push.
		args := []string{"push", "--quiet", "--porcelain", "--set-upstream"}
		if forced[t.ID] {
			args = append(args, "--no-verify")
		}
		push := gitCmd{dir: git.dir, timeout: pushTimeout}
		if _, err := push.output(append(args, *remote, "refs/heads/"+t.Branch+":refs/heads/"+t.Branch)...); err != nil {
			fmt.Fprintf(c.stderr, "%s: push %s to %s failed: %s\n", t.Label(), t.Branch, *remote, oneLine(err))
			failed++
			continue
		}
		line := fmt.Sprintf("%s: pushed %s to %s", t.Label(), t.Branch, *remote)
		switch {
		case gh != nil:
			pr, err := upsertPull(ctx, gh, p, t, planInRepo(loc))
			if err != nil {
				fmt.Fprintf(c.stdout, "%s\n", line)
				fmt.Fprintf(c.stderr, "%s: pull request not opened: %s\n", t.Label(), oneLine(err))
				failed++
				continue
			}
			line += "; " + pr
		case onGitHub:
			line += "; open a pull request at " + repo.compareURL(p.Base, t.Branch)
		}
		fmt.Fprintln(c.stdout, line)
	}
	if failed > 0 {
		return errReported
	}
	if refused > 0 {
		return errFindings
	}
	return nil
}

// oneLine is err's message on one line: git's stderr can hold several.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

// pullTitle is "[<order>/<count>] <branch>: <goal>".
func pullTitle(p *plan.Plan, t *plan.Thread) string {
	return fmt.Sprintf("[%d/%d] %s: %s", t.MergeOrder, len(ordering.Active(p)), t.Branch, strings.Join(strings.Fields(t.Goal), " "))
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
