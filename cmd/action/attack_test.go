package main

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/parallel-sessions/parallel-sessions/cmd/internal/fakegithub"
)

// TestHeadMovesBetweenReadAndFileList: the run reads the pull request at a
// stray head, then a clean push lands before GitHub lists the files. The
// clean list must not turn into success on the stray commit.
func TestHeadMovesBetweenReadAndFileList(t *testing.T) {
	s := newScenario(t)
	s.pull(12, "api-cleanup", "stray", "services/auth/steal.go")
	s.gh.AddHook(&fakegithub.Hook{Method: "GET", Path: "/pulls/12", Times: 1, Fn: func() {
		s.gh.Update(12, func(p *fakegithub.Pull) {
			p.HeadSHA = "clean"
			p.Files = []fakegithub.File{{Status: "modified", Filename: "services/api/handler.go"}}
		})
	}})
	r := s.prEvent("pull_request", "synchronize", 12)
	if got := s.status("stray", scope); got != "none" {
		t.Errorf("a status was written on a head whose files were not the ones checked: %s", got)
	}
	if got := s.status("stray", order); got != "none" {
		t.Errorf("an order status was written on an unchecked head: %s", got)
	}
	if r.code == exitOK || !strings.Contains(r.stdout, "moved from stray to clean") {
		t.Errorf("the run does not say the head moved (exit %d):\n%s", r.code, r.stdout)
	}
	// The next run, on the new head, gates it.
	wantCode(t, s.prEvent("pull_request", "synchronize", 12), exitOK)
	s.wantStatus("clean", scope, "success")
}

// TestUntrackedPRIntoAThreadsPaths: a pull request from a branch that is no
// thread edits paths owned by a thread that has not landed. By default
// (untracked-prs: guard) its scope fails, naming the thread, its pull
// request and the path; a plan change and paths no active thread owns
// pass; once the thread lands its paths are free.
func TestUntrackedPRIntoAThreadsPaths(t *testing.T) {
	s := newScenario(t)
	s.pull(11, "extract-auth", "a1", "services/auth/login.go")
	s.pull(40, "hotfix", "h1", "services/auth/login.go", "README.md")
	s.pull(41, "replan", "p1", "plan.toml")
	s.pull(42, "typo", "t1", "README.md", "docs-old/x.md")

	r := s.prEvent("pull_request", "opened", 40)
	wantCode(t, r, exitFail)
	s.wantStatus("h1", scope, "failure: services/auth/login.go is owned by thread 1 (extract-auth), #11 open, which has not landed")
	if !strings.Contains(r.stdout, "::error file=services/auth/login.go,title=owned by a thread [untracked-guard]::") || !strings.Contains(r.stdout, "merge #11 first") {
		t.Errorf("no annotation naming the thread and how to proceed:\n%s", r.stdout)
	}
	s.wantStatus("h1", order, "success")

	wantCode(t, s.prEvent("pull_request", "opened", 41), exitOK)
	s.wantStatus("p1", scope, "success: not a thread of plan.toml: touches no path of an active thread")
	wantCode(t, s.prEvent("pull_request", "opened", 42), exitOK)
	s.wantStatus("t1", scope, "success")

	// Thread 1 lands: its paths are free, and the re-evaluation says so.
	s.gh.Update(11, func(p *fakegithub.Pull) { p.State, p.Merged = "closed", true })
	wantCode(t, s.prEvent("pull_request", "closed", 11), exitOK)
	s.wantStatus("h1", scope, "success")

	s.inputs["untracked-prs"] = "allow"
	s.pull(11, "extract-auth", "a2", "services/auth/login.go")
	wantCode(t, s.prEvent("pull_request", "reopened", 11), exitOK)
	s.pull(43, "other", "o1", "services/auth/login.go")
	wantCode(t, s.prEvent("pull_request", "opened", 43), exitOK)
	s.wantStatus("o1", scope, "success: not a thread of plan.toml: not gated")
}

