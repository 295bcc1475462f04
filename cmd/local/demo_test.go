package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parallel-sessions/parallel-sessions/ordering"
	"github.com/parallel-sessions/parallel-sessions/plan"
)

// TestDemo runs the demo end to end in a given folder and checks each
// verdict it promises to show.
func TestDemo(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	r := runIn(t, t.TempDir(), "demo", "--dir", dir)
	wantCode(t, r, exitOK)
	for _, want := range []string{
		"plan.toml: valid: 3 active threads",
		"thread 1 (extract-auth): created on new branch extract-auth from main",
		"$ ps-local check (in worktrees/thread-2)",
		"thread 1 (extract-auth): in scope: 1 path checked",
		"services/auth/hack.go: owned by thread 1 (extract-auth)",
		"out-of-scope (1)",
		"landed (merged)",
		"next in merge order: thread 2 (api-cleanup), once its stray file is gone\n",
		"thread 1 (extract-auth) worktrees/thread-1: removed (landed in origin/main)",
		"all of it is in " + dir,
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("demo output lacks %q:\n%s", want, r.stdout)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "remote.git", "HEAD")); err != nil {
		t.Errorf("no bare remote: %v", err)
	}
	// The demo's next thread is the one turn lets go, and the one after
	// it still waits.
	repo := filepath.Join(dir, "repo")
	wantCode(t, runIn(t, repo, "turn", "--thread", "2"), exitOK)
	wantCode(t, runIn(t, repo, "turn", "--thread", "3"), exitFindings)
	// The line follows the work: with the stray file gone, no condition.
	wt2 := filepath.Join(repo, "worktrees", "thread-2")
	gitIn(t, wt2, "rm", "-q", "services/auth/hack.go")
	gitIn(t, wt2, "commit", "-q", "-m", "leave thread 1's folder alone")
	if next, err := demoNext(repo); err != nil || next != "next in merge order: thread 2 (api-cleanup)" {
		t.Errorf("demoNext after the fix = %q, %v", next, err)
	}
	// A folder that is not empty is refused.
	r = runIn(t, t.TempDir(), "demo", "--dir", dir)
	wantCode(t, r, exitError)
	if !strings.Contains(r.stderr, "must be a new or empty folder") {
		t.Errorf("non-empty --dir: %q", r.stderr)
	}
}

func TestNextLine(t *testing.T) {
	p, findings := plan.Parse("plan.toml", demoPlan)
	if len(findings) > 0 {
		t.Fatal(findings)
	}
	landed := map[int]ordering.Status{1: {State: ordering.Landed}, 2: {State: ordering.Open}, 3: {State: ordering.Open}}
	for _, tc := range []struct {
		name     string
		statuses map[int]ordering.Status
		strays   map[int]int
		want     string
	}{
		{"nothing landed", map[int]ordering.Status{1: {State: ordering.Open}, 2: {State: ordering.Open}}, nil, "next in merge order: thread 1 (extract-auth)"},
		{"one stray", landed, map[int]int{2: 1}, "next in merge order: thread 2 (api-cleanup), once its stray file is gone"},
		{"strays", landed, map[int]int{2: 3}, "next in merge order: thread 2 (api-cleanup), once its 3 stray files are gone"},
		{"a later thread's strays do not count", landed, map[int]int{3: 2}, "next in merge order: thread 2 (api-cleanup)"},
		{"first has no branch", nil, nil, "next in merge order: none ready to land"},
		{"all landed", map[int]ordering.Status{1: {State: ordering.Landed}, 2: {State: ordering.Landed}, 3: {State: ordering.Landed}}, nil, "next in merge order: none ready to land"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := nextLine(ordering.Next(ordering.Decide(p, tc.statuses)), tc.strays); got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}
