package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
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
	planFile := planInRepo(loc)
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find the ps-local binary for the hooks: %w", err)
	}
	var jobs []*setupJob
	for _, s := range steps {
		if s.action == fanLanded {
			fmt.Fprintf(c.stdout, "%s: landed in %s (%s); not fanned out again (mark it done in the plan, or run ps-local cleanup --delete-branches)\n", s.thread.Label(), p.Base, s.landed)
			continue
		}
		kept, err := applyStep(git, p, s, baseSHA, planFile)
		if err != nil {
			return err
		}
		for _, name := range kept {
			fmt.Fprintf(c.stderr, "%s: kept the committed %s; fanout never writes over a tracked file\n", s.thread.Label(), name)
		}
		notes, err := setupAgents(p, s, planFile, self, *noGuard)
		if err != nil {
			return fmt.Errorf("set up the agents of %s: %w", s.thread.Label(), err)
		}
		for _, n := range notes {
			fmt.Fprintf(c.stderr, "%s: %s\n", s.thread.Label(), n)
		}
		fmt.Fprintf(c.stdout, "%s: %s\n  cd %s && %s\n", s.thread.Label(), describeStep(s, p.Base), quoteIfNeeded(c.display(s.dir, root)), *agent)
		if s.action != fanKeep {
			if err := c.copyIncludedInto(s, root, included); err != nil {
				return err
			}
			jobs = append(jobs, &setupJob{thread: s.thread, dir: s.dir})
		}
	}
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
	if setupFailed > 0 {
		fmt.Fprintf(c.stderr, "ps-local: setup failed in %d %s; see above\n", setupFailed, plural(setupFailed, "worktree", "worktrees"))
		return errFindings
	}
	return nil
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
	dirty, err := git.output("diff", "HEAD", "--name-only", "-z", "--no-ext-diff")
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
	var steps []fanoutStep
	for _, t := range ordering.Active(p) {
		dir := filepath.Join(root, filepath.FromSlash(p.Worktrees), "thread-"+strconv.Itoa(t.ID))
		step := fanoutStep{thread: t, dir: dir, action: fanCreate}
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
		} else if _, err := git.line("rev-parse", "--verify", "--quiet", branchRef); err == nil {
			for path, ref := range worktrees {
				if ref == branchRef {
					return nil, fmt.Errorf("branch %s is checked out in %s; switch that work tree to another branch first", t.Branch, path)
				}
			}
			step.action = fanAttach
			st, err := readBranchState(git, t.Branch, landingBases(git, p.Base, baseSHA), planFile)
			if err != nil {
				return nil, err
			}
			if st.landed {
				step.action, step.landed = fanLanded, st.how
			}
		} else if _, err := git.line("rev-parse", "--verify", "--quiet", "refs/remotes/origin/"+t.Branch); err == nil {
			step.action = fanTrack
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

// applyStep makes one thread's worktree and writes its files. A failure
// removes what this step made, so no half-made worktree or branch stays.
// It never writes over a file the branch tracks: those are kept, and
// returned so the user hears of them.
func applyStep(git gitCmd, p *plan.Plan, s fanoutStep, baseSHA, planFile string) (kept []string, err error) {
	switch s.action {
	case fanCreate:
		if _, err := git.output("worktree", "add", "--quiet", "-b", s.thread.Branch, s.dir, baseSHA); err != nil {
			undoStep(git, s)
			return nil, fmt.Errorf("create the worktree of %s: %w", s.thread.Label(), err)
		}
	case fanRepair:
		if _, err := git.output("worktree", "prune"); err != nil {
			return nil, fmt.Errorf("prune the stale worktree entry of %s: %w", s.thread.Label(), err)
		}
		if _, err := git.output("worktree", "add", "--quiet", s.dir, s.thread.Branch); err != nil {
			undoStep(git, s)
			return nil, fmt.Errorf("re-create the worktree of %s: %w", s.thread.Label(), err)
		}
	case fanTrack:
		if _, err := git.output("worktree", "add", "--quiet", "--track", "-b", s.thread.Branch, s.dir, "refs/remotes/origin/"+s.thread.Branch); err != nil {
			undoStep(git, s)
			return nil, fmt.Errorf("create the worktree of %s: %w", s.thread.Label(), err)
		}
	case fanAttach:
		if _, err := git.output("worktree", "add", "--quiet", s.dir, s.thread.Branch); err != nil {
			undoStep(git, s)
			return nil, fmt.Errorf("create the worktree of %s: %w", s.thread.Label(), err)
		}
	}
	files := map[string]string{briefFile: renderBrief(p, s.thread, planFile), claudeFile: claudeLocal}
	if env := renderEnv(p, s.thread); env != "" {
		files[envFile] = env
	}
	for name := range files {
		tracked, err := isTracked(gitCmd{dir: s.dir}, name)
		if err != nil {
			if s.action != fanKeep {
				undoStep(git, s)
			}
			return nil, err
		}
		if tracked {
			delete(files, name)
			kept = append(kept, name)
		}
	}
	slices.Sort(kept)
	for name, content := range files {
		if err := writeRecorded(s.dir, name, []byte(content)); err != nil {
			if s.action != fanKeep {
				undoStep(git, s)
			}
			return nil, fmt.Errorf("write %s for %s: %w", name, s.thread.Label(), err)
		}
	}
	return kept, nil
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

// undoStep removes the worktree a failed step made, and the branch when the
// step created it (it holds no commit yet).
func undoStep(git gitCmd, s fanoutStep) {
	git.output("worktree", "remove", "--force", s.dir)
	os.RemoveAll(s.dir)
	git.output("worktree", "prune")
	if s.action == fanCreate || s.action == fanTrack {
		git.output("branch", "-D", s.thread.Branch)
	}
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
	have, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("read %s: %w", path, err)
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
