package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parallel-sessions/parallel-sessions/cmd/internal/fakegithub"
)

// cycleRepo is a repository with the fanout plan on main, pushed to a bare
// remote that the origin URL https://github.example/octo/repo.git reaches
// through insteadOf, so ps-local sees a GitHub URL and git a local path.
func cycleRepo(t *testing.T) (repo, remote string) {
	t.Helper()
	repo = fanoutRepo(t)
	remote = filepath.Join(t.TempDir(), "remote.git")
	gitIn(t, repo, "init", "-q", "--bare", remote)
	gitIn(t, repo, "remote", "add", "origin", "https://github.example/octo/repo.git")
	gitIn(t, repo, "config", "url."+remote+".insteadOf", "https://github.example/octo/repo.git")
	gitIn(t, repo, "push", "-q", "origin", "main")
	return repo, remote
}

func TestFullCycle(t *testing.T) {
	repo, remote := cycleRepo(t)
	gh := fakegithub.New(t, "octo", "repo")
	env := []string{"GITHUB_TOKEN=test-token", "GITHUB_API_URL=" + gh.APIURL()}

	wantCode(t, runIn(t, repo, "fanout"), exitOK)
	wt := func(id string) string { return filepath.Join(repo, "worktrees", "thread-"+id) }
	write(t, filepath.Join(wt("1"), "services/auth/session.go"), "package auth\n")
	commitAll(t, wt("1"), "sessions")
	write(t, filepath.Join(wt("2"), "services/api/v2.go"), "package api\n")
	write(t, filepath.Join(wt("2"), "services/auth/hack.go"), "package auth\n") // thread 1's area
	commitAll(t, wt("2"), "api v2, and a stray file")
	write(t, filepath.Join(wt("3"), "docs/layout.md"), "# layout\n")
	commitAll(t, wt("3"), "docs")
	write(t, filepath.Join(wt("3"), "docs/draft.md"), "not committed yet\n")

	// status: one row per thread, scope included.
	r := runIn(t, repo, "status", "--json")
	wantCode(t, r, exitOK)
	var rows []statusRow
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
		t.Fatalf("status --json: %v\n%s", err, r.stdout)
	}
	if len(rows) != 4 {
		t.Fatalf("%d rows, want 4 (3 active, 1 dropped)", len(rows))
	}
	byID := map[int]statusRow{}
	for _, row := range rows {
		byID[row.Thread.ID] = row
	}
	if r1 := byID[1]; r1.Worktree != "worktrees/thread-1" || r1.Ahead != 1 || r1.Scope != scopeIn || r1.Unpushed != 1 || r1.Uncommitted != 0 {
		t.Errorf("thread 1: %+v", r1)
	}
	if r2 := byID[2]; r2.Scope != scopeOut || r2.Violations != 1 {
		t.Errorf("thread 2: %+v", r2)
	}
	if r3 := byID[3]; r3.Uncommitted != 1 || r3.Scope != scopeIn {
		t.Errorf("thread 3: %+v", r3)
	}
	if r4 := byID[4]; r4.Status != "dropped" || r4.Worktree != "" {
		t.Errorf("thread 4: %+v", r4)
	}
	human := runIn(t, repo, "status")
	if !strings.Contains(human.stdout, "out-of-scope (1)") || !strings.Contains(human.stdout, "extract-auth") {
		t.Errorf("status:\n%s", human.stdout)
	}

	// push: the stray thread is refused, the others pushed with pull requests.
	r = runEnv(t, repo, env, "push", "--open-prs")
	wantCode(t, r, exitFindings)
	if !strings.Contains(r.stdout, "services/auth/hack.go: owned by thread 1 (extract-auth)") || !strings.Contains(r.stderr, "thread 2 (api-cleanup): not pushed: 1 path out of scope") {
		t.Errorf("push refusal:\n%s\n%s", r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "thread 1 (extract-auth): pushed extract-auth to origin; opened pull request #1") ||
		!strings.Contains(r.stdout, "thread 3 (docs): pushed docs to origin; opened pull request #2") {
		t.Errorf("push:\n%s", r.stdout)
	}
	if out := gitIn(t, remote, "branch", "--list", "api-cleanup"); out != "" {
		t.Error("the out-of-scope branch reached the remote")
	}
	if got := gitIn(t, remote, "rev-parse", "extract-auth"); got != gitIn(t, repo, "rev-parse", "extract-auth") {
		t.Error("the remote does not have thread 1's commits")
	}
	pr1 := gh.PullState(1)
	if pr1.Title != "[1/3] extract-auth: Move auth middleware into services/auth" || pr1.BaseRef != "main" || !strings.Contains(pr1.Body, "# Thread 1: extract-auth") {
		t.Errorf("pull request #1: %+v", pr1)
	}

	// A second push changes nothing on GitHub.
	gh.Requests()
	r = runEnv(t, repo, env, "push", "--open-prs")
	if !strings.Contains(r.stdout, "pull request #1 is up to date") {
		t.Errorf("second push:\n%s", r.stdout)
	}
	if w := fakegithub.Writes(gh.Requests()); len(w) != 0 {
		t.Errorf("a second push wrote to GitHub: %+v", w)
	}

	// status with a token shows the pull requests and the turns.
	r = runEnv(t, repo, env, "status", "--json")
	json.Unmarshal([]byte(r.stdout), &rows)
	for _, row := range rows {
		byID[row.Thread.ID] = row
	}
	if byID[1].PR != 1 || byID[1].Turn != "ready" || byID[3].PR != 2 || byID[3].Turn != "waiting" {
		t.Errorf("status with a token: %+v / %+v", byID[1], byID[3])
	}

	// Thread 1 is squash-merged on GitHub: its commits are not in main, and
	// only GitHub knows it landed.
	tip := gitIn(t, repo, "rev-parse", "extract-auth")
	gh.Update(1, func(p *fakegithub.Pull) { p.State, p.Merged, p.HeadSHA = "closed", true, tip })
	r = runIn(t, repo, "cleanup")
	if !strings.Contains(r.stdout, "thread 1 (extract-auth) worktrees/thread-1: kept: not landed: 1 commit not in main") {
		t.Errorf("cleanup without a token must not guess a squash merge:\n%s", r.stdout)
	}
	r = runEnv(t, repo, env, "cleanup", "--delete-branches")
	wantCode(t, r, exitOK)
	want := []string{
		"thread 1 (extract-auth) worktrees/thread-1: removed (landed in origin/main); deleted branch extract-auth",
		"thread 2 (api-cleanup) worktrees/thread-2: kept: not landed: 1 commit not in main; 1 unpushed commit",
		"thread 3 (docs) worktrees/thread-3: kept: not landed: 1 commit not in main; 1 uncommitted or untracked file",
	}
	for _, w := range want {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("cleanup lacks %q:\n%s", w, r.stdout)
		}
	}
	if _, err := os.Stat(filepath.Join(wt("3"), "docs/draft.md")); err != nil {
		t.Error("thread 3's uncommitted file is gone")
	}
}

