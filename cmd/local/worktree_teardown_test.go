package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCleanupRunsTeardownBeforeRemoval(t *testing.T) {
	// The teardown sees the worktree (its brief is still there) and the
	// thread's variables; thread 2's teardown fails.
	repo := setupRepo(t, setupPlan(`teardown = ["test -f THREAD_BRIEF.md && echo \"$PORT $PS_THREAD_ID $PS_BRANCH\" >> ../../teardown.log", "test \"$PS_THREAD_ID\" != 2 || exit 4"]`, `PORT = "{port}"`))
	wantCode(t, runIn(t, repo, "fanout", "--no-guard"), exitOK)
	landThread(t, repo, "1", "auth", "services/auth/new.go")
	landThread(t, repo, "2", "api", "services/api/new.go")

	r := runIn(t, repo, "cleanup")
	wantCode(t, r, exitOK)
	want := `thread 1 (auth) worktrees/thread-1: removed (landed in main)
thread 2 (api) worktrees/thread-2: kept: teardown command 2 of 2, 'test "$PS_THREAD_ID" != 2 || exit 4', exited with status 4; fix it and rerun cleanup (pass --force to remove it anyway)
`
	if r.stdout != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", r.stdout, want)
	}
	if got := readFile(t, filepath.Join(repo, "teardown.log")); got != "20001 1 auth\n20002 2 api\n" {
		t.Errorf("teardown.log = %q", got)
	}
	if _, err := os.Stat(filepath.Join(repo, "worktrees", "thread-2", briefFile)); err != nil {
		t.Errorf("the worktree whose teardown failed is gone: %v", err)
	}

	r = runIn(t, repo, "cleanup", "--force")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, "thread 2 (api) worktrees/thread-2: removed with --force (teardown command 2 of 2") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	if _, err := os.Stat(filepath.Join(repo, "worktrees", "thread-2")); err == nil {
		t.Error("--force kept the worktree")
	}
}
