package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/parallel-sessions/parallel-sessions/plan"
)

// fanoutInProcess runs ps-local fanout in process with at most jobs
// worktrees made at a time, the bound a test cannot set on the binary.
func fanoutInProcess(t *testing.T, repo string, jobs int, args ...string) result {
	t.Helper()
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	t.Setenv("GIT_CONFIG_GLOBAL", "/dev/null")
	t.Setenv("HOME", repo)
	var stdout, stderr strings.Builder
	c := &command{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, dir: repo, getenv: func(string) string { return "" }, jobs: jobs}
	code := c.run(append([]string{"fanout"}, args...))
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// postCheckoutHook installs a post-checkout hook, which git runs in each
// worktree fanout checks out, while fanout makes it.
func postCheckoutHook(t *testing.T, repo, body string) {
	t.Helper()
	path := filepath.Join(repo, ".git", "hooks", "post-checkout")
	write(t, path, "#!/bin/sh\n"+body)
	if err := os.Chmod(path, 0o755); err != nil {
		t.Fatal(err)
	}
}

// manyThreadsRepo is a repository on main with a committed plan of n
// threads, thread i owning pkg<i>/.
func manyThreadsRepo(t *testing.T, n int) string {
	t.Helper()
	repo := gitRepo(t)
	var plan strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&plan, "[[threads]]\nid = %d\nbranch = \"thread-%d\"\ngoal = \"work %d\"\nowns = [\"pkg%d/\"]\nmerge_order = %d\n\n", i, i, i, i, i)
		write(t, filepath.Join(repo, fmt.Sprintf("pkg%d", i), "a.go"), "package x\n")
	}
	write(t, filepath.Join(repo, "plan.toml"), plan.String())
	commitAll(t, repo, "plan and code")
	return repo
}

// TestFanoutBoundsWorktreesMadeAtOnce counts, in a post-checkout hook, the
// worktrees being made at the same moment: never more than the bound, and
// the bound is reached (the hooks wait until it is, or 15 s).
func TestFanoutBoundsWorktreesMadeAtOnce(t *testing.T) {
	for _, jobs := range []int{1, 3} {
		t.Run("jobs="+strconv.Itoa(jobs), func(t *testing.T) {
			repo := manyThreadsRepo(t, 7)
			counter := t.TempDir()
			postCheckoutHook(t, repo, fmt.Sprintf(`d=%s
wt=$(basename "$PWD")
touch "$d/in-$wt"
i=0
while [ ! -e "$d/released" ] && [ "$(ls "$d" | grep -c '^in-')" -lt %d ] && [ $i -lt 300 ]; do sleep 0.05; i=$((i+1)); done
touch "$d/released"
ls "$d" | grep -c '^in-' >> "$d/seen-$wt"
sleep 0.2
ls "$d" | grep -c '^in-' >> "$d/seen-$wt"
rm "$d/in-$wt"
`, shellQuote(counter), jobs))
			r := fanoutInProcess(t, repo, jobs, "--no-guard")
			wantCode(t, r, exitOK)
			most, hooks := 0, 0
			for i := 1; i <= 7; i++ {
				seen := readFile(t, filepath.Join(counter, fmt.Sprintf("seen-thread-%d", i)))
				hooks++
				for _, f := range strings.Fields(seen) {
					n, err := strconv.Atoi(f)
					if err != nil {
						t.Fatalf("seen-thread-%d: %q", i, seen)
					}
					most = max(most, n)
				}
			}
			if most > jobs {
				t.Errorf("%d worktrees were made at once; the bound is %d", most, jobs)
			}
			if most < jobs {
				t.Errorf("at most %d worktrees were made at once; fanout should make %d at a time", most, jobs)
			}
		})
	}
}

// TestFanoutOutputInPlanOrderWhateverFinishesFirst: thread 1's checkout
// waits until threads 2 and 3 have finished theirs, and the output is
// still in the plan's order.
func TestFanoutOutputInPlanOrderWhateverFinishesFirst(t *testing.T) {
	repo := fanoutRepo(t)
	marks := t.TempDir()
	postCheckoutHook(t, repo, fmt.Sprintf(`d=%s
wt=$(basename "$PWD")
i=0
if [ "$wt" = thread-1 ]; then
  while { [ ! -e "$d/done-thread-2" ] || [ ! -e "$d/done-thread-3" ]; } && [ $i -lt 300 ]; do sleep 0.05; i=$((i+1)); done
fi
echo "$wt" >> "$d/finished"
touch "$d/done-$wt"
`, shellQuote(marks)))
	r := fanoutInProcess(t, repo, 3, "--no-guard")
	wantCode(t, r, exitOK)
	if got := readFile(t, filepath.Join(marks, "finished")); !strings.HasSuffix(got, "thread-1\n") {
		t.Fatalf("thread 1 did not finish last (%q): the test shows nothing", got)
	}
	if r.stdout != fanoutMade {
		t.Errorf("stdout:\n%s\nwant:\n%s", r.stdout, fanoutMade)
	}
}

