package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCleanupManyWorktreesInPlanOrder runs cleanup on more worktrees than
// the machine has CPUs, in four states in turn: landed, no work, landed
// with an untracked file, an unpushed commit; thread 9 landed with a file
// that makes the teardown fail. Every line must be in the plan's order
// (thread-10 sorts before thread-2 by folder), and only the landed
// worktrees whose teardown succeeded are removed, whatever order the
// concurrent reads finish in.
func TestCleanupManyWorktreesInPlanOrder(t *testing.T) {
	repo := gitRepo(t)
	const n = 12
	plan := "teardown = [\"test ! -f fail-teardown\"]\n\n"
	for i := 1; i <= n; i++ {
		plan += fmt.Sprintf("[[threads]]\nid = %d\nbranch = \"t%d\"\ngoal = \"g\"\nowns = [\"pkg%d/\"]\nmerge_order = %d\n\n", i, i, i, i)
	}
	write(t, filepath.Join(repo, "plan.toml"), plan)
	commitAll(t, repo, "plan")
	wantCode(t, runIn(t, repo, "fanout"), exitOK)
	var want strings.Builder
	for i := 1; i <= n; i++ {
		wt := filepath.Join(repo, "worktrees", fmt.Sprintf("thread-%d", i))
		name := fmt.Sprintf("thread %d (t%d) worktrees/thread-%d", i, i, i)
		switch i % 4 {
		case 1, 3:
			write(t, filepath.Join(wt, fmt.Sprintf("pkg%d", i), "work.go"), "package x\n")
			if i == 9 {
				write(t, filepath.Join(wt, "fail-teardown"), "x\n")
			}
			commitAll(t, wt, "work")
			gitIn(t, repo, "merge", "-q", "--no-ff", "-m", "land", fmt.Sprintf("t%d", i))
			switch {
			case i == 9:
				fmt.Fprintf(&want, "%s: kept: teardown command 1 of 1, 'test ! -f fail-teardown', exited with status 1; fix it and rerun cleanup (pass --force to remove it anyway)\n", name)
			case i%4 == 3:
				write(t, filepath.Join(wt, fmt.Sprintf("pkg%d", i), "notes.txt"), "not committed\n")
				fmt.Fprintf(&want, "%s: kept: 1 uncommitted or untracked file (pass --force to remove it anyway)\n", name)
			default:
				fmt.Fprintf(&want, "%s: removed (landed in main)\n", name)
			}
		case 2:
			fmt.Fprintf(&want, "%s: kept: not landed: no commits of its own yet (pass --force to remove it anyway)\n", name)
		case 0:
			write(t, filepath.Join(wt, fmt.Sprintf("pkg%d", i), "work.go"), "package x\n")
			commitAll(t, wt, "work")
			fmt.Fprintf(&want, "%s: kept: not landed: 1 commit not in main; 1 unpushed commit (pass --force to remove it anyway)\n", name)
		}
	}
	r := runIn(t, repo, "cleanup")
	wantCode(t, r, exitOK)
	if r.stdout != want.String() {
		t.Errorf("stdout:\n%s\nwant:\n%s", r.stdout, want.String())
	}
	for i := 1; i <= n; i++ {
		_, err := os.Stat(filepath.Join(repo, "worktrees", fmt.Sprintf("thread-%d", i)))
		if removed := i%4 == 1 && i != 9; removed != os.IsNotExist(err) {
			t.Errorf("thread %d: removed %v, want %v", i, os.IsNotExist(err), removed)
		}
	}
	if got := readFile(t, filepath.Join(repo, "worktrees", "thread-3", "pkg3", "notes.txt")); got != "not committed\n" {
		t.Errorf("thread 3's uncommitted file: %q", got)
	}
}
