package main

import (
	"path/filepath"
	"testing"
)

// TestTurnBranchFromThePlansPullRequestHasNotLanded: the plan lands on a
// protected base through its own pull request, and fanout ran from the
// plan's commit before that pull request was merged (the README's order:
// commit the plan, then fan out). A thread branch without commits of its
// own is then, with a merge commit, the merge's second parent (in the base,
// reached through a merge) and, with a squash or a rebase, a commit whose
// patch is in the base: either way nothing of the thread landed, and turn
// must keep waiting for it, in CI (the branch pushed early for a draft pull
// request) and locally. The thread's own work landing the same way counts.
func TestTurnBranchFromThePlansPullRequestHasNotLanded(t *testing.T) {
	for _, land := range []string{"merge", "squash", "rebase"} {
		t.Run(land, func(t *testing.T) {
			dev, remote, forge := prePlanRepo(t)
			write(t, filepath.Join(dev, "plan.toml"), turnPlan)
			commitAll(t, dev, "plan: threads")
			gitIn(t, dev, "branch", "first")
			gitIn(t, dev, "checkout", "-q", "-b", "third")
			write(t, filepath.Join(dev, "c/x.go"), "package c\n")
			commitAll(t, dev, "c")
			gitIn(t, dev, "push", "-q", "origin", "main:plan", "first", "third")
			landOnForge := func(branch string) { landOn(t, forge, land, branch) }
			landOnForge("plan")

			ci := filepath.Join(t.TempDir(), "ci")
			gitIn(t, dev, "clone", "-q", remote, ci)
			gitIn(t, ci, "checkout", "-q", "--detach", "origin/third")
			wantCode(t, runIn(t, ci, "turn", "--thread", "3"), exitFindings)
			gitIn(t, dev, "fetch", "-q", "origin")
			wantCode(t, runIn(t, dev, "turn", "--thread", "3"), exitFindings)

			// Thread 1 does its work and lands: now it counts.
			gitIn(t, dev, "checkout", "-q", "first")
			write(t, filepath.Join(dev, "a/x.go"), "package a\n")
			commitAll(t, dev, "a")
			gitIn(t, dev, "push", "-q", "origin", "first")
			landOnForge("first")
			gitIn(t, ci, "fetch", "-q", "origin")
			wantCode(t, runIn(t, ci, "turn", "--thread", "3"), exitOK)
		})
	}
}
