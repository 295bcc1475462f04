package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/parallel-sessions/parallel-sessions/plan"
)

func (c *command) runCleanup(args []string) error {
	fset := c.flags("cleanup", "[--force] [--delete-branches]")
	force := fset.Bool("force", false, "also remove worktrees that have not landed or hold uncommitted or unpushed work")
	deleteBranches := fset.Bool("delete-branches", false, "delete the local branches of the removed worktrees")
	if err := c.parseNoArgs(fset, args); err != nil {
		return err
	}
	bp, err := c.loadBasePlan()
	if err != nil {
		return err
	}
	p, root, git, baseSHA := bp.plan, bp.main, bp.git, bp.baseSHA
	if p == nil || hasRule(bp.findings, "syntax") {
		return fmt.Errorf("%s cannot be read as a plan; cleanup needs its base and worktrees folder (run ps-local validate)", bp.loc.display)
	}
	if _, err := git.output("worktree", "prune"); err != nil {
		return fmt.Errorf("prune stale worktrees: %w", err)
	}
	trees, err := threadWorktrees(git, root, p.Worktrees)
	if err != nil {
		return err
	}
	if len(trees) == 0 {
		fmt.Fprintf(c.stdout, "no worktrees in %s/\n", p.Worktrees)
		return nil
	}
	merged, err := c.mergedOnGitHub(git, p, trees)
	if err != nil {
		fmt.Fprintf(c.stderr, "ps-local: note: GitHub not reached, so only git's view of landing counts: %s\n", oneLine(err))
	}
	run := cleanupRun{git: git, root: root, plan: p, bases: landingBases(git, p.Base, baseSHA), merged: merged, force: *force, deleteBranches: *deleteBranches}
	for _, wt := range trees {
		line, err := c.cleanupOne(run, wt)
		if err != nil {
			return err
		}
		fmt.Fprintln(c.stdout, line)
	}
	return nil
}

// cleanupRun is what cleanup decides each worktree by.
type cleanupRun struct {
	git            gitCmd // in the main worktree
	root           string
	plan           *plan.Plan
	bases          []string          // see landingBases
	merged         map[string]string // branch: head SHA of its merged pull request
	force          bool
	deleteBranches bool
}

// cleanupOne removes one worktree when that loses nothing, and says what it
// did and why.
func (c *command) cleanupOne(run cleanupRun, wt threadWorktree) (string, error) {
	git, root, p, merged, force, deleteBranch := run.git, run.root, run.plan, run.merged, run.force, run.deleteBranches
	name := c.display(wt.dir, root)
	if t := threadOfBranch(p, wt.branch); t != nil {
		name = t.Label() + " " + name
	}
	dirty, err := dirtyFiles(wt.dir)
	if err != nil {
		return "", err
	}
	var st branchState
	if wt.branch != "" {
		if st, err = readBranchState(git, wt.branch, run.bases); err != nil {
			return "", err
		}
		// A squash or rebase merge leaves the commits out of the base:
		// GitHub's word that this very tip merged counts as landing.
		if head, ok := merged[wt.branch]; ok && head == st.tip && st.own > 0 {
			st.landed = true
		}
	}
	var keep []string
	switch {
	case wt.branch == "":
		keep = append(keep, "its HEAD is detached")
	case !st.landed && st.own == 0:
		keep = append(keep, "not landed: no commits of its own yet")
	case !st.landed:
		keep = append(keep, fmt.Sprintf("not landed: %d %s not in %s", st.ahead, plural(st.ahead, "commit", "commits"), p.Base))
	}
	if dirty > 0 {
		keep = append(keep, fmt.Sprintf("%d uncommitted or untracked %s", dirty, plural(dirty, "file", "files")))
	}
	if st.unpushed > 0 {
		keep = append(keep, fmt.Sprintf("%d unpushed %s", st.unpushed, plural(st.unpushed, "commit", "commits")))
	}
	if len(keep) > 0 && !force {
		return fmt.Sprintf("%s: kept: %s (pass --force to remove it anyway)", name, strings.Join(keep, "; ")), nil
	}
	if failed := c.runTeardown(p, wt, name); failed != "" {
		if !force {
			return fmt.Sprintf("%s: kept: %s (pass --force to remove it anyway)", name, failed), nil
		}
		keep = append(keep, failed)
	}
	removeArgs := []string{"worktree", "remove", wt.dir}
	if force {
		removeArgs = []string{"worktree", "remove", "--force", "--force", wt.dir}
	}
	if _, err := git.output(removeArgs...); err != nil {
		return "", fmt.Errorf("remove %s: %w", name, err)
	}
	msg := fmt.Sprintf("%s: removed (landed in %s)", name, p.Base)
	if len(keep) > 0 {
		msg = fmt.Sprintf("%s: removed with --force (%s)", name, strings.Join(keep, "; "))
	}
	if deleteBranch && wt.branch != "" {
		if _, err := git.output("branch", "-D", wt.branch); err != nil {
			return "", fmt.Errorf("delete branch %s: %w", wt.branch, err)
		}
		msg += fmt.Sprintf("; deleted branch %s (was %.12s)", wt.branch, st.tip)
	}
	return msg, nil
}

// mergedOnGitHub asks GitHub, when a token and an origin on GitHub allow,
// which worktree branches have a merged pull request, and at which head.
func (c *command) mergedOnGitHub(git gitCmd, p *plan.Plan, trees []threadWorktree) (map[string]string, error) {
	repo, onGitHub, err := c.remoteOf(git, "origin")
	if err != nil || !onGitHub {
		return nil, nil
	}
	gh, err := c.githubFor(repo)
	if err != nil || gh == nil {
		return nil, err
	}
	var branches []string
	for _, wt := range trees {
		if wt.branch != "" {
			branches = append(branches, wt.branch)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), githubTimeout)
	defer cancel()
	return mergedPulls(ctx, gh, p.Base, branches)
}

func threadOfBranch(p *plan.Plan, branch string) *plan.Thread {
	for i := range p.Threads {
		if p.Threads[i].Branch == branch {
			return &p.Threads[i]
		}
	}
	return nil
}

func hasRule(findings []plan.Finding, rule string) bool {
	return slices.ContainsFunc(findings, func(f plan.Finding) bool { return f.Rule == rule })
}

func sortWorktrees(ts []threadWorktree) {
	slices.SortFunc(ts, func(a, b threadWorktree) int { return strings.Compare(a.dir, b.dir) })
}
