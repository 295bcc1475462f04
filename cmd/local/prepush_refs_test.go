package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestPrePushChecksPushedRefs: the pre-push hook checks every thread
// branch a push updates, whatever branch is checked out where it runs:
// pushing a thread branch from the main checkout, with --all, or another
// commit onto a thread's branch is no way around the scope check.
func TestPrePushChecksPushedRefs(t *testing.T) {
	repo, wt := strayRepo(t)

	for _, tc := range []struct {
		name string
		dir  string
		args []string
	}{
		{"from the main checkout", repo, []string{"origin", "extract-auth"}},
		{"with --all", repo, []string{"--all", "origin"}},
		{"one thread's branch onto another's", wt, []string{"origin", "HEAD:refs/heads/api-cleanup"}},
		{"the main branch onto a thread branch", repo, []string{"origin", "extract-auth:docs"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := gitPush(t, tc.dir, tc.args...); err == nil {
				t.Fatalf("git push %s: the pre-push hook let an out-of-scope commit through", strings.Join(tc.args, " "))
			}
			if out := gitIn(t, repo, "ls-remote", "origin", "refs/heads/extract-auth", "refs/heads/api-cleanup", "refs/heads/docs"); out != "" {
				t.Fatalf("an out-of-scope branch reached the remote:\n%s", out)
			}
		})
	}

	// In scope, the same pushes go through; deleting a thread branch is no
	// change to check; a branch that is no thread is not the hook's business.
	gitIn(t, wt, "reset", "-q", "--hard", "HEAD~1")
	write(t, filepath.Join(wt, "services/auth/new.go"), "package auth\n")
	gitIn(t, wt, "add", "-A")
	gitIn(t, wt, "commit", "-q", "-m", "in scope")
	if err := gitPush(t, repo, "origin", "extract-auth"); err != nil {
		t.Errorf("an in-scope push from the main checkout failed: %v", err)
	}
	if err := gitPush(t, repo, "origin", ":extract-auth"); err != nil {
		t.Errorf("deleting a thread branch failed: %v", err)
	}
	if err := gitPush(t, wt, "origin", "HEAD:extract-auth"); err != nil {
		t.Errorf("pushing HEAD of the thread's own worktree to its branch failed: %v", err)
	}
	gitIn(t, repo, "branch", "scratch", "extract-auth")
	if err := gitPush(t, wt, "origin", "scratch"); err != nil {
		t.Errorf("the hook blocked a branch that is no thread: %v", err)
	}
}

// TestPushForceScopePassesThePrePushHook: push --force-scope is the
// operator's decision to push a thread out of scope; the pre-push hook,
// which now checks every thread branch a push updates, does not undo it.
func TestPushForceScopePassesThePrePushHook(t *testing.T) {
	repo, _ := strayRepo(t)

	wantCode(t, runIn(t, repo, "push"), exitFindings)
	if out := gitIn(t, repo, "ls-remote", "origin", "refs/heads/extract-auth"); out != "" {
		t.Fatalf("push without --force-scope pushed an out-of-scope thread: %s", out)
	}
	r := runIn(t, repo, "push", "--force-scope")
	wantCode(t, r, exitOK)
	if out := gitIn(t, repo, "ls-remote", "origin", "refs/heads/extract-auth"); out == "" {
		t.Errorf("push --force-scope did not push the thread\nstdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	}
}
