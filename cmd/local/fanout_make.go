package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"slices"
	"strings"

	"github.com/parallel-sessions/parallel-sessions/plan"
)

// checkoutWorkers is git's parallel checkout (checkout.workers) that
// fanout asks for in each checkout when git's configuration sets none:
// with two worktrees checked out at once on 2 CPUs, two workers each made
// fanout about a fifth faster (BENCHMARKS.md). Below
// checkout.thresholdForParallelism files (100) git checks out in one
// process anyway.
const checkoutWorkers = "2"

// fanoutFill is what fanout needs to fill every worktree it makes or keeps.
type fanoutFill struct {
	checkout []string // git options for the checkout (checkoutWorkers), or none
	plan     *plan.Plan
	planFile string   // the plan's repository-relative path, named in the brief
	self     string   // the ps-local binary, for the guard hook
	noGuard  bool     // --no-guard
	root     string   // the main checkout, where included files come from
	included []string // the ignored files .worktreeinclude names
}

// fanoutResult is what making, or keeping, one thread's worktree came to.
type fanoutResult struct {
	kept    []string // fanout's files the branch tracks, left as they are
	edited  []string // fanout's files edited since it wrote them, left as they are
	notes   []string // what the agents' setup left to the user
	copied  int      // included files copied
	skipped []string // included files not copied, and why
	err     error    // what stopped this thread; what fanout made of it was undone
	// registered: git has the worktree fanout made (so undoing removes it).
	registered bool
}

// makeWorktrees makes the worktree of every step and writes its files
// (README "The local workflow"); results[i] is steps[i]'s. Worktrees are
// registered and branches created one at a time: concurrent `git worktree
// add` calls in one repository read each other's half-written entries and
// fail. The checkouts, nearly all of the time, then run at most
// c.workers() at a time, each in its own worktree and on its own branch,
// while nothing registers or removes a worktree. A thread that fails is
// undone once every other is done; the others go on.
func (c *command) makeWorktrees(git gitCmd, steps []fanoutStep, baseSHA string, w fanoutFill) []fanoutResult {
	results := make([]fanoutResult, len(steps))
	if _, err := git.output("config", "--get", "checkout.workers"); exitedWith(err, 1) {
		w.checkout = []string{"-c", "checkout.workers=" + checkoutWorkers}
	}
	var pruneErr error // git's stale entries of the worktrees to repair
	if slices.ContainsFunc(steps, func(s fanoutStep) bool { return s.action == fanRepair }) {
		_, pruneErr = git.output("worktree", "prune")
	}
	for i, s := range steps {
		if s.action == fanRepair && pruneErr != nil {
			results[i].err = fmt.Errorf("prune the stale worktree entry of %s: %w", s.thread.Label(), pruneErr)
			continue
		}
		results[i].err = registerWorktree(git, s, baseSHA)
		results[i].registered = results[i].err == nil && s.action != fanKeep && s.action != fanLanded
	}
	forEachBounded(len(steps), c.workers(), func(i int) {
		if steps[i].action != fanLanded && results[i].err == nil {
			results[i].err = fillWorktree(steps[i], w, &results[i])
		}
	})
	for i, s := range steps {
		if results[i].err != nil && s.action != fanKeep {
			undoStep(git, s, results[i].registered)
		}
	}
	return results
}

// registerWorktree makes the step's branch and git's entry for its
// worktree, without checking anything out (fillWorktree does).
func registerWorktree(git gitCmd, s fanoutStep, baseSHA string) error {
	var args []string
	switch s.action {
	case fanCreate:
		args = []string{"-b", s.thread.Branch, s.dir, baseSHA}
	case fanTrack:
		args = []string{"--track", "-b", s.thread.Branch, s.dir, "refs/remotes/origin/" + s.thread.Branch}
	case fanAttach, fanRepair:
		args = []string{s.dir, s.thread.Branch}
	default:
		return nil
	}
	if _, err := git.output(append([]string{"worktree", "add", "--quiet", "--no-checkout"}, args...)...); err != nil {
		return fmt.Errorf("create the worktree of %s: %w", s.thread.Label(), err)
	}
	return nil
}

