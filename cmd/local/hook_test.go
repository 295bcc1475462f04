package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parallel-sessions/parallel-sessions/plan"
)

// runHook runs a hook script with sh in dir with PATH set to path and
// stdin as its input, and returns its combined output and error.
func runHook(t *testing.T, dir, script, path, stdin string) (string, error) {
	t.Helper()
	hook := filepath.Join(t.TempDir(), "pre-push")
	write(t, hook, script)
	cmd := exec.Command("/bin/sh", hook)
	cmd.Dir = dir
	cmd.Env = append(gitEnv(dir), "PATH="+path)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// pushLine is the line git gives a pre-push hook for pushing local
// branch to the remote's branch remote (a new branch there).
func pushLine(t *testing.T, repo, local, remote string) string {
	t.Helper()
	return "refs/heads/" + local + " " + gitIn(t, repo, "rev-parse", "refs/heads/"+local) + " refs/heads/" + remote + " " + strings.Repeat("0", 40) + "\n"
}

// hookRepo is a repository with one commit on main and branch checked
// out, and sysPath, the folder of the git binary: a PATH for runHook with
// git on it but no ps-local. It skips the test when there is no git.
func hookRepo(t *testing.T, branch string) (repo, sysPath string) {
	t.Helper()
	gitBin, err := exec.LookPath("git")
	if err != nil {
		t.Skip("no git")
	}
	repo = gitRepo(t)
	write(t, filepath.Join(repo, "README.md"), "x\n")
	commitAll(t, repo, "first")
	gitIn(t, repo, "checkout", "-q", "-b", branch)
	return repo, filepath.Dir(gitBin)
}

// fakePsLocal writes an executable ps-local in dir that records its
// arguments, one per line, in dir/args.
func fakePsLocal(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "ps-local")
	write(t, bin, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done > "+shellQuote(filepath.Join(dir, "args"))+"\n")
	os.Chmod(bin, 0o755)
	return bin
}

// TestHookNoInjection: branch names, the plan path and the binary's path
// reach the shell as literal text; nothing in them runs.
func TestHookNoInjection(t *testing.T) {
	evil := "feat$(touch${IFS}pwned)"
	quote := "it's`touch${IFS}pwned2`"
	repo, sysPath := hookRepo(t, evil)

	bin := t.TempDir()
	fakePsLocal(t, bin)
	planPath := "plans/$(touch pwned3)'x.toml"
	threads := []*plan.Thread{{ID: 1, Branch: "other"}, {ID: 2, Branch: evil}, {ID: 3, Branch: quote}}
	script := hookScript(prePushHook, threads, "main", planPath, filepath.Join(t.TempDir(), "gone", "ps-local"))
	out, err := runHook(t, repo, script, bin+":"+sysPath, pushLine(t, repo, evil, evil))
	if err != nil {
		t.Fatalf("hook: %v\n%s", err, out)
	}
	for _, f := range []string{"pwned", "pwned2", "pwned3"} {
		if _, err := os.Stat(filepath.Join(repo, f)); err == nil {
			t.Errorf("the hook ran code from a name: %s exists", f)
		}
	}
	if got := readFile(t, filepath.Join(bin, "args")); got != "--plan\n"+planPath+"\ncheck\n--thread\n2\n--committed\n" {
		t.Errorf("ps-local got %q", got)
	}

	// A branch that only looks like a thread branch through expansion is
	// no thread branch: the hook does nothing.
	os.Remove(filepath.Join(bin, "args"))
	gitIn(t, repo, "checkout", "-q", "-b", "feat")
	if out, err := runHook(t, repo, script, bin+":"+sysPath, pushLine(t, repo, "feat", "feat")); err != nil {
		t.Fatalf("hook on another branch: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(bin, "args")); err == nil {
		t.Error("the hook checked a branch that is no thread")
	}
}

// TestHookFindsPsLocal: PATH first, then the recorded path, else a clear
// message and a refused push.
func TestHookFindsPsLocal(t *testing.T) {
	repo, sysPath := hookRepo(t, "docs")

	recorded := t.TempDir()
	fakePsLocal(t, recorded)
	docs := []*plan.Thread{{ID: 1, Branch: "docs"}}
	push := pushLine(t, repo, "docs", "docs")
	script := hookScript(prePushHook, docs, "main", "plan.toml", filepath.Join(recorded, "ps-local"))
	if out, err := runHook(t, repo, script, sysPath, push); err != nil {
		t.Fatalf("recorded path: %v\n%s", err, out)
	}
	if readFile(t, filepath.Join(recorded, "args")) == "" {
		t.Error("the recorded ps-local was not run")
	}
	onPath := t.TempDir()
	fakePsLocal(t, onPath)
	if out, err := runHook(t, repo, script, onPath+":"+sysPath, push); err != nil {
		t.Fatalf("PATH: %v\n%s", err, out)
	}
	if readFile(t, filepath.Join(onPath, "args")) == "" {
		t.Error("ps-local on PATH was not preferred")
	}
	gone := hookScript(prePushHook, docs, "main", "plan.toml", "/nonexistent/ps-local")
	out, err := runHook(t, repo, gone, sysPath, push)
	if err == nil || !strings.Contains(out, "pre-push: ps-local is neither on PATH nor at /nonexistent/ps-local; put ps-local on PATH") {
		t.Errorf("missing ps-local: %v %q", err, out)
	}
}
