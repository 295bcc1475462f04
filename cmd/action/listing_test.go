package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/parallel-sessions/parallel-sessions/cmd/internal/fakegithub"
)

// TestFileListThatShiftsBetweenPages: GitHub's file list of thread 2's
// pull request changes between its pages (its head was force-pushed away
// and back while the run listed it, or GitHub's listing is inconsistent):
// the second page repeats an in-scope file of the first, and the
// out-of-scope file it replaced is never listed. The list still has as many
// entries as GitHub's count, so only the repeat tells it is not the list
// of one head. It must be an error, never a pass.
func TestFileListThatShiftsBetweenPages(t *testing.T) {
	s := newScenario(t)
	s.gh.MaxPerPage = 2
	s.pull(12, "api-cleanup", "b1", "services/api/a.go", "services/api/b.go", "services/auth/steal.go")
	s.gh.AddHook(&fakegithub.Hook{Method: "GET", Path: "/pulls/12/files", Times: 1, Fn: func() {
		s.gh.Update(12, func(p *fakegithub.Pull) {
			p.Files = []fakegithub.File{
				{Status: "modified", Filename: "services/api/0.go"},
				{Status: "modified", Filename: "services/api/a.go"},
				{Status: "modified", Filename: "services/api/b.go"},
			}
		})
	}})
	r := s.prEvent("pull_request", "synchronize", 12)
	if got := s.status("b1", scope); strings.HasPrefix(got, "success") {
		t.Fatalf("a file list with a repeated entry passed scope: %s\n%s", got, r.stdout)
	}
	wantCode(t, r, exitError)
	if !strings.Contains(r.stdout, "services/api/b.go") || !strings.Contains(r.stdout, "twice") {
		t.Errorf("the run does not say which file GitHub listed twice:\n%s", r.stdout)
	}
}

// TestPullReadWithoutAFileCount: GitHub lists no files for thread 2's pull
// request, and its read of the pull request after the list has no
// changed_files. Nothing says the pull request changes no file: that is an
// error, never "in scope: 0 paths".
func TestPullReadWithoutAFileCount(t *testing.T) {
	s := newScenario(t)
	s.pull(12, "api-cleanup", "b1", "services/auth/steal.go")
	s.gh.AddFault(&fakegithub.Fault{Method: "GET", Path: "/pulls/12/files", Raw: "[]", Times: 1})
	s.gh.AddFault(&fakegithub.Fault{Method: "GET", Path: "/pulls/12", Times: 1, Raw: `{"number": 12, "state": "open", "merged": false,
		"head": {"ref": "api-cleanup", "sha": "b1", "repo": {"full_name": "octo/repo"}}, "base": {"ref": "main", "repo": {"full_name": "octo/repo"}}}`})
	r := s.prEvent("pull_request", "synchronize", 12)
	if got := s.status("b1", scope); strings.HasPrefix(got, "success") {
		t.Fatalf("a pull request read without a file count passed scope on an empty list: %s\n%s", got, r.stdout)
	}
	wantCode(t, r, exitError)
	if !strings.Contains(r.stdout, "changed_files") {
		t.Errorf("the run does not say what the answer lacks:\n%s", r.stdout)
	}
}

// TestTwoPullRequestsWithOneHeadCommit: thread 2's branch is pushed to the
// commit of thread 1's (an agent pushed from the wrong worktree). Commit
// statuses belong to the commit, so whatever the gate writes for #11 shows
// on #12 too: thread 1's green would let #12 land thread 1's paths under
// thread 2, out of scope and out of order. Neither can be verified: both
// get an error scope that says why, whichever runs last.
func TestTwoPullRequestsWithOneHeadCommit(t *testing.T) {
	s := newScenario(t)
	s.pull(11, "extract-auth", "x1", "services/auth/login.go")
	s.pull(12, "api-cleanup", "x1", "services/auth/login.go")
	s.pull(13, "docs", "d1", "docs/layout.md")
	for _, n := range []int{12, 11} {
		r := s.prEvent("pull_request", "synchronize", n)
		wantCode(t, r, exitFail)
		if s.status("x1", scope) == "success" || strings.HasPrefix(s.status("x1", scope), "success") {
			t.Fatalf("after #%d's run the shared head passes scope, and #12 shows it: %s", n, s.status("x1", scope))
		}
		other := 23 - n
		s.wantStatus("x1", scope, fmt.Sprintf("error: its head commit x1 is also the head of #%d", other))
	}
	if c := s.botComment(12); !strings.Contains(c, "also the head of #11") {
		t.Errorf("the comment does not say why the scope is not verified:\n%s", c)
	}
	// A re-evaluation (the base moved, thread 1 is ready) reuses nothing.
	wantCode(t, s.pushEvent("refs/heads/main"), exitOK)
	s.wantStatus("x1", scope, "error: its head commit x1 is also the head of #")
	s.wantStatus("d1", scope, "success")
}

