package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestTrialCheckIgnoresTheWorktreesBaseChoice: check takes the name of the
// base branch from the worktree's copy of plan.toml. A thread that edits
// that copy (uncommitted) to name a local branch of its own, whose
// committed plan names itself as base and gives the thread everything,
// gets a green `check --committed` (and pre-push hook) for work the real
// base's plan puts out of its scope. The Action reads the real base, so
// the local check no longer means a green scope status. The base should
// come from the main checkout's copy (or HEAD's committed plan, as the
// guard does), never from an uncommitted edit in the thread's worktree.
func TestTrialCheckIgnoresTheWorktreesBaseChoice(t *testing.T) {
	t.Skip("trial: an uncommitted base = \"...\" in a thread's plan.toml picks the plan check --committed uses")
	repo := checkRepo(t)
	write(t, filepath.Join(repo, "services/api/handler.go"), "package api\n\nfunc Handle() { stray() }\n")
	commitAll(t, repo, "stray into thread 2's area")
	r := runIn(t, repo, "check", "--committed")
	wantCode(t, r, exitFindings)

	gitIn(t, repo, "checkout", "-q", "-b", "evil", "main")
	write(t, filepath.Join(repo, "plan.toml"), `base = "evil"

[[threads]]
id = 1
branch = "extract-auth"
goal = "everything"
owns = ["services/"]
merge_order = 1
`)
	commitAll(t, repo, "a plan that gives thread 1 everything")
	gitIn(t, repo, "checkout", "-q", "extract-auth")
	plan := readFile(t, filepath.Join(repo, "plan.toml"))
	write(t, filepath.Join(repo, "plan.toml"), `base = "evil"`+"\n"+plan)

	r = runIn(t, repo, "check", "--committed")
	if r.code != exitFindings || !strings.Contains(r.stdout, "services/api/handler.go") {
		t.Errorf("check --committed went by the plan a thread chose: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, exitFindings, r.stdout, r.stderr)
	}
}
