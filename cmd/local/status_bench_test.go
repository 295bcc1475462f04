package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkStatus200Threads is the figure: ps-local status on a
// plan of 200 threads whose branches exist with no work on them and no
// worktrees, run in process.
func BenchmarkStatus200Threads(b *testing.B) {
	repo := b.TempDir()
	b.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	b.Setenv("GIT_CONFIG_GLOBAL", "/dev/null")
	run := func(stdin string, args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir, cmd.Env, cmd.Stdin = repo, gitEnv(repo), strings.NewReader(stdin)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	run("", "init", "-q", "-b", "main")
	var refs strings.Builder
	for t := 1; t <= 200; t++ {
		fmt.Fprintf(&refs, "create refs/heads/thread-%d main\n", t)
	}
	os.WriteFile(filepath.Join(repo, "plan.toml"), []byte(benchPlan(200)), 0o644)
	run("", "add", "-A")
	run("", "commit", "-q", "-m", "200 threads")
	run(refs.String(), "update-ref", "--stdin")
	c := &command{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, dir: repo, getenv: func(string) string { return "" }}
	for b.Loop() {
		if code := c.run([]string{"status"}); code != exitOK {
			b.Fatalf("status exited %d", code)
		}
	}
}
