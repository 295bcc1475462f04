package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestWrittenPathIsTheWorktreesGitDir: the record lives where git rev-parse
// --git-dir says, for a linked worktree (read from its .git file) and for
// the main checkout (asked of git), never in the work tree.
func TestWrittenPathIsTheWorktreesGitDir(t *testing.T) {
	repo := fanoutRepo(t)
	wt := filepath.Join(t.TempDir(), "wt")
	gitIn(t, repo, "worktree", "add", "-q", "-b", "w", wt)
	for _, dir := range []string{repo, wt} {
		got, err := writtenPath(dir)
		if err != nil {
			t.Fatal(err)
		}
		want := filepath.Join(gitIn(t, dir, "rev-parse", "--path-format=absolute", "--git-dir"), writtenFile)
		if got != want {
			t.Errorf("%s: record at %s, want %s", dir, got, want)
		}
	}
	if err := writeRecorded(wt, "notes.md", []byte("x\n")); err != nil {
		t.Fatal(err)
	}
	sums, err := readWritten(wt)
	if err != nil || len(sums) != 1 || sums["notes.md"] == "" {
		t.Fatalf("record %v, %v", sums, err)
	}
	if _, err := os.Stat(filepath.Join(wt, writtenFile)); err == nil {
		t.Error("the record is in the work tree")
	}
	work, err := ignoredWork(wt, []string{"notes.md"}, ignoredNamed)
	if err != nil || len(work) != 0 {
		t.Errorf("unchanged: work %v, %v", work, err)
	}
	write(t, filepath.Join(wt, "notes.md"), "y\n")
	if work, err := ignoredWork(wt, []string{"notes.md"}, ignoredNamed); err != nil || len(work) != 1 {
		t.Errorf("changed: work %v, %v", work, err)
	}
}
