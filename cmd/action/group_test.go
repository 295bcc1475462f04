package main

import (
	"github.com/parallel-sessions/parallel-sessions/cmd/internal/fakegithub"
	"strings"
	"testing"
)

// groupEvent runs a merge_group checks_requested event for a group made
// for pull request ref, with head and base commits. The base commit has
// the plan on main, unless the test gave it one.
func (s *scenario) groupEvent(action, headRef, headSHA, baseSHA string) result {
	s.t.Helper()
	if _, ok := s.gh.File(baseSHA, "plan.toml"); !ok {
		if p, ok := s.gh.File("main", "plan.toml"); ok {
			s.gh.SetFile(baseSHA, "plan.toml", p)
		}
	}
	payload := loadPayload(s.t, "merge_group.json")
	mg := payload["merge_group"].(map[string]any)
	payload["action"] = action
	mg["head_ref"], mg["head_sha"], mg["base_sha"] = headRef, headSHA, baseSHA
	return s.run("merge_group", payload)
}

func queueRefOf(n string) string {
	return "refs/heads/gh-readonly-queue/main/pr-" + n + "-0123456789abcdef0123456789abcdef01234567"
}

// TestMergeGroup covers a merge queue: a group passes the order gate when
// every earlier thread has landed or is in the group's base commit, and
// fails it otherwise; statuses go on the group's head commit only.
func TestMergeGroup(t *testing.T) {
	s := newScenario(t)
	s.pull(11, "extract-auth", "a1", "services/auth/login.go")
	s.pull(12, "api-cleanup", "b1", "services/api/handler.go")
	s.pull(13, "docs", "c1", "docs/layout.md")
	s.gh.AddCommit("m0")
	s.gh.AddCommit("a1", "m0")
	s.gh.AddCommit("b1", "m0")
	s.gh.AddCommit("c1", "m0")
	s.gh.AddCommit("g11", "a1", "m0")              // the queue's group of #11
	s.gh.AddCommit("g12", "g11", "b1", "a1", "m0") // #12 queued behind #11
	s.gh.AddCommit("g13", "c1", "m0")              // #13 queued alone

	r := s.groupEvent("checks_requested", queueRefOf("12"), "g12", "g11")
	wantCode(t, r, exitOK)
	s.wantStatus("g12", scope, "success: in scope: 1 path of thread 2 (api-cleanup)")
	s.wantStatus("g12", order, "success: ready")
	for _, w := range r.writes() {
		if w != "POST /repos/octo/repo/statuses/g12" {
			t.Errorf("write %s; a merge group gets statuses on its head commit and nothing else", w)
		}
	}
	if len(r.writes()) != 2 {
		t.Errorf("writes %v, want the two statuses", r.writes())
	}
	for _, q := range r.reqs {
		if q.Method == "GET" && q.Path == "/repos/octo/repo/pulls/11" {
			t.Error("fetched #11 again although the branch's pull request list gave its head")
		}
	}
	if r.outputs["thread"] != "2" || r.outputs["ready"] != "true" {
		t.Errorf("outputs %v", r.outputs)
	}

	r = s.groupEvent("checks_requested", queueRefOf("13"), "g13", "m0")
	wantCode(t, r, exitOK)
	s.wantStatus("g13", scope, "success")
	s.wantStatus("g13", order, "failure: out of order in the merge queue: waiting on thread 2 (api-cleanup), #12 open; merge #12")
	if s.status("c1", order) != "none" {
		t.Error("the group's result was written on the pull request's head")
	}

	// #11 and #12 land; the queue retries #13 on the new base.
	s.gh.Update(11, func(p *fakegithub.Pull) { p.State, p.Merged = "closed", true })
	s.gh.Update(12, func(p *fakegithub.Pull) { p.State, p.Merged = "closed", true })
	s.gh.AddCommit("g13b", "c1", "g12", "m0")
	r = s.groupEvent("checks_requested", queueRefOf("13"), "g13b", "g12")
	wantCode(t, r, exitOK)
	s.wantStatus("g13b", order, "success: ready")
	for _, q := range r.reqs {
		if strings.Contains(q.Path, "/compare/") {
			t.Errorf("compared %s although every earlier thread has landed", q.Path)
		}
	}
}

