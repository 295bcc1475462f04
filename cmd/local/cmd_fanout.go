package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/parallel-sessions/parallel-sessions/ordering"
	"github.com/parallel-sessions/parallel-sessions/plan"
)

// fanoutStep is what fanout does for one thread.
type fanoutStep struct {
	thread *plan.Thread
	dir    string // absolute worktree path
	action string // one of the fan* actions
	landed string // for fanLanded: how (see threadLanded)
	from   string // for fanCreate and fanTrack: the commit the new branch starts at
}

// Fanout actions.
const (
	fanCreate = "create"
	fanAttach = "attach"
	fanKeep   = "keep"
	fanRepair = "repair" // git has the worktree, its folder was deleted by hand
	fanTrack  = "track"  // the branch exists only on origin
	fanLanded = "landed" // the thread landed: not fanned out again
)

func (c *command) runFanout(args []string) error {
	fset := c.flags("fanout", "[--dry-run] [--hooks] [--no-guard] [--no-setup] [--setup-timeout D] [--command CMD]")
	dryRun := fset.Bool("dry-run", false, "print the git commands and files fanout would write, and change nothing")
	hooks := fset.Bool("hooks", false, "install a pre-push hook that runs ps-local check --committed and a pre-commit hook that checks the staged changes, on thread branches")
	noGuard := fset.Bool("no-guard", false, "do not install the edit-time guard (ps-local guard) in each worktree's "+settingsFile)
	noSetup := fset.Bool("no-setup", false, "do not run the plan's setup commands in the new worktrees")
	setupTimeout := fset.Duration("setup-timeout", defaultSetupTimeout, "the longest each setup command may run")
	agent := fset.String("command", "claude", "the `command` to start work with, printed for each worktree")
	if err := c.parseNoArgs(fset, args); err != nil {
		return err
	}
	ws, err := c.openWorkspace("fanout")
	if err != nil {
		return err
	}
	loc, p, root, git, baseSHA := ws.loc, ws.plan, ws.root, ws.git, ws.baseSHA
	steps, err := c.planFanout(git, root, loc, p, baseSHA)
	if err != nil {
		return err
	}
	included, err := includedFiles(git, root, p.Worktrees)
	if err != nil {
		return err
	}
	if *dryRun {
		c.printDryRun(git, root, p, steps, baseSHA, included, !*noSetup)
		return nil
	}
	if err := ensureExcludes(git, p.Worktrees); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find the ps-local binary for the hooks: %w", err)
	}
	results := c.makeWorktrees(git, steps, baseSHA, fanoutFill{plan: p, planFile: planInRepo(loc), self: self, noGuard: *noGuard, root: root, included: included})
	jobs, failed := c.reportFanout(p, root, steps, results, len(included) > 0, *agent)
	setupFailed := 0
	if len(p.Setup) > 0 && !*noSetup {
		c.runSetups(p, jobs, *setupTimeout)
		setupFailed = c.reportSetups(p, jobs, root)
	}
	if *hooks {
		if err := installHook(git, p, prePushHook, hookPlanPath(loc), self); err != nil {
			return err
		}
		fmt.Fprintln(c.stdout, "pre-push hook installed: thread branches run `ps-local check --committed` before each push")
		if err := installHook(git, p, preCommitHook, hookPlanPath(loc), self); err != nil {
			return err
		}
		fmt.Fprintln(c.stdout, "pre-commit hook installed: thread branches check their staged changes before each commit")
	}
	if failed > 0 {
		fmt.Fprintf(c.stderr, "ps-local: %d %s could not be fanned out; see above (the others are ready)\n", failed, plural(failed, "thread", "threads"))
		return errReported
	}
	if setupFailed > 0 {
		fmt.Fprintf(c.stderr, "ps-local: setup failed in %d %s; see above\n", setupFailed, plural(setupFailed, "worktree", "worktrees"))
		return errFindings
	}
	return nil
}

