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

// cleanupBenchThreads and cleanupBenchLanded shape BenchmarkCleanup200Threads.
const (
	cleanupBenchThreads = 200
	cleanupBenchLanded  = 10
)

// BenchmarkCleanup200Threads is the figure: ps-local cleanup on a
// plan of 200 threads, each with its worktree, of which 10 have landed in
// main (removed) and 190 have no work yet (kept), run in process. Each
// worktree holds two ignored files fanout wrote (see benchFanoutFiles). The
// 10 landed worktrees are added back between iterations, outside the timer.
func BenchmarkCleanup200Threads(b *testing.B) {
	repo := b.TempDir()
	b.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	b.Setenv("GIT_CONFIG_GLOBAL", "/dev/null")
	run := func(dir string, args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir, cmd.Env = dir, gitEnv(repo)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	run(repo, "init", "-q", "-b", "main")
	var plan strings.Builder
	for t := 1; t <= cleanupBenchThreads; t++ {
		fmt.Fprintf(&plan, "[[threads]]\nid = %d\nbranch = \"thread-%d\"\ngoal = \"benchmark\"\nowns = [\"pkg%d/\"]\nmerge_order = %d\n\n", t, t, t, t)
	}
	os.WriteFile(filepath.Join(repo, "plan.toml"), []byte(plan.String()), 0o644)
	os.WriteFile(filepath.Join(repo, ".git", "info", "exclude"), []byte("/worktrees/\n/"+briefFile+"\n/"+claudeFile+"\n"), 0o644)
	run(repo, "add", "-A")
	run(repo, "commit", "-q", "-m", "200 threads")
	for t := 1; t <= cleanupBenchThreads; t++ {
		run(repo, "worktree", "add", "-q", "-b", fmt.Sprintf("thread-%d", t), filepath.Join("worktrees", fmt.Sprintf("thread-%d", t)), "main")
		benchFanoutFiles(b, filepath.Join(repo, "worktrees", fmt.Sprintf("thread-%d", t)))
	}
	for t := 1; t <= cleanupBenchLanded; t++ {
		wt := filepath.Join(repo, "worktrees", fmt.Sprintf("thread-%d", t))
		os.MkdirAll(filepath.Join(wt, fmt.Sprintf("pkg%d", t)), 0o755)
		os.WriteFile(filepath.Join(wt, fmt.Sprintf("pkg%d", t), "work.go"), []byte("package x\n"), 0o644)
		run(wt, "add", "-A")
		run(wt, "commit", "-q", "-m", "work")
		run(repo, "merge", "-q", "--no-ff", "-m", "land", fmt.Sprintf("thread-%d", t))
	}
	var out strings.Builder
	c := &command{stdin: strings.NewReader(""), stdout: &out, stderr: io.Discard, dir: repo, getenv: func(string) string { return "" }}
	for b.Loop() {
		b.StopTimer()
		for t := 1; t <= cleanupBenchLanded; t++ {
			dir := filepath.Join("worktrees", fmt.Sprintf("thread-%d", t))
			if _, err := os.Stat(filepath.Join(repo, dir)); err != nil {
				run(repo, "worktree", "add", "-q", dir, fmt.Sprintf("thread-%d", t))
				benchFanoutFiles(b, filepath.Join(repo, dir))
			}
		}
		out.Reset()
		b.StartTimer()
		if code := c.run([]string{"cleanup"}); code != exitOK {
			b.Fatalf("cleanup exited %d", code)
		}
		if n := strings.Count(out.String(), ": removed"); n != cleanupBenchLanded {
			b.Fatalf("cleanup removed %d worktrees, want %d:\n%s", n, cleanupBenchLanded, out.String())
		}
	}
}

// benchFanoutFiles writes into worktree wt two of the ignored files fanout
// writes, recorded as fanout records them, so cleanup reads what it reads
// after a real fanout.
func benchFanoutFiles(b *testing.B, wt string) {
	for _, name := range []string{briefFile, claudeFile} {
		if err := writeRecorded(wt, name, []byte("# "+name+"\n")); err != nil {
			b.Fatal(err)
		}
	}
}
