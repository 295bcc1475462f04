package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// landThread commits a file in thread id's worktree and merges the branch
// into main.
func landThread(t *testing.T, repo, id, branch, path string) {
	t.Helper()
	wt := filepath.Join(repo, "worktrees", "thread-"+id)
	write(t, filepath.Join(wt, path), "work of "+branch+"\n")
	commitAll(t, wt, "work on "+branch)
	gitIn(t, repo, "merge", "-q", "--no-ff", "-m", "land "+branch, branch)
}

func TestCleanup(t *testing.T) {
	repo := fanoutRepo(t)
	wantCode(t, runIn(t, repo, "fanout"), exitOK)
	landThread(t, repo, "1", "extract-auth", "services/auth/new.go")
	wt2 := filepath.Join(repo, "worktrees", "thread-2")
	write(t, filepath.Join(wt2, "services/api/wip.go"), "package api\n")
	commitAll(t, wt2, "unpushed work")

	r := runIn(t, repo, "cleanup")
	wantCode(t, r, exitOK)
	want := `thread 1 (extract-auth) worktrees/thread-1: removed (landed in main)
thread 2 (api-cleanup) worktrees/thread-2: kept: not landed: 1 commit not in main; 1 unpushed commit (pass --force to remove it anyway)
thread 3 (docs) worktrees/thread-3: kept: not landed: no commits of its own yet (pass --force to remove it anyway)
`
	if r.stdout != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", r.stdout, want)
	}
	if _, err := os.Stat(filepath.Join(repo, "worktrees", "thread-1")); err == nil {
		t.Error("the landed worktree is still there")
	}
	if gitIn(t, repo, "branch", "--list", "extract-auth") == "" {
		t.Error("the branch was deleted without --delete-branches")
	}
	if _, err := os.Stat(filepath.Join(wt2, "services/api/wip.go")); err != nil {
		t.Error("thread 2's work is gone")
	}
	// Again: nothing left to do, nothing changes.
	before := snapshot(t, repo)
	wantCode(t, runIn(t, repo, "cleanup"), exitOK)
	if snapshot(t, repo) != before {
		t.Error("a second cleanup changed something")
	}
}

func TestCleanupKeepsUncommittedWorkOfALandedThread(t *testing.T) {
	repo := fanoutRepo(t)
	wantCode(t, runIn(t, repo, "fanout"), exitOK)
	landThread(t, repo, "1", "extract-auth", "services/auth/new.go")
	wt1 := filepath.Join(repo, "worktrees", "thread-1")
	write(t, filepath.Join(wt1, "services/auth/notes.txt"), "not committed\n")
	write(t, filepath.Join(wt1, "services/auth/login.go"), "package auth // edited\n")

	r := runIn(t, repo, "cleanup", "--delete-branches")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, "thread 1 (extract-auth) worktrees/thread-1: kept: 2 uncommitted or untracked files (pass --force") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	if readFile(t, filepath.Join(wt1, "services/auth/notes.txt")) != "not committed\n" {
		t.Fatal("uncommitted work was lost")
	}
	if gitIn(t, repo, "branch", "--list", "extract-auth") == "" {
		t.Error("the branch of a kept worktree was deleted")
	}

	r = runIn(t, repo, "cleanup", "--force", "--delete-branches")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, "thread 1 (extract-auth) worktrees/thread-1: removed with --force (2 uncommitted or untracked files); deleted branch extract-auth") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
}

func TestCleanupDeleteBranches(t *testing.T) {
	repo := fanoutRepo(t)
	wantCode(t, runIn(t, repo, "fanout"), exitOK)
	landThread(t, repo, "1", "extract-auth", "services/auth/new.go")
	tip := gitIn(t, repo, "rev-parse", "extract-auth")
	r := runIn(t, repo, "cleanup", "--delete-branches")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, "removed (landed in main); deleted branch extract-auth (was "+tip[:12]+")") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	if gitIn(t, repo, "branch", "--list", "extract-auth") != "" {
		t.Error("the landed branch is still there")
	}
	if gitIn(t, repo, "merge-base", "--is-ancestor", tip, "main") != "" {
		t.Error("the landed commits are not in main")
	}
	// Threads that did not land keep their branches.
	for _, b := range []string{"api-cleanup", "docs"} {
		if gitIn(t, repo, "branch", "--list", b) == "" {
			t.Errorf("branch %s was deleted", b)
		}
	}
}

func TestCleanupForceKeepsUnpushedCommitsInTheBranch(t *testing.T) {
	repo := fanoutRepo(t)
	wantCode(t, runIn(t, repo, "fanout"), exitOK)
	wt2 := filepath.Join(repo, "worktrees", "thread-2")
	write(t, filepath.Join(wt2, "services/api/wip.go"), "package api\n")
	commitAll(t, wt2, "unpushed work")
	tip := gitIn(t, wt2, "rev-parse", "HEAD")
	// --force removes the worktree, but without --delete-branches the
	// commits stay reachable from the branch.
	r := runIn(t, repo, "cleanup", "--force")
	wantCode(t, r, exitOK)
	if got := gitIn(t, repo, "rev-parse", "api-cleanup"); got != tip {
		t.Errorf("the branch lost its commits: %s, want %s", got, tip)
	}
}
