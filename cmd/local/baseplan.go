package main

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"os"
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
	// scope is the cached plan loadScopePlan read, nil from loadBasePlan.
	scope *cachedPlan
}

// loadBasePlan reads the plan as committed on the base branch, which the
// main worktree's copy of the plan names (readMainCopy), never a thread
// worktree's copy. It notes on stderr when the current worktree's copy
// names another base, or differs from the base's, since only the base's
// counts. A plan outside the repository (--plan /elsewhere.toml) is read as
// a file; it has no base copy. The verdict on a committed plan comes from
// the plan cache (planCache) when an earlier command proved it, so only
// the decoding is repeated.
func (c *command) loadBasePlan() (basePlan, error) {
	return c.readBasePlan(false)
}

// loadScopePlan is loadBasePlan for the scope check, which reads only the
// threads, their patterns and shared: the plan comes from the cache
// without reading the TOML, bp.plan holds its threads without patterns
// (goals, env, setup and positions are left out too), and bp.scope
// compiles the patterns a change list needs (cachedPlan.plan). bp.main and
// bp.git are not set (call mainWorktree when needed).
func (c *command) loadScopePlan() (basePlan, error) {
	return c.readBasePlan(true)
}

func (c *command) readBasePlan(scopeOnly bool) (basePlan, error) {
	var bp basePlan
	loc, err := c.locatePlan()
	if err != nil {
		return bp, err
	}
	bp.loc = loc
	local, localErr := readPlanFile(loc)
	rel := ""
	if loc.commonDir != "" {
		rel = planInRepo(loc)
	}
	if rel == "" {
		// Outside the repository, or no repository at all: only
		// check --files works without git.
		if localErr != nil {
			return bp, localErr
		}
		bp.plan, bp.findings = plan.Parse(loc.display, local)
		if main, err := mainWorktree(c.dir); err == nil {
			bp.main, bp.git = main, gitCmd{dir: main}
			_, bp.baseSHA, _ = resolveBase(bp.git, bp.plan.Base, "")
		}
		return bp, nil
	}
	if !scopeOnly {
		if bp.main, err = mainWorktree(c.dir); err != nil {
			return bp, err
		}
		bp.git = gitCmd{dir: bp.main}
	}
	// git cat-file starts only when the base index (baseIndex) does not
	// know the base commit: a base that has not moved needs no git.
	var cat *catFile
	defer func() {
		if cat != nil {
			cat.close()
		}
	}()
	cp := committedPlan{root: loc.root, open: func() (*catFile, error) {
		if cat == nil {
			started, err := startCatFile(loc.root)
			if err != nil {
				return nil, err
			}
			cat = started
		}
		return cat, nil
	}}
	var have readCopy
	if localErr == nil {
		have = readCopy{path: loc.path, data: local}
	}
	main := readMainCopy(loc.commonDir, loc.root, rel, have)
	base := main.base
	otherBase := false
	if localErr == nil && main.path != loc.path {
		if own := plan.BaseOf(local); own != base {
			otherBase = true
			fmt.Fprintf(c.stderr, "ps-local: note: %s names the base %q; using %q, the base the main checkout's copy names (%s), since a thread's worktree does not pick the base\n", loc.display, own, base, main.path)
		}
	}
	index := newBaseIndex(loc.commonDir)
	name, oid, fromFiles := baseFromFiles(loc.commonDir, base)
	known := false
	if fromFiles {
		var e baseEntry
		if e, known = index.read(oid, rel); known {
			bp.baseRef, bp.baseSHA, cp.tree, cp.blob = name, e.Commit, e.Tree, e.Blob
		}
	}
	if !known {
		peeled := false
		if bp.baseRef, bp.baseSHA, peeled, err = cp.baseAt(name, oid, base); err != nil {
			return bp, err
		}
		if cp.blob, err = cp.find(bp.baseSHA, rel); err != nil {
			return bp, fmt.Errorf("%s is not committed on %s%s; commit it there first (git add %s && git commit), since ps-local and the gate read the plan from %s", rel, bp.baseRef, whyNot(err), rel, base)
		}
		if peeled {
			index.write(baseEntry{Ref: oid, File: rel, Commit: bp.baseSHA, Tree: cp.tree, Blob: cp.blob})
		}
	}
	entry, err := newPlanCache(loc.commonDir).verdict(&cp)
	if err != nil {
		return bp, err
	}
	bp.findings = entry.findings(loc.display)
	if scopeOnly && entry.Valid {
		bp.scope = &entry
		bp.plan, _ = entry.plan(folders{}) // no pattern: nothing to fail
	} else if !scopeOnly {
		data, err := cp.content()
		if err != nil {
			return bp, err
		}
		files, err := cp.files()
		if err != nil {
			return bp, err
		}
		// The overlap proof's verdict is the cache's; decoding gives the
		// plan with everything the commands use.
		var errs []plan.Finding
		bp.plan, errs = plan.Decode(loc.display, data, files)
		if !entry.Valid || plan.Errors(errs) > 0 {
			bp.findings = mergeFindings(bp.findings, errs)
		}
	}
	if localErr == nil && !otherBase && !sameBlob(local, cp.blob) {
		data, err := cp.content()
		if err == nil && !bytes.Equal(data, local) && !sameAsCommitted(gitCmd{dir: loc.root}, loc.path, rel, data) {
			fmt.Fprintf(c.stderr, "ps-local: note: %s differs from the plan committed on %s; using %s's, as the gate does (commit the change to %s for it to count)\n", loc.display, bp.baseRef, bp.baseRef, base)
		}
	}
	return bp, nil
}

