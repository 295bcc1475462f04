package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func statusRows(t *testing.T, dir string) map[int]statusRow {
	t.Helper()
	r := runIn(t, dir, "status", "--json")
	wantCode(t, r, exitOK)
	var rows []statusRow
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
		t.Fatalf("status --json in %s: %v\n%s", dir, err, r.stdout)
	}
	byID := map[int]statusRow{}
	for _, row := range rows {
		byID[row.Thread.ID] = row
	}
	return byID
}

// TestThreadWideningItsOwnPlan: a thread that edits its own plan.toml to
// own more gets the plan-file finding and keeps its real violation, from
// its worktree, from the main checkout with --thread, and in status.
func TestThreadWideningItsOwnPlan(t *testing.T) {
	repo := fanoutRepo(t)
	wantCode(t, runIn(t, repo, "fanout"), exitOK)
	wt1 := filepath.Join(repo, "worktrees", "thread-1")
	plan := filepath.Join(wt1, "plan.toml")
	write(t, plan, strings.Replace(readFile(t, plan), `owns = ["services/auth/"]`, `owns = ["services/auth/", "services/api/x.go"]`, 1))
	write(t, filepath.Join(wt1, "services/api/x.go"), "package api\n")
	commitAll(t, wt1, "widen my scope and use it")

	wantBoth := func(r result) {
		t.Helper()
		wantCode(t, r, exitFindings)
		if !strings.Contains(r.stdout, "plan.toml: plan.toml is the plan; no thread may change it") {
			t.Errorf("no plan-file finding:\n%s", r.stdout)
		}
		if !strings.Contains(r.stdout, "services/api/x.go: owned by thread 2 (api-cleanup)") {
			t.Errorf("the real violation vanished:\n%s", r.stdout)
		}
	}
	r := runIn(t, wt1, "check")
	wantBoth(r)
	if !strings.Contains(r.stderr, "plan.toml differs from the plan committed on main; using main's") {
		t.Errorf("no note on the differing plan: %q", r.stderr)
	}
	wantBoth(runIn(t, filepath.Join(wt1, "services"), "check", "--committed"))
	// From the main checkout (on main) and from thread 2's worktree,
	// --thread 1 checks thread 1's work, not the current HEAD.
	r = runIn(t, repo, "check", "--thread", "1")
	wantBoth(r)
	if strings.Contains(r.stderr, "differs") {
		t.Errorf("main's copy is the base's, no note wanted: %q", r.stderr)
	}
	wantBoth(runIn(t, filepath.Join(repo, "worktrees", "thread-2"), "check", "--thread", "1"))

	// status is the same from the main checkout, a subdirectory, and a
	// thread's worktree.
	os.MkdirAll(filepath.Join(repo, "services", "auth"), 0o755)
	for _, dir := range []string{repo, filepath.Join(repo, "services", "auth"), wt1} {
		rows := statusRows(t, dir)
		if r1 := rows[1]; r1.Scope != scopeOut || r1.Violations != 2 || r1.Ahead != 1 || r1.Worktree == "" {
			t.Errorf("status in %s, thread 1: %+v", dir, r1)
		}
		if r2 := rows[2]; r2.Worktree == "" || r2.Scope != scopeNothing {
			t.Errorf("status in %s, thread 2: %+v", dir, r2)
		}
	}
}

// TestPlanNarrowedOnBase: after the plan on main narrows a thread, check in
// its worktree follows main, not the worktree's older copy.
func TestPlanNarrowedOnBase(t *testing.T) {
	repo := fanoutRepo(t)
	wantCode(t, runIn(t, repo, "fanout"), exitOK)
	wt2 := filepath.Join(repo, "worktrees", "thread-2")
	write(t, filepath.Join(wt2, "services/api/v2/new.go"), "package v2\n")
	commitAll(t, wt2, "api v2")
	wantCode(t, runIn(t, wt2, "check"), exitOK)

	plan := filepath.Join(repo, "plan.toml")
	write(t, plan, strings.Replace(readFile(t, plan), `forbids = ["services/api/v1/"]`, `forbids = ["services/api/v1/", "services/api/v2/"]`, 1))
	commitAll(t, repo, "plan: v2 is not thread 2's")
	r := runIn(t, wt2, "check")
	wantCode(t, r, exitFindings)
	if !strings.Contains(r.stdout, "services/api/v2/new.go") || !strings.Contains(r.stderr, "differs from the plan committed on main") {
		t.Errorf("narrowed plan not followed:\n%s\n%s", r.stdout, r.stderr)
	}
	// The plan in the main checkout moved on main: no note.
	wantCode(t, runIn(t, repo, "validate"), exitOK)
}

