package main

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parallel-sessions/parallel-sessions/cmd/internal/fakegithub"
)

// TestHungAPIAnswerIsAbandoned: GitHub never answers the file list. The
// run stops at its deadline (input timeout) with an error that says so,
// and writes no status it did not verify.
func TestHungAPIAnswerIsAbandoned(t *testing.T) {
	s := newScenario(t)
	s.inputs["timeout"] = "3"
	s.pull(11, "extract-auth", "a1", "services/auth/login.go")
	s.gh.AddFault(&fakegithub.Fault{Path: "/pulls/11/files", Hang: true})
	start := time.Now()
	r := s.prEvent("pull_request", "synchronize", 11)
	took := time.Since(start)
	wantCode(t, r, exitError)
	if took > 20*time.Second {
		t.Errorf("the run took %v with a timeout of 3s", took)
	}
	if !strings.Contains(r.stdout, "passed its timeout of 3s (input timeout)") {
		t.Errorf("no clear error:\n%s", r.stdout)
	}
	if got := s.status("a1", scope); got != "none" {
		t.Errorf("a scope status without the files: %s", got)
	}
}

// TestPastRateLimitResetWaitsAFloor: every answer is a rate limit whose
// reset is already past, with Retry-After: 0. The run waits at least a
// second before each retry and stops when its one budget is spent: a
// handful of requests, not thousands.
func TestPastRateLimitResetWaitsAFloor(t *testing.T) {
	past := strconv.FormatInt(time.Now().Add(-time.Hour).Unix(), 10)
	for _, f := range []fakegithub.Fault{
		{Status: 429, Header: map[string]string{"Retry-After": "0", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": past}},
		{Status: 403, Header: map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": past}, Body: "API rate limit exceeded"},
	} {
		s := newScenario(t)
		s.inputs["retry-budget"] = "3"
		s.pull(11, "extract-auth", "a1", "services/auth/login.go")
		s.pull(12, "api-cleanup", "b1", "services/api/handler.go")
		f.Path = "/repos/"
		s.gh.AddFault(&f)
		r := s.pushEvent("refs/heads/main")
		wantCode(t, r, exitError)
		// 3 s of budget at a floor of 1 s: at most 3 retries in the whole
		// run, plus one first try of each request the run still makes.
		t.Logf("%d with a past reset: %d requests in the run", f.Status, len(r.reqs))
		if n := len(r.reqs); n > 12 {
			t.Errorf("%d: %d requests to GitHub in a rate limit storm:\n%s", f.Status, n, fmtReqs(r.reqs))
		}
	}
}

// TestLostCommentPostMakesNoSecondComment: GitHub makes the bot comment,
// then the answer is lost (a 502, a dropped connection). The run does not
// post it again; the next run edits that one comment.
func TestLostCommentPostMakesNoSecondComment(t *testing.T) {
	for _, f := range []fakegithub.Fault{
		{Method: "POST", Path: "/issues/11/comments", Status: 502, AfterWrite: true, Times: 1},
		{Method: "POST", Path: "/issues/11/comments", Drop: true, AfterWrite: true, Times: 1},
	} {
		s := newScenario(t)
		s.pull(11, "extract-auth", "a1", "services/auth/login.go")
		s.gh.AddFault(&f)
		r := s.prEvent("pull_request", "opened", 11)
		if n := len(s.gh.Comments(11)); n != 1 {
			t.Fatalf("drop=%v: %d comments after a lost answer, want 1 (exit %d)\n%s", f.Drop, n, r.code, r.stdout)
		}
		s.pull(11, "extract-auth", "a2", "services/auth/login.go", "services/auth/token.go")
		r = s.prEvent("pull_request", "synchronize", 11)
		wantCode(t, r, exitOK)
		if n := len(s.gh.Comments(11)); n != 1 {
			t.Errorf("drop=%v: %d comments after the second run, want 1", f.Drop, n)
		}
		for _, w := range r.writes() {
			if strings.HasPrefix(w, "POST") && strings.HasSuffix(w, "/comments") {
				t.Errorf("the second run posted a comment instead of editing the one there: %v", r.writes())
			}
		}
	}
}

// TestNullPullBodyIsAnError: GitHub answers the pull request, or its file
// list, with `null` or a pull request without base and head. The run
// fails and writes no status: it never reads a closed pull request into ""
// or "no files".
func TestNullPullBodyIsAnError(t *testing.T) {
	for _, f := range []fakegithub.Fault{
		{Method: "GET", Path: "/pulls/11", Raw: "null", Times: 1},
		{Method: "GET", Path: "/pulls/11", Raw: `{"number":11,"state":"closed"}`, Times: 1},
		{Method: "GET", Path: "/pulls/11/files", Raw: "null"},
		{Method: "GET", Path: "/pulls/11/files", Raw: `{"files":[]}`},
	} {
		s := newScenario(t)
		s.pull(11, "extract-auth", "a1", "services/auth/login.go", "services/api/handler.go")
		s.gh.AddFault(&f)
		r := s.prEvent("pull_request", "synchronize", 11)
		wantCode(t, r, exitError)
		if got := s.status("a1", scope); got != "none" {
			t.Errorf("%s %q: a scope status from a malformed answer: %s", f.Path, f.Raw, got)
		}
		if !strings.Contains(r.stdout, "::error::") {
			t.Errorf("%s %q: no error:\n%s", f.Path, f.Raw, r.stdout)
		}
	}
}
