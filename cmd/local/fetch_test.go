package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCleanupFetchesTheBase: a thread merged on the remote is kept by
// cleanup --no-fetch (nothing says it landed) and removed by cleanup,
// which fetches the base first and says it landed in origin/main (local
// main is behind).
func TestCleanupFetchesTheBase(t *testing.T) {
	repo, wt1 := remoteLandedRepo(t, "merge", "a.go")
	r := runIn(t, repo, "cleanup", "--no-fetch")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, "thread 1 (extract-auth) worktrees/thread-1: kept: not landed: 1 commit not in main") {
		t.Errorf("cleanup --no-fetch:\n%s", r.stdout)
	}
	r = runIn(t, repo, "cleanup")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, "thread 1 (extract-auth) worktrees/thread-1: removed (landed in origin/main)") || r.stderr != "" {
		t.Errorf("cleanup:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	}
	if _, err := os.Stat(wt1); err == nil {
		t.Error("the landed worktree is still there")
	}
	if gitIn(t, repo, "rev-parse", "origin/main") != gitIn(t, repo, "ls-remote", "origin", "refs/heads/main")[:40] {
		t.Error("origin/main is not the remote's main after the fetch")
	}
}

// TestStatusFetch: status stays offline by default; --fetch shows the
// landing on the remote.
func TestStatusFetch(t *testing.T) {
	repo, _ := remoteLandedRepo(t, "merge", "a.go")
	if rows := statusRows(t, repo); rows[1].Landed != "" {
		t.Errorf("status without --fetch saw thread 1 landed (%q) before any fetch", rows[1].Landed)
	}
	r := runIn(t, repo, "status", "--fetch", "--json")
	wantCode(t, r, exitOK)
	var rows []statusRow
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
		t.Fatalf("status --fetch --json: %v\n%s", err, r.stdout)
	}
	if rows[0].Landed != landedMerged {
		t.Errorf("status --fetch: thread 1 landed %q, want %q", rows[0].Landed, landedMerged)
	}
}

// TestCleanupUnreachableRemote: a remote that is not there is one line on
// stderr, and cleanup goes on with the local view.
func TestCleanupUnreachableRemote(t *testing.T) {
	repo := fanoutRepo(t)
	wantCode(t, runIn(t, repo, "fanout"), exitOK)
	gitIn(t, repo, "remote", "add", "origin", filepath.Join(t.TempDir(), "gone.git"))
	landThread(t, repo, "1", "extract-auth", "services/auth/new.go")
	r := runIn(t, repo, "cleanup")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, "thread 1 (extract-auth) worktrees/thread-1: removed (landed in main)") {
		t.Errorf("cleanup:\n%s", r.stdout)
	}
	lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "ps-local: note: git fetch origin main failed: ") || !strings.HasSuffix(lines[0], "; going on with origin/main as last fetched") {
		t.Errorf("stderr: want one note line, got:\n%s", r.stderr)
	}
}

// TestFetchRemoteBaseTimesOut: a remote that never answers (its
// upload-pack sleeps) is given up on at the timeout, with the processes
// it started killed, instead of hanging the command.
func TestFetchRemoteBaseTimesOut(t *testing.T) {
	repo, _ := bareRemoteRepo(t)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	t.Setenv("GIT_CONFIG_GLOBAL", "/dev/null")
	gitIn(t, repo, "config", "remote.origin.uploadpack", "sleep 60; git-upload-pack")
	start := time.Now()
	moved, err := fetchRemoteBase(gitCmd{dir: repo}, "origin", "main", time.Second)
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("the fetch took %s with a 1s timeout", took)
	}
	if moved || err == nil || !strings.Contains(err.Error(), "git fetch origin main gave no answer within 1s") {
		t.Errorf("moved %v, err %v", moved, err)
	}
}

// TestPrintable: what a remote says reaches the terminal without its
// control characters (an escape sequence, a carriage return).
func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"remote: \x1b[31mred\x1b[0m": "remote:  [31mred [0m",
		"a\rb\tc":                    "a b c",
		"plain, ünïcode":             "plain, ünïcode",
	} {
		if got := printable(in); got != want {
			t.Errorf("printable(%q) = %q, want %q", in, got, want)
		}
	}
}