func TestPushRefusals(t *testing.T) {
	repo, remote := cycleRepo(t)
	wantCode(t, runIn(t, repo, "fanout"), exitOK)
	wt1 := filepath.Join(repo, "worktrees", "thread-1")
	write(t, filepath.Join(wt1, "services/auth/a.go"), "package auth\n")
	commitAll(t, wt1, "work")

	// Without a token: pushed, with the compare URL to open the PR.
	r := runIn(t, repo, "push")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, "thread 1 (extract-auth): pushed extract-auth to origin; open a pull request at https://github.example/octo/repo/compare/main...extract-auth?expand=1") {
		t.Errorf("push without a token:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, "thread 2 (api-cleanup): nothing to push") {
		t.Errorf("a thread without commits:\n%s", r.stdout)
	}

	// The remote diverged: push never forces.
	other := filepath.Join(t.TempDir(), "other")
	gitIn(t, repo, "clone", "-q", "--branch", "extract-auth", remote, other)
	write(t, filepath.Join(other, "services/auth/b.go"), "package auth\n")
	commitAll(t, other, "someone else")
	gitIn(t, other, "push", "-q", "origin", "extract-auth")
	remoteTip := gitIn(t, remote, "rev-parse", "extract-auth")
	write(t, filepath.Join(wt1, "services/auth/c.go"), "package auth\n")
	commitAll(t, wt1, "diverge")
	r = runIn(t, repo, "push")
	wantCode(t, r, exitError)
	if got := gitIn(t, remote, "rev-parse", "extract-auth"); got != remoteTip {
		t.Error("push overwrote the remote branch")
	}

	// Unreachable remote and missing remote: exit 2, nothing changed.
	gitIn(t, repo, "config", "url."+filepath.Join(t.TempDir(), "gone.git")+".insteadOf", "https://github.example/octo/repo.git")
	gitIn(t, repo, "config", "--unset", "url."+remote+".insteadOf")
	before := snapshot(t, repo)
	r = runIn(t, repo, "push")
	wantCode(t, r, exitError)
	if !strings.Contains(r.stderr, "push extract-auth to origin") {
		t.Errorf("unreachable remote: %q", r.stderr)
	}
	if snapshot(t, repo) != before {
		t.Error("a failed push changed the repository")
	}
	r = runIn(t, repo, "push", "--remote", "upstream")
	wantCode(t, r, exitError)
	if !strings.Contains(r.stderr, `no remote "upstream" in this repository`) {
		t.Errorf("missing remote: %q", r.stderr)
	}
}

