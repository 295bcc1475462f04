package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// benchThreads is how many threads the fanout benchmarks' plan has.
const benchThreads = 10

// benchRepo makes a repository of 20,000 files with a 10-thread plan
// committed on main.
func benchRepo(b *testing.B) string {
	return benchRepoOf(b, b.TempDir(), 20_000)
}

// benchRepoOf makes, in dir, a repository of files files with a 10-thread
// plan committed on main.
func benchRepoOf(b *testing.B, dir string, files int) string {
	b.Helper()
	repo := filepath.Join(dir, "repo")
	os.MkdirAll(repo, 0o755)
	gitIn(b, repo, "init", "-q", "-b", "main")
	os.WriteFile(filepath.Join(repo, "plan.toml"), []byte(benchPlan(benchThreads)), 0o644)
	// The files are an hour older than the index, as in a checkout worked
	// in for a while: git trusts their cached stat data instead of reading
	// every file again (a "racily clean" index) in fanout's dirty check.
	old := time.Now().Add(-time.Hour)
	for i := range files {
		dir := filepath.Join(repo, fmt.Sprintf("pkg%d", i%10), fmt.Sprintf("sub%d", i%200))
		os.MkdirAll(dir, 0o755)
		name := filepath.Join(dir, fmt.Sprintf("f%d.go", i))
		os.WriteFile(name, []byte("package x\n"), 0o644)
		os.Chtimes(name, old, old)
	}
	gitIn(b, repo, "add", "-A")
	gitIn(b, repo, "commit", "-q", "-m", strconv.Itoa(files)+" files")
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
	forgetWorktrees(repo)
}

// setWorktreesAside is resetWorktrees for the fanout benchmarks: it moves
// the worktrees into trash instead of deleting them. Creating files soon
// after tens of thousands were deleted makes ext4 scan the recently freed
// inodes, which on this machine took up to half of a run (BENCHMARKS.md);
// trash is deleted with the benchmark's temporary folder, after the runs.
func setWorktreesAside(b *testing.B, repo, trash string) {
	b.Helper()
	if err := os.MkdirAll(trash, 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(filepath.Join(repo, "worktrees"), filepath.Join(trash, strconv.FormatInt(time.Now().UnixNano(), 10))); err != nil && !os.IsNotExist(err) {
		b.Fatal(err)
	}
	forgetWorktrees(repo)
}

// forgetWorktrees prunes the worktrees git knows of and deletes the
// thread branches.
func forgetWorktrees(repo string) {
	exec.Command("git", "-C", repo, "worktree", "prune").Run()
	for t := 1; t <= benchThreads; t++ {
		exec.Command("git", "-C", repo, "branch", "-q", "-D", fmt.Sprintf("thread-%d", t)).Run()
	}
}

// benchFanout runs ps-local fanout in process, everything it checks and
// writes included.
func benchFanout(b *testing.B, repo string) {
	c := &command{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, dir: repo, getenv: func(string) string { return "" }}
	if code := c.run([]string{"fanout"}); code != exitOK {
		b.Fatalf("fanout exited %d", code)
	}
}

// worktreeAdd is thread t's plain `git worktree add -b`, the command
// fanout wraps.
func worktreeAdd(repo string, t int) ([]byte, error) {
	cmd := exec.Command("git", "worktree", "add", "--quiet", "-b", fmt.Sprintf("thread-%d", t), filepath.Join("worktrees", fmt.Sprintf("thread-%d", t)), "main")
	cmd.Dir, cmd.Env = repo, gitEnv(repo)
	return cmd.CombinedOutput()
}

// benchWorktreeAddSequential is the first baseline: the ten `git worktree
// add -b` calls, one after another.
func benchWorktreeAddSequential(b *testing.B, repo string) {
	for t := 1; t <= benchThreads; t++ {
		if out, err := worktreeAdd(repo, t); err != nil {
			b.Fatalf("git worktree add: %v\n%s", err, out)
		}
	}
}

// benchWorktreeAddConcurrent is the second baseline: the ten calls at
// once. Concurrent calls in one repository can fail on each other's
// half-written entries ("failed to read .git/worktrees/thread-N/commondir");
// a call that failed is made again after the others, as a user would, and
// counted.
func benchWorktreeAddConcurrent(b *testing.B, repo string) (failed int) {
	errs := make([]error, benchThreads+1)
	var wg sync.WaitGroup
	for t := 1; t <= benchThreads; t++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[t] = worktreeAdd(repo, t)
		}()
	}
	wg.Wait()
	for t := 1; t <= benchThreads; t++ {
		if errs[t] == nil {
			continue
		}
		failed++
		os.RemoveAll(filepath.Join(repo, "worktrees", fmt.Sprintf("thread-%d", t)))
		exec.Command("git", "-C", repo, "worktree", "prune").Run()
		exec.Command("git", "-C", repo, "branch", "-q", "-D", fmt.Sprintf("thread-%d", t)).Run()
		if out, err := worktreeAdd(repo, t); err != nil {
			b.Fatalf("git worktree add, again: %v\n%s", err, out)
		}
	}
	return failed
}

