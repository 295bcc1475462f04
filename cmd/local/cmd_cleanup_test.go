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

// TestCleanupSeesUntrackedFilesWhateverTheConfig: with
// status.showUntrackedFiles=no (common in big repositories) and
// status.renames on, a landed worktree holding a new file is kept.
func TestCleanupSeesUntrackedFilesWhateverTheConfig(t *testing.T) {
	repo := fanoutRepo(t)
	wantCode(t, runIn(t, repo, "fanout"), exitOK)
	landThread(t, repo, "1", "extract-auth", "services/auth/new.go")
	gitIn(t, repo, "config", "status.showUntrackedFiles", "no")
	gitIn(t, repo, "config", "status.renames", "copies")
	wt1 := filepath.Join(repo, "worktrees", "thread-1")
	notes := filepath.Join(wt1, "services/auth/next.go")
	write(t, notes, "package auth // the next piece of work, not committed yet\n")

	r := runIn(t, repo, "cleanup")
	wantCode(t, r, exitOK)
	if _, err := os.Stat(notes); err != nil {
		t.Fatalf("cleanup deleted an untracked file: %v\nstdout:\n%s", err, r.stdout)
	}
	if !strings.Contains(r.stdout, "thread 1 (extract-auth) worktrees/thread-1: kept: 1 uncommitted or untracked file (pass --force") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
}

// TestCleanupKeepsIgnoredWork: git worktree remove deletes ignored files
// without a word, so a landed worktree holding an ignored file fanout did
// not write (a local config, notes) is kept, and named; --discard-ignored
// removes it, and the files fanout wrote, unchanged, never keep it.
func TestCleanupKeepsIgnoredWork(t *testing.T) {
	repo := fanoutRepo(t)
	write(t, filepath.Join(repo, ".gitignore"), "*.local\nbuild/\n")
	commitAll(t, repo, "ignore local files")
	wantCode(t, runIn(t, repo, "fanout"), exitOK)
	landThread(t, repo, "1", "extract-auth", "services/auth/new.go")
	wt1 := filepath.Join(repo, "worktrees", "thread-1")
	notes := filepath.Join(wt1, "services/auth/notes.local")
	write(t, notes, "hours of notes\n")
	for _, name := range []string{"a", "b", "c"} {
		write(t, filepath.Join(wt1, "build", name), "output\n")
	}

	r := runIn(t, repo, "cleanup")
	wantCode(t, r, exitOK)
	if _, err := os.Stat(notes); err != nil {
		t.Fatalf("cleanup deleted an ignored file the operator wrote: %v\nstdout:\n%s", err, r.stdout)
	}
	want := "thread 1 (extract-auth) worktrees/thread-1: kept: ignored files fanout did not write: build/a build/b build/c and more (move them out of the worktree, or pass --discard-ignored to delete them) (pass --force to remove it anyway)\n"
	if !strings.HasPrefix(r.stdout, want) {
		t.Errorf("stdout:\n%s\nwant first line:\n%s", r.stdout, want)
	}

	r = runIn(t, repo, "cleanup", "--discard-ignored")
	wantCode(t, r, exitOK)
	if !strings.HasPrefix(r.stdout, "thread 1 (extract-auth) worktrees/thread-1: removed (landed in main)\n") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	if _, err := os.Stat(wt1); err == nil {
		t.Error("--discard-ignored kept the worktree")
	}
}

// briefNotFanouts is cleanup's report when threads 1 and 2 landed and
// thread 1's brief is no longer the file fanout wrote.
const briefNotFanouts = `thread 1 (extract-auth) worktrees/thread-1: kept: ignored file fanout did not write: THREAD_BRIEF.md (move it out of the worktree, or pass --discard-ignored to delete it) (pass --force to remove it anyway)
thread 2 (api-cleanup) worktrees/thread-2: removed (landed in main)
`

// TestCleanupKeepsAnEditedFanoutFile: a file fanout wrote is not work while
// it is as fanout wrote it (its record in the worktree's git folder); an
// edit makes it work.
func TestCleanupKeepsAnEditedFanoutFile(t *testing.T) {
	repo := fanoutRepo(t)
	wantCode(t, runIn(t, repo, "fanout"), exitOK)
	landThread(t, repo, "1", "extract-auth", "services/auth/new.go")
	landThread(t, repo, "2", "api-cleanup", "services/api/new.go")
	wt1 := filepath.Join(repo, "worktrees", "thread-1")
	write(t, filepath.Join(wt1, "THREAD_BRIEF.md"), readFile(t, filepath.Join(wt1, "THREAD_BRIEF.md"))+"my own notes\n")

	r := runIn(t, repo, "cleanup")
	wantCode(t, r, exitOK)
	want := briefNotFanouts
	if !strings.HasPrefix(r.stdout, want) {
		t.Errorf("stdout:\n%s\nwant:\n%s", r.stdout, want)
	}
	if strings.Contains(gitIn(t, repo, "status", "--porcelain", "--ignored", "--untracked-files=all"), writtenFile) {
		t.Error("the record of fanout's files is in a work tree")
	}
}

// TestCleanupRemovesUnchangedWorktreeIncludeCopies: the copies fanout made
// of .worktreeinclude files can be made again, so they never keep a
// worktree; a changed copy does.
func TestCleanupRemovesUnchangedWorktreeIncludeCopies(t *testing.T) {
	repo := fanoutRepo(t)
	write(t, filepath.Join(repo, ".gitignore"), "*.local\n")
	write(t, filepath.Join(repo, includeFile), "*.local\n")
	commitAll(t, repo, "copy local files into worktrees")
	write(t, filepath.Join(repo, "config.local"), "key=1\n")
	wantCode(t, runIn(t, repo, "fanout"), exitOK)
	landThread(t, repo, "1", "extract-auth", "services/auth/new.go")
	landThread(t, repo, "2", "api-cleanup", "services/api/new.go")
	wt2 := filepath.Join(repo, "worktrees", "thread-2")
	write(t, filepath.Join(wt2, "config.local"), "key=2\n")

	r := runIn(t, repo, "cleanup")
	wantCode(t, r, exitOK)
	want := `thread 1 (extract-auth) worktrees/thread-1: removed (landed in main)
thread 2 (api-cleanup) worktrees/thread-2: kept: ignored file fanout did not write: config.local (move it out`
	if !strings.HasPrefix(r.stdout, want) {
		t.Errorf("stdout:\n%s\nwant:\n%s", r.stdout, want)
	}
}