// status asks GitHub about every thread's branch in one query, and counts
// a branch as the gate does: a branch whose earlier pull request merged and
// that has an open one again has work that has not landed, so the threads
// after it wait (README, "API cost").
func TestStatusWithATokenCountsBranchesAsTheGate(t *testing.T) {
	repo, _ := cycleRepo(t)
	gh := fakegithub.New(t, "octo", "repo")
	env := []string{"GITHUB_TOKEN=test-token", "GITHUB_API_URL=" + gh.APIURL()}
	gh.AddPull(fakegithub.Pull{Number: 1, State: "closed", Merged: true, HeadRef: "extract-auth", HeadSHA: "a0", BaseRef: "main"})
	gh.AddPull(fakegithub.Pull{Number: 2, HeadRef: "api-cleanup", HeadSHA: "b1", BaseRef: "main"})

	statusRows := func() map[int]statusRow {
		t.Helper()
		r := runEnv(t, repo, env, "status", "--json")
		wantCode(t, r, exitOK)
		var rows []statusRow
		if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
			t.Fatalf("status --json: %v\n%s", err, r.stdout)
		}
		byID := map[int]statusRow{}
		for _, row := range rows {
			byID[row.Thread.ID] = row
		}
		return byID
	}
	gh.Requests()
	rows := statusRows()
	if rows[1].PRState != "landed" || rows[2].PR != 2 || rows[2].Turn != "ready" {
		t.Errorf("thread 1 landed, thread 2 ready: %+v / %+v", rows[1], rows[2])
	}
	var queries int
	for _, q := range gh.Requests() {
		if q.Method == "GET" && strings.HasSuffix(q.Path, "/pulls") {
			t.Errorf("listed one branch's pull requests: %s %s?%s", q.Method, q.Path, q.Query)
		}
		if q.Path == fakegithub.GraphQLPath {
			queries++
		}
	}
	if queries != 1 {
		t.Errorf("%d GraphQL queries for every branch, want 1", queries)
	}

	gh.AddPull(fakegithub.Pull{Number: 3, HeadRef: "extract-auth", HeadSHA: "a1", BaseRef: "main"})
	rows = statusRows()
	if rows[1].PRState != "open" || rows[1].PR != 3 || rows[2].Turn != "waiting" {
		t.Errorf("thread 1 open again (#3), thread 2 waiting: %+v / %+v", rows[1], rows[2])
	}
}
