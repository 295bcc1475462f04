package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/parallel-sessions/parallel-sessions/cmd/internal/fakegithub"
)

// developPlan is a plan of its own on the branch develop: two threads.
const developPlan = `base = "develop"

[[threads]]
id = 1
branch = "dev-auth"
goal = "Auth on develop"
owns = ["services/auth/"]
merge_order = 1

[[threads]]
id = 2
branch = "dev-api"
goal = "API on develop"
owns = ["services/api/"]
merge_order = 2
`

// twoPlans is a scenario with a plan on main and one on develop, each
// with thread 2's pull request gated while thread 1's was open; then
// both thread 1s merge and their close deliveries are lost, leaving
// thread 2 pending on either base.
func twoPlans(t *testing.T) *scenario {
	s := newScenario(t)
	s.gh.SetFile("develop", "plan.toml", developPlan)
	s.pull(11, "extract-auth", "a1", "services/auth/login.go")
	s.pull(12, "api-cleanup", "b1", "services/api/handler.go")
	s.gh.AddPull(fakegithub.Pull{Number: 21, HeadRef: "dev-auth", HeadSHA: "d1", BaseRef: "develop", Files: []fakegithub.File{{Status: "modified", Filename: "services/auth/a.go"}}})
	s.gh.AddPull(fakegithub.Pull{Number: 22, HeadRef: "dev-api", HeadSHA: "d2", BaseRef: "develop", Files: []fakegithub.File{{Status: "modified", Filename: "services/api/b.go"}}})
	wantCode(t, s.prEvent("pull_request", "synchronize", 12), exitOK)
	wantCode(t, s.prEvent("pull_request", "synchronize", 22), exitOK)
	s.wantStatus("b1", order, "pending: waiting on thread 1 (extract-auth), #11 open")
	s.wantStatus("d2", order, "pending: waiting on thread 1 (dev-auth), #21 open")
	for _, n := range []int{11, 21} {
		s.gh.Update(n, func(p *fakegithub.Pull) { p.State, p.Merged = "closed", true })
	}
	return s
}

// The repair runs reach every base (issue 22, item 4): a schedule or
// workflow_dispatch run on the default branch re-evaluates the open pull
// requests of every base that has a plan, not only its own branch's.
func TestRepairRunsReachEveryBase(t *testing.T) {
	for name, payload := range map[string]map[string]any{
		"schedule":          {"schedule": "17 * * * *"},
		"workflow_dispatch": {"ref": "refs/heads/main", "inputs": map[string]any{}},
	} {
		t.Run(name, func(t *testing.T) {
			s := twoPlans(t)
			r := s.run(name, payload)
			wantCode(t, r, exitOK)
			s.wantStatus("b1", order, "success: ready")
			s.wantStatus("d2", order, "success: ready")
			s.wantStatus("d2", scope, "success: in scope: 1 path of thread 2 (dev-api)")
			if !strings.Contains(r.summary, "The merge order of `develop`") || !strings.Contains(r.summary, "The merge order of `main`") {
				t.Errorf("the summary lacks a base's merge order:\n%s", r.summary)
			}
			lists := 0
			for _, q := range r.reqs {
				if q.Method == "GET" && q.Path == "/repos/octo/repo/pulls" {
					lists++
				}
			}
			if lists != 1 {
				t.Errorf("listed the open pull requests %d times, want once:\n%s", lists, fmtReqs(r.reqs))
			}
			if w := s.run(name, payload).writes(); len(w) != 0 {
				t.Errorf("a second run writes %v", w)
			}
		})
	}
}

