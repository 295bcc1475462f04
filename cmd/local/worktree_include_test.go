package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFanoutCopiesWorktreeInclude(t *testing.T) {
	repo := setupRepo(t, setupPlan(`setup = ["cat .env.local > seen.txt"]`, `PORT = "{port}"`))
	write(t, filepath.Join(repo, ".gitignore"), ".env.local\n*.secret\nlinked.secret\nbuild/\n")
	write(t, filepath.Join(repo, ".worktreeinclude"), ".env.local\n*.secret\nREADME.md\nbuild/\n")
	write(t, filepath.Join(repo, "README.md"), "tracked\n")
	commitAll(t, repo, "ignore rules")
	write(t, filepath.Join(repo, ".env.local"), "TOKEN=main\n")
	write(t, filepath.Join(repo, "services/api/db.secret"), "pw\n")
	write(t, filepath.Join(repo, "notes.txt"), "untracked, not ignored\n")
	write(t, filepath.Join(repo, "build/out.bin"), "bin\n")
	if err := os.Symlink("/etc/passwd", filepath.Join(repo, "linked.secret")); err != nil {
		t.Fatal(err)
	}
	r := runIn(t, repo, "fanout", "--no-guard", "--dry-run")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, "# copy into worktrees/thread-1 the ignored files .worktreeinclude names (regular files the worktree lacks): .env.local build/out.bin linked.secret services/api/db.secret\n# run in worktrees/thread-1: cat .env.local > seen.txt\n") {
		t.Errorf("--dry-run:\n%s", r.stdout)
	}
	r = runIn(t, repo, "fanout", "--no-guard")
	wantCode(t, r, exitOK)
	wt := filepath.Join(repo, "worktrees", "thread-1")
	if got := readFile(t, filepath.Join(wt, "seen.txt")); got != "TOKEN=main\n" {
		t.Errorf("setup ran before .env.local was copied: %q", got)
	}
	if got := readFile(t, filepath.Join(wt, "services/api/db.secret")); got != "pw\n" {
		t.Errorf("nested ignored file: %q", got)
	}
	if got := readFile(t, filepath.Join(wt, "build/out.bin")); got != "bin\n" {
		t.Errorf("file of an ignored folder: %q", got)
	}
	if got := readFile(t, filepath.Join(wt, "README.md")); got != "tracked\n" {
		t.Errorf("a tracked file was copied: %q", got)
	}
	for _, name := range []string{"notes.txt", "linked.secret"} {
		if _, err := os.Lstat(filepath.Join(wt, name)); err == nil {
			t.Errorf("%s was copied", name)
		}
	}
	if !strings.Contains(r.stderr, "thread 1 (auth): copied 3 ignored files named in .worktreeinclude\n") ||
		!strings.Contains(r.stderr, "thread 1 (auth): not copied: linked.secret (not a regular file)\n") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
	// The worktrees folder is ignored too; its files are never copied
	// into a later thread's worktree.
	write(t, filepath.Join(wt, "other.secret"), "thread 1's\n")
	gitIn(t, repo, "worktree", "remove", "--force", filepath.Join(repo, "worktrees", "thread-2"))
	wantCode(t, runIn(t, repo, "fanout", "--no-guard"), exitOK)
	if _, err := os.Lstat(filepath.Join(repo, "worktrees", "thread-2", "worktrees")); err == nil {
		t.Error("a file of another worktree was copied")
	}
}

func TestWorktreeIncludeNeverOverwrites(t *testing.T) {
	root, dir := t.TempDir(), t.TempDir()
	write(t, filepath.Join(root, ".env.local"), "main\n")
	write(t, filepath.Join(dir, ".env.local"), "worktree's own\n")
	write(t, filepath.Join(root, "sub/x.secret"), "secret\n")
	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(dir, "sub")); err != nil {
		t.Fatal(err)
	}
	copied, skipped, err := copyIncluded(root, dir, []string{".env.local", "sub/x.secret"})
	if err != nil {
		t.Fatal(err)
	}
	if copied != 0 || len(skipped) != 2 {
		t.Errorf("copied %d, skipped %q", copied, skipped)
	}
	if got := readFile(t, filepath.Join(dir, ".env.local")); got != "worktree's own\n" {
		t.Errorf("overwritten: %q", got)
	}
	if _, err := os.Lstat(filepath.Join(outside, "x.secret")); err == nil {
		t.Error("wrote through a symlinked folder out of the worktree")
	}
}
