package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
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

var checkBenchDir = flag.String("checkbench-dir", "", "TestWriteCheckBench writes the check benchmark's inputs to this folder")

// TestWriteCheckBench writes the setting to -checkbench-dir for timing the
// two programs with other tools (BENCHMARKS.md, "How to run").
func TestWriteCheckBench(t *testing.T) {
	if *checkBenchDir == "" {
		t.Skip("pass -checkbench-dir DIR to write the check benchmark's inputs")
	}
	cb := newCheckBench(t)
	if err := os.CopyFS(*checkBenchDir, os.DirFS(filepath.Dir(cb.repo))); err != nil {
		t.Fatal(err)
	}
}

// buildNaive builds the baseline program of testdata/naivecheck into dir.
func buildNaive(tb testing.TB, dir string) string {
	tb.Helper()
	out := filepath.Join(dir, "naivecheck")
	build := exec.Command("go", "build", "-o", out, "./testdata/naivecheck")
	if msg, err := build.CombinedOutput(); err != nil {
		tb.Fatalf("build naivecheck: %v\n%s", err, msg)
	}
	return out
}

// TestNaiveCheckAgrees is the differential test of the baseline: on the
// benchmark's plan and a list with every kind of path (owned, another
// thread's, nobody's, shared, forbidden, the plan), the naive program and
// ps-local check name the same violating paths, for two threads.
func TestNaiveCheckAgrees(t *testing.T) {
	cb := newCheckBench(t)
	naive := buildNaive(t, t.TempDir())
	paths := append(checkBenchPaths(1000), "plan.toml", "go.sum", "vendor/x.go", "services/svc1/part0/deep/vendor/y.go", "tests/svc1/alpha3/z.go", "tests/svc1/zulu3/z.go")
	list := filepath.Join(t.TempDir(), "list")
	write(t, list, strings.Join(paths, "\n")+"\n")
	for _, thread := range []string{"1", "37"} {
		r := runIn(t, cb.repo, "check", "--json", "--thread", thread, "--files", list)
		wantCode(t, r, exitFindings)
		var report checkReport
		if err := json.Unmarshal([]byte(r.stdout), &report); err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, v := range report.Violations {
			want = append(want, v.Path)
		}
		out, err := exec.Command(naive, cb.plan, thread, list).Output()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
			t.Fatalf("naivecheck: %v", err)
		}
		var got []string
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			path, _, _ := strings.Cut(line, ": out of thread")
			got = append(got, path)
		}
		slices.Sort(got)
		if len(want) < 700 || !slices.Equal(got, want) {
			t.Errorf("thread %s: naivecheck found %d violations, ps-local %d; first difference near %v", thread, len(got), len(want), firstDiff(got, want))
		}
	}
}

func firstDiff(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return a[i] + " / " + b[i]
		}
	}
	return "the end of the shorter list"
}

// BenchmarkCheckProcess times the built ps-local check --files and the
// naive program as whole processes, alternately in each iteration, on
// lists of 1,000 and 100,000 paths (BENCHMARKS.md, "check as a whole
// process"). It reports each one's milliseconds per run and their ratio,
// and each one's start alone: ps-local --version, and the naive program
// with no arguments (it prints its usage and exits), so that the work above
// the start can be told from the start.
func BenchmarkCheckProcess(b *testing.B) {
	cb := newCheckBench(b)
	bin := b.TempDir()
	naive := buildNaive(b, bin)
	psLocal := filepath.Join(bin, "ps-local")
	build := exec.Command("go", "build", "-o", psLocal, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0") // as the README builds it
	if msg, err := build.CombinedOutput(); err != nil {
		b.Fatalf("build ps-local: %v\n%s", err, msg)
	}
	run := func(name string, args ...string) time.Duration {
		cmd := exec.Command(name, args...)
		cmd.Dir = cb.repo
		start := time.Now()
		if err := cmd.Run(); err != nil {
			want := 1 // findings
			if len(args) == 0 {
				want = 2 // the naive program's usage
			}
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != want {
				b.Fatalf("%s: %v", name, err)
			}
		}
		return time.Since(start)
	}
	for _, n := range []int{1000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			run(psLocal, "check", "--files", cb.lists[n]) // writes the plan's cache entry
			var ps, nv, psStart, nvStart time.Duration
			for b.Loop() {
				ps += run(psLocal, "check", "--files", cb.lists[n])
				nv += run(naive, cb.plan, "1", cb.lists[n])
				psStart += run(psLocal, "--version")
				nvStart += run(naive)
			}
			perRun := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(b.N) }
			b.ReportMetric(perRun(ps), "ps-local-ms")
			b.ReportMetric(perRun(nv), "naive-ms")
			b.ReportMetric(float64(ps)/float64(nv), "ratio")
			b.ReportMetric(perRun(psStart), "ps-local-start-ms")
			b.ReportMetric(perRun(nvStart), "naive-start-ms")
		})
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
