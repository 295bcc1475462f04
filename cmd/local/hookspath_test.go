package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFanoutHooksRelativeHooksPath: a relative core.hooksPath (husky's
// .husky, a tracked hooks folder) is resolved by git in each worktree's
// own root, so a hook written into the main checkout's folder never runs
// in a thread's worktree. fanout --hooks refuses (exit 2) instead of
// saying it installed hooks that do not run, and writes nothing there.
func TestFanoutHooksRelativeHooksPath(t *testing.T) {
	repo := fanoutRepo(t)
	gitIn(t, repo, "config", "core.hooksPath", "myhooks")
	r := runIn(t, repo, "fanout", "--hooks")
	wantCode(t, r, exitError)
	if !strings.Contains(r.stderr, `core.hooksPath "myhooks" is relative`) {
		t.Errorf("stderr: %q", r.stderr)
	}
	if _, err := os.Stat(filepath.Join(repo, "myhooks")); err == nil {
		t.Error("fanout wrote hooks into a folder only the main checkout runs")
	}
}

// TestFanoutHooksAbsoluteHooksPath: an absolute core.hooksPath is one
// folder for every worktree: the hooks go there and run in the threads.
func TestFanoutHooksAbsoluteHooksPath(t *testing.T) {
	repo := fanoutRepo(t)
	hooks := filepath.Join(t.TempDir(), "hooks")
	gitIn(t, repo, "config", "core.hooksPath", hooks)
	wantCode(t, runIn(t, repo, "fanout", "--hooks"), exitOK)
	wt := filepath.Join(repo, "worktrees", "thread-1")
	write(t, filepath.Join(wt, "services/api/stray.go"), "package api\n")
	gitIn(t, wt, "add", "-A")
	if err := gitCommit(t, wt, "stray"); err == nil {
		t.Fatal("the pre-commit hook in core.hooksPath did not run in the thread's worktree")
	} else if !strings.Contains(err.Error(), "owned by thread 2 (api-cleanup)") {
		t.Errorf("commit refused without the finding: %v", err)
	}
}
