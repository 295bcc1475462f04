package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/parallel-sessions/parallel-sessions/cmd/internal/fakegithub"
)

// touched lists the pull requests whose files a run listed, and the
// commits whose statuses it read.
func touched(r result) (files, statuses []string) {
	for _, q := range r.reqs {
		if q.Method != "GET" {
			continue
		}
		if n, ok := strings.CutPrefix(q.Path, "/repos/octo/repo/pulls/"); ok && strings.HasSuffix(n, "/files") {
			files = append(files, strings.TrimSuffix(n, "/files"))
		}
		if sha, ok := strings.CutPrefix(q.Path, "/repos/octo/repo/commits/"); ok {
			statuses = append(statuses, strings.TrimSuffix(sha, "/status"))
		}
	}
	return files, statuses
}

// threeGated is the test plan's three threads with open pull requests, all
// gated by a full re-evaluation, the plan the same at the commit the push
// payload moves main from.
func threeGated(t *testing.T) *scenario {
	s := newScenario(t)
	s.gh.SetFile(pushBefore, "plan.toml", readTestdata(t, "plan.toml"))
	s.pull(11, "extract-auth", "a1", "services/auth/login.go")
	s.pull(12, "api-cleanup", "b1", "services/api/handler.go")
	s.pull(13, "docs", "c1", "docs/layout.md")
	wantCode(t, s.dispatchEvent(), exitOK)
	s.wantStatus("a1", order, "success: ready")
	s.wantStatus("b1", order, "pending: waiting on thread 1 (extract-auth), #11 open; merge #11")
	s.wantStatus("c1", order, "pending: waiting on thread 2 (api-cleanup), #12 open; merge #12")
	return s
}

// A push to the base that leaves the plan as it was re-gates only the pull
// requests whose turn has come, whose merge into the moved base GitHub may
// judge anew; it lists no files. A push that changes the plan, creates the
// branch, or comes from a commit the plan is unknown at, re-gates
// everything.
func TestPushRegatesTheReadyOnlyWhenThePlanIsUnchanged(t *testing.T) {
	yes := true
	s := threeGated(t)
	s.gh.Update(11, func(p *fakegithub.Pull) { p.Mergeable, p.MergeableState = &yes, "behind" })
	r := s.pushEvent("refs/heads/main")
	wantCode(t, r, exitOK)
	s.wantStatus("a1", order, "success: ready: every earlier thread has landed; behind main, merges cleanly: update the branch")
	if c := s.botComment(11); !strings.Contains(c, "behind `main`") {
		t.Errorf("#11's comment does not say it is behind:\n%s", c)
	}
	files, statuses := touched(r)
	if len(files) != 0 || !slices.Equal(statuses, []string{"a1"}) {
		t.Errorf("listed the files of %v and read the statuses of %v, want none and [a1]", files, statuses)
	}
	for _, w := range r.writes() {
		if !strings.Contains(w, "/statuses/a1") && !strings.Contains(w, "/issues/comments/") {
			t.Errorf("a write for another pull request than #11: %s", w)
		}
	}

	for name, set := range map[string]func(){
		"the plan changed":   func() { s.gh.SetFile(pushBefore, "plan.toml", "# an older plan\n"+readTestdata(t, "plan.toml")) },
		"no plan at before":  func() { s.gh.SetFile(pushBefore, "plan.toml", "") },
		"the branch is new":  func() { s.gh.SetFile(strings.Repeat("0", 40), "plan.toml", readTestdata(t, "plan.toml")) },
		"the plan unchanged": func() { s.gh.SetFile(pushBefore, "plan.toml", readTestdata(t, "plan.toml")) },
	} {
		set()
		payload := loadPayload(t, "push.json")
		if name == "the branch is new" {
			payload["before"] = strings.Repeat("0", 40)
		}
		r := s.run("push", payload)
		wantCode(t, r, exitOK)
		files, _ := touched(r)
		if want := name != "the plan unchanged"; want != (len(files) == 3) {
			t.Errorf("%s: listed the files of %v", name, files)
		}
	}
}

