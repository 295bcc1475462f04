package main

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/parallel-sessions/parallel-sessions/cmd/internal/fakegithub"
)

const (
	scope = "parallel-sessions/scope"
	order = "parallel-sessions/order"
)

// TestThreeThreadLifecycle follows a plan of three threads: the first is
// ready, the second waits on it and fails when it strays, merging the first
// turns the second's order status green without an event of its own, and
// the third still waits on the second.
func TestThreeThreadLifecycle(t *testing.T) {
	s := newScenario(t)
	s.gh.MaxPerPage = 2 // every list takes several pages
	s.pull(11, "extract-auth", "a1", "services/auth/login.go", "added:services/auth/token.go", "go.sum")
	s.pull(12, "api-cleanup", "b1", "services/api/handler.go")
	s.pull(13, "docs", "c1", "docs/layout.md")

	r := s.prEvent("pull_request_target", "opened", 11)
	wantCode(t, r, exitOK)
	s.wantStatus("a1", scope, "success: in scope: 3 paths of thread 1 (extract-auth)")
	s.wantStatus("a1", order, "success: ready: every earlier thread has landed")
	if got := s.gh.PullState(11).Labels; len(got) != 1 || got[0] != "merge-order:1" {
		t.Errorf("labels of #11: %v", got)
	}
	if !s.gh.Label("merge-order:1") {
		t.Error("label merge-order:1 was not created")
	}
	want := map[string]string{"thread": "1", "merge-order": "1", "scope": "success", "ready": "true", "violations": "0"}
	for k, v := range want {
		if r.outputs[k] != v {
			t.Errorf("output %s = %q, want %q (outputs %v)", k, r.outputs[k], v, r.outputs)
		}
	}
	if !strings.Contains(r.stdout, "::add-mask::"+token) {
		t.Error("the token is not masked")
	}
	comment := s.botComment(11)
	for _, want := range []string{"thread 1 `extract-auth`", "✅ all 3 changed paths are in this thread's scope", "turn has come",
		"[`plan.toml` on `main`](https://github.example/octo/repo/blob/main/plan.toml)",
		"[the open pull requests into `main`](https://github.example/octo/repo/pulls?q=is%3Apr+is%3Aopen+base%3Amain)"} {
		if !strings.Contains(comment, want) {
			t.Errorf("comment of #11 lacks %q:\n%s", want, comment)
		}
	}
	// The comment holds no global state: that is the job summary's.
	for _, global := range []string{"Merge next", "| order |", "api-cleanup"} {
		if strings.Contains(comment, global) {
			t.Errorf("comment of #11 holds %q:\n%s", global, comment)
		}
	}
	for _, want := range []string{"### parallel-sessions: thread 1 `extract-auth`", "| 2 | 2 | `api-cleanup` | #12 | open | waits on 1 |", "| 1 | 1 | `extract-auth` | #11 (this one) | open | ready |"} {
		if !strings.Contains(r.summary, want) {
			t.Errorf("step summary lacks %q:\n%s", want, r.summary)
		}
	}

	r = s.prEvent("pull_request_target", "opened", 12)
	wantCode(t, r, exitOK)
	s.wantStatus("b1", scope, "success")
	s.wantStatus("b1", order, "pending: waiting on thread 1 (extract-auth), #11 open; merge #11")
	if r.outputs["ready"] != "false" {
		t.Errorf("ready = %q", r.outputs["ready"])
	}

	// Thread 2 strays into thread 1's area: its job fails, with annotations.
	s.pull(12, "api-cleanup", "b2", "services/api/handler.go", "services/auth/session.go", "renamed:services/api/old.go:services/auth/old.go")
	r = s.prEvent("pull_request_target", "synchronize", 12)
	wantCode(t, r, exitFail)
	// The rename's old side is thread 2's own; its new side and the new file are not.
	s.wantStatus("b2", scope, "failure: 2 of 4 paths out of scope, first services/auth/old.go (owned-by)")
	if !strings.Contains(r.stdout, "::error file=services/auth/session.go,title=out of scope [owned-by]::owned by thread 1 (extract-auth)") {
		t.Errorf("no annotation for the stray file:\n%s", r.stdout)
	}
	if r.outputs["scope"] != "failure" || r.outputs["violations"] != "2" {
		t.Errorf("outputs: %v", r.outputs)
	}
	if c := s.botComment(12); !strings.Contains(c, "❌ 2 of 4 changed paths are out of this thread's scope") || !strings.Contains(c, "`services/auth/old.go`: renamed from \"services/api/old.go\"") || !strings.Contains(c, "`services/auth/session.go`: owned by thread 1") {
		t.Errorf("comment of #12:\n%s", c)
	}

	// Back in scope.
	s.pull(12, "api-cleanup", "b3", "services/api/handler.go")
	wantCode(t, s.prEvent("pull_request_target", "synchronize", 12), exitOK)
	s.wantStatus("b3", scope, "success")
	s.wantStatus("b3", order, "pending: waiting on thread 1")
	wantCode(t, s.prEvent("pull_request_target", "opened", 13), exitOK)
	// Thread 3 waits on what is directly before it: thread 2.
	s.wantStatus("c1", order, "pending: waiting on thread 2 (api-cleanup), #12 open; merge #12")

	// #11 lands: its closed event re-evaluates the others.
	s.gh.Update(11, func(p *fakegithub.Pull) { p.State, p.Merged = "closed", true })
	r = s.prEvent("pull_request_target", "closed", 11)
	wantCode(t, r, exitOK)
	s.wantStatus("b3", order, "success: ready")
	s.wantStatus("c1", order, "pending: waiting on thread 2 (api-cleanup), #12 open; merge #12")
	if c := s.botComment(12); !strings.Contains(c, "turn has come") {
		t.Errorf("comment of #12 after #11 landed:\n%s", c)
	}
	if !strings.Contains(r.summary, "| 1 | 1 | `extract-auth` | #11 | landed | done |") {
		t.Errorf("the summary of the close has no order table:\n%s", r.summary)
	}
	if c := s.botComment(13); !strings.Contains(c, "thread 2 (api-cleanup), #12 open: merge #12") {
		t.Errorf("comment of #13:\n%s", c)
	}
	for _, w := range r.writes() {
		if strings.Contains(w, "/statuses/a1") || strings.Contains(w, "/issues/11/") {
			t.Errorf("the landed pull request was written to: %s", w)
		}
	}
}

