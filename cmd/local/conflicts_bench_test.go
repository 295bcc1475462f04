package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// conflictsBenchRepo is benchRepo with each of the 10 threads' branches
// changing a file of its own and a shared go.sum line (threads 1 and 2 the
// same line: one conflict).
func conflictsBenchRepo(b *testing.B) string {
	b.Helper()
	repo := benchRepo(b)
	os.WriteFile(filepath.Join(repo, "go.sum"), []byte(strings.Repeat("example.com/m v1.0.0 h1:x\n", 50)), 0o644)
	gitIn(b, repo, "add", "go.sum")
	gitIn(b, repo, "commit", "-q", "-m", "go.sum")
	for t := 1; t <= 10; t++ {
		gitIn(b, repo, "checkout", "-q", "-b", fmt.Sprintf("thread-%d", t), "main")
		os.WriteFile(filepath.Join(repo, fmt.Sprintf("pkg%d", t%10), "new.go"), []byte("package x\n"), 0o644)
		line := t
		if t == 2 {
			line = 1
		}
		sum := strings.Split(strings.Repeat("example.com/m v1.0.0 h1:x\n", 50), "\n")
		sum[line*4] = fmt.Sprintf("example.com/t%d v1.0.0 h1:y", t)
		os.WriteFile(filepath.Join(repo, "go.sum"), []byte(strings.Join(sum, "\n")), 0o644)
		gitIn(b, repo, "add", "-A")
		gitIn(b, repo, "commit", "-q", "-m", "thread")
	}
	gitIn(b, repo, "checkout", "-q", "main")
	return repo
}

// BenchmarkConflicts10Threads20kFiles is the figure: ps-local
// conflicts for 10 threads on 20,000 files (55 merges: 10 with the base,
// 45 pairs), run in process.
func BenchmarkConflicts10Threads20kFiles(b *testing.B) {
	repo := conflictsBenchRepo(b)
	var out strings.Builder
	c := &command{stdin: strings.NewReader(""), stdout: &out, stderr: io.Discard, dir: repo, getenv: func(string) string { return "" }}
	for b.Loop() {
		out.Reset()
		if code := c.run([]string{"conflicts"}); code != exitFindings || !strings.Contains(out.String(), "thread 2 (thread-2) conflicts with thread 1 (thread-1) in go.sum") {
			b.Fatalf("exit %d:\n%s", code, out.String())
		}
	}
}

// BenchmarkConflictsSequential is the baseline: the same 55 merge-tree
// calls one after another.
func BenchmarkConflictsSequential(b *testing.B) {
	repo := conflictsBenchRepo(b)
	git := gitCmd{dir: repo}
	var checks []mergeCheck
	for t := 1; t <= 10; t++ {
		tip := fmt.Sprintf("thread-%d", t)
		checks = append(checks, mergeCheck{ours: "main", theirs: tip})
		for e := 1; e < t; e++ {
			checks = append(checks, mergeCheck{ours: fmt.Sprintf("thread-%d", e), theirs: tip})
		}
	}
	for b.Loop() {
		for _, ch := range checks {
			if o := predictMerge(git, ch); o.err != nil {
				b.Fatal(o.err)
			}
		}
	}
}