func TestMergeGroupOutOfScopeFailsTheJob(t *testing.T) {
	s := newScenario(t)
	s.pull(11, "extract-auth", "a1", "services/auth/login.go", "services/api/router.go")
	r := s.groupEvent("checks_requested", queueRefOf("11"), "g11", "m0")
	wantCode(t, r, exitFail)
	s.wantStatus("g11", scope, "failure: 1 of 2 paths out of scope, first services/api/router.go (owned-by)")
	s.wantStatus("g11", order, "success")
}

func TestMergeGroupOfNoThread(t *testing.T) {
	s := newScenario(t)
	s.pull(20, "bump-deps", "d1", "go.sum")
	r := s.groupEvent("checks_requested", queueRefOf("20"), "g20", "m0")
	wantCode(t, r, exitOK)
	s.wantStatus("g20", scope, "success: not a thread of plan.toml")
	s.wantStatus("g20", order, "success")
}

func TestMergeGroupThatNamesNoPullRequest(t *testing.T) {
	s := newScenario(t)
	r := s.groupEvent("checks_requested", "refs/heads/some-other-branch", "g1", "m0")
	wantCode(t, r, exitError)
	s.wantStatus("g1", scope, "error: merge group refs/heads/some-other-branch names no pull request")
	s.wantStatus("g1", order, "error")
	if !strings.Contains(r.stdout, "::error::") {
		t.Errorf("no error annotation:\n%s", r.stdout)
	}
}

func TestMergeGroupDestroyedIsNotActedOn(t *testing.T) {
	s := newScenario(t)
	r := s.groupEvent("destroyed", queueRefOf("11"), "g11", "m0")
	wantCode(t, r, exitOK)
	if len(r.reqs) != 0 || !strings.Contains(r.stdout, "not one ps-action acts on") {
		t.Errorf("requests %v\n%s", r.writes(), r.stdout)
	}
}

func TestQueuedPull(t *testing.T) {
	for ref, want := range map[string]int{
		"refs/heads/gh-readonly-queue/main/pr-104-929f8209d40f77f4abc622a499c93a83babdbe64": 104,
		"gh-readonly-queue/release/v2/pr-7-929f8209d40f77f4abc622a499c93a83babdbe64":        7,
		"refs/heads/gh-readonly-queue/main/pr-0-929f82":                                     0,
		"refs/heads/main":                         0,
		"refs/heads/gh-readonly-queue/main/pr-12": 0,
		"refs/heads/gh-readonly-queue/main/pr-99999999999999999999999-929f8209d40f77f4abc622a499c9": 0,
	} {
		got, ok := queuedPull(ref)
		if got != want || ok != (want != 0) {
			t.Errorf("queuedPull(%q) = %d, %v; want %d", ref, got, ok, want)
		}
	}
}

// TestMergeGroupBehindAPlanChange: a pull request that drops thread 2 from
// the plan is in the merge queue ahead of thread 2's. Thread 2's group is
// built on the plan change's group: it lands on a base whose plan drops
// thread 2. The group is gated with the plan of its base commit, which is
// the plan it lands under, not with the plan at the branch's tip.
func TestMergeGroupBehindAPlanChange(t *testing.T) {
	s := newScenario(t)
	s.pull(11, "extract-auth", "a1", "services/auth/login.go")
	s.gh.Update(11, func(p *fakegithub.Pull) { p.State, p.Merged = "closed", true })
	s.pull(12, "api-cleanup", "b1", "services/api/handler.go")
	dropped := strings.Replace(readTestdata(t, "plan.toml"), "merge_order = 2\n", "merge_order = 2\nstatus = \"dropped\"\n", 1)
	s.gh.SetFile("g50", "plan.toml", dropped) // the group of the plan's pull request
	s.gh.AddCommit("g50")
	s.gh.AddCommit("g12", "g50", "b1")
	r := s.groupEvent("checks_requested", queueRefOf("12"), "g12", "g50")
	wantCode(t, r, exitFail)
	s.wantStatus("g12", scope, "failure")
	s.wantStatus("g12", order, "failure: out of order in the merge queue: thread 2 (api-cleanup) is dropped")
}
