package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runWithin runs ps-local in process in dir and fails the test if it has
// not returned within a bound: a command that waits on a FIFO never would.
func runWithin(t *testing.T, dir string, args ...string) result {
	t.Helper()
	done := make(chan result, 1)
	go func() {
		var stdout, stderr strings.Builder
		c := &command{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, dir: dir, getenv: func(string) string { return "" }}
		code := c.run(args)
		done <- result{code: code, stdout: stdout.String(), stderr: stderr.String()}
	}()
	select {
	case r := <-done:
		return r
	case <-time.After(20 * time.Second):
		t.Fatalf("ps-local %s in %s: still waiting after 20s: it hangs", strings.Join(args, " "), dir)
		return result{}
	}
}

// replaceWithFIFO replaces the file at path by a FIFO nobody writes to.
func replaceWithFIFO(t *testing.T, path string) {
	t.Helper()
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestPlanFIFONeverBlocks: a FIFO planted where plan.toml belongs, in a
// thread's worktree or in the main checkout, is refused at once. In a
// thread's worktree the check still reads the base's plan, as it always
// does, and counts the FIFO as a change to the plan.
func TestPlanFIFONeverBlocks(t *testing.T) {
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	t.Setenv("GIT_CONFIG_GLOBAL", "/dev/null")
	repo := checkRepo(t)
	gitIn(t, repo, "checkout", "-q", "main")
	wt := filepath.Join(t.TempDir(), "thread")
	gitIn(t, repo, "worktree", "add", "-q", wt, "extract-auth")
	write(t, filepath.Join(wt, "services/auth/new.go"), "package auth\n")
	gitIn(t, wt, "add", "-A")
	gitIn(t, wt, "commit", "-q", "-m", "work")

	replaceWithFIFO(t, filepath.Join(wt, "plan.toml"))
	r := runWithin(t, wt, "check")
	wantCode(t, r, exitFindings) // the FIFO is an uncommitted change to the plan
	if !strings.Contains(r.stdout, "plan.toml: plan.toml is the plan") {
		t.Errorf("check in a worktree whose plan.toml is a FIFO: %+v", r)
	}
	r = runWithin(t, wt, "check", "--committed")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, "in scope") {
		t.Errorf("check --committed in a worktree whose plan.toml is a FIFO: %+v", r)
	}
	r = runWithin(t, wt, "validate")
	wantCode(t, r, exitError)
	if !strings.Contains(r.stderr, "not a regular file") {
		t.Errorf("validate of a FIFO: %q, want it to say it is not a regular file", r.stderr)
	}

	// In the main checkout, which names the base: a thread checks against
	// the default base's plan, validate refuses the FIFO, and status reads
	// the committed plan.
	if err := os.Remove(filepath.Join(wt, "plan.toml")); err != nil {
		t.Fatal(err)
	}
	gitIn(t, wt, "checkout", "plan.toml")
	replaceWithFIFO(t, filepath.Join(repo, "plan.toml"))
	r = runWithin(t, wt, "check")
	wantCode(t, r, exitOK)
	r = runWithin(t, repo, "validate")
	wantCode(t, r, exitError)
	if !strings.Contains(r.stderr, "not a regular file (a FIFO)") {
		t.Errorf("validate in the main checkout, its plan.toml a FIFO: %q", r.stderr)
	}
	r = runWithin(t, repo, "status") // reads the committed plan only
	wantCode(t, r, exitOK)
}

// TestPlanThatIsAFolder: a folder given as the plan is named as one.
func TestPlanThatIsAFolder(t *testing.T) {
	dir := t.TempDir()
	r := runWithin(t, dir, "--plan", dir, "validate")
	wantCode(t, r, exitError)
	if !strings.Contains(r.stderr, "is a directory, not a plan file") {
		t.Errorf("validate --plan FOLDER: %q", r.stderr)
	}
}