// reportFanout says, in the plan's order, what fanout made of each thread,
// whatever order the work finished in. It returns the new worktrees whose
// setup runs, and how many threads failed.
func (c *command) reportFanout(p *plan.Plan, root string, steps []fanoutStep, results []fanoutResult, included bool, agent string) (jobs []*setupJob, failed int) {
	for i, s := range steps {
		r := results[i]
		label := s.thread.Label()
		switch {
		case s.action == fanLanded:
			fmt.Fprintf(c.stdout, "%s: landed in %s (%s); not fanned out again (mark it done in the plan, or run ps-local cleanup --delete-branches)\n", label, p.Base, s.landed)
			continue
		case r.err != nil && s.action == fanKeep:
			fmt.Fprintf(c.stderr, "ps-local: %v\n", r.err)
			failed++
			continue
		case r.err != nil:
			fmt.Fprintf(c.stderr, "ps-local: %v; nothing of %s was kept\n", r.err, label)
			failed++
			continue
		}
		for _, name := range r.kept {
			fmt.Fprintf(c.stderr, "%s: kept the committed %s; fanout never writes over a tracked file\n", label, name)
		}
		for _, name := range r.edited {
			fmt.Fprintf(c.stderr, "%s: kept %s: it was edited since fanout wrote it; delete it and run fanout again for the plan's version\n", label, name)
		}
		for _, n := range r.notes {
			fmt.Fprintf(c.stderr, "%s: %s\n", label, n)
		}
		fmt.Fprintf(c.stdout, "%s: %s\n  cd %s && %s\n", label, describeStep(s, p.Base), quoteIfNeeded(c.display(s.dir, root)), agent)
		if s.action == fanKeep {
			continue
		}
		if included {
			fmt.Fprintf(c.stderr, "%s: copied %d %s named in %s\n", label, r.copied, plural(r.copied, "ignored file", "ignored files"), includeFile)
			for _, sk := range r.skipped {
				fmt.Fprintf(c.stderr, "%s: not copied: %s\n", label, sk)
			}
		}
		jobs = append(jobs, &setupJob{thread: s.thread, dir: s.dir})
	}
	return jobs, failed
}

func describeStep(s fanoutStep, base string) string {
	switch s.action {
	case fanCreate:
		return fmt.Sprintf("created on new branch %s from %s", s.thread.Branch, base)
	case fanAttach:
		return fmt.Sprintf("created on the existing branch %s, its commits kept", s.thread.Branch)
	case fanRepair:
		return fmt.Sprintf("its folder was deleted by hand: pruned git's stale worktree entry and re-created it on %s, its commits kept", s.thread.Branch)
	case fanTrack:
		return fmt.Sprintf("created on branch %s from origin/%s, tracking it", s.thread.Branch, s.thread.Branch)
	}
	return fmt.Sprintf("kept the existing worktree of %s", s.thread.Branch)
}

