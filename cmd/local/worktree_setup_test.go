package main

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// setupPlan is a two-thread plan with the given top-level lines (setup,
// teardown) and [env] lines.
func setupPlan(top, env string) string {
	return top + `
[env]
` + env + `

[[threads]]
id = 1
branch = "auth"
goal = "auth"
owns = ["services/auth/"]
merge_order = 1

[[threads]]
id = 2
branch = "api"
goal = "api"
owns = ["services/api/"]
merge_order = 2
`
}

// setupRepo is a repository on main with plan committed.
func setupRepo(t *testing.T, planText string) string {
	t.Helper()
	repo := gitRepo(t)
	write(t, filepath.Join(repo, "plan.toml"), planText)
	write(t, filepath.Join(repo, "services/auth/login.go"), "package auth\n")
	write(t, filepath.Join(repo, "services/api/handler.go"), "package api\n")
	commitAll(t, repo, "plan and code")
	return repo
}

func TestFanoutSetupOrderAndEnv(t *testing.T) {
	repo := setupRepo(t, setupPlan(`setup = ["echo first > order.txt", "echo second >> order.txt; echo \"$PORT $PS_THREAD_ID $PS_BRANCH $PS_WORKTREE $DB\" > env.txt; echo done-$PS_THREAD_ID"]`,
		`PORT = "{port}"
DB = "app_{slug}"`))
	r := runIn(t, repo, "fanout", "--no-guard")
	wantCode(t, r, exitOK)
	for id, branch := range map[string]string{"1": "auth", "2": "api"} {
		wt := filepath.Join(repo, "worktrees", "thread-"+id)
		if got := readFile(t, filepath.Join(wt, "order.txt")); got != "first\nsecond\n" {
			t.Errorf("thread %s: commands ran out of order: %q", id, got)
		}
		want := "2000" + id + " " + id + " " + branch + " " + wt + " app_" + branch + "\n"
		if got := readFile(t, filepath.Join(wt, "env.txt")); got != want {
			t.Errorf("thread %s env: %q, want %q", id, got, want)
		}
		if !strings.Contains(r.stderr, "thread "+id+" ("+branch+"): done-"+id+"\n") {
			t.Errorf("setup output of thread %s is not prefixed by its thread:\n%s", id, r.stderr)
		}
	}
	if !strings.Contains(r.stdout, "thread 1 (auth): setup done (2 commands)\nthread 2 (api): setup done (2 commands)\n") {
		t.Errorf("report not in thread order:\n%s", r.stdout)
	}
	// A second fanout keeps the worktrees and does not run setup again.
	r = runIn(t, repo, "fanout", "--no-guard")
	wantCode(t, r, exitOK)
	if strings.Contains(r.stdout, "setup") || strings.Contains(r.stderr, "done-") {
		t.Errorf("setup ran in a kept worktree:\nstdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	}
}

func TestFanoutSetupFailsInOneThread(t *testing.T) {
	repo := setupRepo(t, setupPlan(`setup = ["test \"$PS_THREAD_ID\" != 1 || exit 3", "touch made.txt"]`, `PORT = "{port}"`))
	r := runIn(t, repo, "fanout", "--no-guard")
	wantCode(t, r, exitFindings)
	t1, t2 := filepath.Join(repo, "worktrees", "thread-1"), filepath.Join(repo, "worktrees", "thread-2")
	if _, err := os.Stat(filepath.Join(t1, "made.txt")); err == nil {
		t.Error("thread 1 ran the command after the failed one")
	}
	if _, err := os.Stat(filepath.Join(t2, "made.txt")); err != nil {
		t.Errorf("thread 2's setup did not finish: %v", err)
	}
	if _, err := os.Stat(filepath.Join(t1, briefFile)); err != nil {
		t.Errorf("the worktree of the failed setup is gone: %v", err)
	}
	want := `thread 1 (auth): setup failed: command 1 of 2, 'test "$PS_THREAD_ID" != 1 || exit 3', exited with status 3; the worktree worktrees/thread-1 stays as it is; rerun the rest with:
  cd ` + t1 + ` && env PORT=20001 PS_THREAD_ID=1 PS_BRANCH=auth PS_WORKTREE=` + t1 + ` sh -c 'test "$PS_THREAD_ID" != 1 || exit 3 && touch made.txt'
thread 2 (api): setup done (2 commands)
`
	if !strings.HasSuffix(r.stdout, want) {
		t.Errorf("stdout:\n%s\nwant it to end with:\n%s", r.stdout, want)
	}
	if !strings.Contains(r.stderr, "setup failed in 1 worktree") {
		t.Errorf("stderr does not sum up the failure:\n%s", r.stderr)
	}
}

func TestFanoutNoSetup(t *testing.T) {
	repo := setupRepo(t, setupPlan(`setup = ["touch made.txt"]`, `PORT = "{port}"`))
	r := runIn(t, repo, "fanout", "--no-guard", "--no-setup")
	wantCode(t, r, exitOK)
	if _, err := os.Stat(filepath.Join(repo, "worktrees", "thread-1", "made.txt")); err == nil {
		t.Error("--no-setup ran setup")
	}
	if strings.Contains(r.stdout, "setup") {
		t.Errorf("--no-setup reports a setup:\n%s", r.stdout)
	}
}

func TestFanoutSetupTimeout(t *testing.T) {
	repo := setupRepo(t, setupPlan(`setup = ["sleep 30 & sleep 30; touch late.txt"]`, `PORT = "{port}"`))
	r := runIn(t, repo, "fanout", "--no-guard", "--setup-timeout", "300ms")
	wantCode(t, r, exitFindings)
	if !strings.Contains(r.stdout, "thread 1 (auth): setup failed: command 1 of 1, 'sleep 30 & sleep 30; touch late.txt', timed out after 300ms") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
}

// TestFanoutSetupNoInjection: plan values reach setup as variables, never
// as command text.
func TestFanoutSetupNoInjection(t *testing.T) {
	repo := setupRepo(t, setupPlan(`setup = ["printf '%s\\n' \"$EVIL\" > evil.txt"]`, `EVIL = "$(touch pwned-{id}); `+"`touch pwned2`"+`'\"{branch}"`))
	r := runIn(t, repo, "fanout", "--no-guard")
	wantCode(t, r, exitOK)
	wt := filepath.Join(repo, "worktrees", "thread-2")
	if got, want := readFile(t, filepath.Join(wt, "evil.txt")), "$(touch pwned-2); `touch pwned2`'\"api\n"; got != want {
		t.Errorf("EVIL = %q, want %q", got, want)
	}
	for _, name := range []string{"pwned-2", "pwned2"} {
		if _, err := os.Stat(filepath.Join(wt, name)); err == nil {
			t.Errorf("a plan value ran as a command: %s exists", name)
		}
	}
}

// TestFanoutSetupLinesStayWhole: two threads print lines in two writes
// each, at the same time; every line reaches stderr whole, behind its
// thread's prefix.
func TestFanoutSetupLinesStayWhole(t *testing.T) {
	repo := setupRepo(t, setupPlan(`setup = ["i=0; while [ $i -lt 300 ]; do printf 'half-%s-' \"$PS_THREAD_ID\"; printf 'whole-%s\\n' \"$PS_THREAD_ID\"; i=$((i+1)); done"]`, `PORT = "{port}"`))
	r := runIn(t, repo, "fanout", "--no-guard")
	wantCode(t, r, exitOK)
	counts := map[string]int{}
	for _, line := range strings.Split(r.stderr, "\n") {
		if !strings.Contains(line, "half-") {
			continue
		}
		counts[line]++
	}
	want := map[string]int{"thread 1 (auth): half-1-whole-1": 300, "thread 2 (api): half-2-whole-2": 300}
	if !maps.Equal(counts, want) {
		t.Errorf("lines broken or lost: %v", counts)
	}
}