func TestRerunMakesNoWrites(t *testing.T) {
	s := newScenario(t)
	s.pull(11, "extract-auth", "a1", "services/auth/login.go")
	s.pull(12, "api-cleanup", "b1", "services/api/handler.go", "services/auth/x.go")
	first := s.prEvent("pull_request", "synchronize", 12)
	wantCode(t, first, exitFail)
	if len(first.writes()) == 0 {
		t.Fatal("the first run wrote nothing")
	}
	again := s.prEvent("pull_request", "synchronize", 12)
	wantCode(t, again, exitFail)
	if w := again.writes(); len(w) != 0 {
		t.Errorf("a re-run wrote %v", w)
	}
	s.gh.Update(11, func(p *fakegithub.Pull) { p.State, p.Merged = "closed", true })
	wantCode(t, s.prEvent("pull_request", "closed", 11), exitOK)
	if w := s.prEvent("pull_request", "closed", 11).writes(); len(w) != 0 {
		t.Errorf("a re-run of the close wrote %v", w)
	}
	if w := s.pushEvent("refs/heads/main").writes(); len(w) != 0 {
		t.Errorf("a push with nothing new wrote %v", w)
	}
}

func TestStalePayloadUsesTheCurrentHead(t *testing.T) {
	s := newScenario(t)
	s.pull(11, "extract-auth", "new-sha", "services/auth/login.go")
	wantCode(t, s.stalePREvent(11, "old-sha"), exitOK)
	s.wantStatus("new-sha", scope, "success")
	if got := s.status("old-sha", scope); got != "none" {
		t.Errorf("a status went on the payload's old head: %s", got)
	}
}

