package plan

import (
	"slices"
	"strings"
)

// Tree is the list of files (blobs) on the base branch. Given to
// ParseInTree, it decides what a literal pattern means (a literal that
// names a file is that file only; see README, "Path patterns"), lets overlap
// findings name paths that exist, and lets validation warn about owns
// patterns that match nothing. A Tree is immutable once built and safe for
// concurrent use.
type Tree struct {
	files []string            // sorted, unique
	isDir map[string]struct{} // every folder that holds a file, at any depth
	set   map[string]struct{}
}

// NewTree builds a Tree from repository-relative, '/'-separated file paths
// in any order (git ls-tree -r --name-only, or GitHub's recursive tree
// listing of blobs). Duplicates are ignored.
func NewTree(paths []string) *Tree {
	t := &Tree{files: slices.Clone(paths), isDir: map[string]struct{}{}, set: make(map[string]struct{}, len(paths))}
	slices.Sort(t.files)
	t.files = slices.Compact(t.files)
	for _, p := range t.files {
		t.set[p] = struct{}{}
		for i := strings.LastIndexByte(p, '/'); i > 0; i = strings.LastIndexByte(p[:i], '/') {
			if _, seen := t.isDir[p[:i]]; seen {
				break
			}
			t.isDir[p[:i]] = struct{}{}
		}
	}
	return t
}

// IsFile reports whether path is a file of the tree. A nil Tree has none.
func (t *Tree) IsFile(path string) bool {
	if t == nil {
		return false
	}
	_, ok := t.set[path]
	return ok
}

// IsDir reports whether path is a folder holding at least one file of the
// tree.
func (t *Tree) IsDir(path string) bool {
	if t == nil {
		return false
	}
	_, ok := t.isDir[path]
	return ok
}

// Files returns the tree's files in sorted order. The caller must not
// modify the slice.
func (t *Tree) Files() []string {
	if t == nil {
		return nil
	}
	return t.files
}

// Len is the number of files in the tree.
func (t *Tree) Len() int { return len(t.Files()) }

// NeedsTree reports whether any pattern of the plan means something
// different in a tree (TreeDependent): without one, a reader of the plan
// need not list the base branch's files.
func (p *Plan) NeedsTree() bool {
	dependent := func(ps []Pattern) bool { return slices.ContainsFunc(ps, Pattern.TreeDependent) }
	if dependent(p.Shared) {
		return true
	}
	for _, t := range p.Threads {
		if dependent(t.Owns) || dependent(t.Forbids) {
			return true
		}
	}
	return false
}
