package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

const conflictsPlan = `shared = ["go.sum"]

[[threads]]
id = 1
branch = "first"
goal = "first"
owns = ["a/"]
merge_order = 1

[[threads]]
id = 2
branch = "second"
goal = "second"
owns = ["b/"]
merge_order = 2

[[threads]]
id = 3
branch = "third"
goal = "third"
owns = ["c/"]
merge_order = 3
`

// conflictsRepo: threads 1 and 2 both change the same line of go.sum;
// thread 3 changes its own folder only.
func conflictsRepo(t *testing.T) string {
	t.Helper()
	repo := gitRepo(t)
	write(t, filepath.Join(repo, "plan.toml"), conflictsPlan)
	write(t, filepath.Join(repo, "go.sum"), "example.com/x v1.0.0 h1:aaa\n")
	commitAll(t, repo, "base")
	for _, b := range []struct{ branch, file, sum string }{
		{"first", "a/x.go", "example.com/x v1.1.0 h1:bbb\n"},
		{"second", "b/x.go", "example.com/x v1.2.0 h1:ccc\n"},
		{"third", "c/x.go", ""},
	} {
		gitIn(t, repo, "checkout", "-q", "-b", b.branch, "main")
		write(t, filepath.Join(repo, b.file), "package x\n")
		if b.sum != "" {
			write(t, filepath.Join(repo, "go.sum"), b.sum)
		}
		commitAll(t, repo, b.branch)
	}
	gitIn(t, repo, "checkout", "-q", "main")
	return repo
}

func TestConflictsPredicted(t *testing.T) {
	repo := conflictsRepo(t)
	head := gitIn(t, repo, "rev-parse", "HEAD")
	r := runIn(t, repo, "conflicts")
	wantCode(t, r, exitFindings)
	want := "thread 2 (second) conflicts with thread 1 (first) in go.sum: land thread 1 first, then rebase second onto main; or move the change to these files into one thread\n"
	if r.stdout != want {
		t.Errorf("conflicts:\n%s\nwant:\n%s", r.stdout, want)
	}
	if got := gitIn(t, repo, "status", "--porcelain"); got != "" || gitIn(t, repo, "rev-parse", "HEAD") != head {
		t.Errorf("the work tree was touched: %q", got)
	}

	r = runIn(t, repo, "conflicts", "--json")
	wantCode(t, r, exitFindings)
	var rep conflictsReport
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("json: %v\n%s", err, r.stdout)
	}
	// 3 threads against the base, and pairs 2-1, 3-1, 3-2.
	if rep.Clean || rep.Checked != 6 || rep.Base != "main" || len(rep.Conflicts) != 1 {
		t.Fatalf("report: %+v", rep)
	}
	c := rep.Conflicts[0]
	if c.Thread.ID != 2 || c.With != "thread" || c.Other == nil || c.Other.ID != 1 || strings.Join(c.Files, ",") != "go.sum" {
		t.Errorf("conflict: %+v", c)
	}

	// Thread 1 lands: thread 2 now conflicts with the base, not with it.
	gitIn(t, repo, "merge", "-q", "--no-ff", "-m", "land first", "first")
	r = runIn(t, repo, "conflicts")
	wantCode(t, r, exitFindings)
	want = "thread 2 (second) conflicts with main in go.sum: rebase second onto main and resolve them there\n"
	if r.stdout != want {
		t.Errorf("after landing:\n%s\nwant:\n%s", r.stdout, want)
	}
}

func TestConflictsClean(t *testing.T) {
	repo := conflictsRepo(t)
	gitIn(t, repo, "branch", "-q", "-D", "second")
	r := runIn(t, repo, "conflicts")
	wantCode(t, r, exitOK)
	if r.stdout != "no conflicts predicted: 3 merges checked against main and earlier threads\n" {
		t.Errorf("clean:\n%s", r.stdout)
	}
}

// TestPredictMergeErrors: a merge-tree that neither merges nor conflicts
// (an unknown commit) is an error, never a clean result.
func TestPredictMergeErrors(t *testing.T) {
	repo := conflictsRepo(t)
	o := predictMerge(gitCmd{dir: repo}, mergeCheck{ours: "main", theirs: strings.Repeat("0", 40)})
	if o.err == nil || o.conflict {
		t.Fatalf("unknown commit: %+v", o)
	}
	outs := predictMerges(gitCmd{dir: repo}, []mergeCheck{{"main", "first"}, {"first", "second"}, {"second", "third"}})
	if outs[0].conflict || !outs[1].conflict || outs[2].conflict || outs[0].err != nil || outs[1].err != nil || outs[2].err != nil {
		t.Errorf("outcomes out of order or wrong: %+v", outs)
	}
}