// wantWholeThread checks that fanout made thread id's worktree on branch
// from main, with its brief, and that git sees no change in it.
func wantWholeThread(t *testing.T, repo string, id int, branch string) {
	t.Helper()
	wt := filepath.Join(repo, "worktrees", "thread-"+strconv.Itoa(id))
	if got := gitIn(t, wt, "symbolic-ref", "--short", "HEAD"); got != branch {
		t.Errorf("thread %d is on %q, want %q", id, got, branch)
	}
	if got, base := gitIn(t, wt, "rev-parse", "HEAD"), gitIn(t, repo, "rev-parse", "main"); got != base {
		t.Errorf("thread %d is at %s, want main's %s", id, got, base)
	}
	if !strings.Contains(readFile(t, filepath.Join(wt, briefFile)), "# Thread "+strconv.Itoa(id)+": "+branch) {
		t.Errorf("thread %d has no brief", id)
	}
	if st := gitIn(t, wt, "status", "--porcelain"); st != "" {
		t.Errorf("thread %d is not clean:\n%s", id, st)
	}
}

// TestFanoutRollsBackOnlyTheFailingThread: thread 2 fails, once when git
// cannot make its branch and once in its checkout; its worktree and branch
// are removed, threads 1 and 3 are made whole, and the exit code says it.
func TestFanoutRollsBackOnlyTheFailingThread(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(t *testing.T, repo string)
		cure    func(t *testing.T, repo string)
		message string
	}{
		{"branch", func(t *testing.T, repo string) {
			// "api-cleanup/x" exists, so "api-cleanup" cannot.
			gitIn(t, repo, "branch", "api-cleanup/x")
		}, func(t *testing.T, repo string) {
			gitIn(t, repo, "branch", "-D", "api-cleanup/x")
		}, "ps-local: create the worktree of thread 2 (api-cleanup): "},
		{"checkout", func(t *testing.T, repo string) {
			postCheckoutHook(t, repo, `[ "$(basename "$PWD")" != thread-2 ] || { echo "no disk left" >&2; exit 1; }`+"\n")
		}, func(t *testing.T, repo string) {
			os.Remove(filepath.Join(repo, ".git", "hooks", "post-checkout"))
		}, "ps-local: check out the worktree of thread 2 (api-cleanup): "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repo := fanoutRepo(t)
			tt.setup(t, repo)
			r := fanoutInProcess(t, repo, 3, "--no-guard")
			wantCode(t, r, exitError)
			if !strings.Contains(r.stderr, tt.message) {
				t.Errorf("stderr lacks %q:\n%s", tt.message, r.stderr)
			}
			if _, err := os.Stat(filepath.Join(repo, "worktrees", "thread-2")); err == nil {
				t.Error("the failed thread's worktree was left behind")
			}
			if out := gitIn(t, repo, "branch", "--list", "api-cleanup"); out != "" {
				t.Errorf("the failed thread's branch was left behind: %q", out)
			}
			if out := gitIn(t, repo, "worktree", "list", "--porcelain"); strings.Contains(out, "thread-2") {
				t.Errorf("git still lists the failed thread's worktree:\n%s", out)
			}
			wantWholeThread(t, repo, 1, "extract-auth")
			wantWholeThread(t, repo, 3, "docs")
			if !strings.Contains(r.stdout, "thread 1 (extract-auth): created on new branch extract-auth from main\n  cd worktrees/thread-1 && claude\nthread 3 (docs): created") {
				t.Errorf("stdout:\n%s", r.stdout)
			}
			// Once the cause is gone, a re-run makes thread 2 and keeps the others.
			tt.cure(t, repo)
			wantCode(t, fanoutInProcess(t, repo, 3, "--no-guard"), exitOK)
			wantWholeThread(t, repo, 2, "api-cleanup")
		})
	}
}