func TestInvalidPlan(t *testing.T) {
	s := newScenario(t)
	s.gh.SetFile("main", "plan.toml", "[[threads]]\nid = 1\nbranch = \"extract-auth\"\ngoal = \"g\"\nowns = [\"services/\"]\nmerge_order = 1\n\n[[threads]]\nid = 2\nbranch = \"api-cleanup\"\ngoal = \"g\"\nowns = [\"services/api/\"]\nmerge_order = 2\n")
	s.pull(12, "api-cleanup", "b1", "services/api/handler.go")
	r := s.prEvent("pull_request", "opened", 12)
	wantCode(t, r, exitFail)
	s.wantStatus("b1", scope, `error: plan.toml on main is invalid: thread 2 (api-cleanup) owns "services/api/", which overlaps`)
	s.wantStatus("b1", order, "error: plan.toml on main is invalid")
	if !strings.Contains(r.stdout, "::error col=9,file=plan.toml,line=12,title=invalid plan [overlap]::thread 2 (api-cleanup) owns") {
		t.Errorf("no annotation on the plan:\n%s", r.stdout)
	}
	if len(s.gh.Comments(12)) != 0 || len(s.gh.PullState(12).Labels) != 0 {
		t.Error("an invalid plan still labelled or commented")
	}
	// A re-evaluation on an invalid plan fails the job too, and writes nothing.
	r = s.pushEvent("refs/heads/main")
	wantCode(t, r, exitFail)
	if w := r.writes(); len(w) != 0 {
		t.Errorf("re-evaluation on an invalid plan wrote %v", w)
	}
}

// TestPlanThatIsNotTOML: a plan that does not even parse is an invalid
// plan, not a missing one: error statuses, and the job fails.
func TestPlanThatIsNotTOML(t *testing.T) {
	s := newScenario(t)
	s.gh.SetFile("main", "plan.toml", "[[threads]\nid = 1\n")
	s.pull(12, "api-cleanup", "b1", "services/api/handler.go")
	r := s.prEvent("pull_request", "opened", 12)
	wantCode(t, r, exitFail)
	s.wantStatus("b1", scope, "error: plan.toml on main is invalid")
	s.wantStatus("b1", order, "error: plan.toml on main is invalid")
	if !strings.Contains(r.stdout, "title=invalid plan [syntax]") {
		t.Errorf("no annotation on the plan:\n%s", r.stdout)
	}
	r = s.groupEvent("checks_requested", queueRefOf("12"), "g12", "m0")
	wantCode(t, r, exitFail)
	s.wantStatus("g12", order, "error: plan.toml on main is invalid")
}

func TestNoPlan(t *testing.T) {
	s := newScenario(t)
	s.gh.SetFile("main", "plan.toml", "")
	s.pull(12, "api-cleanup", "b1", "services/api/handler.go")
	r := s.prEvent("pull_request", "opened", 12)
	wantCode(t, r, exitOK)
	if w := r.writes(); len(w) != 0 {
		t.Errorf("wrote without a plan: %v", w)
	}
	if !strings.Contains(r.stdout, "::notice::ps-action: no plan.toml on main: nothing to gate") {
		t.Errorf("no notice:\n%s", r.stdout)
	}
}

func TestPlanEditedInAThreadPR(t *testing.T) {
	s := newScenario(t)
	// The pull request widens its own scope in plan.toml: the plan comes
	// from main, and the plan file is never in a thread's scope.
	s.gh.SetFile("api-cleanup", "plan.toml", "# widened: everything is mine\n")
	s.pull(12, "api-cleanup", "b1", "services/api/handler.go", "plan.toml")
	r := s.prEvent("pull_request_target", "synchronize", 12)
	wantCode(t, r, exitFail)
	s.wantStatus("b1", scope, "failure: 1 of 2 paths out of scope, first plan.toml (plan-file)")
	for _, q := range r.reqs {
		if strings.Contains(q.Path, "/contents/") && !strings.Contains(q.Query, "ref=main") {
			t.Errorf("read the plan from somewhere else than main: %s?%s", q.Path, q.Query)
		}
	}
}

