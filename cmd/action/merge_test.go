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
			// Thread 3 was gated while it waited on thread 2; the close
			// does not change that, so it is not gated again.
			wantCode(t, s.prEvent("pull_request", "synchronize", 13), exitOK)
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

// With update-branch, a thread whose turn came and whose branch is behind
// but merges cleanly is updated by GitHub, for the head that was checked
// (expected_head_sha); by default, or when it conflicts, nothing is asked;
// a 422 (the head moved) leaves it as it is and fails nothing.
func TestUpdateBranchWhenTheTurnComesBehindTheBase(t *testing.T) {
	yes, no := true, false
	for _, c := range []struct {
		name      string
		input     string
		mergeable *bool
		state     string
		fault     bool
		want      string // the PUT's expected_head_sha, "" for none
		comment   string
	}{
		{"default", "", &yes, "behind", false, "", "merges cleanly: update the branch"},
		{"behind", "true", &yes, "behind", false, `"expected_head_sha":"b1"`, "ps-action asked GitHub to update it"},
		{"conflicts", "true", &no, "dirty", false, "", "❌ conflicts"},
		{"not computed", "true", nil, "", false, "", "mergeability not computed yet"},
		{"head moved", "true", &yes, "behind", true, `"expected_head_sha":"b1"`, "its head moved since it was checked"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newScenario(t)
			if c.input != "" {
				s.inputs["update-branch"] = c.input
			}
			s.gh.AddPull(fakegithub.Pull{Number: 11, State: "closed", Merged: true, HeadRef: "extract-auth", HeadSHA: "a1", BaseRef: "main"})
			s.pull(12, "api-cleanup", "b1", "services/api/handler.go")
			s.gh.Update(12, func(p *fakegithub.Pull) { p.Mergeable, p.MergeableState = c.mergeable, c.state })
			if c.fault {
				s.gh.AddFault(&fakegithub.Fault{Method: "PUT", Path: "/update-branch", Status: 422, Body: "expected head sha didn't match current head ref."})
			}
			r := s.prEvent("pull_request", "closed", 11)
			wantCode(t, r, exitOK)
			var puts []string
			for _, q := range r.reqs {
				if q.Method == "PUT" && strings.HasSuffix(q.Path, "/pulls/12/update-branch") {
					puts = append(puts, string(q.Body))
				}
			}
			switch {
			case c.want == "" && len(puts) != 0:
				t.Errorf("asked for an update: %v", puts)
			case c.want != "" && (len(puts) != 1 || !strings.Contains(puts[0], c.want)):
				t.Errorf("update requests %v, want one with %s", puts, c.want)
			}
			s.wantStatus("b1", order, "success: ready: every earlier thread has landed")
			if cm := s.botComment(12); !strings.Contains(cm, c.comment) {
				t.Errorf("comment does not say %q:\n%s", c.comment, cm)
			}
			if moved := s.gh.PullState(12).HeadSHA != "b1"; moved != (c.want != "" && !c.fault) {
				t.Errorf("head is %s after the run", s.gh.PullState(12).HeadSHA)
			}
		})
	}
}
