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

// benchRepo makes a repository of 20,000 files with a 10-thread plan
// committed on main.
func benchRepo(b *testing.B) string {
	b.Helper()
	repo := b.TempDir()
	gitIn(b, repo, "init", "-q", "-b", "main")
	os.WriteFile(filepath.Join(repo, "plan.toml"), []byte(benchPlan(10)), 0o644)
	for i := range 20_000 {
		dir := filepath.Join(repo, fmt.Sprintf("pkg%d", i%10), fmt.Sprintf("sub%d", i%200))
		os.MkdirAll(dir, 0o755)
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%d.go", i)), []byte("package x\n"), 0o644)
	}
	gitIn(b, repo, "add", "-A")
	gitIn(b, repo, "commit", "-q", "-m", "20,000 files")
	return repo
}

// benchPlan is a plan of n threads, thread-N owning pkgN/ with merge
// order N.
func benchPlan(n int) string {
	var plan strings.Builder
	for t := 1; t <= n; t++ {
		fmt.Fprintf(&plan, "[[threads]]\nid = %d\nbranch = \"thread-%d\"\ngoal = \"benchmark\"\nowns = [\"pkg%d/\"]\nmerge_order = %d\n\n", t, t, t, t)
	}
	return plan.String()
}

// resetWorktrees removes every worktree and thread branch between runs.
func resetWorktrees(repo string) {
	os.RemoveAll(filepath.Join(repo, "worktrees"))
	exec.Command("git", "-C", repo, "worktree", "prune").Run()
	for t := 1; t <= 10; t++ {
		exec.Command("git", "-C", repo, "branch", "-q", "-D", fmt.Sprintf("thread-%d", t)).Run()
	}
}

// BenchmarkFanout10Threads20kFiles is the figure: ps-local fanout
// of 10 threads on a repository of 20,000 files, all it checks and writes
// included, run in process.
func BenchmarkFanout10Threads20kFiles(b *testing.B) {
	repo := benchRepo(b)
	c := &command{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, dir: repo, getenv: func(string) string { return "" }}
	b.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	b.Setenv("GIT_CONFIG_GLOBAL", "/dev/null")
	for b.Loop() {
		b.StopTimer()
		resetWorktrees(repo)
		b.StartTimer()
		if code := c.run([]string{"fanout"}); code != exitOK {
			b.Fatalf("fanout exited %d", code)
		}
	}
}

// BenchmarkWorktreeAdd10Threads20kFiles is the baseline: the 10 plain
// `git worktree add -b` calls fanout wraps.
func BenchmarkWorktreeAdd10Threads20kFiles(b *testing.B) {
	repo := benchRepo(b)
	for b.Loop() {
		b.StopTimer()
		resetWorktrees(repo)
		b.StartTimer()
		for t := 1; t <= 10; t++ {
			cmd := exec.Command("git", "worktree", "add", "--quiet", "-b", fmt.Sprintf("thread-%d", t), filepath.Join("worktrees", fmt.Sprintf("thread-%d", t)), "main")
			cmd.Dir, cmd.Env = repo, gitEnv(repo)
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("git worktree add: %v\n%s", err, out)
			}
		}
	}
}
