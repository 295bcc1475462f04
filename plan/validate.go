package plan

import (
	"path"
	"slices"
	"strings"
	"unicode"
)

// validate applies the rules that span threads: unique ids and branches,
// no thread on the base branch, branch names git can hold together and a
// shell can carry, and the worktrees folder outside every thread's paths.
// The overlap proof is checkOverlaps.
func validate(p *Plan, fs *findings) {
	ids := map[int]*Thread{}
	branches := map[string]*Thread{}
	for i := range p.Threads {
		t := &p.Threads[i]
		if t.ID > 0 {
			if prev, dup := ids[t.ID]; dup {
				fs.add(t.IDPos, "id", "%s: id %d is already used by %s at line %d; give each thread its own id", t.Label(), t.ID, prev.Label(), prev.IDPos.Line)
			} else {
				ids[t.ID] = t
			}
		}
		if t.Branch == "" || checkBranchName(t.Branch) != nil {
			continue
		}
		if bad := shellUnsafe(t.Branch); bad != 0 {
			fs.add(t.BranchPos, "branch", "%s: branch %q contains %q, which a shell would interpret; use letters, digits and . _ - / + only", t.Label(), t.Branch, bad)
		} else if other := nestedBranch(t.Branch, p.Base, branches); other != "" {
			fs.add(t.BranchPos, "branch", "%s: branch %q and branch %q cannot both exist in git (one is a folder of the other); rename one, e.g. %q", t.Label(), t.Branch, other, strings.ReplaceAll(t.Branch, "/", "-"))
		}
		if t.Branch == p.Base {
			fs.add(t.BranchPos, "branch", "%s: branch %q is the base branch; a thread needs a branch of its own", t.Label(), t.Branch)
		} else if prev, dup := branches[t.Branch]; dup {
			fs.add(t.BranchPos, "branch", "%s: branch %q is already used by %s at line %d; give each thread its own branch", t.Label(), t.Branch, prev.Label(), prev.BranchPos.Line)
		} else {
			branches[t.Branch] = t
		}
	}
	checkWorktreesFolder(p, fs)
}

// shellUnsafe is the first rune of branch outside the set every shell
// takes literally, or 0.
func shellUnsafe(branch string) rune {
	for _, r := range branch {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("._-/+", r) {
			return r
		}
	}
	return 0
}

// nestedBranch is a branch among base and those seen that is a folder of
// branch, or has branch as its folder: git stores refs as files, so
// "feature" and "feature/auth" cannot coexist.
func nestedBranch(branch, base string, seen map[string]*Thread) string {
	others := []string{base}
	for b := range seen {
		others = append(others, b)
	}
	slices.Sort(others[1:])
	for _, o := range others {
		if strings.HasPrefix(branch, o+"/") || strings.HasPrefix(o, branch+"/") {
			return o
		}
	}
	return ""
}

// checkWorktreesFolder: the worktrees folder must lie outside every
// thread's owned and shared paths, or files made there would be ignored
// by git in a folder a thread means to commit.
func checkWorktreesFolder(p *Plan, fs *findings) {
	dir := strings.Trim(p.Worktrees, "/")
	if checkFolder(dir) != nil {
		return
	}
	// The folder itself and a worktree in it: a pattern that holds those
	// holds the folder. A pattern of some files anywhere (`**/*.md`) does
	// not: the worktrees' files are excluded from git, never a change.
	probes := []string{dir, path.Join(dir, "thread-1")}
	hits := func(pt Pattern) bool { return slices.ContainsFunc(probes, pt.Match) }
	for _, s := range p.Shared {
		if hits(s) {
			fs.add(s.Pos, "worktrees", "shared pattern %q covers the worktrees folder %q; choose a worktrees folder outside every thread's and shared paths (worktrees = \"...\")", s.Text, dir)
		}
	}
	for i := range p.Threads {
		t := &p.Threads[i]
		if !t.Active() {
			continue
		}
		for _, o := range t.Owns {
			if hits(o) {
				fs.add(o.Pos, "worktrees", "%s owns %q, which covers the worktrees folder %q; choose a worktrees folder outside every thread's paths (worktrees = \"...\")", t.Label(), o.Text, dir)
			}
		}
	}
}

// checkWorktreesInTree: with the base branch's tree known, the worktrees
// folder must not be a file of it, lie under one, or hold tracked files:
// fanout could not make it, or would hide new files there from git (the
// folder is excluded).
func checkWorktreesInTree(worktrees, base string, tree *Tree, pos Position, fs *findings) {
	dir := strings.Trim(worktrees, "/")
	if tree == nil || checkFolder(dir) != nil {
		return
	}
	for i := len(dir); i > 0; i = strings.LastIndexByte(dir[:i], '/') {
		if !tree.IsFile(dir[:i]) {
			continue
		}
		if i == len(dir) {
			fs.add(pos, "worktrees", "worktrees folder %q is a file on the base branch %q; choose a folder of its own (worktrees = \".worktrees\")", dir, base)
		} else {
			fs.add(pos, "worktrees", "worktrees folder %q is inside %q, a file on the base branch %q; choose a folder of its own (worktrees = \".worktrees\")", dir, dir[:i], base)
		}
		return
	}
	if files := tree.under(dir); len(files) > 0 {
		fs.add(pos, "worktrees", "worktrees folder %q holds files on the base branch %q (%s); fanout would hide new files there from git, so choose a folder of its own (worktrees = \".worktrees\")", dir, base, files[0])
	}
}
