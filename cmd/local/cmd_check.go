package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/parallel-sessions/parallel-sessions/check"
	"github.com/parallel-sessions/parallel-sessions/plan"
)

// checkReport is the --json output of check: a stable schema that is
// documented in the README.
type checkReport struct {
	Plan       string            `json:"plan"`
	Thread     threadRef         `json:"thread"`
	Source     string            `json:"source"`
	Base       string            `json:"base,omitempty"`
	MergeBase  string            `json:"merge_base,omitempty"`
	Changes    int               `json:"changes"`
	Paths      int               `json:"paths"`
	InScope    bool              `json:"in_scope"`
	Violations []violationReport `json:"violations"`
}

type threadRef struct {
	ID     int    `json:"id"`
	Branch string `json:"branch"`
}

type violationReport struct {
	Path         string     `json:"path"`
	Status       string     `json:"status"`
	PreviousPath string     `json:"previous_path,omitempty"`
	Reason       string     `json:"reason"`
	Owner        *threadRef `json:"owner,omitempty"`
	Pattern      string     `json:"pattern,omitempty"`
	Message      string     `json:"message"`
}

// checkMemoryLimit is the heap at which check collects garbage: far above
// what a real change list needs (about 40 MB for 100,000 paths).
const checkMemoryLimit = 512 << 20

// Where a change list comes from.
const (
	sourceWorktree  = "worktree"  // commits since the merge base, plus uncommitted and untracked files
	sourceCommitted = "committed" // commits since the merge base only
	sourceFiles     = "files"     // a list given with --files
)

// changeSet is a change list and where it came from.
type changeSet struct {
	changes   []check.Change
	source    string
	base      string // the base ref used, for git sources
	mergeBase string
}

func (c *command) runCheck(args []string) error {
	fs := c.flags("check", "[--thread ID] [--base REF] [--committed] [--files FILE|-] [--json]")
	threadID := fs.Int("thread", 0, "check thread `ID` (default: the thread whose branch is checked out)")
	baseRef := fs.String("base", "", "compare against `REF` (default: the plan's base branch, or origin/<base> when there is no local one)")
	committed := fs.Bool("committed", false, "check commits only, not uncommitted or untracked files (for a pre-push hook)")
	files := fs.String("files", "", "check the paths listed in `FILE` (- for standard input) instead of asking git: one path per line, or `git diff --name-status` lines")
	asJSON := fs.Bool("json", false, "print a JSON report")
	if err := c.parseNoArgs(fs, args); err != nil {
		return err
	}
	if *files != "" && (*committed || *baseRef != "") {
		return fmt.Errorf("%w: --files checks the given list; it does not go with --committed or --base", errUsage)
	}
	// A check is a batch that ends with the process: collecting garbage
	// while it runs costs much of its CPU on a long list and saves no
	// memory, since nearly all it allocates stays live (BENCHMARKS.md,
	// "check as a whole process"). The collector runs only when the heap
	// nears checkMemoryLimit.
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(checkMemoryLimit))
	// The list is read while the plan loads; its errors still come after
	// the plan's and the thread's.
	listed := make(chan changeSet, 1)
	var listErr error
	if *files != "" {
		go func() {
			set, err := c.listedChanges(*files)
			listErr = err
			listed <- set
		}()
	}
	// So is the current branch, when it names the thread and git's files
	// do not say it; its git is waited for on every return.
	var branch sync.WaitGroup
	var branchName string
	var branchErr error
	if *threadID == 0 {
		known := false
		if repo, ok := c.repoFiles(); ok {
			branchName, known = headBranchFiles(repo.gitDir)
		}
		if !known {
			branch.Go(func() { branchName, branchErr = currentBranch(c.dir) })
		}
	}
	defer branch.Wait()
	bp, err := c.loadScopePlan()
	if err == nil && bp.loc.commonDir == "" && (*files == "" || *threadID == 0) {
		err = fmt.Errorf("%s is not inside a git repository; check asks git for the thread and its changes (or pass --thread ID --files FILE)", c.dir)
	}
	if err != nil {
		return err
	}
	loc, p := bp.loc, bp.plan
	if len(bp.findings) > 0 {
		c.printPlanFindings(bp, "check")
		return errFindings
	}
	var t *plan.Thread
	var work threadWork
	if *threadID != 0 {
		t, err = threadByID(p, loc, *threadID)
		if err == nil && *files == "" {
			if bp.main, err = mainWorktree(c.dir); err == nil {
				bp.git = gitCmd{dir: bp.main}
				work, err = c.findWork(bp, t)
			}
		}
	} else if top, err2 := c.worktreeTop(loc); err2 != nil {
		err = err2
	} else {
		branch.Wait()
		t, work, err = threadOnBranch(p, loc, top, branchName, branchErr)
	}
	if err != nil {
		return err
	}
	var set changeSet
	if *files != "" {
		set = <-listed
		err = listErr
	} else {
		set, err = gitChanges(gitCmd{dir: work.dir}, p.Base, *baseRef, work.head, work.head == "HEAD" && !*committed)
	}
	if err != nil {
		return err
	}
	if bp.scope != nil { // compile the patterns that can match a listed path
		i := 0
		for &p.Threads[i] != t {
			i++
		}
		if p, err = bp.scope.plan(changeFolders(set.changes)); err != nil {
			return fmt.Errorf("the plan cache in %s: %w; delete that folder", newPlanCache(loc.commonDir).dir, err)
		}
		t = &p.Threads[i]
	}
	report, err := check.New(p, planInRepo(loc)).Check(t, set.changes, len(set.changes))
	if err != nil {
		return err
	}
	if *asJSON {
		if err := c.printCheckJSON(loc, set, report); err != nil {
			return err
		}
	} else if err := c.printCheck(set, report); err != nil {
		return err
	}
	if !report.InScope() {
		return errFindings
	}
	return nil
}

