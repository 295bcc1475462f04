package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/parallel-sessions/parallel-sessions/plan"
)

func (c *command) runCleanup(args []string) error {
	fset := c.flags("cleanup", "[--force] [--discard-ignored] [--delete-branches] [--no-fetch]")
	force := fset.Bool("force", false, "also remove worktrees that have not landed or hold uncommitted, unpushed or ignored work (implies --discard-ignored)")
	discardIgnored := fset.Bool("discard-ignored", false, "delete the ignored files of landed worktrees (build output, local config); every other reason to keep a worktree still holds")
	deleteBranches := fset.Bool("delete-branches", false, "delete the local branches of the removed worktrees")
	noFetch := fset.Bool("no-fetch", false, "do not fetch the base branch from origin first; judge landing by the last fetch")
	if err := c.parseNoArgs(fset, args); err != nil {
		return err
	}
	bp, err := c.loadBasePlan()
	if err != nil {
		return err
	}
	// A base read from origin's copy is read again once that moved.
	if bp.plan != nil && !*noFetch && c.fetchBase(bp.git, bp.plan.Base) && bp.baseRef == "origin/"+bp.plan.Base {
		if bp, err = c.loadBasePlan(); err != nil {
			return err
		}
	}
	if bp.plan == nil || hasRule(bp.findings, "syntax") {
		return fmt.Errorf("%s cannot be read as a plan; cleanup needs its base and worktrees folder (run ps-local validate)", bp.loc.display)
	}
	p, root, git, baseSHA := bp.plan, bp.main, bp.git, bp.baseSHA
	if _, err := git.output("worktree", "prune"); err != nil {
		return fmt.Errorf("prune stale worktrees: %w", err)
	}
	trees, err := threadWorktrees(git, root, p)
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
	run := cleanupRun{git: git, root: root, plan: p, bases: landingBases(git, p.Base, baseSHA), planFile: planInRepo(bp.loc), merged: merged, force: *force, discardIgnored: *discardIgnored || *force, deleteBranches: *deleteBranches}
	states, err := c.readWorktrees(run, trees)
	if err != nil {
		return err
	}
	// The reads ran concurrently; what changes anything runs here, one
	// worktree at a time in plan order, and the first failed read in that
	// order stops cleanup where it stands.
	for _, ws := range states {
		if ws.err != nil {
			return ws.err
		}
		line, err := c.cleanupOne(run, ws)
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
	planFile       string            // see pastPlanCommits
	merged         map[string]string // branch: head SHA of its merged pull request
	force          bool
	discardIgnored bool
	deleteBranches bool
}

// worktreeState is what cleanup reads of one worktree before it decides:
// its uncommitted and untracked files, its ignored files that are work
// (see ignoredWork) and its branch against the base.
type worktreeState struct {
	wt      threadWorktree
	dirty   int
	ignored []string
	branch  branchState
	err     error
}

// ignoredNamed is how many ignored files a kept worktree's line names.
const ignoredNamed = 3

// readWorktrees reads every worktree's state, at most runtime.NumCPU() at
// a time, with every branch tip from one git for-each-ref; the states are
// in the order of trees.
func (c *command) readWorktrees(run cleanupRun, trees []threadWorktree) ([]worktreeState, error) {
	tips, err := branchTips(run.git)
	if err != nil {
		return nil, err
	}
	states := make([]worktreeState, len(trees))
	concurrently(len(trees), func(i int) {
		states[i] = readWorktree(run, trees[i], tips)
	})
	return states, nil
}

func readWorktree(run cleanupRun, wt threadWorktree, tips map[string]string) worktreeState {
	ws := worktreeState{wt: wt}
	var ignored []string
	if ws.dirty, ignored, ws.err = worktreeFiles(wt.dir, !run.discardIgnored); ws.err != nil {
		return ws
	}
	if !run.discardIgnored {
		if ws.ignored, ws.err = ignoredWork(wt.dir, ignored, ignoredNamed); ws.err != nil {
			return ws
		}
	}
	if wt.branch == "" {
		return ws
	}
	if tip, ok := tips[wt.branch]; ok {
		ws.branch, ws.err = readBranchStateAt(run.git, wt.branch, tip, run.bases, run.planFile)
	} else {
		ws.branch, ws.err = readBranchState(run.git, wt.branch, run.bases, run.planFile)
	}
	// A squash or rebase merge leaves the commits out of the base:
	// GitHub's word that this very tip merged counts as landing.
	if head, ok := run.merged[wt.branch]; ok && head == ws.branch.tip && ws.branch.own > 0 {
		ws.branch.landed = true
	}
	return ws
}

// cleanupOne removes one worktree when that loses nothing, and says what it
// did and why.
func (c *command) cleanupOne(run cleanupRun, ws worktreeState) (string, error) {
	git, root, p, force, deleteBranch := run.git, run.root, run.plan, run.force, run.deleteBranches
	wt, st, dirty := ws.wt, ws.branch, ws.dirty
	name := c.display(wt.dir, root)
	if t := threadOfBranch(p, wt.branch); t != nil {
		name = t.Label() + " " + name
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
	if len(ws.ignored) > 0 {
		keep = append(keep, ignoredReason(ws.ignored))
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
	// Landed in the base itself, or only in origin's copy of it (fetched,
	// not yet fast-forwarded locally), or on GitHub's word.
	where := p.Base
	if st.in != run.bases[0] {
		where = "origin/" + p.Base
	}
	msg := fmt.Sprintf("%s: removed (landed in %s)", name, where)
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

// ignoredReason names up to ignoredNamed ignored files that are work.
func ignoredReason(work []string) string {
	names := quotedList(work[:min(len(work), ignoredNamed)])
	if len(work) > ignoredNamed {
		names += " and more"
	}
	them := plural(len(work), "it", "them")
	return fmt.Sprintf("ignored %s fanout did not write: %s (move %s out of the worktree, or pass --discard-ignored to delete %s)",
		plural(len(work), "file", "files"), names, them, them)
}

// inPlanOrder sorts worktrees by the plan's order of the threads whose
// branch they have checked out; the others (detached, or a branch of no
// thread) come last, by folder.
func inPlanOrder(p *plan.Plan, trees []threadWorktree) {
	order := make(map[string]int, len(p.Threads))
	for i, t := range p.Threads {
		order[t.Branch] = i
	}
	rank := func(wt threadWorktree) int {
		if i, ok := order[wt.branch]; ok && wt.branch != "" {
			return i
		}
		return len(p.Threads)
	}
	slices.SortStableFunc(trees, func(a, b threadWorktree) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		return strings.Compare(a.dir, b.dir)
	})
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
