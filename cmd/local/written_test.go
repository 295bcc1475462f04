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

// TestWriteMergedKeepsTheOperatorsFile: a file fanout merges its part into
// is fanout's only when it made it or it was as fanout wrote it; merged
// into the operator's own file, the result stays their work.
func TestWriteMergedKeepsTheOperatorsFile(t *testing.T) {
	repo := fanoutRepo(t)
	wt := filepath.Join(t.TempDir(), "wt")
	gitIn(t, repo, "worktree", "add", "-q", "-b", "w", wt)
	isWork := func() bool {
		t.Helper()
		work, err := ignoredWork(wt, []string{"s.json"}, ignoredNamed)
		if err != nil {
			t.Fatal(err)
		}
		return len(work) > 0
	}
	if err := writeMerged(wt, "s.json", nil, []byte("fanout's\n")); err != nil || isWork() {
		t.Fatalf("made by fanout: work %v, %v", isWork(), err)
	}
	if err := writeMerged(wt, "s.json", []byte("fanout's\n"), []byte("fanout's, again\n")); err != nil || isWork() {
		t.Fatalf("merged into fanout's: work %v, %v", isWork(), err)
	}
	if err := writeMerged(wt, "s.json", []byte("mine\n"), []byte("mine and fanout's\n")); err != nil || !isWork() {
		t.Fatalf("merged into the operator's: work %v, %v", isWork(), err)
	}
}
