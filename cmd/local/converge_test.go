package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestSeedForms: the seed tool's commands: a positional plan file,
// converge and converge --no-push.
func TestSeedForms(t *testing.T) {
	repo, remote := cycleRepo(t)
	gitIn(t, repo, "mv", "plan.toml", "team.toml")
	commitAll(t, repo, "the plan under another name")
	gitIn(t, repo, "push", "-q", "origin", "main")
	wantCode(t, runIn(t, repo, "fanout", "team.toml"), exitOK)
	wt1 := filepath.Join(repo, "worktrees", "thread-1")
	write(t, filepath.Join(wt1, "services/auth/a.go"), "package auth\n")
	commitAll(t, wt1, "a")
	wantCode(t, runIn(t, repo, "status", "team.toml"), exitOK)

	r := runIn(t, repo, "converge", "--no-push", "team.toml")
	wantCode(t, r, exitOK)
	want := "git push --set-upstream origin refs/heads/extract-auth:refs/heads/extract-auth\n# open or update the pull request extract-auth into main: [1/3] extract-auth: Move auth middleware into services/auth\n# thread 2 (api-cleanup): nothing to push\n"
	if !strings.HasPrefix(r.stdout, want) {
		t.Errorf("converge --no-push:\n%s\nwant prefix:\n%s", r.stdout, want)
	}
	if out := gitIn(t, remote, "branch", "--list", "extract-auth"); out != "" {
		t.Error("converge --no-push pushed")
	}
	// converge is push --open-prs: without a token it says what to do.
	r = runIn(t, repo, "converge", "team.toml")
	wantCode(t, r, exitError)
	if !strings.Contains(r.stderr, "--open-prs needs a token") {
		t.Errorf("converge without a token: %q", r.stderr)
	}
	wantCode(t, runIn(t, repo, "status", "team.toml", "extra"), exitError)
}