// Bases without a plan of their own are untouched: a base deleted since
// its pull request was opened, a base whose plan was removed, a base whose
// plan names another base. Each base's plan is read once.
func TestFullReevaluationLeavesBasesWithoutAPlanAlone(t *testing.T) {
	s := twoPlans(t)
	s.gh.SetFile("develop", "plan.toml", "") // the plan removed from develop
	s.gh.SetFile("release", "plan.toml", readTestdata(t, "plan.toml"))
	s.gh.AddPull(fakegithub.Pull{Number: 30, HeadRef: "extract-auth", HeadSHA: "r1", BaseRef: "release"})
	s.gh.AddPull(fakegithub.Pull{Number: 31, HeadRef: "x", HeadSHA: "g1", BaseRef: "gone"})
	r := s.dispatchEvent()
	wantCode(t, r, exitOK)
	s.wantStatus("b1", order, "success: ready")
	s.wantStatus("d2", order, "pending: waiting on thread 1 (dev-auth), #21 open")
	plans := map[string]int{}
	for _, q := range r.reqs {
		if q.Path == "/repos/octo/repo/contents/plan.toml" {
			plans[q.Query]++
		}
	}
	for _, w := range r.writes() {
		if !strings.Contains(w, "/statuses/b1") && !strings.Contains(w, "/issues/") {
			t.Errorf("a write outside main's pull requests: %s", w)
		}
	}
	if len(plans) != 4 {
		t.Errorf("read the plans %v, want each of main, develop, release and gone once", plans)
	}
	for q, n := range plans {
		if n != 1 {
			t.Errorf("read the plan at %s %d times", q, n)
		}
	}
}

// The bases a full re-evaluation reads the plans of are bounded: past
// maxBases it gates the first ones (the run's own branch first, then by
// name) and fails, naming how many it left.
func TestFullReevaluationBoundsTheBases(t *testing.T) {
	s := twoPlans(t)
	for i := range maxBases + 5 {
		s.gh.AddPull(fakegithub.Pull{Number: 100 + i, HeadRef: fmt.Sprintf("f%d", i), HeadSHA: fmt.Sprintf("f%d", i), BaseRef: fmt.Sprintf("x%03d", i)})
	}
	r := s.dispatchEvent()
	wantCode(t, r, exitError)
	s.wantStatus("b1", order, "success: ready")
	s.wantStatus("d2", order, "success: ready")
	plans := 0
	for _, q := range r.reqs {
		if q.Path == "/repos/octo/repo/contents/plan.toml" {
			plans++
		}
	}
	if plans != maxBases {
		t.Errorf("read %d plans, want %d", plans, maxBases)
	}
	if !strings.Contains(r.stdout, "7 more bases") {
		t.Errorf("the run does not say how many bases it left:\n%s", r.stdout)
	}
}

// An invalid plan on another base fails the full re-evaluation, as one on
// the run's own branch does, and names its base; the other bases are
// gated all the same.
func TestFullReevaluationReportsAnInvalidPlanOnAnotherBase(t *testing.T) {
	s := twoPlans(t)
	s.gh.SetFile("develop", "plan.toml", "base = \"develop\"\n[[threads]]\nid = 1\n")
	r := s.dispatchEvent()
	wantCode(t, r, exitFail)
	s.wantStatus("b1", order, "success: ready")
	s.wantStatus("d2", order, "pending: waiting on thread 1 (dev-auth), #21 open")
	if !strings.Contains(r.summary, "`plan.toml` on `develop` is invalid") {
		t.Errorf("the summary does not name develop's invalid plan:\n%s", r.summary)
	}
}

// A head commit shared by pull requests into two bases with plans shows
// both bases' statuses; the re-evaluation of every base gates both, and
// both get error statuses that say so, from the plans it read once.
func TestFullReevaluationSeesAHeadSharedAcrossBases(t *testing.T) {
	s := twoPlans(t)
	s.gh.AddPull(fakegithub.Pull{Number: 23, HeadRef: "copy", HeadSHA: "b1", BaseRef: "develop", Files: []fakegithub.File{{Status: "modified", Filename: "services/api/handler.go"}}})
	r := s.dispatchEvent()
	wantCode(t, r, exitOK)
	s.wantStatus("b1", scope, "error: its head commit b1 is also the head of #")
	s.wantStatus("b1", order, "error: its head commit b1 is also the head of #")
	s.wantStatus("d2", order, "success: ready")
	plans := 0
	for _, q := range r.reqs {
		if q.Path == "/repos/octo/repo/contents/plan.toml" {
			plans++
		}
	}
	if plans != 2 {
		t.Errorf("read %d plans, want main's and develop's once each", plans)
	}
}
