package main

import (
	"fmt"
	"maps"
	"slices"

	"github.com/parallel-sessions/parallel-sessions/plan"
)

// threadWork is where a thread's work is: a worktree with the thread's
// branch checked out (head "HEAD", uncommitted files count), or only its
// branch (head a ref, commits only).
type threadWork struct {
	dir  string // where git runs
	head string
}

// threadByID is thread id of the plan.
func threadByID(p *plan.Plan, loc planLocation, id int) (*plan.Thread, error) {
	for i := range p.Threads {
		if p.Threads[i].ID == id {
			return &p.Threads[i], nil
		}
	}
	return nil, fmt.Errorf("%w: %s has no thread %d; its threads are %s", errUsage, loc.display, id, threadList(p))
}

// currentThread is the thread whose branch the current worktree has checked
// out, and that worktree.
func (c *command) currentThread(p *plan.Plan, loc planLocation) (*plan.Thread, threadWork, error) {
	top, err := c.worktreeTop(loc)
	if err != nil {
		return nil, threadWork{}, err
	}
	branch, err := currentBranch(top)
	return threadOnBranch(p, loc, top, branch, err)
}

// worktreeTop is the root of the current worktree.
func (c *command) worktreeTop(loc planLocation) (string, error) {
	if loc.commonDir == "" { // --plan outside the repository
		return gitTopLevel(c.dir)
	}
	return loc.root, nil
}

// currentBranch is the branch checked out in dir, read from git's HEAD
// file when it can be (headBranchFiles); an error exiting 1 when HEAD is
// detached.
func currentBranch(dir string) (string, error) {
	if repo, ok := findGitFiles(dir); ok {
		if branch, ok := headBranchFiles(repo.gitDir); ok {
			return branch, nil
		}
	}
	return gitCmd{dir: dir}.line("symbolic-ref", "--quiet", "--short", "HEAD")
}

// threadOnBranch is the thread of branch, which currentBranch found (or
// failed to, with err) in the worktree at top.
func threadOnBranch(p *plan.Plan, loc planLocation, top, branch string, err error) (*plan.Thread, threadWork, error) {
	switch {
	case exitedWith(err, 1):
		return nil, threadWork{}, fmt.Errorf("HEAD is detached, so the thread is unknown; pass --thread ID (threads: %s)", threadList(p))
	case err != nil:
		return nil, threadWork{}, fmt.Errorf("find the current branch: %w", err)
	}
	for i := range p.Threads {
		if p.Threads[i].Branch == branch {
			return &p.Threads[i], threadWork{dir: top, head: "HEAD"}, nil
		}
	}
	return nil, threadWork{}, fmt.Errorf("branch %q is not a thread branch in %s; switch to a thread's branch or pass --thread ID (threads: %s)", branch, loc.display, threadList(p))
}

// findWork finds thread t's work wherever the command runs: the worktree
// that has its branch checked out, else its local branch, else the
// remote's copy of it. Never the current HEAD of another branch.
func (c *command) findWork(bp basePlan, t *plan.Thread) (threadWork, error) {
	ref := "refs/heads/" + t.Branch
	trees, err := listWorktrees(bp.git)
	if err != nil {
		return threadWork{}, err
	}
	if top, err := gitTopLevel(c.dir); err == nil && trees[top] == ref {
		return threadWork{dir: top, head: "HEAD"}, nil
	}
	for _, dir := range slices.Sorted(maps.Keys(trees)) {
		if trees[dir] == ref {
			return threadWork{dir: dir, head: "HEAD"}, nil
		}
	}
	for _, r := range []string{ref, "refs/remotes/origin/" + t.Branch} {
		if _, err := bp.git.line("rev-parse", "--verify", "--quiet", r+"^{commit}"); err == nil {
			return threadWork{dir: bp.main, head: r}, nil
		}
	}
	return threadWork{}, fmt.Errorf("%s has no branch %s yet, here or on origin; run ps-local fanout to start it", t.Label(), t.Branch)
}
