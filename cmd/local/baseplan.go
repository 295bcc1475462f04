package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/parallel-sessions/parallel-sessions/plan"
)

// basePlan is the plan as committed on the base branch, the one the gate
// reads (README "One verdict with the gate"), in the repository's main
// worktree.
type basePlan struct {
	loc      planLocation
	plan     *plan.Plan
	findings []plan.Finding
	// baseRef names the base the plan was read from ("main" or
	// "origin/main"); "" when the plan lives outside the repository and
	// was read as a file.
	baseRef string
	baseSHA string
	main    string // the main worktree's root
	git     gitCmd // runs in main
}

// loadBasePlan reads the plan as committed on the base branch: the file
// in the current worktree only says which base that is. It notes on stderr
// when the worktree's copy differs from the base's, since only the base's
// counts. A plan outside the repository (--plan /elsewhere.toml) is read as
// a file; it has no base copy.
func (c *command) loadBasePlan() (basePlan, error) {
	var bp basePlan
	loc, err := c.locatePlan()
	if err != nil {
		return bp, err
	}
	bp.loc = loc
	local, localErr := readPlanFile(loc)
	main, err := mainWorktree(c.dir)
	rel := ""
	if err == nil {
		rel = planInRepo(loc)
	}
	if rel == "" {
		// Outside the repository, or no repository at all: only
		// check --files works without git.
		if localErr != nil {
			return bp, localErr
		}
		bp.plan, bp.findings = plan.Parse(loc.display, local)
		if err == nil {
			bp.main, bp.git = main, gitCmd{dir: main}
			_, bp.baseSHA, _ = resolveBase(bp.git, bp.plan.Base, "")
		}
		return bp, nil
	}
	if err != nil {
		return bp, err
	}
	bp.main, bp.git = main, gitCmd{dir: main}
	base := plan.DefaultBase
	if localErr == nil {
		if p, _ := plan.Parse(loc.display, local); p != nil && p.Base != "" {
			base = p.Base
		}
	}
	bp.baseRef, bp.baseSHA, err = resolveBase(bp.git, base, "")
	if err != nil {
		return bp, err
	}
	data, err := committedPlan(bp.git, bp.baseSHA, rel)
	if err != nil {
		return bp, fmt.Errorf("%s is not committed on %s%s; commit it there first (git add %s && git commit), since ps-local and the gate read the plan from %s", rel, bp.baseRef, whyNot(err), rel, base)
	}
	data = stripBOM(data)
	tree, err := treeAt(bp.git, bp.baseSHA)
	if err != nil {
		return bp, fmt.Errorf("list the files of %s: %w", bp.baseRef, err)
	}
	bp.plan, bp.findings = plan.ParseInTree(loc.display, data, tree)
	// Warnings (coverage) are validate's advice, not a reason to refuse.
	bp.findings = slices.DeleteFunc(bp.findings, func(f plan.Finding) bool { return f.Severity != plan.Error })
	if localErr == nil && !bytes.Equal(data, local) && !sameAsCommitted(gitCmd{dir: loc.root}, loc.path, rel, data) {
		fmt.Fprintf(c.stderr, "ps-local: note: %s differs from the plan committed on %s; using %s's, as the gate does (commit the change to %s for it to count)\n", loc.display, bp.baseRef, bp.baseRef, base)
	}
	return bp, nil
}

// errNotInTree is a plan file the base's tree does not have.
var errNotInTree = errors.New("no such file")

// whyNot is the detail for a plan that cannot be read from the base, none
// when it simply is not there.
func whyNot(err error) string {
	if errors.Is(err, errNotInTree) {
		return ""
	}
	return " (" + err.Error() + ")"
}

// committedPlan reads file at commit, following a symbolic link committed
// there (a few hops, inside the tree).
func committedPlan(git gitCmd, commit, file string) ([]byte, error) {
	for range 5 {
		mode, err := git.line("ls-tree", "--format=%(objectmode)", commit, "--", file)
		if err != nil {
			return nil, err
		}
		if mode == "" {
			return nil, errNotInTree
		}
		data, err := git.output("cat-file", "blob", commit+":"+file)
		if err != nil {
			return nil, err
		}
		if mode != "120000" {
			if len(data) > maxPlanSize {
				return nil, fmt.Errorf("larger than %d KiB", maxPlanSize>>10)
			}
			return data, nil
		}
		file = path.Clean(path.Join(path.Dir(file), string(data)))
		if file == ".." || strings.HasPrefix(file, "../") || path.IsAbs(file) {
			return nil, fmt.Errorf("a symbolic link out of the repository")
		}
	}
	return nil, fmt.Errorf("too many symbolic links")
}

// sameAsCommitted reports whether the file at abs is what git would commit
// as want (line-ending conversion and filters applied), so core.autocrlf
// does not make an unchanged plan look edited.
func sameAsCommitted(git gitCmd, abs, rel string, want []byte) bool {
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return false
	}
	have, err := git.line("hash-object", "--path="+rel, "--", real)
	if err != nil {
		return false
	}
	wantID, err := hashBlob(git, want)
	return err == nil && have == wantID
}

// hashBlob is git's blob id of data.
func hashBlob(git gitCmd, data []byte) (string, error) {
	f, err := os.CreateTemp("", "ps-local-plan-")
	if err != nil {
		return "", err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return "", err
	}
	f.Close()
	return git.line("hash-object", "--no-filters", "--", f.Name())
}

// mainWorktree is the root of the repository's main worktree, found from
// any subdirectory or linked worktree through git's common directory.
func mainWorktree(dir string) (string, error) {
	out, err := gitCmd{dir: dir}.output("worktree", "list", "--porcelain", "-z")
	if err != nil {
		if _, topErr := gitTopLevel(dir); topErr != nil {
			return "", topErr
		}
		return "", fmt.Errorf("list worktrees: %w", err)
	}
	first, _, _ := strings.Cut(string(out), "\x00")
	if root, ok := strings.CutPrefix(first, "worktree "); ok {
		if _, err := os.Stat(root); err == nil {
			return filepath.Clean(root), nil
		}
	}
	return gitTopLevel(dir)
}
