package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// bareRemoteRepo is fanoutRepo with a bare remote as origin.
func bareRemoteRepo(t *testing.T) (repo, remote string) {
	t.Helper()
	repo = fanoutRepo(t)
	remote = filepath.Join(t.TempDir(), "remote.git")
	gitIn(t, repo, "init", "-q", "--bare", "-b", "main", remote)
	gitIn(t, repo, "remote", "add", "origin", remote)
	gitIn(t, repo, "push", "-q", "origin", "main")
	return repo, remote
}

// pushedElsewhere is a clone of remote in which someone else made branch,
// new there, with one commit writing content to file, and pushed it.
func pushedElsewhere(t *testing.T, remote, branch, file, content string) string {
	t.Helper()
	dir := t.TempDir()
	other := filepath.Join(dir, "other")
	gitIn(t, dir, "clone", "-q", remote, other)
	gitIn(t, other, "checkout", "-q", "-b", branch)
	write(t, filepath.Join(other, file), content)
	commitAll(t, other, "theirs")
	gitIn(t, other, "push", "-q", "origin", branch)
	return other
}

// landOnRemote lands branch on the remote's main from a second clone:
// squash, rebase or merge, the way a forge does; repo has not seen the
// landing.
func landOnRemote(t *testing.T, repo, remote, branch, how string) {
	t.Helper()
	clone := filepath.Join(t.TempDir(), "clone")
	gitIn(t, repo, "clone", "-q", remote, clone)
	gitIn(t, clone, "fetch", "-q", "origin", branch)
	// The base moved on meanwhile, so no landing is a fast-forward.
	write(t, filepath.Join(clone, "docs/meanwhile.md"), "meanwhile\n")
	commitAll(t, clone, "meanwhile on main")
	switch how {
	case "squash":
		gitIn(t, clone, "merge", "-q", "--squash", "FETCH_HEAD")
		gitIn(t, clone, "commit", "-q", "-m", "squashed "+branch)
	case "rebase":
		gitIn(t, clone, "cherry-pick", "main..FETCH_HEAD")
	default:
		gitIn(t, clone, "merge", "-q", "--no-ff", "-m", "merge "+branch, "FETCH_HEAD")
	}
	gitIn(t, clone, "push", "-q", "origin", "main")
}

// remoteLandedRepo is bareRemoteRepo after fanout, with thread 1
// (extract-auth), in worktree wt1, given one commit per file of files (Go
// files under services/auth/), pushed and landed on the remote's main by
// someone else as how says (landOnRemote); repo has not fetched since.
func remoteLandedRepo(t *testing.T, how string, files ...string) (repo, wt1 string) {
	t.Helper()
	repo, remote := bareRemoteRepo(t)
	wantCode(t, runIn(t, repo, "fanout"), exitOK)
	wt1 = filepath.Join(repo, "worktrees", "thread-1")
	for _, f := range files {
		write(t, filepath.Join(wt1, "services/auth", f), "package auth\n")
		commitAll(t, wt1, strings.TrimSuffix(f, ".go"))
	}
	gitIn(t, wt1, "push", "-q", "origin", "extract-auth")
	landOnRemote(t, repo, remote, "extract-auth", how)
	return repo, wt1
}

// landedRepo is remoteLandedRepo after repo fetched the landing, without
// fast-forwarding its main.
func landedRepo(t *testing.T, how string, files ...string) (repo, wt1 string) {
	t.Helper()
	repo, wt1 = remoteLandedRepo(t, how, files...)
	gitIn(t, repo, "fetch", "-q", "origin")
	return repo, wt1
}

// TestLandedSeenThroughGit: squash, rebase and merge landings on the
// remote's base are seen by status and cleanup without a local
// fast-forward, and without a token.
func TestLandedSeenThroughGit(t *testing.T) {
	for _, how := range []string{"squash", "rebase", "merge"} {
		t.Run(how, func(t *testing.T) {
			repo, wt1 := landedRepo(t, how, "a.go", "b.go")

			want := map[string]string{"squash": landedSquashed, "rebase": landedRebased, "merge": landedMerged}[how]
			rows := statusRows(t, repo)
			if rows[1].Landed != want || rows[2].Landed != "" {
				t.Errorf("status: thread 1 landed %q, want %q; thread 2 %q", rows[1].Landed, want, rows[2].Landed)
			}
			r := runIn(t, repo, "status")
			if !strings.Contains(r.stdout, "landed ("+want+")") {
				t.Errorf("status table:\n%s", r.stdout)
			}
			r = runIn(t, repo, "cleanup")
			wantCode(t, r, exitOK)
			if !strings.Contains(r.stdout, "thread 1 (extract-auth) worktrees/thread-1: removed (landed in origin/main)") {
				t.Errorf("cleanup:\n%s", r.stdout)
			}
			if _, err := os.Stat(wt1); err == nil {
				t.Error("the landed worktree is still there")
			}
			// A landed thread is not fanned out again.
			r = runIn(t, repo, "fanout")
			wantCode(t, r, exitOK)
			if !strings.Contains(r.stdout, "thread 1 (extract-auth): landed in main ("+want+"); not fanned out again") {
				t.Errorf("fanout after landing:\n%s", r.stdout)
			}
			if _, err := os.Stat(wt1); err == nil {
				t.Error("fanout made the landed thread's worktree again")
			}
		})
	}
}

