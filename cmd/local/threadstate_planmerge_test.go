package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestStatusAndCleanupBranchFromThePlansPullRequestHasNotLanded: fanout ran
// from the plan's commit before the plan's pull request was merged (the
// README's order), and the branches have no reflog (expired, or made
// elsewhere). Once that pull request is merged, squashed or rebased, a
// thread with no commits of its own has not landed: status shows no
// landing and cleanup keeps its worktree. The thread's own work landing
// the same way counts.
func TestStatusAndCleanupBranchFromThePlansPullRequestHasNotLanded(t *testing.T) {
	for _, land := range []string{"merge", "squash", "rebase"} {
		t.Run(land, func(t *testing.T) {
			repo, _, forge := prePlanRepo(t)
			copyTestdata(t, "fanout-plan.toml", filepath.Join(repo, "plan.toml"))
			write(t, filepath.Join(repo, "services/auth/login.go"), "package auth\n")
			commitAll(t, repo, "plan: threads")
			gitIn(t, repo, "push", "-q", "origin", "main:plan")
			wantCode(t, runIn(t, repo, "fanout"), exitOK)
			gitIn(t, repo, "reflog", "expire", "--expire=all", "--all")

			landOnForge := func(branch string) {
				landOn(t, forge, land, branch)
				gitIn(t, repo, "fetch", "-q", "origin")
				gitIn(t, repo, "reset", "-q", "--hard", "origin/main")
			}
			landed := func() string {
				t.Helper()
				r := runIn(t, repo, "status", "--json")
				wantCode(t, r, exitOK)
				var rows []statusRow
				if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
					t.Fatalf("%v\n%s", err, r.stdout)
				}
				return rows[0].Landed
			}
			landOnForge("plan")

			if how := landed(); how != "" {
				t.Errorf("status: thread 1 landed (%s) with no commits of its own", how)
			}
			r := runIn(t, repo, "cleanup", "--no-fetch")
			wantCode(t, r, exitOK)
			if !strings.HasPrefix(r.stdout, "thread 1 (extract-auth) worktrees/thread-1: kept: not landed: no commits of its own yet") {
				t.Errorf("cleanup:\n%s", r.stdout)
			}

			// Thread 1 does its work and lands: now it counts.
			wt1 := filepath.Join(repo, "worktrees", "thread-1")
			write(t, filepath.Join(wt1, "services/auth/new.go"), "package auth\n")
			commitAll(t, wt1, "auth work")
			gitIn(t, repo, "reflog", "expire", "--expire=all", "--all")
			gitIn(t, repo, "push", "-q", "origin", "extract-auth")
			landOnForge("extract-auth")
			if how := landed(); how == "" {
				t.Error("status: thread 1's own work landed, and status does not say so")
			}
			r = runIn(t, repo, "cleanup", "--no-fetch")
			wantCode(t, r, exitOK)
			if !strings.HasPrefix(r.stdout, "thread 1 (extract-auth) worktrees/thread-1: removed (landed in main)") {
				t.Errorf("cleanup:\n%s", r.stdout)
			}
		})
	}
}
