package main

import (
	"strings"
	"testing"

	"github.com/parallel-sessions/parallel-sessions/cmd/internal/fakegithub"
)

// When a thread's turn comes, its order status and comment say whether its
// branch is behind the base or conflicts, as GitHub's mergeable and
// mergeable_state say; while GitHub has not computed them, the status
// claims nothing and the comment says so.
func TestTurnComesSaysWhetherTheBranchIsBehindOrConflicts(t *testing.T) {
	yes, no := true, false
	for _, c := range []struct {
		name      string
		mergeable *bool
		state     string
		status    string
		comment   string
	}{
		{"not computed", nil, "", "success: ready: every earlier thread has landed", "mergeability not computed yet"},
		{"clean", &yes, "clean", "success: ready: every earlier thread has landed", "✅ merges into `main` without conflicts"},
		{"blocked by a rule", &yes, "blocked", "success: ready: every earlier thread has landed", "✅ merges into `main` without conflicts"},
		{"behind", &yes, "behind", "success: ready: every earlier thread has landed; behind main, merges cleanly: update the branch", "⚠️ behind `main`, merges cleanly: update the branch"},
		{"conflicts", &no, "dirty", "success: ready: every earlier thread has landed; conflicts with main: merge main into it or rebase", "❌ conflicts with `main`"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newScenario(t)
			s.gh.AddPull(fakegithub.Pull{Number: 11, State: "closed", Merged: true, HeadRef: "extract-auth", HeadSHA: "a1", BaseRef: "main"})
			s.pull(12, "api-cleanup", "b1", "services/api/handler.go")
			s.pull(13, "docs", "d1", "docs/layout.md")
			for _, n := range []int{12, 13} {
				s.gh.Update(n, func(p *fakegithub.Pull) { p.Mergeable, p.MergeableState = c.mergeable, c.state })
			}
			wantCode(t, s.prEvent("pull_request", "closed", 11), exitOK)
			if got := s.status("b1", order); got != c.status {
				t.Errorf("order status %q, want %q", got, c.status)
			}
			if cm := s.botComment(12); !strings.Contains(cm, c.comment) {
				t.Errorf("comment does not say %q:\n%s", c.comment, cm)
			}
			// A thread still waiting is told nothing about its branch.
			s.wantStatus("d1", order, "pending: waiting on thread 2 (api-cleanup), #12 open; merge #12")
			if cm := s.botComment(13); strings.Contains(cm, "**Branch:**") {
				t.Errorf("waiting thread's comment speaks of its branch:\n%s", cm)
			}
		})
	}
}