// mergeFindings adds the errors of more to fs that it does not have yet,
// sorted as plan sorts them.
func mergeFindings(fs, more []plan.Finding) []plan.Finding {
	for _, f := range more {
		if f.Severity == plan.Error && !slices.Contains(fs, f) {
			fs = append(fs, f)
		}
	}
	plan.SortFindings(fs)
	return fs
}

// baseCommit finds the plan's base branch with cat: the local branch, else
// its origin/ remote-tracking branch (a clone that never checked the base
// out has only that), as resolveBase does.
func baseCommit(cat *catFile, base string) (name, sha string, err error) {
	for _, ref := range []string{"refs/heads/" + base, "refs/remotes/origin/" + base} {
		sha, ok, err := cat.info(ref+"^{commit}", "commit")
		if err != nil {
			return "", "", fmt.Errorf("resolve %s: %w", base, err)
		}
		if ok {
			return strings.TrimPrefix(strings.TrimPrefix(ref, "refs/heads/"), "refs/remotes/"), sha, nil
		}
	}
	return "", "", fmt.Errorf("base branch %q not found, neither as a local branch nor as origin/%s; run `git fetch origin %s`, or fix base in the plan", base, base, base)
}

// baseAt finds the base commit: the commit oid (read from the ref files
// as name) peels to, so that what git finds is what the files said
// (peeled is true then), else baseCommit's answer.
func (cp *committedPlan) baseAt(name, oid, base string) (ref, sha string, peeled bool, err error) {
	cat, err := cp.catFile()
	if err != nil {
		return "", "", false, err
	}
	if oid != "" {
		sha, ok, err := cat.info(oid+"^{commit}", "commit")
		if err != nil {
			return "", "", false, fmt.Errorf("resolve %s: %w", base, err)
		}
		if ok {
			return name, sha, true, nil
		}
	}
	ref, sha, err = baseCommit(cat, base)
	return ref, sha, false, err
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

// committedPlan is a plan file committed on the base branch, read through
// one cat-file process: its blob, the base's tree, and each read at most
// once.
type committedPlan struct {
	cat        *catFile
	open       func() (*catFile, error) // starts cat when it is nil
	root       string                   // a work tree of the repository, for git ls-tree
	blob, tree string
	data       []byte
	list       *plan.Tree
}

// catFile is cp's cat-file process, started on first use.
func (cp *committedPlan) catFile() (*catFile, error) {
	if cp.cat == nil && cp.open != nil {
		cat, err := cp.open()
		if err != nil {
			return nil, err
		}
		cp.cat = cat
	}
	if cp.cat == nil {
		return nil, errors.New("no git cat-file process")
	}
	return cp.cat, nil
}

// find sets the tree of commit and returns the blob id of file there,
// following symbolic links inside the tree.
func (cp *committedPlan) find(commit, file string) (string, error) {
	cat, err := cp.catFile()
	if err != nil {
		return "", err
	}
	tree, ok, err := cat.info(commit+"^{tree}", "tree")
	if err != nil {
		return "", err
	}
	if !ok {
		return "", fmt.Errorf("commit %s has no tree", commit)
	}
	cp.tree = tree
	blob, ok, err := cat.info(commit+":"+file, "blob")
	var le *linkError
	switch {
	case errors.As(err, &le):
		return "", errors.New(le.why)
	case err != nil:
		return "", err
	case !ok:
		return "", errNotInTree
	}
	return blob, nil
}

// content is the plan's text, without a byte order mark.
func (cp *committedPlan) content() ([]byte, error) {
	if cp.data == nil {
		cat, err := cp.catFile()
		if err != nil {
			return nil, err
		}
		data, err := cat.contents(cp.blob)
		if err != nil {
			return nil, err
		}
		cp.data = stripBOM(data)
	}
	return cp.data, nil
}

// files lists the base's tree.
func (cp *committedPlan) files() (*plan.Tree, error) {
	if cp.list == nil {
		tree, err := treeAt(gitCmd{dir: cp.root}, cp.tree)
		if err != nil {
			return nil, fmt.Errorf("list the files of the base: %w", err)
		}
		cp.list = tree
	}
	return cp.list, nil
}

// sameBlob reports whether data is the blob oid, hashed as git does
// (SHA-1, or SHA-256 in a repository of that format), without running git.
func sameBlob(data []byte, oid string) bool {
	var h hash.Hash
	switch len(oid) {
	case 2 * sha1.Size:
		h = sha1.New()
	case 2 * sha256.Size:
		h = sha256.New()
	default:
		return false
	}
	fmt.Fprintf(h, "blob %d\x00", len(data))
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil)) == oid
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