// TestDroppedAndRemovedThreadsKeepTheirGreens: the plan on the base drops
// thread 1 and no longer lists thread 3 while their pull requests are open
// and green. The push re-gates them: the dropped thread's pull request
// loses order success, fails scope and its merge-order label; the removed
// thread's loses its label.
func TestDroppedAndRemovedThreadsKeepTheirGreens(t *testing.T) {
	s := newScenario(t)
	s.pull(11, "extract-auth", "a1", "services/auth/login.go")
	s.pull(13, "docs", "c1", "docs/layout.md")
	wantCode(t, s.prEvent("pull_request", "opened", 11), exitOK)
	wantCode(t, s.prEvent("pull_request", "opened", 13), exitOK)
	s.wantStatus("a1", order, "success")

	p := readTestdata(t, "plan.toml")
	p = strings.Replace(p, "merge_order = 1\n", "merge_order = 1\nstatus = \"dropped\"\n", 1)
	p = p[:strings.LastIndex(p, "[[threads]]")]
	s.gh.SetFile("main", "plan.toml", p)
	r := s.pushEvent("refs/heads/main")
	wantCode(t, r, exitOK)
	s.wantStatus("a1", order, "pending: thread 1 (extract-auth) is dropped")
	s.wantStatus("a1", scope, "failure")
	if got := s.gh.PullState(11).Labels; len(got) != 0 {
		t.Errorf("the dropped thread's pull request keeps its labels: %v", got)
	}
	if got := s.gh.PullState(13).Labels; len(got) != 0 {
		t.Errorf("the removed thread's pull request keeps its labels: %v", got)
	}
	s.wantStatus("c1", scope, "success: not a thread of plan.toml")
}

// TestOnePRsFailureDoesNotStopAReevaluation: GitHub fails every listing of
// one pull request's files; the re-evaluation still gates the others, then
// reports the failure and fails the job.
func TestOnePRsFailureDoesNotStopAReevaluation(t *testing.T) {
	s := newScenario(t)
	s.inputs["retry-budget"] = "1"
	s.pull(11, "extract-auth", "a1", "services/auth/login.go")
	s.pull(12, "api-cleanup", "b1", "services/api/handler.go")
	s.pull(13, "docs", "c1", "docs/layout.md")
	s.gh.AddFault(&fakegithub.Fault{Path: "/pulls/11/files", Status: 503})
	r := s.pushEvent("refs/heads/main")
	wantCode(t, r, exitError)
	s.wantStatus("b1", order, "pending: waiting on thread 1")
	s.wantStatus("c1", scope, "success")
	if got := s.status("a1", scope); got != "none" {
		t.Errorf("#11 got a scope status without its files: %s", got)
	}
	if !strings.Contains(r.stdout, "::error::ps-action: #11: list files of pull request #11") || !strings.Contains(r.summary, "#13: thread 3 (docs)") {
		t.Errorf("the failure or the others are not reported:\n%s\nsummary:\n%s", r.stdout, r.summary)
	}
}

// TestPlanPathSpelledToEscapeThePlanFileRule: with plan-path ./plan.toml a
// thread's pull request that widens its own scope in plan.toml must still
// fail the plan-file rule; /plan.toml is rejected with a clear error.
func TestPlanPathSpelledToEscapeThePlanFileRule(t *testing.T) {
	s := newScenario(t)
	s.pull(12, "api-cleanup", "b1", "services/api/handler.go", "plan.toml")
	s.inputs["plan-path"] = "./plan.toml"
	r := s.prEvent("pull_request", "synchronize", 12)
	wantCode(t, r, exitFail)
	s.wantStatus("b1", scope, "failure: 1 of 2 paths out of scope, first plan.toml (plan-file)")
	for _, q := range r.reqs {
		if strings.Contains(q.Path, "/contents/") && !strings.HasSuffix(q.Path, "/contents/plan.toml") {
			t.Errorf("the plan was fetched from another path than the rule uses: %s", q.Path)
		}
	}
	for _, bad := range []string{"/plan.toml", "plans/../plan.toml", "plans//plan.toml", "plans/"} {
		s.inputs["plan-path"] = bad
		r = s.prEvent("pull_request", "synchronize", 12)
		wantCode(t, r, exitError)
		if !strings.Contains(r.stdout, "input plan-path is") || len(r.reqs) != 0 {
			t.Errorf("plan-path %q: %d requests\n%s", bad, len(r.reqs), r.stdout)
		}
	}
}