func TestForkWithAThreadBranchName(t *testing.T) {
	s := newScenario(t)
	s.gh.AddPull(fakegithub.Pull{Number: 20, HeadRef: "extract-auth", HeadSHA: "f1", HeadRepo: "mallory/repo", BaseRef: "main",
		Files: []fakegithub.File{{Status: "modified", Filename: "services/api/handler.go"}}})
	s.pull(12, "api-cleanup", "b1", "services/api/handler.go")

	// By default the fork's change to thread 2's paths fails scope; allowed
	// explicitly, it passes ungated.
	r := s.prEvent("pull_request_target", "opened", 20)
	wantCode(t, r, exitFail)
	s.wantStatus("f1", scope, "failure: services/api/handler.go is owned by thread 2 (api-cleanup), #12 open, which has not landed")
	// Into thread 1's own paths: thread 1 has no pull request, the fork's
	// does not stand for it.
	s.gh.Update(20, func(p *fakegithub.Pull) {
		p.HeadSHA, p.Files = "f0", []fakegithub.File{{Status: "modified", Filename: "services/auth/login.go"}}
	})
	wantCode(t, s.prEvent("pull_request_target", "synchronize", 20), exitFail)
	s.wantStatus("f0", scope, "failure: services/auth/login.go is owned by thread 1 (extract-auth), no pull request yet, which has not landed")
	s.gh.Update(20, func(p *fakegithub.Pull) {
		p.HeadSHA, p.Files = "f1", []fakegithub.File{{Status: "modified", Filename: "services/api/handler.go"}}
	})
	s.inputs["untracked-prs"] = "allow"
	r = s.prEvent("pull_request_target", "opened", 20)
	wantCode(t, r, exitOK)
	s.wantStatus("f1", scope, "success: not a thread of plan.toml: not gated")
	if len(s.gh.PullState(20).Labels) != 0 || len(s.gh.Comments(20)) != 0 {
		t.Error("the fork got a thread's label or comment")
	}
	// The fork does not stand in for thread 1: thread 2 still waits on a
	// pull request for branch extract-auth.
	wantCode(t, s.prEvent("pull_request_target", "opened", 12), exitOK)
	s.wantStatus("b1", order, "pending: waiting on thread 1 (extract-auth), no pull request yet; open a pull request for branch extract-auth")

	s.inputs["untracked-prs"] = "fail"
	r = s.prEvent("pull_request_target", "synchronize", 20)
	wantCode(t, r, exitFail)
	s.wantStatus("f1", scope, "failure: not a thread: its branch extract-auth is named like thread 1's, but comes from mallory/repo")
}

func TestPROverTheFileCap(t *testing.T) {
	s := newScenario(t)
	var files []string
	for i := range 3001 {
		files = append(files, fmt.Sprintf("services/auth/gen/f%04d.go", i))
	}
	s.pull(11, "extract-auth", "a1", files...)
	r := s.prEvent("pull_request", "synchronize", 11)
	wantCode(t, r, exitFail)
	s.wantStatus("a1", scope, "error: GitHub lists 3000 of 3001 changed files, so scope is unverified")
	if r.outputs["scope"] != "error" {
		t.Errorf("scope output %q", r.outputs["scope"])
	}
}

func TestEarlierThreadClosedWithoutMerge(t *testing.T) {
	s := newScenario(t)
	s.pull(11, "extract-auth", "a1", "services/auth/login.go")
	s.pull(12, "api-cleanup", "b1", "services/api/handler.go")
	s.gh.Update(11, func(p *fakegithub.Pull) { p.State = "closed" })
	wantCode(t, s.prEvent("pull_request", "closed", 11), exitOK)
	s.wantStatus("b1", order, "pending: waiting on thread 1 (extract-auth), #11 closed; reopen #11 or mark thread 1 dropped in plan.toml")
	if c := s.botComment(12); !strings.Contains(c, "reopen #11 or mark thread 1 dropped in plan.toml") {
		t.Errorf("comment:\n%s", c)
	}
}

