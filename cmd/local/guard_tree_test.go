package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestGuardJudgesLiteralFilesInTheBaseTree: the plan shape people write
// most (one thread owns every Go file, go.sum is shared) is valid because
// go.sum is a file on the base branch. Guard must judge the plan in that
// tree, as validate and check do, not fail closed on an overlap through
// "go.sum/x.go" that cannot exist.
func TestGuardJudgesLiteralFilesInTheBaseTree(t *testing.T) {
	repo := treeRepo(t)
	wantCode(t, runIn(t, repo, "fanout"), exitOK)
	wt1 := filepath.Join(repo, "worktrees", "thread-1")
	wt2 := filepath.Join(repo, "worktrees", "thread-2")

	if reason := guardVerdict(t, wt1, hookJSON(t, "edit.json", wt1, filepath.Join(wt1, "main.go"))); reason != "" {
		t.Errorf("thread 1 editing its own main.go was denied: %s", reason)
	}
	if reason := guardVerdict(t, wt1, hookJSON(t, "edit.json", wt1, filepath.Join(wt1, "go.sum"))); reason != "" {
		t.Errorf("thread 1 editing the shared go.sum was denied: %s", reason)
	}
	if reason := guardVerdict(t, wt2, hookJSON(t, "edit.json", wt2, filepath.Join(wt2, "README.md"))); reason != "" {
		t.Errorf("thread 2 editing its own README.md was denied: %s", reason)
	}
	reason := guardVerdict(t, wt2, hookJSON(t, "write.json", wt2, filepath.Join(wt2, "README.md", "x.go")))
	if !strings.Contains(reason, "thread 1") {
		t.Errorf("thread 2 writing README.md/x.go (README.md is a file, so not thread 2's): got %q, want a deny naming thread 1", reason)
	}
}