// changeFolders is the folders of every path the changes touch.
func changeFolders(changes []check.Change) folders {
	if len(changes) > maxFolderPaths {
		return everyFolder // as foldersOf would say
	}
	paths := make([]string, 0, len(changes))
	for _, ch := range changes {
		paths = append(paths, ch.Path)
		if ch.PreviousPath != "" {
			paths = append(paths, ch.PreviousPath)
		}
	}
	return foldersOf(paths...)
}

// planInRepo is the plan's repository-relative path, which no thread may
// change; "" when the plan lives outside the repository.
func planInRepo(loc planLocation) string {
	if !within(loc.root, loc.path) {
		return ""
	}
	rel, err := filepath.Rel(loc.root, loc.path)
	if err != nil {
		return ""
	}
	return filepath.ToSlash(rel)
}

func threadList(p *plan.Plan) string {
	var s string
	for i := range p.Threads {
		if i > 0 {
			s += ", "
		}
		s += strconv.Itoa(p.Threads[i].ID) + " (" + p.Threads[i].Branch + ")"
	}
	if s == "" {
		return "none"
	}
	return s
}

// listedChanges reads --files.
func (c *command) listedChanges(name string) (changeSet, error) {
	var text string
	var err error
	label := "standard input"
	if name == "-" {
		text, err = readText(c.stdin, 0, maxFileList)
	} else {
		label = name
		text, err = readFileText(c.abs(name), maxFileList)
	}
	if errors.Is(err, errTooLarge) {
		return changeSet{}, fmt.Errorf("read --files %s: larger than %d MiB; split the change list", label, maxFileList>>20)
	}
	if err != nil {
		return changeSet{}, fmt.Errorf("read --files %s: %w", label, unwrapPath(err))
	}
	changes, err := parseFileList(label, text)
	return changeSet{changes: changes, source: sourceFiles}, err
}

