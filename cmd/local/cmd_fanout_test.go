package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fanoutRepo is a repository on main with the fanout plan committed.
func fanoutRepo(t *testing.T) string {
	t.Helper()
	repo := gitRepo(t)
	copyTestdata(t, "fanout-plan.toml", filepath.Join(repo, "plan.toml"))
	write(t, filepath.Join(repo, "services/auth/login.go"), "package auth\n")
	write(t, filepath.Join(repo, "services/api/handler.go"), "package api\n")
	write(t, filepath.Join(repo, "go.sum"), "")
	commitAll(t, repo, "plan and code")
	return repo
}

// fanoutMade is what fanout says when it makes fanoutRepo's three
// threads.
const fanoutMade = `thread 1 (extract-auth): created on new branch extract-auth from main
  cd worktrees/thread-1 && claude
thread 2 (api-cleanup): created on new branch api-cleanup from main
  cd worktrees/thread-2 && claude
thread 3 (docs): created on new branch docs from main
  cd worktrees/thread-3 && claude
`

// strayRepo is bareRemoteRepo fanned out with --hooks, and thread 1's
// worktree wt one commit ahead with a file in thread 2's area, committed
// past the pre-commit hook (TestFanoutPreCommitHook) for the pre-push hook
// to refuse.
func strayRepo(t *testing.T) (repo, wt string) {
	t.Helper()
	repo, _ = bareRemoteRepo(t)
	wantCode(t, runIn(t, repo, "fanout", "--hooks"), exitOK)
	wt = filepath.Join(repo, "worktrees", "thread-1")
	write(t, filepath.Join(wt, "services/api/stray.go"), "package api\n")
	gitIn(t, wt, "add", "-A")
	gitIn(t, wt, "commit", "-q", "--no-verify", "-m", "stray")
	return repo, wt
}

// snapshot is what a failed command must leave unchanged: branches,
// worktrees and the files at the top of the repository.
func snapshot(t *testing.T, repo string) string {
	t.Helper()
	entries, _ := os.ReadDir(repo)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	exclude, _ := os.ReadFile(filepath.Join(repo, ".git", "info", "exclude"))
	return gitIn(t, repo, "branch", "--list", "--format=%(refname:short) %(objectname)") + "\n" +
		gitIn(t, repo, "worktree", "list", "--porcelain") + "\n" + strings.Join(names, " ") + "\n" + string(exclude)
}

func TestFanout(t *testing.T) {
	repo := fanoutRepo(t)
	r := runIn(t, repo, "fanout")
	wantCode(t, r, exitOK)
	if r.stdout != fanoutMade {
		t.Errorf("stdout:\n%s\nwant:\n%s", r.stdout, fanoutMade)
	}
	base := gitIn(t, repo, "rev-parse", "main")
	for id, branch := range map[string]string{"1": "extract-auth", "2": "api-cleanup", "3": "docs"} {
		wt := filepath.Join(repo, "worktrees", "thread-"+id)
		if got := gitIn(t, wt, "symbolic-ref", "--short", "HEAD"); got != branch {
			t.Errorf("thread-%s is on %q, want %q", id, got, branch)
		}
		if got := gitIn(t, wt, "rev-parse", "HEAD"); got != base {
			t.Errorf("%s does not start at main's tip", branch)
		}
		if st := gitIn(t, wt, "status", "--porcelain", "--ignored=no"); st != "" {
			t.Errorf("thread-%s is not clean (fanout's files must be excluded):\n%s", id, st)
		}
		if got := readFile(t, filepath.Join(wt, claudeFile)); !strings.Contains(got, "@THREAD_BRIEF.md") {
			t.Errorf("CLAUDE.local.md: %q", got)
		}
	}
	if _, err := os.Stat(filepath.Join(repo, "worktrees", "thread-4")); err == nil {
		t.Error("the dropped thread got a worktree")
	}
	if st := gitIn(t, repo, "status", "--porcelain"); st != "" {
		t.Errorf("the main work tree is not clean after fanout:\n%s", st)
	}
	env := readFile(t, filepath.Join(repo, "worktrees", "thread-2", ".env"))
	if !strings.Contains(env, "PORT=302\n") || !strings.Contains(env, "DB=app_api_cleanup\n") {
		t.Errorf(".env:\n%s", env)
	}
	brief := readFile(t, filepath.Join(repo, "worktrees", "thread-2", "THREAD_BRIEF.md"))
	for _, want := range []string{
		"# Thread 2: api-cleanup", "Goal: Clean up the API handlers", "- `services/api/`",
		"Shared, any thread may change them:\n\n- `go.sum`", "Forbidden, never change them, even where you own them:\n\n- `services/api/v1/`",
		"Never change `plan.toml`", "merge_order 2: position 2 of 3 active threads. It lands after thread 1 (extract-auth).",
		"- thread 1 (extract-auth), merge order 1: Move auth middleware into services/auth. Owns `services/auth/`", "ps-local check",
	} {
		if !strings.Contains(brief, want) {
			t.Errorf("brief lacks %q:\n%s", want, brief)
		}
	}
	if strings.Contains(brief, "abandoned") {
		t.Error("the brief lists a dropped thread")
	}

	// Re-running keeps everything and reports it.
	before := snapshot(t, repo)
	r = runIn(t, repo, "fanout", "--command", "codex")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, "thread 1 (extract-auth): kept the existing worktree of extract-auth\n  cd worktrees/thread-1 && codex") {
		t.Errorf("re-run:\n%s", r.stdout)
	}
	if after := snapshot(t, repo); after != before {
		t.Errorf("a re-run changed the repository:\n%s\n---\n%s", before, after)
	}
}