// TestFileNamesThatWriteWorkflowCommands: file names with newlines and
// workflow commands, and backticks that would end a code span, come from
// the pull request. No line of the job's output may become a command the
// file name wrote, and the comment's code spans must hold.
func TestFileNamesThatWriteWorkflowCommands(t *testing.T) {
	s := newScenario(t)
	evil := "services/auth/x\n::warning title=pwned::owned\n::add-mask::success\r::error::cr"
	ticks := "services/auth/a``b` **bold** <!-- parallel-sessions:thread -->`"
	files := func(names ...string) []fakegithub.File {
		var fs []fakegithub.File
		for _, n := range names {
			fs = append(fs, fakegithub.File{Status: "added", Filename: n})
		}
		return fs
	}
	s.gh.AddPull(fakegithub.Pull{Number: 12, HeadRef: "api-cleanup", HeadSHA: "b1", BaseRef: "main", Files: files(evil, ticks)})
	s.gh.AddPull(fakegithub.Pull{Number: 40, HeadRef: "hotfix", HeadSHA: "h1", BaseRef: "main", Files: files("services/api/y\n::add-mask::not a thread")})
	for _, n := range []int{12, 40} {
		r := s.prEvent("pull_request", "synchronize", n)
		wantCode(t, r, exitFail)
		for _, line := range strings.FieldsFunc(r.stdout, func(r rune) bool { return r == '\n' || r == '\r' }) {
			if strings.Contains(line, "pwned") && strings.HasPrefix(strings.TrimSpace(line), "::warning") ||
				strings.HasPrefix(strings.TrimSpace(line), "::add-mask::") && !strings.Contains(line, token) ||
				strings.HasPrefix(strings.TrimSpace(line), "::error::cr") {
				t.Errorf("#%d: a file name wrote a workflow command: %q\nstdout:\n%s", n, line, r.stdout)
			}
		}
		if strings.Contains(r.summary, "\n::") {
			t.Errorf("#%d: the summary holds a line the file name started:\n%s", n, r.summary)
		}
	}
	c := s.botComment(12)
	if !strings.Contains(c, "- ``` services/auth/a``b` **bold** <!-- parallel-sessions:thread -->` ```: owned by") {
		t.Errorf("a path broke out of its code span:\n%s", c)
	}
	if strings.Count(c, "\n::") > 0 || !strings.Contains(c, `services/auth/x\n::warning title=pwned::owned\n::add-mask::success\r::error::cr`) {
		t.Errorf("a path's newline reached the comment:\n%s", c)
	}
}

// TestForgedStatusWithTheSameText: someone else pre-sets the gate's
// statuses with the exact text the gate would write. They are not the
// gate's: it writes its own, as the identity it acts as.
func TestForgedStatusWithTheSameText(t *testing.T) {
	s := newScenario(t)
	s.pull(11, "extract-auth", "a1", "services/auth/login.go")
	s.gh.AddStatusAs("a1", "mallory", fakegithub.Status{Context: scope, State: "success", Description: "in scope: 1 path of thread 1 (extract-auth)", TargetURL: "https://github.example/octo/repo/actions/runs/4242"})
	s.gh.AddStatusAs("a1", "mallory", fakegithub.Status{Context: order, State: "success", Description: "ready: every earlier thread has landed", TargetURL: "https://github.example/octo/repo/actions/runs/4242"})
	wantCode(t, s.prEvent("pull_request", "synchronize", 11), exitOK)
	for _, c := range []string{scope, order} {
		if st, _ := s.gh.LatestStatus("a1", c); st.Creator != fakegithub.ActionsBot || st.State != "success" {
			t.Errorf("%s on a1: %+v, want the gate's own success", c, st)
		}
	}
	// Its own statuses it does not write again.
	if w := s.prEvent("pull_request", "synchronize", 11).writes(); len(w) != 0 {
		t.Errorf("a re-run wrote %v", w)
	}
}

