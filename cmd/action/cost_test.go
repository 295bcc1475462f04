package main

import (
	"strings"
	"testing"

	"github.com/parallel-sessions/parallel-sessions/cmd/internal/fakegithub"
)

// A thread's branch that landed once and has an open pull request again
// has work that has not landed: the later threads wait on the open one
// (README, "API cost"), never a false green.
func TestLandedThreadBranchWithANewOpenPRHoldsLaterThreads(t *testing.T) {
	s := newScenario(t)
	s.gh.AddPull(fakegithub.Pull{Number: 10, State: "closed", Merged: true, HeadRef: "extract-auth", HeadSHA: "a0", BaseRef: "main"})
	s.pull(12, "api-cleanup", "b1", "services/api/handler.go")
	wantCode(t, s.prEvent("pull_request", "synchronize", 12), exitOK)
	s.wantStatus("b1", order, "success: ready: every earlier thread has landed")

	// Its opening turns the later thread's green pending at once, without
	// an event of the later one.
	s.pull(13, "extract-auth", "a1", "services/auth/more.go")
	wantCode(t, s.prEvent("pull_request", "opened", 13), exitOK)
	s.wantStatus("b1", order, "pending: waiting on thread 1 (extract-auth), #13 open; merge #13")

	// Closed without merging, the branch's landed pull request counts again.
	s.gh.Update(13, func(p *fakegithub.Pull) { p.State = "closed" })
	wantCode(t, s.prEvent("pull_request", "closed", 13), exitOK)
	s.wantStatus("b1", order, "success: ready: every earlier thread has landed")
}

// A pull request event finds its pull request and every thread's open one
// in one listing of the open pull requests into the base: no per-thread
// listing, no separate read of the event's pull request.
func TestPullRequestEventListsOpenPullsOnce(t *testing.T) {
	s := newScenario(t)
	s.pull(11, "extract-auth", "a1", "services/auth/login.go")
	s.pull(12, "api-cleanup", "b1", "services/api/handler.go")
	s.pull(13, "docs", "d1", "docs/layout.md")
	r := s.prEvent("pull_request", "synchronize", 13)
	wantCode(t, r, exitOK)
	var lists, gets int
	for _, q := range r.reqs {
		switch {
		case q.Method == "GET" && q.Path == "/repos/octo/repo/pulls":
			lists++
			if strings.Contains(q.Query, "head=") {
				t.Errorf("listed the pull requests of one branch: %s", q.Query)
			}
		case q.Method == "GET" && q.Path == "/repos/octo/repo/pulls/13":
			gets++
		}
	}
	if lists != 1 || gets != 1 {
		t.Errorf("listed the pull requests %d times and read #13 %d times, want 1 and 1 (the read after its files)", lists, gets)
	}
	s.wantStatus("d1", order, "pending: waiting on thread 2 (api-cleanup), #12 open; merge #12")
}

// A pull request of a landed thread's branch retargeted into the base is
// as good as opened there: the later thread's green turns pending at once.
func TestRetargetedIntoTheBaseHoldsLaterThreads(t *testing.T) {
	s := newScenario(t)
	s.gh.AddPull(fakegithub.Pull{Number: 10, State: "closed", Merged: true, HeadRef: "extract-auth", HeadSHA: "a0", BaseRef: "main"})
	s.pull(12, "api-cleanup", "b1", "services/api/handler.go")
	s.gh.AddPull(fakegithub.Pull{Number: 13, HeadRef: "extract-auth", HeadSHA: "a1", BaseRef: "develop", Files: []fakegithub.File{{Status: "modified", Filename: "services/auth/more.go"}}})
	wantCode(t, s.prEvent("pull_request", "synchronize", 12), exitOK)
	s.wantStatus("b1", order, "success: ready")

	s.gh.Update(13, func(p *fakegithub.Pull) { p.BaseRef = "main" })
	payload := loadPayload(t, "pull_request.json")
	pr := payload["pull_request"].(map[string]any)
	payload["action"], payload["number"], pr["number"] = "edited", 13, 13
	payload["changes"] = map[string]any{"base": map[string]any{"ref": map[string]any{"from": "develop"}}}
	head := pr["head"].(map[string]any)
	head["ref"], head["sha"] = "extract-auth", "a1"
	wantCode(t, s.run("pull_request", payload), exitOK)
	s.wantStatus("b1", order, "pending: waiting on thread 1 (extract-auth), #13 open; merge #13")
}
