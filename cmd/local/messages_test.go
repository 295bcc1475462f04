package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestMessages: the messages users were seen to misread.
func TestMessages(t *testing.T) {
	repo := fanoutRepo(t)
	plan := filepath.Join(repo, "plan.toml")

	// A byte order mark is dropped, not reported as a strange character.
	write(t, plan, "\xef\xbb\xbf"+readFile(t, plan))
	r := runIn(t, repo, "validate")
	wantCode(t, r, exitOK)
	commitAll(t, repo, "a plan saved with a BOM")
	wantCode(t, runIn(t, repo, "status"), exitOK)

	// The dirty-tree refusal names the files.
	write(t, filepath.Join(repo, "services/auth/login.go"), "package auth // edited\n")
	r = runIn(t, repo, "fanout")
	wantCode(t, r, exitError)
	if !strings.Contains(r.stderr, "uncommitted changes to 1 tracked file (services/auth/login.go); commit or stash them first") {
		t.Errorf("dirty tree: %q", r.stderr)
	}
	gitIn(t, repo, "checkout", "--", ".")

	// No flag these commands lack is suggested.
	gitIn(t, repo, "branch", "-q", "-m", "main", "trunk")
	for _, cmd := range []string{"fanout", "status"} {
		r = runIn(t, repo, cmd)
		wantCode(t, r, exitError)
		if strings.Contains(r.stderr, "--base") {
			t.Errorf("%s suggests --base: %q", cmd, r.stderr)
		}
	}

	// --hooks takes no argument, and its help does not read as if it did.
	r = runIn(t, repo, "fanout", "--help")
	if strings.Contains(r.stdout, "-hooks ps-local") {
		t.Errorf("--hooks help: %q", r.stdout)
	}
	if quoteIfNeeded("worktrees/thread-1") != "worktrees/thread-1" || quoteIfNeeded("my repo/worktrees/thread-1") != "'my repo/worktrees/thread-1'" {
		t.Error("cd lines are not quoted where needed")
	}
}

func TestValidateOneThread(t *testing.T) {
	repo := gitRepo(t)
	write(t, filepath.Join(repo, "plan.toml"), "[[threads]]\nid = 1\nbranch = \"a\"\ngoal = \"g\"\nowns = [\"a/\"]\nmerge_order = 1\n")
	r := runIn(t, repo, "validate")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, "valid: 1 active thread, 0 dropped") {
		t.Errorf("validate: %q", r.stdout)
	}
}