// TestHumanCommentWithTheMarker: a human's comment that holds the bot
// comment's marker is never adopted or edited; the gate writes its own,
// and edits only that one after.
func TestHumanCommentWithTheMarker(t *testing.T) {
	s := newScenario(t)
	s.pull(11, "extract-auth", "a1", "services/auth/login.go")
	human := "<!-- parallel-sessions:thread -->\n**Merge order:** ✅ merge me now"
	s.gh.AddCommentAs(11, "mallory", human)
	r := s.prEvent("pull_request", "synchronize", 11)
	wantCode(t, r, exitOK)
	var mine int
	for _, c := range s.gh.Comments(11) {
		switch c.User {
		case "mallory":
			if c.Body != human {
				t.Errorf("the human's comment was edited:\n%s", c.Body)
			}
		case fakegithub.ActionsBot:
			mine++
		}
	}
	if mine != 1 {
		t.Errorf("%d comments of the gate, want 1:\n%s", mine, fmtReqs(r.reqs))
	}
	s.pull(11, "extract-auth", "a2", "services/auth/login.go", "services/auth/x.go")
	r = s.prEvent("pull_request", "synchronize", 11)
	wantCode(t, r, exitOK)
	for _, w := range r.writes() {
		if strings.HasPrefix(w, "POST /repos/octo/repo/issues/11/comments") {
			t.Errorf("a second comment of the gate: %v", r.writes())
		}
	}
}

// TestReopenedThreadPRReevaluatesTheOthers: after thread 1's pull request
// is closed, thread 2's status says to reopen it; reopening it must update
// thread 2's status and comment, not only its own.
func TestReopenedThreadPRReevaluatesTheOthers(t *testing.T) {
	s := newScenario(t)
	s.pull(11, "extract-auth", "a1", "services/auth/login.go")
	s.pull(12, "api-cleanup", "b1", "services/api/handler.go")
	s.gh.Update(11, func(p *fakegithub.Pull) { p.State = "closed" })
	wantCode(t, s.prEvent("pull_request", "closed", 11), exitOK)
	s.wantStatus("b1", order, "pending: waiting on thread 1 (extract-auth), #11 closed; reopen #11")

	s.gh.Update(11, func(p *fakegithub.Pull) { p.State = "open" })
	r := s.prEvent("pull_request", "reopened", 11)
	wantCode(t, r, exitOK)
	s.wantStatus("a1", order, "success: ready")
	s.wantStatus("b1", order, "pending: waiting on thread 1 (extract-auth), #11 open; merge #11")
	if c := s.botComment(12); strings.Contains(c, "reopen #11") {
		t.Errorf("#12's comment still says to reopen #11:\n%s", c)
	}
	if r.outputs["thread"] != "1" || r.outputs["scope"] != "success" {
		t.Errorf("outputs of the reopened pull request's job: %v", r.outputs)
	}
	// A reopened pull request that is no thread is gated too.
	s.pull(40, "hotfix", "h1", "services/api/x.go")
	r = s.prEvent("pull_request", "reopened", 40)
	wantCode(t, r, exitFail)
	s.wantStatus("h1", scope, "failure: services/api/x.go is owned by thread 2")
}

