package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestPreCommitLetsAThreadUndoAStray: the pre-commit hook judges what the
// commit leaves the thread with, not the bare staged diff: a commit that
// puts an out-of-scope path back as it is on the base (reverting a stray
// that got past the hook) brings the thread back into scope and is let
// through; a commit that changes such a path further is still refused.
func TestPreCommitLetsAThreadUndoAStray(t *testing.T) {
	repo := fanoutRepo(t)
	wantCode(t, runIn(t, repo, "fanout", "--hooks"), exitOK)
	wt := filepath.Join(repo, "worktrees", "thread-1")
	handler := filepath.Join(wt, "services/api/handler.go")
	write(t, handler, "package api // stray\n")
	gitIn(t, wt, "add", "-A")
	gitIn(t, wt, "commit", "-q", "--no-verify", "-m", "stray")

	write(t, handler, "package api // stray, twice\n")
	gitIn(t, wt, "add", "-A")
	if err := gitCommit(t, wt, "more stray"); err == nil {
		t.Fatal("the pre-commit hook let a further out-of-scope change through")
	} else if !strings.Contains(err.Error(), "owned by thread 2 (api-cleanup)") {
		t.Errorf("commit refused without the finding: %v", err)
	}

	gitIn(t, wt, "reset", "-q", "--hard")
	gitIn(t, wt, "revert", "--no-commit", "HEAD")
	if err := gitCommit(t, wt, "undo the stray"); err != nil {
		t.Fatalf("the pre-commit hook refused the commit that undoes a stray: %v", err)
	}
	wantCode(t, runIn(t, wt, "check", "--committed"), exitOK)

	// A rename out of the thread's area is seen from both sides.
	gitIn(t, wt, "mv", "services/auth/login.go", "services/api/login.go")
	if err := gitCommit(t, wt, "move out"); err == nil {
		t.Fatal("the pre-commit hook let a rename into another thread's area through")
	} else if !strings.Contains(err.Error(), "services/api/login.go") {
		t.Errorf("commit refused without the finding: %v", err)
	}
}
