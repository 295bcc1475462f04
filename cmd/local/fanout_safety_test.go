package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFanoutKeepsTrackedFiles: a committed .env (or brief) is never
// replaced, and a fresh worktree is in scope before any work.
func TestFanoutKeepsTrackedFiles(t *testing.T) {
	repo := fanoutRepo(t)
	write(t, filepath.Join(repo, ".env"), "PORT=8080\n")
	commitAll(t, repo, "a committed .env")
	r := runIn(t, repo, "fanout")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stderr, "thread 1 (extract-auth): kept the committed .env; fanout never writes over a tracked file") {
		t.Errorf("no word of the kept .env: %q", r.stderr)
	}
	for _, id := range []string{"1", "2", "3"} {
		wt := filepath.Join(repo, "worktrees", "thread-"+id)
		if got := readFile(t, filepath.Join(wt, ".env")); got != "PORT=8080\n" {
			t.Errorf("thread %s: .env is %q, want the committed one", id, got)
		}
		wantCode(t, runIn(t, wt, "check"), exitOK)
		if st := gitIn(t, wt, "status", "--porcelain"); st != "" {
			t.Errorf("thread %s: fanout left changes git sees: %q", id, st)
		}
	}
}

// TestFanoutRefusesTrackedWorktreesFolder: a worktrees folder with
// tracked content, or inside a thread's paths, changes nothing.
func TestFanoutRefusesTrackedWorktreesFolder(t *testing.T) {
	repo := fanoutRepo(t)
	plan := filepath.Join(repo, "plan.toml")
	write(t, plan, "worktrees = \"site\"\n"+readFile(t, plan))
	write(t, filepath.Join(repo, "site", "index.html"), "<p>hi</p>\n")
	commitAll(t, repo, "a site, and the worktrees folder there")
	before := snapshot(t, repo)
	r := runIn(t, repo, "fanout")
	wantCode(t, r, exitFindings)
	if !strings.Contains(r.stdout, `worktrees folder "site" holds files on the base branch "main" (site/index.html)`) {
		t.Errorf("stdout: %q", r.stdout)
	}
	if after := snapshot(t, repo); after != before {
		t.Errorf("a refused fanout changed the repository:\n%s\n---\n%s", before, after)
	}

	write(t, plan, strings.Replace(readFile(t, plan), `worktrees = "site"`, `worktrees = "services/auth/trees"`, 1))
	commitAll(t, repo, "worktrees inside thread 1's folder")
	r = runIn(t, repo, "fanout")
	wantCode(t, r, exitFindings)
	if !strings.Contains(r.stdout, `owns "services/auth/", which covers the worktrees folder "services/auth/trees"`) {
		t.Errorf("stdout: %q", r.stdout)
	}
}

// TestShellNamesRejected: a branch a shell would interpret is a plan
// finding, and fanout makes nothing of it.
func TestShellNamesRejected(t *testing.T) {
	repo := fanoutRepo(t)
	plan := filepath.Join(repo, "plan.toml")
	write(t, plan, strings.Replace(readFile(t, plan), `branch = "docs"`, `branch = "docs$(touch${IFS}pwned)"`, 1))
	commitAll(t, repo, "an evil branch name")
	r := runIn(t, repo, "validate")
	wantCode(t, r, exitFindings)
	if !strings.Contains(r.stdout, "contains '$', which a shell would interpret") {
		t.Errorf("validate: %q", r.stdout)
	}
	wantCode(t, runIn(t, repo, "fanout", "--hooks"), exitFindings)
	if _, err := os.Stat(filepath.Join(repo, "pwned")); err == nil {
		t.Error("a branch name ran as a command")
	}
	if _, err := os.Stat(filepath.Join(repo, "worktrees")); err == nil {
		t.Error("fanout made worktrees for an invalid plan")
	}
}

func TestEnvQuote(t *testing.T) {
	for in, want := range map[string]string{
		"3001":            "3001",
		"app_api_cleanup": "app_api_cleanup",
		"a b":             "'a b'",
		"$(touch x)":      "'$(touch x)'",
		"it's":            `'it'\''s'`,
	} {
		if got := envQuote(in); got != want {
			t.Errorf("envQuote(%q) = %q, want %q", in, got, want)
		}
	}
}