// planFanout checks every precondition before anything is changed: the
// work tree is clean, the plan is in the repository, and no worktree
// folder or branch is in the way. The plan is the base's (loadBasePlan).
func (c *command) planFanout(git gitCmd, root string, loc planLocation, p *plan.Plan, baseSHA string) ([]fanoutStep, error) {
	dirty, err := git.output("diff", "HEAD", "--name-only", "-z", "--no-ext-diff", "--ignore-submodules=none")
	if err != nil {
		return nil, fmt.Errorf("read the work tree's state: %w", err)
	}
	if names := parseNULNames(dirty); len(names) > 0 {
		shown := names
		if len(shown) > 5 {
			shown = append(shown[:5:5], "...")
		}
		return nil, fmt.Errorf("the work tree has uncommitted changes to %d tracked %s (%s); commit or stash them first", len(names), plural(len(names), "file", "files"), strings.Join(shown, ", "))
	}
	planFile := planInRepo(loc)
	if planFile == "" {
		return nil, fmt.Errorf("%s is outside the repository; fanout needs the plan committed on %s", loc.display, p.Base)
	}
	if err := checkWorktreesFolder(git, root, p, baseSHA); err != nil {
		return nil, err
	}
	worktrees, err := listWorktrees(git)
	if err != nil {
		return nil, err
	}
	tips, err := refTips(git, "refs/heads/", "refs/remotes/origin/")
	if err != nil {
		return nil, err
	}
	var bases []string // where a thread may have landed, read at the first existing branch
	var steps []fanoutStep
	for _, t := range ordering.Active(p) {
		dir := filepath.Join(root, filepath.FromSlash(p.Worktrees), "thread-"+strconv.Itoa(t.ID))
		step := fanoutStep{thread: t, dir: dir, action: fanCreate, from: baseSHA}
		branchRef := "refs/heads/" + t.Branch
		_, statErr := os.Lstat(dir)
		gone := errors.Is(statErr, fs.ErrNotExist)
		if wt, ok := worktrees[dir]; ok {
			if wt != branchRef {
				return nil, fmt.Errorf("%s is a worktree of %s, not of %s's branch %s; remove it (git worktree remove) or fix the plan", c.display(dir, root), strings.TrimPrefix(wt, "refs/heads/"), t.Label(), t.Branch)
			}
			step.action = fanKeep
			if gone {
				step.action = fanRepair
			}
		} else if !gone {
			return nil, fmt.Errorf("%s exists and is not a worktree of %s; move it away first", c.display(dir, root), t.Branch)
		} else if tip, ok := tips[branchRef]; ok {
			for path, ref := range worktrees {
				if ref == branchRef {
					return nil, fmt.Errorf("branch %s is checked out in %s; switch that work tree to another branch first", t.Branch, path)
				}
			}
			step.action, step.from = fanAttach, ""
			if bases == nil {
				bases = landingBases(git, p.Base, baseSHA)
			}
			st, err := readBranchStateAt(git, t.Branch, tip, bases, planFile)
			if err != nil {
				return nil, err
			}
			if st.landed {
				step.action, step.landed = fanLanded, st.how
			}
		} else if tip, ok := tips["refs/remotes/origin/"+t.Branch]; ok {
			step.action, step.from = fanTrack, tip
		}
		steps = append(steps, step)
	}
	return steps, nil
}

// checkWorktreesFolder refuses a worktrees folder that holds tracked
// content (on the base or in the index) or is a file: fanout excludes the
// folder from git, which would silently ignore new files there.
func checkWorktreesFolder(git gitCmd, root string, p *plan.Plan, baseSHA string) error {
	folder := strings.Trim(p.Worktrees, "/")
	onBase, err := git.output("ls-tree", "-z", "--name-only", baseSHA, "--", folder)
	if err != nil {
		return fmt.Errorf("look for %s on %s: %w", folder, p.Base, err)
	}
	inIndex, err := git.output("ls-files", "-z", "--", folder)
	if err != nil {
		return fmt.Errorf("look for %s in the index: %w", folder, err)
	}
	if len(onBase) > 0 || len(inIndex) > 0 {
		return fmt.Errorf("the worktrees folder %s/ holds files git tracks; fanout would hide new files there from git, so set worktrees in the plan to a folder of its own (e.g. worktrees = \".worktrees\")", folder)
	}
	if info, err := os.Lstat(filepath.Join(root, filepath.FromSlash(folder))); err == nil && !info.IsDir() {
		return fmt.Errorf("the worktrees folder %s is a file, not a folder; move it away or set worktrees in the plan to another folder", folder)
	}
	return nil
}

// listWorktrees maps each worktree's absolute path to its branch ref.
func listWorktrees(git gitCmd) (map[string]string, error) {
	out, err := git.output("worktree", "list", "--porcelain", "-z")
	if err != nil {
		return nil, fmt.Errorf("list worktrees: %w", err)
	}
	trees := map[string]string{}
	var path string
	for _, field := range strings.Split(string(out), "\x00") {
		switch {
		case strings.HasPrefix(field, "worktree "):
			path = filepath.Clean(strings.TrimPrefix(field, "worktree "))
			trees[path] = ""
		case strings.HasPrefix(field, "branch "):
			trees[path] = strings.TrimPrefix(field, "branch ")
		}
	}
	return trees, nil
}