// Opening a thread's first pull request changes what the thread directly
// after it waits on, and only that: its order status and comment change
// without an event of its own; the thread after that is not read.
func TestOpeningAThreadPRRegatesTheNextThread(t *testing.T) {
	s := newScenario(t)
	s.pull(12, "api-cleanup", "b1", "services/api/handler.go")
	s.pull(13, "docs", "c1", "docs/layout.md")
	wantCode(t, s.dispatchEvent(), exitOK)
	s.wantStatus("b1", order, "pending: waiting on thread 1 (extract-auth), no pull request yet; open a pull request for branch extract-auth")

	s.pull(11, "extract-auth", "a1", "services/auth/login.go")
	r := s.prEvent("pull_request", "opened", 11)
	wantCode(t, r, exitOK)
	s.wantStatus("a1", order, "success: ready")
	s.wantStatus("b1", order, "pending: waiting on thread 1 (extract-auth), #11 open; merge #11")
	if c := s.botComment(12); !strings.Contains(c, "#11 open: merge #11") {
		t.Errorf("#12's comment:\n%s", c)
	}
	files, statuses := touched(r)
	if !slices.Equal(files, []string{"11"}) || slices.Contains(statuses, "c1") {
		t.Errorf("listed the files of %v and read the statuses of %v; want only #11's files and nothing of #13", files, statuses)
	}
	if r.outputs["thread"] != "1" {
		t.Errorf("the job's outputs are not #11's: %v", r.outputs)
	}
}

// A pull request that is no thread closing changes no thread's decision:
// nothing is gated or written.
func TestClosingAPRThatIsNoThreadRegatesNothing(t *testing.T) {
	s := threeGated(t)
	s.pull(40, "typo", "t1", "README.md")
	s.gh.Update(40, func(p *fakegithub.Pull) { p.State = "closed" })
	r := s.prEvent("pull_request", "closed", 40)
	wantCode(t, r, exitOK)
	files, statuses := touched(r)
	if len(files)+len(statuses)+len(r.writes()) != 0 {
		t.Errorf("listed files of %v, read statuses of %v, wrote %v", files, statuses, r.writes())
	}
}

// A re-evaluation that may take a scope from the statuses takes only the
// gate's own: a success someone else set on the head of a pull request out
// of scope is not believed, the files are listed and the gate's failure
// written again; an order status someone else set with the text of the
// new decision does not make the pull request current.
func TestReevaluationTakesOnlyItsOwnStatuses(t *testing.T) {
	s := newScenario(t)
	s.pull(11, "extract-auth", "a1", "services/auth/login.go")
	s.pull(12, "api-cleanup", "b1", "services/api/handler.go", "services/auth/x.go")
	wantCode(t, s.dispatchEvent(), exitOK)
	s.wantStatus("b1", scope, "failure")
	s.gh.AddStatusAs("b1", "mallory", fakegithub.Status{Context: scope, State: "success", Description: "in scope: 2 paths of thread 2 (api-cleanup)"})
	s.gh.AddStatusAs("b1", "mallory", fakegithub.Status{Context: order, State: "success", Description: "ready: every earlier thread has landed"})

	s.gh.Update(11, func(p *fakegithub.Pull) { p.State, p.Merged = "closed", true })
	r := s.prEvent("pull_request", "closed", 11)
	wantCode(t, r, exitOK)
	for _, c := range []string{scope, order} {
		if st, _ := s.gh.LatestStatus("b1", c); st.Creator != fakegithub.ActionsBot {
			t.Errorf("%s on b1: %+v, want the gate's own", c, st)
		}
	}
	s.wantStatus("b1", scope, "failure: 1 of 2 paths out of scope")
	s.wantStatus("b1", order, "success: ready")
	if files, _ := touched(r); !slices.Equal(files, []string{"12"}) {
		t.Errorf("listed the files of %v, want #12's", files)
	}
}

// A head that moves while a push re-gates a ready pull request without its
// files gets nothing written for either commit.
func TestHeadMovesWhileAReadyPRIsRegated(t *testing.T) {
	s := threeGated(t)
	s.gh.AddHook(&fakegithub.Hook{Method: "GET", Path: "/commits/a1/status", Times: 1, Fn: func() {
		s.gh.Update(11, func(p *fakegithub.Pull) { p.HeadSHA = "a2" })
	}})
	yes := true
	s.gh.Update(11, func(p *fakegithub.Pull) { p.Mergeable, p.MergeableState = &yes, "behind" })
	r := s.pushEvent("refs/heads/main")
	wantCode(t, r, exitOK)
	if w := r.writes(); len(w) != 0 {
		t.Errorf("wrote %v for a head that moved", w)
	}
	if !strings.Contains(r.stdout, "::warning::ps-action: the head of #11 moved from a1 to a2") {
		t.Errorf("no warning:\n%s", r.stdout)
	}
}