// gitWorktreeState is what git keeps of a worktree and its branch, with the
// repository's path and its main commit replaced by names: the files of its
// entry in .git/worktrees, its index, its HEAD, the reflogs of HEAD and of
// the branch, and what the post-checkout hook saw. fanout's record of the
// files it wrote (see writtenFile) is its own, not git's.
func gitWorktreeState(t *testing.T, repo, id, branch string) string {
	t.Helper()
	wt := filepath.Join(repo, "worktrees", "thread-"+id)
	entries, err := os.ReadDir(filepath.Join(repo, ".git", "worktrees", "thread-"+id))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.Name() != writtenFile {
			names = append(names, e.Name())
		}
	}
	state := strings.Join([]string{
		strings.Join(names, " "),
		gitIn(t, wt, "ls-files", "-s"),
		gitIn(t, wt, "symbolic-ref", "HEAD"),
		gitIn(t, wt, "reflog", "show", "--format=%H %gs", "HEAD"),
		gitIn(t, repo, "reflog", "show", "--format=%H %gs", branch),
		gitIn(t, wt, "status", "--porcelain", "--ignored=no"),
		readFile(t, filepath.Join(repo, "hook.log")),
	}, "\n")
	return strings.NewReplacer(repo, "REPO", gitIn(t, repo, "rev-parse", "main"), "BASE").Replace(state)
}

// TestFanoutWorktreeMatchesGitWorktreeAdd is a differential test against
// the command fanout replaces: the worktree, its branch, and what the
// post-checkout hook sees (arguments, folder, environment) are the same
// as after `git worktree add -b`, including a relative core.hooksPath.
func TestFanoutWorktreeMatchesGitWorktreeAdd(t *testing.T) {
	for _, hooksPath := range []string{"", ".githooks"} {
		t.Run("hooksPath="+hooksPath, func(t *testing.T) {
			var states []string
			for _, viaFanout := range []bool{false, true} {
				repo := fanoutRepo(t)
				// The hook runs in the worktree, two folders below the repository.
				hook := `if [ "$(basename "$PWD")" = thread-1 ]; then echo "$PWD $* GIT_DIR=${GIT_DIR-unset} GIT_WORK_TREE=${GIT_WORK_TREE-unset}" >> ../../hook.log; fi` + "\n"
				if hooksPath == "" {
					postCheckoutHook(t, repo, hook)
				} else {
					write(t, filepath.Join(repo, hooksPath, "post-checkout"), "#!/bin/sh\n"+hook)
					os.Chmod(filepath.Join(repo, hooksPath, "post-checkout"), 0o755)
					commitAll(t, repo, "a hooks folder")
					gitIn(t, repo, "config", "core.hooksPath", hooksPath)
				}
				if viaFanout {
					wantCode(t, fanoutInProcess(t, repo, 0, "--no-guard"), exitOK)
				} else {
					gitIn(t, repo, "worktree", "add", "--quiet", "-b", "extract-auth", filepath.Join(repo, "worktrees", "thread-1"), gitIn(t, repo, "rev-parse", "main"))
				}
				states = append(states, gitWorktreeState(t, repo, "1", "extract-auth"))
			}
			if states[0] != states[1] {
				t.Errorf("git worktree add:\n%s\n\nfanout:\n%s", states[0], states[1])
			}
		})
	}
}

// TestUndoKeepsABranchThatMoved: undoing a thread deletes the branch
// fanout created only while it is where fanout made it.
func TestUndoKeepsABranchThatMoved(t *testing.T) {
	repo := fanoutRepo(t)
	base := gitIn(t, repo, "rev-parse", "main")
	p := &plan.Thread{ID: 1, Branch: "extract-auth"}
	gitIn(t, repo, "branch", "extract-auth", base)
	undoStep(gitCmd{dir: repo}, fanoutStep{thread: p, dir: filepath.Join(repo, "worktrees", "thread-1"), action: fanCreate, from: base}, false)
	if out := gitIn(t, repo, "branch", "--list", "extract-auth"); out != "" {
		t.Errorf("the branch fanout made was kept: %q", out)
	}
	gitIn(t, repo, "checkout", "-q", "-b", "extract-auth")
	write(t, filepath.Join(repo, "services/auth/new.go"), "package auth\n")
	commitAll(t, repo, "someone's work")
	gitIn(t, repo, "checkout", "-q", "main")
	undoStep(gitCmd{dir: repo}, fanoutStep{thread: p, dir: filepath.Join(repo, "worktrees", "thread-1"), action: fanCreate, from: base}, false)
	if out := gitIn(t, repo, "branch", "--list", "extract-auth"); out == "" {
		t.Error("undo deleted a branch with a commit fanout did not make")
	}
}
