package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// checkBenchPlan is the check package's benchmark plan (check/bench_test.go):
// 50 threads × 20 owns patterns whose docs patterns reach any depth.
func checkBenchPlan() string {
	return benchPlan50x20("docs/svc%d/{api,guide}/**/page%d.md")
}

// checkBenchPaths is n distinct paths in the shapes of the check package's
// benchmark list (benchChanges there): spread over every thread's area,
// thread t's paths naming "svc<t>", and a fifth no thread owns; sorted, as
// git and GitHub list them.
func checkBenchPaths(n int) []string {
	paths := make([]string, n)
	for i := range paths {
		t, p := 1+i%50, (i/50)%20
		switch i % 5 {
		case 0:
			paths[i] = fmt.Sprintf("services/svc%d/part%d/pkg%d/file%d.go", t, p-p%4, i%7, i)
		case 1:
			paths[i] = fmt.Sprintf("services/svc%d/deep/er/x%d_%d.go", t, i, p-p%4+1)
		case 2:
			paths[i] = fmt.Sprintf("docs/svc%d/guide/v%d/page%d.md", t, i, p-p%4+2)
		case 3:
			paths[i] = fmt.Sprintf("tests/svc%d/case%d/t%d_test.go", t, p-p%4+3, i)
		default:
			paths[i] = fmt.Sprintf("unowned/dir%d/file%d.txt", i%100, i)
		}
	}
	slices.Sort(paths)
	return paths
}

// checkBench is the whole-process benchmark's setting: a repository with
// the plan committed on main and thread 1's branch checked out, path lists
// of 1,000 and 100,000 paths beside it, and the plan as a file for the
// naive program.
type checkBench struct {
	repo, plan string
	lists      map[int]string // by length
}

func newCheckBench(tb testing.TB) checkBench {
	tb.Helper()
	dir := tb.TempDir()
	cb := checkBench{repo: filepath.Join(dir, "repo"), plan: filepath.Join(dir, "plan.toml"), lists: map[int]string{}}
	os.Mkdir(cb.repo, 0o755)
	run := func(args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir, cmd.Env = cb.repo, gitEnv(cb.repo)
		if out, err := cmd.CombinedOutput(); err != nil {
			tb.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	run("init", "-q", "-b", "main")
	for _, name := range []string{cb.plan, filepath.Join(cb.repo, "plan.toml")} {
		if err := os.WriteFile(name, []byte(checkBenchPlan()), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	run("add", "-A")
	run("commit", "-q", "-m", "plan")
	run("checkout", "-q", "-b", "thread-1")
	for _, n := range []int{1000, 100_000} {
		name := filepath.Join(dir, fmt.Sprintf("paths-%d.txt", n))
		if err := os.WriteFile(name, []byte(strings.Join(checkBenchPaths(n), "\n")+"\n"), 0o644); err != nil {
			tb.Fatal(err)
		}
		cb.lists[n] = name
	}
	return cb
}

// TestWriteCheckBench writes the setting to CHECK_BENCH_DIR for timing
// the two programs by hand (BENCHMARKS.md, "How to run").
func TestWriteCheckBench(t *testing.T) {
	out := os.Getenv("CHECK_BENCH_DIR")
	if out == "" {
		t.Skip("set CHECK_BENCH_DIR to write the check benchmark's inputs")
	}
	cb := newCheckBench(t)
	if err := os.CopyFS(out, os.DirFS(filepath.Dir(cb.repo))); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkCheckFiles is `ps-local check --files` in process, for the CPU
// profile (-cpuprofile) of everything but process start and git itself.
func BenchmarkCheckFiles(b *testing.B) {
	cb := newCheckBench(b)
	for _, n := range []int{1000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				c := &command{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, dir: cb.repo, getenv: func(string) string { return "" }}
				if code := c.run([]string{"check", "--files", cb.lists[n]}); code != exitFindings {
					b.Fatalf("exit %d", code)
				}
			}
		})
	}
}