// gitChanges computes the change list of head against the merge base of
// the base branch and head, with rename detection; withWorktree (head must
// be HEAD then) adds staged, unstaged and untracked (not ignored) files.
func gitChanges(git gitCmd, planBase, baseRef, head string, withWorktree bool) (changeSet, error) {
	base, baseSHA, err := resolveBase(git, planBase, baseRef)
	if err != nil {
		return changeSet{}, err
	}
	mergeBase, err := git.line("merge-base", baseSHA, head)
	if err != nil {
		if shallow, _ := git.line("rev-parse", "--is-shallow-repository"); shallow == "true" {
			return changeSet{}, fmt.Errorf("this is a shallow clone and the merge base of %s and %s is not in it, so the change list would be incomplete; run `git fetch --unshallow` (or `git fetch --deepen=N`) and try again", base, head)
		}
		if exitedWith(err, 1) {
			return changeSet{}, fmt.Errorf("%s and %s share no history; is this a thread branch made from %s?", base, head, base)
		}
		return changeSet{}, fmt.Errorf("find the merge base of %s and %s: %w", base, head, err)
	}
	diff := []string{"diff", "--raw", "-z", "-M", "--no-ext-diff", "--no-textconv", "--abbrev=40", "--ignore-submodules=none", mergeBase}
	set := changeSet{source: sourceWorktree, base: base, mergeBase: mergeBase}
	if !withWorktree {
		diff = append(diff, head)
		set.source = sourceCommitted
	}
	out, err := git.output(append(diff, "--")...)
	if err != nil {
		return changeSet{}, fmt.Errorf("list changes since %s: %w", base, err)
	}
	if set.changes, err = parseRawDiff(out); err != nil {
		return changeSet{}, err
	}
	if withWorktree {
		out, err := git.output("ls-files", "-z", "--others", "--exclude-standard", "--full-name", ":/")
		if err != nil {
			return changeSet{}, fmt.Errorf("list untracked files: %w", err)
		}
		set.changes = append(set.changes, parseNULList(out)...)
		slices.SortStableFunc(set.changes, func(a, b check.Change) int { return strings.Compare(a.Path, b.Path) })
	}
	return set, nil
}

// resolveBase finds the commit to compare against: --base as given, else
// the plan's base branch, else its origin/ remote-tracking branch (a clone
// that never checked the base out has only that).
func resolveBase(git gitCmd, planBase, baseRef string) (name, sha string, err error) {
	type candidate struct{ ref, name string }
	candidates := []candidate{{baseRef, baseRef}}
	if baseRef == "" {
		candidates = []candidate{
			{"refs/heads/" + planBase, planBase},
			{"refs/remotes/origin/" + planBase, "origin/" + planBase},
		}
	}
	for _, c := range candidates {
		sha, err := git.line("rev-parse", "--verify", "--quiet", "--end-of-options", c.ref+"^{commit}")
		if err == nil {
			return c.name, sha, nil
		}
		if !exitedWith(err, 1) {
			return "", "", fmt.Errorf("resolve %s: %w", c.name, err)
		}
	}
	if baseRef != "" {
		return "", "", fmt.Errorf("--base %s is not a commit in this repository", baseRef)
	}
	return "", "", fmt.Errorf("base branch %q not found, neither as a local branch nor as origin/%s; run `git fetch origin %s`, or fix base in the plan", planBase, planBase, planBase)
}

func (c *command) printCheck(set changeSet, r check.Report) error {
	if err := r.WriteFindings(c.stdout); err != nil {
		return fmt.Errorf("print the violations: %w", err)
	}
	against := "the listed files"
	if set.source != sourceFiles {
		against = fmt.Sprintf("changes since %s (merge base %.12s)", set.base, set.mergeBase)
		if set.source == sourceWorktree {
			against += ", uncommitted and untracked files included"
		}
	}
	if r.InScope() {
		fmt.Fprintf(c.stdout, "%s: in scope: %d %s checked, %s\n", r.Thread.Label(), r.Paths, plural(r.Paths, "path", "paths"), against)
		return nil
	}
	fmt.Fprintf(c.stderr, "%s: %d of %d %s out of scope, %s\n", r.Thread.Label(), len(r.Violations), r.Paths, plural(r.Paths, "path", "paths"), against)
	return nil
}

func (c *command) printCheckJSON(loc planLocation, set changeSet, r check.Report) error {
	out := checkReport{
		Plan:       loc.display,
		Thread:     threadRef{r.Thread.ID, r.Thread.Branch},
		Source:     set.source,
		Base:       set.base,
		MergeBase:  set.mergeBase,
		Changes:    len(set.changes),
		Paths:      r.Paths,
		InScope:    r.InScope(),
		Violations: []violationReport{},
	}
	for _, v := range r.Violations {
		vr := violationReport{
			Path:         v.Path,
			Status:       string(v.Change.Status),
			PreviousPath: v.Change.PreviousPath,
			Reason:       string(v.Reason),
			Message:      r.Message(v),
		}
		if v.Owner != nil {
			vr.Owner = &threadRef{v.Owner.ID, v.Owner.Branch}
		}
		if v.Pattern != nil {
			vr.Pattern = v.Pattern.Text
		}
		out.Violations = append(out.Violations, vr)
	}
	data, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return fmt.Errorf("encode report: %w", err)
	}
	_, err = fmt.Fprintf(c.stdout, "%s\n", data)
	return err
}