// TestMentionsAndHTMLFromThePullRequest: a thread's pull request renames a
// file whose path mentions a team, and a fork's pull request comes from a
// branch named with HTML. Neither may ping anyone from the bot comment nor
// put a link or tag in the job summary.
func TestMentionsAndHTMLFromThePullRequest(t *testing.T) {
	s := newScenario(t)
	s.pull(12, "api-cleanup", "b1", "renamed:docs-old/@octo-org/a.go:services/@octo-org/b.go")
	wantCode(t, s.prEvent("pull_request", "synchronize", 12), exitFail)
	c := s.botComment(12)
	if !strings.Contains(c, "renamed to") && !strings.Contains(c, "renamed from") {
		t.Fatalf("the comment does not list the rename:\n%s", c)
	}
	for _, line := range strings.Split(c, "\n") {
		// Outside code spans, "@" must not start a mention.
		prose := regexp.MustCompile("``` .*? ```|`[^`]*`").ReplaceAllString(line, "")
		if regexp.MustCompile(`@[A-Za-z0-9]`).MatchString(prose) {
			t.Errorf("a line of the comment mentions someone: %q", line)
		}
	}
	s.gh.AddPull(fakegithub.Pull{Number: 40, HeadRef: "x<a/href=https://evil.example>click</a>", HeadSHA: "f1", HeadRepo: "mallory/repo", BaseRef: "main", Files: []fakegithub.File{{Status: "modified", Filename: "README.md"}}})
	s.pull(11, "extract-auth", "a1", "services/auth/login.go")
	s.gh.Update(11, func(p *fakegithub.Pull) { p.State, p.Merged = "closed", true })
	s.gh.AddStatusAs("f1", "github-actions[bot]", fakegithub.Status{Context: scope, State: "success", Description: "x"})
	r := s.prEvent("pull_request", "closed", 11)
	wantCode(t, r, exitOK)
	if !strings.Contains(r.summary, "#40") || regexp.MustCompile(`(^|[^\\])<a/href`).MatchString(r.summary) {
		t.Errorf("the summary holds the fork's branch as HTML:\n%s", r.summary)
	}
}

// TestRenameOutOfAnotherThreadsPath: thread 2 renames a file of thread 1
// into its own folder, and a pull request that is no thread renames one
// of thread 1's files out of it. The new paths are fine; the old ones are
// thread 1's, so both fail (attack held: both sides of a rename count).
func TestRenameOutOfAnotherThreadsPath(t *testing.T) {
	s := newScenario(t)
	s.pull(12, "api-cleanup", "b1", "renamed:services/auth/session.go:services/api/session.go")
	s.pull(40, "hotfix", "h1", "renamed:services/auth/login.go:README.md")
	wantCode(t, s.prEvent("pull_request", "synchronize", 12), exitFail)
	s.wantStatus("b1", scope, "failure: 1 of 2 paths out of scope, first services/auth/session.go (owned-by)")
	wantCode(t, s.prEvent("pull_request", "opened", 40), exitFail)
	s.wantStatus("h1", scope, "failure: services/auth/login.go is owned by thread 1 (extract-auth)")
}

// TestHeadSharedWithAPullRequestIntoAnotherGatedBase: thread 2 waits on
// thread 1. Its author makes branch x with a plan of its own (base x, in
// which api-cleanup owns everything and goes first) and opens a pull
// request from api-cleanup into x: the same head commit as #12. x's gate
// would pass that commit, and #12 would show it. A commit that is the head
// of pull requests into two gated bases gets error statuses from both;
// one into a base without a plan (a backport to an ungated branch) changes
// nothing.
func TestHeadSharedWithAPullRequestIntoAnotherGatedBase(t *testing.T) {
	s := newScenario(t)
	s.pull(12, "api-cleanup", "b1", "services/api/handler.go")
	s.gh.AddPull(fakegithub.Pull{Number: 31, HeadRef: "api-cleanup", HeadSHA: "b1", BaseRef: "release", Files: []fakegithub.File{{Status: "modified", Filename: "services/api/handler.go"}}})
	wantCode(t, s.prEvent("pull_request", "synchronize", 12), exitOK)
	s.wantStatus("b1", scope, "success: in scope")
	s.wantStatus("b1", order, "pending: waiting on thread 1")

	s.gh.SetFile("x", "plan.toml", "base = \"x\"\n\n[[threads]]\nid = 1\nbranch = \"api-cleanup\"\ngoal = \"g\"\nowns = [\"services/\"]\nmerge_order = 1\n")
	s.gh.AddPull(fakegithub.Pull{Number: 30, HeadRef: "api-cleanup", HeadSHA: "b1", BaseRef: "x", Files: []fakegithub.File{{Status: "modified", Filename: "services/api/handler.go"}}})
	r := s.prEvent("pull_request", "opened", 30)
	if got := s.status("b1", order); strings.HasPrefix(got, "success") {
		t.Fatalf("the gate of base x passed the head of #12, which waits on thread 1: %s\n%s", got, r.stdout)
	}
	s.wantStatus("b1", scope, "error: its head commit b1 is also the head of #12")
	wantCode(t, s.prEvent("pull_request", "synchronize", 12), exitFail)
	s.wantStatus("b1", scope, "error: its head commit b1 is also the head of #30")
}

// TestFileListFailsMidway: GitHub answers the first page of thread 2's
// files and refuses the second, with a 403 without a rate limit or a 502.
// No status is written for a list that was not finished (attack held).
func TestFileListFailsMidway(t *testing.T) {
	for _, status := range []int{403, 502} {
		s := newScenario(t)
		s.inputs["retry-budget"] = "1"
		s.gh.MaxPerPage = 2
		s.pull(12, "api-cleanup", "b1", "services/api/a.go", "services/api/b.go", "services/auth/steal.go")
		// The first page is answered; every request for the files after it
		// fails.
		s.gh.AddHook(&fakegithub.Hook{Method: "GET", Path: "/pulls/12/files", Times: 1, Fn: func() {
			s.gh.AddFault(&fakegithub.Fault{Method: "GET", Path: "/pulls/12/files", Status: status, Body: "refused"})
		}})
		r := s.prEvent("pull_request", "synchronize", 12)
		wantCode(t, r, exitError)
		if got := s.status("b1", scope); got != "none" {
			t.Errorf("a status after GitHub refused the second page of the files (%d): %s", status, got)
		}
		if !strings.Contains(r.stdout, "list files of pull request #12") {
			t.Errorf("%d: the run does not say what failed:\n%s", status, r.stdout)
		}
	}
}