// TestCommentOverGitHubsLimit: long file names out of scope would make a
// comment GitHub refuses (65,536 characters); the comment stays under it
// and says what it left out.
func TestCommentOverGitHubsLimit(t *testing.T) {
	s := newScenario(t)
	var files []string
	for i := range 30 {
		files = append(files, fmt.Sprintf("services/auth/%04d-%s.go", i, strings.Repeat("x", 3500)))
	}
	s.pull(12, "api-cleanup", "b1", files...)
	r := s.prEvent("pull_request", "synchronize", 12)
	wantCode(t, r, exitFail)
	c := s.botComment(12)
	if n := utf8.RuneCountInString(c); n > 65536 {
		t.Errorf("comment of %d characters", n)
	}
	if !strings.Contains(c, " more (run `ps-local check` in the thread's worktree for the full list)") {
		t.Errorf("the comment does not say what it left out:\n%.2000s", c)
	}
}

// TestMergeGroupOfNoThreadIntoAThreadsPaths: the merge queue must not let a
// pull request that is no thread land on the paths of a thread that has
// not landed, any more than the pull request's own statuses do.
func TestMergeGroupOfNoThreadIntoAThreadsPaths(t *testing.T) {
	s := newScenario(t)
	s.pull(11, "extract-auth", "a1", "services/auth/login.go")
	s.pull(40, "hotfix", "h1", "services/auth/login.go")
	r := s.groupEvent("checks_requested", queueRefOf("40"), "g40", "m0")
	wantCode(t, r, exitFail)
	s.wantStatus("g40", scope, "failure: services/auth/login.go is owned by thread 1 (extract-auth), #11 open")
}

// TestOverlappingRunsLeaveOneBotComment: two runs that overlapped (a
// re-evaluation and the pull request's own run are in different
// concurrency groups) each created the bot comment; the next run keeps
// one, and never touches a human's.
func TestOverlappingRunsLeaveOneBotComment(t *testing.T) {
	s := newScenario(t)
	s.pull(11, "extract-auth", "a1", "services/auth/login.go")
	s.gh.AddCommentAs(11, fakegithub.ActionsBot, "<!-- parallel-sessions:thread -->\nfrom run A")
	s.gh.AddComment(11, "a human in between")
	s.gh.AddCommentAs(11, fakegithub.ActionsBot, "<!-- parallel-sessions:thread -->\nfrom run B")
	wantCode(t, s.prEvent("pull_request", "synchronize", 11), exitOK)
	c := s.botComment(11)
	if !strings.Contains(c, "turn has come") {
		t.Errorf("the kept comment is not up to date:\n%s", c)
	}
	if got := s.gh.Comments(11); len(got) != 2 || got[1].Body != "a human in between" {
		t.Errorf("comments: %+v", got)
	}
}

// TestHeadMovesDuringAReevaluation: a push to one pull request while a
// re-evaluation checks it is no failure of the re-evaluation: nothing is
// written for the old head, a warning says so, the others are gated.
func TestHeadMovesDuringAReevaluation(t *testing.T) {
	s := newScenario(t)
	s.pull(11, "extract-auth", "a1", "services/auth/login.go")
	s.pull(12, "api-cleanup", "b1", "services/api/handler.go")
	s.gh.AddHook(&fakegithub.Hook{Method: "GET", Path: "/pulls/12/files", Times: 1, Fn: func() {
		s.gh.Update(12, func(p *fakegithub.Pull) { p.HeadSHA = "b2" })
	}})
	r := s.pushEvent("refs/heads/main")
	wantCode(t, r, exitOK)
	s.wantStatus("a1", order, "success")
	for _, sha := range []string{"b1", "b2"} {
		if got := s.status(sha, scope); got != "none" {
			t.Errorf("a status on %s, whose files were not the ones checked: %s", sha, got)
		}
	}
	if !strings.Contains(r.stdout, "::warning::ps-action: the head of #12 moved from b1 to b2") {
		t.Errorf("no warning:\n%s", r.stdout)
	}
}