func (c *command) printDryRun(git gitCmd, root string, p *plan.Plan, steps []fanoutStep, baseSHA string, included []string, setup bool) {
	for _, s := range steps {
		rel := c.display(s.dir, root)
		switch s.action {
		case fanCreate:
			fmt.Fprintf(c.stdout, "git worktree add -b %s %s %s\n", s.thread.Branch, rel, baseSHA)
		case fanAttach:
			fmt.Fprintf(c.stdout, "git worktree add %s %s\n", rel, s.thread.Branch)
		case fanRepair:
			fmt.Fprintf(c.stdout, "git worktree prune\ngit worktree add %s %s\n", rel, s.thread.Branch)
		case fanTrack:
			fmt.Fprintf(c.stdout, "git worktree add --track -b %s %s origin/%s\n", s.thread.Branch, rel, s.thread.Branch)
		case fanLanded:
			fmt.Fprintf(c.stdout, "# skip %s: landed in %s (%s)\n", s.thread.Label(), p.Base, s.landed)
			continue
		default:
			fmt.Fprintf(c.stdout, "# keep %s (already a worktree of %s)\n", rel, s.thread.Branch)
		}
		files := []string{briefFile, claudeFile, agentsFile, settingsFile}
		if len(p.Env) > 0 {
			files = append(files, envFile)
		}
		for _, f := range files {
			fmt.Fprintf(c.stdout, "# write %s\n", filepath.ToSlash(filepath.Join(rel, f)))
		}
		if len(included) > 0 && s.action != fanKeep {
			fmt.Fprintf(c.stdout, "# copy into %s the ignored files %s names (regular files the worktree lacks): %s\n", rel, includeFile, quotedList(included))
		}
		if setup && s.action != fanKeep {
			for _, cmd := range p.Setup {
				fmt.Fprintf(c.stdout, "# run in %s: %s\n", rel, cmd)
			}
		}
	}
	fmt.Fprintf(c.stdout, "# exclude %s, %s, %s, %s, %s and /%s/ in %s\n", briefFile, envFile, claudeFile, agentsFile, settingsFile, p.Worktrees, "info/exclude")
}

// parseNULNames splits git's -z name list.
func parseNULNames(out []byte) []string {
	var names []string
	for _, n := range strings.Split(string(out), "\x00") {
		if n != "" {
			names = append(names, n)
		}
	}
	return names
}

// excludeLines keep fanout's files and the worktrees folder out of git, in
// the info/exclude every worktree of the repository shares.
func excludeLines(worktrees string) []string {
	return []string{"/" + strings.Trim(worktrees, "/") + "/", "/" + briefFile, "/" + envFile, "/" + claudeFile, "/" + agentsFile, "/" + settingsFile}
}

func ensureExcludes(git gitCmd, worktrees string) error {
	return addExcludes(git, excludeLines(worktrees), "# parallel-sessions: ps-local fanout's files and worktrees")
}

// addExcludes appends the lines info/exclude lacks, under header.
func addExcludes(git gitCmd, lines []string, header string) error {
	path, err := git.line("rev-parse", "--path-format=absolute", "--git-path", "info/exclude")
	if err != nil {
		return fmt.Errorf("find info/exclude: %w", err)
	}
	have, err := readRegular(path, maxExcludeFile)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("read %s: %w", path, unwrapPath(err))
	}
	present := map[string]bool{}
	for _, l := range strings.Split(string(have), "\n") {
		present[strings.TrimSpace(l)] = true
	}
	var add []string
	for _, l := range lines {
		if !present[l] {
			add = append(add, l)
		}
	}
	if len(add) == 0 {
		return nil
	}
	text := string(have)
	if text != "" && !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	text += header + "\n" + strings.Join(add, "\n") + "\n"
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return writeFileAtomic(path, []byte(text))
}

// hookPlanPath is the plan as the hook names it: repository-relative (the
// hook runs at a worktree's root), or absolute for a plan outside.
func hookPlanPath(loc planLocation) string {
	if rel := planInRepo(loc); rel != "" {
		return rel
	}
	return loc.path
}
