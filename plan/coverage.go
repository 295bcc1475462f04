package plan

import (
	"sort"
	"strings"
)

// checkCoverage warns about each owns pattern of an active thread that
// matches no file of the tree: usually a typo ("docs/" for "doc/"), or a
// folder the thread is yet to create. Warnings do not make a plan invalid.
func checkCoverage(p *Plan, fs *findings) {
	if p.Tree == nil {
		return
	}
	for i := range p.Threads {
		t := &p.Threads[i]
		if !t.Active() {
			continue
		}
		for _, o := range t.Owns {
			if !p.Tree.anyMatch(o) {
				fs.warn(o.Pos, "coverage", "%s owns %q, which matches no file on the base branch %q; check the spelling, or ignore this if the thread creates it", t.Label(), o.Text, p.Base)
			}
		}
	}
}

// anyMatch reports whether some file of the tree matches pat. Only the
// files under the pattern's literal folder can, and they are one run of the
// sorted list.
func (t *Tree) anyMatch(pat Pattern) bool {
	for _, f := range t.under(pat.Dir()) {
		if pat.Match(f) {
			return true
		}
	}
	return false
}

// under returns the files at or below dir ("" for all), a run of the
// sorted list.
func (t *Tree) under(dir string) []string {
	files := t.Files()
	if dir == "" {
		return files
	}
	lo := sort.SearchStrings(files, dir)
	hi := lo
	for hi < len(files) && strings.HasPrefix(files[hi], dir) {
		hi++
	}
	var out []string
	for _, f := range files[lo:hi] {
		if f == dir || strings.HasPrefix(f, dir+"/") {
			out = append(out, f)
		}
	}
	return out
}

// Unowned returns the files of the plan's tree that no active thread may
// change: no thread owns them without forbidding them, and no shared
// pattern matches them. It is nil when the plan has no tree.
func (p *Plan) Unowned() []string {
	var out []string
	for _, f := range p.Tree.Files() {
		if !p.covers(f) {
			out = append(out, f)
		}
	}
	return out
}

// covers reports whether some active thread may change path.
func (p *Plan) covers(path string) bool {
	if matchesAny(p.Shared, path) {
		return true
	}
	for i := range p.Threads {
		t := &p.Threads[i]
		if t.Active() && matchesAny(t.Owns, path) && !matchesAny(t.Forbids, path) {
			return true
		}
	}
	return false
}
