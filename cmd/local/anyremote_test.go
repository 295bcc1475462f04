package main

import (
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestPushAnyRemote: a bare path remote is pushed to with an upstream set
// and no GitHub talk; one thread's failed push does not stop the others,
// and each error is one line.
func TestPushAnyRemote(t *testing.T) {
	repo, remote := bareRemoteRepo(t)
	wantCode(t, runIn(t, repo, "fanout"), exitOK)
	wt := func(id string) string { return filepath.Join(repo, "worktrees", "thread-"+id) }
	write(t, filepath.Join(wt("1"), "services/auth/a.go"), "package auth\n")
	commitAll(t, wt("1"), "a")
	write(t, filepath.Join(wt("3"), "docs/x.md"), "x\n")
	commitAll(t, wt("3"), "docs")

	// Someone else pushed thread 1's branch first: its push fails.
	pushedElsewhere(t, remote, "extract-auth", "services/auth/b.go", "package auth\n")

	r := runIn(t, repo, "push")
	wantCode(t, r, exitError)
	if !strings.Contains(r.stdout, "thread 3 (docs): pushed docs to origin\n") {
		t.Errorf("thread 3 not pushed after thread 1 failed:\n%s\n%s", r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout, "compare") || strings.Contains(r.stdout, "pull request") {
		t.Errorf("GitHub talk for a path remote:\n%s", r.stdout)
	}
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "thread 1 (extract-auth): push extract-auth to origin failed: ") {
		t.Errorf("want one error line for thread 1, got:\n%s", r.stderr)
	}
	if got := gitIn(t, remote, "rev-parse", "docs"); got != gitIn(t, wt("3"), "rev-parse", "HEAD") {
		t.Errorf("remote docs at %s", got)
	}
	if up := gitIn(t, wt("3"), "rev-parse", "--abbrev-ref", "@{upstream}"); up != "origin/docs" {
		t.Errorf("upstream of docs: %q", up)
	}

	r = runIn(t, repo, "push", "--open-prs")
	wantCode(t, r, exitError)
	if !strings.Contains(r.stderr, "remote origin is not on GitHub") {
		t.Errorf("--open-prs on a path remote: %q", r.stderr)
	}
}

// TestOpenPRsWithoutToken: --open-prs without a token is exit 2 with what
// to do, before anything is pushed.
func TestOpenPRsWithoutToken(t *testing.T) {
	repo, remote := cycleRepo(t)
	wantCode(t, runIn(t, repo, "fanout"), exitOK)
	wt1 := filepath.Join(repo, "worktrees", "thread-1")
	write(t, filepath.Join(wt1, "services/auth/a.go"), "package auth\n")
	commitAll(t, wt1, "a")
	r := runIn(t, repo, "push", "--open-prs")
	wantCode(t, r, exitError)
	if !strings.Contains(r.stderr, "--open-prs needs a token: set GITHUB_TOKEN or GH_TOKEN") {
		t.Errorf("stderr: %q", r.stderr)
	}
	if out := gitIn(t, remote, "branch", "--list", "extract-auth"); out != "" {
		t.Error("pushed although the command was refused")
	}
}

// TestGitHubUnreachable: with a token and an API that never answers,
// status and cleanup show git's view within seconds and say why.
func TestGitHubUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close() // never accepted: every request hangs
	repo, _ := cycleRepo(t)
	wantCode(t, runIn(t, repo, "fanout"), exitOK)
	env := []string{"GITHUB_TOKEN=t", "GITHUB_API_URL=http://" + ln.Addr().String() + "/"}
	for _, cmd := range []string{"status", "cleanup"} {
		start := time.Now()
		r := runEnv(t, repo, env, cmd)
		took := time.Since(start)
		wantCode(t, r, exitOK)
		if !strings.Contains(r.stderr, "GitHub not reached") {
			t.Errorf("%s: no word of GitHub: %q", cmd, r.stderr)
		}
		if took > 30*time.Second {
			t.Errorf("%s took %v", cmd, took)
		}
		if cmd == "status" && !strings.Contains(r.stdout, "extract-auth") || !strings.Contains(r.stdout+r.stderr, "unknown") && cmd == "status" {
			t.Errorf("status table:\n%s", r.stdout)
		}
	}
}