// TestFanoutRepairsAndTracks: a worktree deleted by hand is re-made with
// its commits; a branch only on origin is checked out from there.
func TestFanoutRepairsAndTracks(t *testing.T) {
	repo, remote := bareRemoteRepo(t)
	// Someone else started thread 2 and pushed it.
	other := pushedElsewhere(t, remote, "api-cleanup", "services/api/v2.go", "package api\n")
	gitIn(t, repo, "fetch", "-q", "origin")
	theirs := gitIn(t, other, "rev-parse", "HEAD")

	r := runIn(t, repo, "fanout")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, "thread 2 (api-cleanup): created on branch api-cleanup from origin/api-cleanup, tracking it") {
		t.Errorf("fanout:\n%s", r.stdout)
	}
	wt2 := filepath.Join(repo, "worktrees", "thread-2")
	if got := gitIn(t, wt2, "rev-parse", "HEAD"); got != theirs {
		t.Errorf("thread 2 is at %s, want the remote's %s", got, theirs)
	}
	if up := gitIn(t, wt2, "rev-parse", "--abbrev-ref", "@{upstream}"); up != "origin/api-cleanup" {
		t.Errorf("upstream %q", up)
	}

	wt1 := filepath.Join(repo, "worktrees", "thread-1")
	write(t, filepath.Join(wt1, "services/auth/a.go"), "package auth\n")
	commitAll(t, wt1, "a")
	tip := gitIn(t, wt1, "rev-parse", "HEAD")
	os.RemoveAll(wt1)
	r = runIn(t, repo, "fanout")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, "thread 1 (extract-auth): its folder was deleted by hand: pruned git's stale worktree entry and re-created it") {
		t.Errorf("fanout after a deleted worktree:\n%s\n%s", r.stdout, r.stderr)
	}
	if got := gitIn(t, wt1, "rev-parse", "HEAD"); got != tip {
		t.Errorf("re-made worktree at %s, want %s", got, tip)
	}
}

// TestLandedWithoutReflog: a thread branch git keeps no reflog for (reflogs
// expired or off, a branch written by hand) has its commits counted
// against the base instead, so its squash landing is still seen.
func TestLandedWithoutReflog(t *testing.T) {
	repo, _ := landedRepo(t, "squash", "a.go", "b.go")
	gitIn(t, repo, "reflog", "expire", "--expire=now", "--all")
	if log := gitIn(t, repo, "reflog", "show", "extract-auth", "--"); log != "" {
		t.Fatalf("the reflog is still there: %s", log)
	}
	rows := statusRows(t, repo)
	if rows[1].Landed != landedSquashed || rows[2].Landed != "" {
		t.Errorf("status: thread 1 landed %q, want %q; thread 2 %q", rows[1].Landed, landedSquashed, rows[2].Landed)
	}
	r := runIn(t, repo, "cleanup")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, "thread 1 (extract-auth) worktrees/thread-1: removed (landed in origin/main)") {
		t.Errorf("cleanup:\n%s", r.stdout)
	}
}

// TestLandedOneCommitIsSamePatch: a thread of one commit, squashed or
// rebased onto the base, is a commit of the base by patch identity, and git
// cannot tell which: status says "same-patch", not "rebased".
func TestLandedOneCommitIsSamePatch(t *testing.T) {
	for _, how := range []string{"squash", "rebase"} {
		t.Run(how, func(t *testing.T) {
			repo, _ := landedRepo(t, how, "a.go")

			if rows := statusRows(t, repo); rows[1].Landed != landedSamePatch {
				t.Errorf("status: thread 1 landed %q, want %q", rows[1].Landed, landedSamePatch)
			}
			if r := runIn(t, repo, "status"); !strings.Contains(r.stdout, "landed (same-patch)") {
				t.Errorf("status table:\n%s", r.stdout)
			}
		})
	}
}
