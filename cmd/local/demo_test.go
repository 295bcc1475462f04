package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemo runs the demo end to end in a given folder and checks each
// verdict it promises to show.
func TestDemo(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	r := runIn(t, t.TempDir(), "demo", "--dir", dir)
	wantCode(t, r, exitOK)
	for _, want := range []string{
		"plan.toml: valid: 3 active threads",
		"thread 1 (extract-auth): created on new branch extract-auth from main",
		"$ ps-local check (in worktrees/thread-2)",
		"thread 1 (extract-auth): in scope: 1 path checked",
		"services/auth/hack.go: owned by thread 1 (extract-auth)",
		"out-of-scope (1)",
		"landed (merged)",
		"next in merge order: thread 2 (api-cleanup)",
		"thread 1 (extract-auth) worktrees/thread-1: removed (landed in main)",
		"all of it is in " + dir,
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("demo output lacks %q:\n%s", want, r.stdout)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "remote.git", "HEAD")); err != nil {
		t.Errorf("no bare remote: %v", err)
	}
	// A folder that is not empty is refused.
	r = runIn(t, t.TempDir(), "demo", "--dir", dir)
	wantCode(t, r, exitError)
	if !strings.Contains(r.stderr, "must be a new or empty folder") {
		t.Errorf("non-empty --dir: %q", r.stderr)
	}
}