func TestDroppedThread(t *testing.T) {
	s := newScenario(t)
	s.gh.SetFile("main", "plan.toml", strings.Replace(readTestdata(t, "plan.toml"), "merge_order = 1\n", "merge_order = 1\nstatus = \"dropped\"\n", 1))
	s.pull(11, "extract-auth", "a1", "services/auth/login.go")
	s.pull(12, "api-cleanup", "b1", "services/api/handler.go")

	wantCode(t, s.prEvent("pull_request", "opened", 12), exitOK)
	s.wantStatus("b1", order, "success: ready")

	r := s.prEvent("pull_request", "opened", 11)
	wantCode(t, r, exitFail)
	s.wantStatus("a1", scope, "failure: 1 of 1 paths out of scope, first services/auth/login.go (thread-dropped)")
	s.wantStatus("a1", order, "pending: thread 1 (extract-auth) is dropped in plan.toml and cannot land")
}

func TestPlanChangeOnPushReevaluates(t *testing.T) {
	s := newScenario(t)
	s.pull(12, "api-cleanup", "b1", "services/api/handler.go")
	wantCode(t, s.prEvent("pull_request", "opened", 12), exitOK)
	s.wantStatus("b1", order, "pending")
	// The plan now lands thread 2 first: a push to main re-evaluates.
	s.gh.SetFile("main", "plan.toml", strings.Replace(readTestdata(t, "plan.toml"), "merge_order = 2", "merge_order = 1", 1))
	r := s.pushEvent("refs/heads/main")
	wantCode(t, r, exitOK)
	s.wantStatus("b1", order, "success: ready")
	if got := s.gh.PullState(12).Labels; len(got) != 1 || got[0] != "merge-order:1" {
		t.Errorf("the stale label stayed: %v", got)
	}
	// A push to a thread branch is not the base: nothing to do.
	if w := s.pushEvent("refs/heads/api-cleanup").writes(); len(w) != 0 {
		t.Errorf("a push to a thread branch wrote %v", w)
	}
}