// benchSizes are the repository sizes of the fanout benchmarks, in files.
var benchSizes = []int{5_000, 20_000}

// benchVariant is one way to make the ten worktrees; run returns how many
// git calls failed and were made again.
type benchVariant struct {
	name string
	run  func(b *testing.B, repo string) (failed int)
}

// fanoutVariants are fanout and its baselines.
var fanoutVariants = []benchVariant{
	{"fanout", func(b *testing.B, repo string) int { benchFanout(b, repo); return 0 }},
	// fanout without git's parallel checkout (it asks for checkoutWorkers
	// unless git's configuration says otherwise, as here).
	{"fanout-checkout-workers-1", func(b *testing.B, repo string) int {
		os.Setenv("GIT_CONFIG_COUNT", "1")
		os.Setenv("GIT_CONFIG_KEY_0", "checkout.workers")
		os.Setenv("GIT_CONFIG_VALUE_0", "1")
		defer func() {
			os.Unsetenv("GIT_CONFIG_COUNT")
			os.Unsetenv("GIT_CONFIG_KEY_0")
			os.Unsetenv("GIT_CONFIG_VALUE_0")
		}()
		benchFanout(b, repo)
		return 0
	}},
	{"worktree-add-sequential", func(b *testing.B, repo string) int { benchWorktreeAddSequential(b, repo); return 0 }},
	{"worktree-add-concurrent", benchWorktreeAddConcurrent},
}

// BenchmarkFanout10Threads is issue 16's figure: ps-local fanout of 10
// threads (fanout), against the ten plain `git worktree add -b` calls it
// wraps, one after another (worktree-add-sequential) and all at once
// (worktree-add-concurrent), on repositories of 5,000 and 20,000 files;
// paired runs every variant back to back in each iteration. Worktrees and
// branches are set aside between runs, outside the timer, and deleted only
// once every run of every size is done.
func BenchmarkFanout10Threads(b *testing.B) {
	b.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	b.Setenv("GIT_CONFIG_GLOBAL", "/dev/null")
	dir := b.TempDir()
	for _, files := range benchSizes {
		b.Run(fmt.Sprintf("%dfiles", files), func(b *testing.B) {
			size := filepath.Join(dir, strconv.Itoa(files))
			repo, trash := benchRepoOf(b, size, files), filepath.Join(size, "trash")
			for _, v := range fanoutVariants {
				b.Run(v.name, func(b *testing.B) {
					failed := 0
					for b.Loop() {
						b.StopTimer()
						setWorktreesAside(b, repo, trash)
						b.StartTimer()
						failed += v.run(b, repo)
					}
					b.ReportMetric(float64(failed)/float64(b.N), "failed-calls/op")
				})
			}
			b.Run("paired", func(b *testing.B) { benchPaired(b, repo, trash) })
		})
	}
}

// benchPaired runs every variant back to back in each iteration, in an
// order that rotates, and reports the median of each one's times and of
// its ratios to the sequential baseline in the same iteration: on a
// machine whose load changes from minute to minute, runs measured under
// the same conditions say more than benchmarks run minutes apart, and a
// median is not moved by one run that another job slowed down.
func benchPaired(b *testing.B, repo, trash string) {
	took := make([][]float64, len(fanoutVariants))
	failed, n := 0, 0
	for b.Loop() {
		for k := range fanoutVariants {
			i := (n + k) % len(fanoutVariants)
			b.StopTimer()
			setWorktreesAside(b, repo, trash)
			b.StartTimer()
			start := time.Now()
			failed += fanoutVariants[i].run(b, repo)
			took[i] = append(took[i], time.Since(start).Seconds())
		}
		n++
	}
	sequential := took[slices.IndexFunc(fanoutVariants, func(v benchVariant) bool { return v.name == "worktree-add-sequential" })]
	for i, v := range fanoutVariants {
		ratios := make([]float64, n)
		for j := range n {
			ratios[j] = took[i][j] / sequential[j]
		}
		b.ReportMetric(median(took[i]), v.name+"-median-s")
		b.ReportMetric(median(ratios), v.name+"/sequential-median")
	}
	b.ReportMetric(float64(failed)/float64(n), "failed-calls/op")
}

// median returns the middle value of xs (the mean of the two middle ones
// when there are an even number).
func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