func TestFanoutDryRun(t *testing.T) {
	repo := fanoutRepo(t)
	before := snapshot(t, repo)
	r := runIn(t, repo, "fanout", "--dry-run")
	wantCode(t, r, exitOK)
	base := gitIn(t, repo, "rev-parse", "main")
	if !strings.Contains(r.stdout, "git worktree add -b extract-auth worktrees/thread-1 "+base+"\n# write worktrees/thread-1/THREAD_BRIEF.md\n") {
		t.Errorf("dry run:\n%s", r.stdout)
	}
	if after := snapshot(t, repo); after != before {
		t.Errorf("--dry-run changed the repository")
	}
}

func TestFanoutRefusals(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(t *testing.T, repo string)
		message string
	}{
		{"dirty tree", func(t *testing.T, repo string) {
			write(t, filepath.Join(repo, "services/auth/login.go"), "package auth // edited\n")
		}, "the work tree has uncommitted changes to 1 tracked file (services/auth/login.go); commit or stash them first"},
		{"plan not committed", func(t *testing.T, repo string) {
			gitIn(t, repo, "rm", "-q", "--cached", "plan.toml")
			gitIn(t, repo, "commit", "-q", "-m", "untrack the plan")
		}, "plan.toml is not committed on main; commit it there first"},
		{"existing worktree directory", func(t *testing.T, repo string) {
			write(t, filepath.Join(repo, "worktrees", "thread-2", "notes.txt"), "mine\n")
		}, "worktrees/thread-2 exists and is not a worktree of api-cleanup; move it away first"},
		{"missing base", func(t *testing.T, repo string) {
			gitIn(t, repo, "branch", "-q", "-m", "main", "trunk")
		}, `base branch "main" not found`},
		{"branch checked out elsewhere", func(t *testing.T, repo string) {
			gitIn(t, repo, "worktree", "add", "-q", "-b", "docs", filepath.Join(t.TempDir(), "mine"), "main")
		}, "branch docs is checked out in"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repo := fanoutRepo(t)
			tt.setup(t, repo)
			before := snapshot(t, repo)
			r := runIn(t, repo, "fanout")
			wantCode(t, r, exitError)
			if !strings.Contains(r.stderr, tt.message) {
				t.Errorf("stderr %q lacks %q", r.stderr, tt.message)
			}
			if after := snapshot(t, repo); after != before {
				t.Errorf("a refused fanout changed the repository:\n%s\n---\n%s", before, after)
			}
		})
	}
}

func TestFanoutKeepsAnExistingBranch(t *testing.T) {
	repo := fanoutRepo(t)
	gitIn(t, repo, "checkout", "-q", "-b", "api-cleanup")
	write(t, filepath.Join(repo, "services/api/work.go"), "package api\n")
	commitAll(t, repo, "earlier work")
	tip := gitIn(t, repo, "rev-parse", "HEAD")
	gitIn(t, repo, "checkout", "-q", "main")
	r := runIn(t, repo, "fanout")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, "thread 2 (api-cleanup): created on the existing branch api-cleanup, its commits kept") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	if got := gitIn(t, filepath.Join(repo, "worktrees", "thread-2"), "rev-parse", "HEAD"); got != tip {
		t.Errorf("the existing branch was reset: %s, want %s", got, tip)
	}
}

func TestFanoutFailureHalfWayLeavesNoHalfMadeThread(t *testing.T) {
	repo := fanoutRepo(t)
	// A branch "docs/x" can exist only when "docs" does not: thread 3's
	// branch cannot be made, which fanout learns only from git.
	gitIn(t, repo, "branch", "docs/x")
	r := runIn(t, repo, "fanout")
	wantCode(t, r, exitError)
	if !strings.Contains(r.stderr, "create the worktree of thread 3 (docs)") {
		t.Errorf("stderr: %q", r.stderr)
	}
	if _, err := os.Stat(filepath.Join(repo, "worktrees", "thread-3")); err == nil {
		t.Error("a half-made worktree was left behind")
	}
	if out := gitIn(t, repo, "branch", "--list", "docs"); out != "" {
		t.Errorf("a half-made branch was left behind: %q", out)
	}
	if got := gitIn(t, filepath.Join(repo, "worktrees", "thread-1"), "symbolic-ref", "--short", "HEAD"); got != "extract-auth" {
		t.Errorf("thread 1, made before the failure, is not whole: %q", got)
	}
}