// TestPlanOnlyInWorktree: a plan that is not committed on the base is an
// error that says to commit it, for every command that reads the base's.
func TestPlanOnlyInWorktree(t *testing.T) {
	repo := gitRepo(t)
	write(t, filepath.Join(repo, "README.md"), "x\n")
	commitAll(t, repo, "first")
	copyTestdata(t, "fanout-plan.toml", filepath.Join(repo, "plan.toml"))
	for _, cmd := range []string{"status", "fanout", "push", "check"} {
		r := runIn(t, repo, cmd)
		wantCode(t, r, exitError)
		if !strings.Contains(r.stderr, "plan.toml is not committed on main; commit it there first (git add plan.toml && git commit)") {
			t.Errorf("%s: %q", cmd, r.stderr)
		}
	}
}

// TestPlanAutocrlfAndSymlink: line-ending conversion or a symlinked plan
// is not a differing plan, and does not block fanout.
func TestPlanAutocrlfAndSymlink(t *testing.T) {
	repo := fanoutRepo(t)
	gitIn(t, repo, "config", "core.autocrlf", "true")
	plan := filepath.Join(repo, "plan.toml")
	write(t, plan, strings.ReplaceAll(readFile(t, plan), "\n", "\r\n"))
	r := runIn(t, repo, "fanout")
	wantCode(t, r, exitOK)
	if strings.Contains(r.stderr, "differs") {
		t.Errorf("CRLF on disk read as a different plan: %q", r.stderr)
	}

	repo = fanoutRepo(t)
	gitIn(t, repo, "mv", "plan.toml", "plan-real.toml")
	if err := os.Symlink("plan-real.toml", filepath.Join(repo, "plan.toml")); err != nil {
		t.Skip(err)
	}
	commitAll(t, repo, "the plan behind a symlink")
	r = runIn(t, repo, "fanout")
	wantCode(t, r, exitOK)
	if strings.Contains(r.stderr, "differs") || !strings.Contains(r.stdout, "thread 1 (extract-auth): created") {
		t.Errorf("symlinked plan:\n%s\n%s", r.stdout, r.stderr)
	}
}

// TestThreadCannotPickTheBase: a thread that points its worktree's
// plan.toml at a branch of its own, whose committed plan gives it
// everything, still gets the real base's verdict: the base is the one the
// main checkout's plan.toml names, for check (as the pre-push hook runs it,
// with --plan), status and the guard, and a note says the thread's copy
// was not followed.
func TestThreadCannotPickTheBase(t *testing.T) {
	repo := fanoutRepo(t)
	wantCode(t, runIn(t, repo, "fanout"), exitOK)
	wt1 := filepath.Join(repo, "worktrees", "thread-1")
	write(t, filepath.Join(wt1, "services/api/handler.go"), "package api\n\nfunc stray() {}\n")
	commitAll(t, wt1, "stray into thread 2's area")
	wantCode(t, runIn(t, wt1, "check", "--committed"), exitFindings)

	gitIn(t, wt1, "checkout", "-q", "-b", "evil", "main")
	write(t, filepath.Join(wt1, "plan.toml"), "base = \"evil\"\n\n[[threads]]\nid = 1\nbranch = \"extract-auth\"\ngoal = \"everything\"\nowns = [\"services/\"]\nmerge_order = 1\n")
	commitAll(t, wt1, "a plan that gives thread 1 everything")
	gitIn(t, wt1, "checkout", "-q", "extract-auth")
	plan := readFile(t, filepath.Join(wt1, "plan.toml"))
	write(t, filepath.Join(wt1, "plan.toml"), "base = \"evil\"\n"+plan)

	for _, args := range [][]string{{"check", "--committed"}, {"--plan", "plan.toml", "check", "--thread", "1", "--committed"}} {
		r := runIn(t, wt1, args...)
		if r.code != exitFindings || !strings.Contains(r.stdout, "services/api/handler.go: owned by thread 2 (api-cleanup)") {
			t.Errorf("%v went by the base the thread chose: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", args, r.code, exitFindings, r.stdout, r.stderr)
		}
		if !strings.Contains(r.stderr, `plan.toml names the base "evil"; using "main", the base the main checkout's copy names`) || strings.Count(r.stderr, "note:") != 1 {
			t.Errorf("%v: no one-line note on the ignored base: %q", args, r.stderr)
		}
	}
	if r1 := statusRows(t, wt1)[1]; r1.Scope != scopeOut {
		t.Errorf("status went by the thread's base: %+v", r1)
	}

	// Committed on the thread's branch, the choice is ignored by the guard
	// too: the edit is judged by main's plan.
	gitIn(t, wt1, "commit", "-q", "--no-verify", "-am", "point the plan at evil")
	reason := guardVerdict(t, wt1, hookJSON(t, "write.json", wt1, filepath.Join(wt1, "services/api/x.go")))
	if !strings.Contains(reason, "it belongs to thread 2 (api-cleanup)") {
		t.Errorf("guard went by the thread's base: reason %q", reason)
	}
}