func TestTransientFailuresAreRetried(t *testing.T) {
	tests := []struct {
		name  string
		fault fakegithub.Fault
	}{
		{"secondary rate limit then success", fakegithub.Fault{Path: "/pulls/11/files", Status: 403, Header: map[string]string{"Retry-After": "1"}, Body: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", Times: 1}},
		{"5xx burst then success", fakegithub.Fault{Path: "/commits/a1/status", Status: 502, Times: 2}},
		{"429 then success", fakegithub.Fault{Method: "POST", Path: "/statuses/a1", Status: 429, Times: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newScenario(t)
			s.pull(11, "extract-auth", "a1", "services/auth/login.go")
			f := tt.fault
			s.gh.AddFault(&f)
			r := s.prEvent("pull_request", "synchronize", 11)
			wantCode(t, r, exitOK)
			s.wantStatus("a1", scope, "success")
			s.wantStatus("a1", order, "success")
		})
	}
}

func TestPersistentFailure(t *testing.T) {
	s := newScenario(t)
	s.inputs["retry-budget"] = "1"
	s.pull(11, "extract-auth", "a1", "services/auth/login.go")
	s.gh.AddFault(&fakegithub.Fault{Path: "/pulls/11/files", Status: 503})
	r := s.prEvent("pull_request", "synchronize", 11)
	wantCode(t, r, exitError)
	var errors []string
	for _, line := range strings.Split(r.stdout, "\n") {
		if strings.HasPrefix(line, "::error") {
			errors = append(errors, line)
		}
	}
	if len(errors) != 1 || !strings.Contains(errors[0], "list files of pull request #11") || !strings.Contains(errors[0], "503") {
		t.Errorf("want one clear error line, got:\n%s", r.stdout)
	}
	if got := s.status("a1", scope); got != "none" {
		t.Errorf("a scope status was left without verifying: %s", got)
	}
	if got := s.status("a1", order); strings.HasPrefix(got, "success") {
		t.Errorf("order success left after a failure: %s", got)
	}
}

func TestCommentOffAndOtherEvents(t *testing.T) {
	s := newScenario(t)
	s.inputs["comment"] = "false"
	s.pull(11, "extract-auth", "a1", "services/auth/login.go")
	wantCode(t, s.prEvent("pull_request", "opened", 11), exitOK)
	if len(s.gh.Comments(11)) != 0 {
		t.Error("commented with comment: false")
	}
	r := s.run("issues", map[string]any{"action": "opened"})
	wantCode(t, r, exitOK)
	if len(r.reqs) != 0 || !strings.Contains(r.stdout, "not one ps-action acts on") {
		t.Errorf("an unrelated event: %d requests\n%s", len(r.reqs), r.stdout)
	}
	s.inputs["untracked-prs"] = "sometimes"
	r = s.prEvent("pull_request", "opened", 11)
	wantCode(t, r, exitError)
	if !strings.Contains(r.stdout, "input untracked-prs is \"sometimes\"; use guard, allow or fail") {
		t.Errorf("bad input: %s", r.stdout)
	}
}

func TestExistingCommentIsEditedInPlace(t *testing.T) {
	s := newScenario(t)
	s.pull(11, "extract-auth", "a1", "services/auth/login.go")
	s.gh.AddComment(11, "LGTM from a human")
	s.gh.AddCommentAs(11, fakegithub.ActionsBot, "<!-- parallel-sessions:thread -->\nan old text")
	r := s.prEvent("pull_request", "synchronize", 11)
	wantCode(t, r, exitOK)
	comments := s.gh.Comments(11)
	if len(comments) != 2 || comments[0].Body != "LGTM from a human" || !strings.Contains(comments[1].Body, "turn has come") {
		t.Errorf("comments: %+v", comments)
	}
	edits := 0
	for _, w := range r.writes() {
		if strings.HasPrefix(w, "PATCH /repos/octo/repo/issues/comments/") {
			edits++
		}
		if strings.HasPrefix(w, "POST /repos/octo/repo/issues/11/comments") {
			t.Error("a second bot comment was created")
		}
	}
	if edits != 1 {
		t.Errorf("%d edits, want 1:\n%s", edits, fmtReqs(r.reqs))
	}
}

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestPullRequestIntoAnotherBranch(t *testing.T) {
	s := newScenario(t)
	// A copy of the plan on a release branch still names main as the base.
	s.gh.SetFile("release", "plan.toml", readTestdata(t, "plan.toml"))
	s.gh.AddPull(fakegithub.Pull{Number: 30, HeadRef: "extract-auth", HeadSHA: "r1", BaseRef: "release",
		Files: []fakegithub.File{{Status: "modified", Filename: "services/auth/login.go"}}})
	r := s.prEvent("pull_request", "opened", 30)
	wantCode(t, r, exitOK)
	if w := r.writes(); len(w) != 0 || !strings.Contains(r.stdout, "plan.toml on release gates pull requests into main") {
		t.Errorf("writes %v\n%s", w, r.stdout)
	}
}

func TestWorkflowDispatchReevaluates(t *testing.T) {
	s := newScenario(t)
	s.pull(11, "extract-auth", "a1", "services/auth/login.go")
	s.pull(12, "api-cleanup", "b1", "services/api/handler.go")
	r := s.run("workflow_dispatch", map[string]any{"ref": "refs/heads/main", "inputs": map[string]any{}})
	wantCode(t, r, exitOK)
	s.wantStatus("a1", order, "success: ready")
	s.wantStatus("b1", order, "pending: waiting on thread 1")
	s.botComment(11)
	s.botComment(12)
	if !strings.Contains(r.summary, "#11: thread 1 (extract-auth), merge order 1: scope success") {
		t.Errorf("summary:\n%s", r.summary)
	}
}