func TestFanoutHooks(t *testing.T) {
	repo, wt := strayRepo(t)
	if err := gitPush(t, wt, "origin", "extract-auth"); err == nil {
		t.Fatal("the pre-push hook let an out-of-scope commit through")
	} else if !strings.Contains(err.Error(), "owned by thread 2 (api-cleanup)") {
		t.Errorf("push refused without the scope finding: %v", err)
	}
	gitIn(t, wt, "reset", "-q", "--hard", "HEAD~1")
	if err := gitPush(t, wt, "origin", "extract-auth"); err != nil {
		t.Errorf("an in-scope push failed: %v", err)
	}
	// Elsewhere the hook does nothing.
	gitIn(t, repo, "checkout", "-q", "-b", "scratch")
	if err := gitPush(t, repo, "origin", "scratch"); err != nil {
		t.Errorf("the hook blocked a branch that is no thread: %v", err)
	}

	// A hook someone else wrote is not overwritten.
	hook := filepath.Join(repo, ".git", "hooks", "pre-push")
	write(t, hook, "#!/bin/sh\necho mine\n")
	gitIn(t, repo, "checkout", "-q", "main")
	r := runIn(t, repo, "fanout", "--hooks")
	wantCode(t, r, exitError)
	if got := readFile(t, hook); got != "#!/bin/sh\necho mine\n" {
		t.Errorf("a foreign hook was overwritten: %q", got)
	}
}

// TestFanoutRefusesWorktreesUnderATrackedFile: worktrees = "go.sum/wt",
// under a file the base tracks, is a plan finding (validate says it), and
// fanout refuses before making anything.
func TestFanoutRefusesWorktreesUnderATrackedFile(t *testing.T) {
	repo := fanoutRepo(t)
	plan := "worktrees = \"go.sum/wt\"\n" + readFile(t, filepath.Join(repo, "plan.toml"))
	write(t, filepath.Join(repo, "plan.toml"), plan)
	commitAll(t, repo, "worktrees under a file")
	want := `worktrees folder "go.sum/wt" is inside "go.sum", a file on the base branch "main"`
	r := runIn(t, repo, "validate")
	wantCode(t, r, exitFindings)
	if !strings.Contains(r.stdout+r.stderr, want) {
		t.Errorf("validate:\n%s%s", r.stdout, r.stderr)
	}
	before := snapshot(t, repo)
	r = runIn(t, repo, "fanout")
	if r.code == exitOK || !strings.Contains(r.stdout+r.stderr, want) {
		t.Errorf("fanout: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if snapshot(t, repo) != before {
		t.Error("fanout changed something")
	}
}

// Re-running fanout keeps a worktree, and with it every edit made to the
// files fanout wrote there (.env, CLAUDE.local.md): they are excluded from
// git, so nothing could bring an overwritten edit back. A file nobody
// touched still gets the plan's new version.
func TestFanoutRerunKeepsHandEditsAndUpdatesTheRest(t *testing.T) {
	repo := fanoutRepo(t)
	wantCode(t, runIn(t, repo, "fanout"), exitOK)
	wt1 := filepath.Join(repo, "worktrees", "thread-1")
	wt2 := filepath.Join(repo, "worktrees", "thread-2")
	env := readFile(t, filepath.Join(wt1, ".env")) + "API_KEY=hand-written\n"
	write(t, filepath.Join(wt1, ".env"), env)
	claude := readFile(t, filepath.Join(wt1, "CLAUDE.local.md")) + "\nAlways run the auth tests.\n"
	write(t, filepath.Join(wt1, "CLAUDE.local.md"), claude)

	plan := strings.Replace(readFile(t, filepath.Join(repo, "plan.toml")), `DB = "app_{slug}"`, `DB = "app_{slug}"`+"\nCACHE = \"c{id}\"", 1)
	write(t, filepath.Join(repo, "plan.toml"), plan)
	commitAll(t, repo, "plan: a new env variable")

	r := runIn(t, repo, "fanout")
	wantCode(t, r, exitOK)
	if got := readFile(t, filepath.Join(wt1, ".env")); got != env {
		t.Errorf("re-running fanout changed a hand-edited .env:\n%s", got)
	}
	if got := readFile(t, filepath.Join(wt1, "CLAUDE.local.md")); got != claude {
		t.Errorf("re-running fanout overwrote CLAUDE.local.md:\n%s", got)
	}
	for _, name := range []string{".env", "CLAUDE.local.md"} {
		if want := "thread 1 (extract-auth): kept " + name + ": it was edited since fanout wrote it"; !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if got := readFile(t, filepath.Join(wt2, ".env")); !strings.Contains(got, "CACHE=") {
		t.Errorf("an untouched .env did not get the plan's new variable:\n%s", got)
	}
	if strings.Contains(r.stderr, "thread 2 (api-cleanup): kept") {
		t.Errorf("thread 2's files were not edited:\n%s", r.stderr)
	}
}
