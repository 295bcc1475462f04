package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// gitEnv is the environment of every git the tests run, and of the built
// binary: no user or system config, a fixed identity, no prompts.
func gitEnv(home string) []string {
	return append(os.Environ(),
		"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "HOME="+home,
		"GIT_AUTHOR_NAME=Test", "GIT_AUTHOR_EMAIL=test@example.com",
		"GIT_COMMITTER_NAME=Test", "GIT_COMMITTER_EMAIL=test@example.com",
		"GIT_TERMINAL_PROMPT=0", "GIT_ALLOW_PROTOCOL=file",
	)
}

// gitIn runs git in dir and returns its trimmed output; a failure ends the
// test.
func gitIn(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = gitEnv(dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// checkRepo is a repository on main with the check plan committed and a
// file in each area, and thread 1's branch checked out.
func checkRepo(t *testing.T) string {
	t.Helper()
	repo := gitRepo(t)
	copyTestdata(t, "check-plan.toml", filepath.Join(repo, "plan.toml"))
	for path, content := range map[string]string{
		"services/auth/login.go":   "package auth\n",
		"services/api/handler.go":  "package api\n\nfunc Handle() {}\n",
		"services/api/old.go":      "package api\n\n// old code that moves to auth, long enough to be a rename\nfunc Old() int { return 42 }\n",
		"docs/readme.md":           "# docs\n",
		"tools/run.sh":             "#!/bin/sh\necho run\n",
		"go.sum":                   "",
		".gitignore":               "*.log\n",
		"services/auth/secrets/.k": "k\n",
	} {
		write(t, filepath.Join(repo, path), content)
	}
	gitIn(t, repo, "add", "-A")
	gitIn(t, repo, "commit", "-q", "-m", "base")
	gitIn(t, repo, "checkout", "-q", "-b", "extract-auth")
	return repo
}

func commitAll(t *testing.T, repo, msg string) {
	t.Helper()
	gitIn(t, repo, "add", "-A")
	gitIn(t, repo, "commit", "-q", "-m", msg)
}

// gitTry runs git in dir and returns its error with the output: for a git
// that a hook may refuse.
func gitTry(t *testing.T, dir string, args ...string) error {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = gitEnv(dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%v: %s", err, out)
	}
	return nil
}

// gitPush runs git push -q with args in dir, through the pre-push hook.
func gitPush(t *testing.T, dir string, args ...string) error {
	t.Helper()
	return gitTry(t, dir, append([]string{"push", "-q"}, args...)...)
}

// gitCommit commits what is staged in dir with message msg, through the
// pre-commit hook.
func gitCommit(t *testing.T, dir, msg string) error {
	t.Helper()
	return gitTry(t, dir, "commit", "-q", "-m", msg)
}

// prePlanRepo is a repository whose main, one commit with go.sum at
// "x v1" and no plan yet, is pushed to remote, a bare repository, as
// origin; forge is a clone of remote whose main has someone else's change
// (go.sum at "x v2"), for landOn, so that no landing is a fast-forward.
func prePlanRepo(t *testing.T) (repo, remote, forge string) {
	t.Helper()
	repo = gitRepo(t)
	write(t, filepath.Join(repo, "go.sum"), "x v1\n")
	commitAll(t, repo, "before the plan")
	remote = filepath.Join(t.TempDir(), "remote.git")
	gitIn(t, repo, "init", "-q", "--bare", "-b", "main", remote)
	gitIn(t, repo, "remote", "add", "origin", remote)
	gitIn(t, repo, "push", "-q", "origin", "main")
	forge = filepath.Join(t.TempDir(), "forge")
	gitIn(t, repo, "clone", "-q", remote, forge)
	write(t, filepath.Join(forge, "go.sum"), "x v2\n")
	commitAll(t, forge, "someone else's change")
	return repo, remote, forge
}

// landOn lands origin's branch on main in clone forge the way a forge's
// button does (land: "merge", "squash" or "rebase") and pushes main.
func landOn(t testing.TB, forge, land, branch string) {
	t.Helper()
	gitIn(t, forge, "fetch", "-q", "origin")
	switch land {
	case "merge":
		gitIn(t, forge, "merge", "-q", "--no-ff", "-m", "Merge pull request: "+branch, "origin/"+branch)
	case "squash":
		gitIn(t, forge, "merge", "-q", "--squash", "origin/"+branch)
		gitIn(t, forge, "commit", "-q", "-m", branch+" (squashed)")
	case "rebase":
		gitIn(t, forge, "checkout", "-q", "-B", "landing", "origin/"+branch)
		gitIn(t, forge, "rebase", "-q", "main")
		gitIn(t, forge, "checkout", "-q", "main")
		gitIn(t, forge, "merge", "-q", "--ff-only", "landing")
	default:
		t.Fatalf("landOn: unknown way to land %q", land)
	}
	gitIn(t, forge, "push", "-q", "origin", "main")
}