// The bot never folds a delivery that changes a pull request's state into
// one that does not: the opening re-gates what waits on it.
func TestJobKeysKeepStateChangesApart(t *testing.T) {
	key := func(action string) string {
		return job{ev: event{name: "pull_request", pr: 7, action: action, base: "main"}}.key()
	}
	if key("synchronize") != key("edited") {
		t.Error("two events that gate only their pull request have different keys")
	}
	for _, a := range []string{"opened", "reopened"} {
		if key(a) == key("synchronize") {
			t.Errorf("%s has the key of a synchronize", a)
		}
	}
	if key("opened") == key("reopened") {
		t.Error("opened and reopened share a key")
	}
}

// TestJobKeysKeepPushesApart: a push waiting in the bot's queue must not
// absorb the next push. The waiting job compares the plan at its own
// before commit with the tip: when the plan changed in the first push and
// changed back in the second, the two plans are the same, and the pull
// requests a job gated with the plan in between (it read it while the
// pushes were delivered) would keep that plan's verdict. The second push's
// own job compares the plan in between with the tip and re-evaluates in
// full. A redelivered push (the same before) still folds.
func TestJobKeysKeepPushesApart(t *testing.T) {
	push := func(before string) job {
		return job{repo: "octo/repo", ev: event{name: "push", base: "main", before: before}}
	}
	if push("a0").key() == push("b0").key() {
		t.Error("two pushes to one base with different before commits share a key")
	}
	if push("a0").key() != push("a0").key() {
		t.Error("one push delivered twice has two keys")
	}
	// A job of another event holds the worker: both pushes arrive while
	// the first waits.
	var ran []string
	hold := make(chan struct{})
	q := newQueues(func(j job) bool {
		if j.ev.name == "hold" {
			<-hold
			return true
		}
		ran = append(ran, j.ev.before)
		return true
	})
	q.add(job{repo: "octo/repo", ev: event{name: "hold", pr: 1}})
	q.add(push("a0"))
	q.add(push("b0"))
	close(hold)
	q.close()
	if !slices.Equal(ran, []string{"a0", "b0"}) {
		t.Errorf("the pushes ran as %v, want both, in order", ran)
	}
}

// Under untracked-prs guard, a landing re-gates the pull requests that are
// no thread and fail on the landed thread's paths; one that passes, which
// touches no path of a thread that has not landed, still does, and its
// files are not listed again. A thread whose pull request opens again
// after it landed may hold any of them: all are re-gated.
func TestLandingRegatesTheUntrackedThatCanChange(t *testing.T) {
	s := threeGated(t)
	s.pull(40, "hotfix", "h1", "services/auth/login.go")
	s.pull(42, "typo", "t1", "README.md")
	wantCode(t, s.prEvent("pull_request", "opened", 40), exitFail)
	wantCode(t, s.prEvent("pull_request", "opened", 42), exitOK)
	s.wantStatus("h1", scope, "failure: services/auth/login.go is owned by thread 1")
	s.wantStatus("t1", scope, "success: not a thread of plan.toml: touches no path of an active thread")

	s.gh.Update(11, func(p *fakegithub.Pull) { p.State, p.Merged = "closed", true })
	r := s.prEvent("pull_request", "closed", 11)
	wantCode(t, r, exitOK)
	s.wantStatus("h1", scope, "success: not a thread of plan.toml: touches no path of an active thread")
	files, _ := touched(r)
	if slices.Contains(files, "42") || !slices.Contains(files, "40") {
		t.Errorf("listed the files of %v, want #40's and not #42's", files)
	}

	s.pull(15, "extract-auth", "a9", "services/auth/more.go")
	r = s.prEvent("pull_request", "opened", 15)
	wantCode(t, r, exitOK)
	s.wantStatus("h1", scope, "failure: services/auth/login.go is owned by thread 1 (extract-auth), #15 open")
	if files, _ := touched(r); !slices.Contains(files, "42") {
		t.Errorf("listed the files of %v, want #42's too", files)
	}
}
