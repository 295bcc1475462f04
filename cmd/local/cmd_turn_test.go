package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

const turnPlan = `shared = ["go.sum"]

[[threads]]
id = 1
branch = "first"
goal = "first"
owns = ["a/"]
merge_order = 1

[[threads]]
id = 2
branch = "gone"
goal = "dropped before it started"
owns = ["b/"]
merge_order = 1
status = "dropped"

[[threads]]
id = 3
branch = "third"
goal = "third"
owns = ["c/"]
merge_order = 2
`

// turnSetup is a bare remote with main (the plan committed) and the
// branches first and third pushed from a developer clone, and a CI clone
// of it with third checked out detached, as a merge request pipeline has.
func turnSetup(t *testing.T, firstCommits bool) (dev, ci string) {
	t.Helper()
	dev = gitRepo(t)
	write(t, filepath.Join(dev, "plan.toml"), turnPlan)
	write(t, filepath.Join(dev, "go.sum"), "x v1\n")
	commitAll(t, dev, "base")
	remote := filepath.Join(t.TempDir(), "remote.git")
	gitIn(t, dev, "init", "-q", "--bare", remote)
	gitIn(t, dev, "remote", "add", "origin", remote)
	gitIn(t, dev, "push", "-q", "origin", "main")
	gitIn(t, dev, "checkout", "-q", "-b", "first")
	if firstCommits {
		write(t, filepath.Join(dev, "a/x.go"), "package a\n")
		commitAll(t, dev, "a")
		write(t, filepath.Join(dev, "a/y.go"), "package a\n")
		commitAll(t, dev, "a2")
	}
	gitIn(t, dev, "push", "-q", "origin", "first")
	gitIn(t, dev, "checkout", "-q", "-b", "third", "main")
	write(t, filepath.Join(dev, "c/x.go"), "package c\n")
	commitAll(t, dev, "c")
	gitIn(t, dev, "push", "-q", "origin", "third")
	ci = filepath.Join(t.TempDir(), "ci")
	gitIn(t, dev, "clone", "-q", remote, ci)
	gitIn(t, ci, "checkout", "-q", "--detach", "origin/third")
	return dev, ci
}

func TestTurnWaitsThenReady(t *testing.T) {
	for _, land := range []string{"merge", "squash"} {
		t.Run(land, func(t *testing.T) {
			dev, ci := turnSetup(t, true)
			r := runIn(t, ci, "turn", "--thread", "3")
			wantCode(t, r, exitFindings)
			want := "thread 3 (third): not its turn; it waits on:\n  thread 1 (first): branch first has not landed in origin/main: merge it, or mark thread 1 dropped in plan.toml\n"
			if r.stdout != want {
				t.Errorf("waiting:\n%s\nwant:\n%s", r.stdout, want)
			}
			if strings.Contains(r.stdout, "gone") {
				t.Errorf("a dropped thread blocks:\n%s", r.stdout)
			}
			wantCode(t, runIn(t, ci, "turn", "--thread", "1"), exitOK)

			gitIn(t, dev, "checkout", "-q", "main")
			if land == "merge" {
				gitIn(t, dev, "merge", "-q", "--no-ff", "-m", "merge first", "first")
			} else {
				gitIn(t, dev, "merge", "-q", "--squash", "first")
				gitIn(t, dev, "commit", "-q", "-m", "first (squashed)")
			}
			gitIn(t, dev, "push", "-q", "origin", "main")
			// Not fetched yet: the clone's view of the remote still waits.
			wantCode(t, runIn(t, ci, "turn", "--thread", "3"), exitFindings)
			gitIn(t, ci, "fetch", "-q", "origin")
			r = runIn(t, ci, "turn", "--thread", "3", "--json")
			wantCode(t, r, exitOK)
			var rep turnReport
			if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
				t.Fatalf("json: %v\n%s", err, r.stdout)
			}
			if !rep.Ready || rep.Base != "origin/main" || len(rep.Waits) != 0 || rep.Thread.ID != 3 {
				t.Errorf("report after landing: %+v", rep)
			}
		})
	}
}

// TestTurnBranchWithoutCommitsHasNotLanded: a branch still at the base's
// tip is in the base, but nothing of it landed: no false green.
func TestTurnBranchWithoutCommitsHasNotLanded(t *testing.T) {
	_, ci := turnSetup(t, false)
	r := runIn(t, ci, "turn", "--thread", "3", "--json")
	wantCode(t, r, exitFindings)
	var rep turnReport
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("json: %v\n%s", err, r.stdout)
	}
	if rep.Ready || len(rep.Waits) != 1 || rep.Waits[0].Thread.ID != 1 || rep.Waits[0].State != "unlanded" {
		t.Errorf("report: %+v", rep)
	}
}

func TestTurnMissingBranchAndCurrentThread(t *testing.T) {
	dev, ci := turnSetup(t, true)
	gitIn(t, dev, "push", "-q", "origin", "--delete", "first")
	gitIn(t, ci, "fetch", "-q", "--prune", "origin")
	r := runIn(t, ci, "turn", "--thread", "3")
	wantCode(t, r, exitFindings)
	if !strings.Contains(r.stdout, "no branch first here or on the remote") {
		t.Errorf("missing branch:\n%s", r.stdout)
	}
	// Detached HEAD: the thread is unknown without --thread.
	wantCode(t, runIn(t, ci, "turn"), exitError)
	// On the branch, the thread defaults to it.
	gitIn(t, ci, "checkout", "-q", "-b", "third")
	r = runIn(t, ci, "turn")
	wantCode(t, r, exitFindings)
	if !strings.HasPrefix(r.stdout, "thread 3 (third): not its turn") {
		t.Errorf("current thread:\n%s", r.stdout)
	}
	r = runIn(t, ci, "turn", "--thread", "2")
	wantCode(t, r, exitError)
	if !strings.Contains(r.stderr, "dropped") {
		t.Errorf("dropped thread: %s", r.stderr)
	}
}
