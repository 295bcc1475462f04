package main

import (
	"path/filepath"
	"testing"
)

// TestTurnBranchFromThePlansPullRequestHasNotLanded: the plan lands on a
// protected base through its own pull request, merged with a merge commit,
// and fanout ran from the plan's commit before that merge (the README's
// order: commit the plan, then fan out). Every thread branch without
// commits of its own is then the merge's second parent: in the base,
// reached through a merge, yet nothing of the thread landed. turn must
// keep waiting for it, in CI (the branch pushed early to open a draft pull
// request) and locally; a real merge of the thread's work still counts.
func TestTurnBranchFromThePlansPullRequestHasNotLanded(t *testing.T) {
	dev := gitRepo(t)
	write(t, filepath.Join(dev, "go.sum"), "x v1\n")
	commitAll(t, dev, "before the plan")
	remote := filepath.Join(t.TempDir(), "remote.git")
	gitIn(t, dev, "init", "-q", "--bare", "-b", "main", remote)
	gitIn(t, dev, "remote", "add", "origin", remote)
	gitIn(t, dev, "push", "-q", "origin", "main")
	write(t, filepath.Join(dev, "plan.toml"), turnPlan)
	commitAll(t, dev, "plan: threads")
	gitIn(t, dev, "branch", "first")
	gitIn(t, dev, "checkout", "-q", "-b", "third")
	write(t, filepath.Join(dev, "c/x.go"), "package c\n")
	commitAll(t, dev, "c")
	gitIn(t, dev, "push", "-q", "origin", "main:plan", "first", "third")

	forge := filepath.Join(t.TempDir(), "forge")
	gitIn(t, dev, "clone", "-q", remote, forge)
	gitIn(t, forge, "merge", "-q", "--no-ff", "-m", "Merge pull request: plan", "origin/plan")
	gitIn(t, forge, "push", "-q", "origin", "main")

	ci := filepath.Join(t.TempDir(), "ci")
	gitIn(t, dev, "clone", "-q", remote, ci)
	gitIn(t, ci, "checkout", "-q", "--detach", "origin/third")
	wantCode(t, runIn(t, ci, "turn", "--thread", "3"), exitFindings)
	gitIn(t, dev, "fetch", "-q", "origin")
	wantCode(t, runIn(t, dev, "turn", "--thread", "3"), exitFindings)

	// Thread 1 does its work and lands through a merge: now it counts.
	gitIn(t, dev, "checkout", "-q", "first")
	write(t, filepath.Join(dev, "a/x.go"), "package a\n")
	commitAll(t, dev, "a")
	gitIn(t, dev, "push", "-q", "origin", "first")
	gitIn(t, forge, "pull", "-q", "--no-rebase", "origin", "main")
	gitIn(t, forge, "fetch", "-q", "origin")
	gitIn(t, forge, "merge", "-q", "--no-ff", "-m", "Merge pull request: first", "origin/first")
	gitIn(t, forge, "push", "-q", "origin", "main")
	gitIn(t, ci, "fetch", "-q", "origin")
	wantCode(t, runIn(t, ci, "turn", "--thread", "3"), exitOK)
}