// fillWorktree checks out a worktree registerWorktree made, as `git
// worktree add` does (`git reset --hard`, then the post-checkout hook), and
// writes fanout's files into it, or into a worktree it keeps; it records
// what the user should hear in r. It never writes over a file the branch
// tracks: those are kept, and listed.
func fillWorktree(s fanoutStep, w fanoutFill, r *fanoutResult) error {
	wt := gitCmd{dir: s.dir}
	if s.action != fanKeep {
		if err := checkOut(wt, w.checkout); err != nil {
			return fmt.Errorf("check out the worktree of %s: %w", s.thread.Label(), err)
		}
	}
	tracked, err := trackedOf(wt, briefFile, claudeFile, envFile, settingsFile, agentsFile)
	if err != nil {
		return fmt.Errorf("write the files of %s: %w", s.thread.Label(), err)
	}
	brief := renderBrief(w.plan, s.thread, w.planFile)
	files := map[string]string{briefFile: brief, claudeFile: claudeLocal}
	if env := renderEnv(w.plan, s.thread); env != "" {
		files[envFile] = env
	}
	sums, err := readWritten(s.dir)
	if err != nil {
		return fmt.Errorf("write the files of %s: %w", s.thread.Label(), err)
	}
	var irregular []string
	for name, content := range files {
		if tracked[name] {
			r.kept = append(r.kept, name)
			continue
		}
		edited, err := handEdited(s.dir, name, []byte(content), sums)
		if errors.Is(err, errNotRegular) {
			irregular = append(irregular, fmt.Sprintf("%s is %v, so fanout leaves it alone: remove it and run fanout again for the plan's version", name, err))
			continue
		}
		if err != nil {
			return fmt.Errorf("write the files of %s: %w", s.thread.Label(), err)
		}
		if edited {
			r.edited = append(r.edited, name)
			continue
		}
		if err := writeRecorded(s.dir, name, []byte(content)); err != nil {
			return fmt.Errorf("write %s for %s: %w", name, s.thread.Label(), err)
		}
	}
	slices.Sort(r.kept)
	slices.Sort(r.edited)
	slices.Sort(irregular)
	notes, err := setupAgents(s.dir, brief, w.self, w.noGuard, tracked)
	r.notes = append(irregular, notes...)
	if err != nil {
		return fmt.Errorf("set up the agents of %s: %w", s.thread.Label(), err)
	}
	if s.action != fanKeep && len(w.included) > 0 {
		if r.copied, r.skipped, err = copyIncluded(w.root, s.dir, w.included); err != nil {
			return fmt.Errorf("copy the %s files into the worktree of %s: %w", includeFile, s.thread.Label(), err)
		}
	}
	return nil
}

// checkOut fills the worktree git just registered: the index and files of
// its HEAD, then the repository's post-checkout hook, which `git worktree
// add` runs for a worktree it checks out. options go before git's command.
func checkOut(wt gitCmd, options []string) error {
	if _, err := wt.output(slices.Concat(options, []string{"reset", "--hard", "--no-recurse-submodules", "--quiet"})...); err != nil {
		return err
	}
	// Where git looks for the hook (core.hooksPath included, a relative
	// one from the worktree's root), and the commit checked out.
	out, err := wt.output("rev-parse", "--path-format=absolute", "--git-path", "hooks/post-checkout", "HEAD")
	if err != nil {
		return err
	}
	fields := strings.Fields(string(out))
	if len(fields) != 2 {
		return fmt.Errorf("git rev-parse gave %q, not the hook's path and HEAD", out)
	}
	return runPostCheckout(wt.dir, fields[0], fields[1])
}

// runPostCheckout runs the post-checkout hook at path, if it is an
// executable file, the way `git worktree add` does: in the worktree, with
// no GIT_DIR or GIT_WORK_TREE, stdin empty, its arguments the null commit,
// the commit checked out, and 1 (a branch checkout).
func runPostCheckout(dir, path, head string) error {
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) || err == nil && (!info.Mode().IsRegular() || info.Mode().Perm()&0o111 == 0) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read the post-checkout hook: %w", err)
	}
	cmd := exec.Command(path, strings.Repeat("0", len(head)), head, "1")
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_DIR=") && !strings.HasPrefix(kv, "GIT_WORK_TREE=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		if said := strings.TrimSpace(out.String()); said != "" {
			return fmt.Errorf("the post-checkout hook %s: %v: %s", path, err, said)
		}
		return fmt.Errorf("the post-checkout hook %s: %v", path, err)
	}
	return nil
}

// trackedOf returns which of names the index of the worktree holds, with
// one `git ls-files`.
func trackedOf(wt gitCmd, names ...string) (map[string]bool, error) {
	args := []string{"ls-files", "-z", "--"}
	for _, n := range names {
		args = append(args, ":(literal)"+n)
	}
	out, err := wt.output(args...)
	if err != nil {
		return nil, fmt.Errorf("ask git which of %s it tracks: %w", strings.Join(names, ", "), err)
	}
	tracked := map[string]bool{}
	for _, n := range parseNULNames(out) {
		tracked[n] = true
	}
	return tracked, nil
}

// undoStep removes what fanout made for a thread that failed: the worktree
// it registered, and the branch when fanout created it and it still is
// where fanout made it (so it holds no commit of anyone's). What a failed
// `git worktree add` made, git removes itself.
func undoStep(git gitCmd, s fanoutStep, registered bool) {
	if registered {
		git.output("worktree", "remove", "--force", s.dir)
		os.RemoveAll(s.dir)
	}
	git.output("worktree", "prune")
	if s.action == fanCreate || s.action == fanTrack {
		if tip, err := git.line("rev-parse", "--verify", "--quiet", "refs/heads/"+s.thread.Branch); err == nil && tip == s.from {
			git.output("branch", "-D", s.thread.Branch)
		}
	}
}
