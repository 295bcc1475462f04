package check

import (
	"strings"

	"github.com/parallel-sessions/parallel-sessions/plan"
)

// claimKind is what a pattern says about the paths it matches.
type claimKind uint8

const (
	owns claimKind = iota
	forbids
	shared
)

// claim is one pattern of the plan: an active thread's owns or forbids, or
// a shared pattern (thread nil).
type claim struct {
	kind    claimKind
	thread  *plan.Thread
	pattern *plan.Pattern
}

// index files every claim under its pattern's literal folder (plan.Pattern
// Dir), in a tree of path segments. A path can only match the claims filed
// at its own folders, so a lookup matches a handful of patterns instead of
// every pattern of the plan.
type index struct {
	claims   []claim
	children map[string]*index
}

func newIndex(p *plan.Plan) *index {
	root := &index{}
	for i := range p.Shared {
		root.add(claim{kind: shared, pattern: &p.Shared[i]})
	}
	for i := range p.Threads {
		t := &p.Threads[i]
		if !t.Active() {
			continue
		}
		for j := range t.Owns {
			root.add(claim{kind: owns, thread: t, pattern: &t.Owns[j]})
		}
		for j := range t.Forbids {
			root.add(claim{kind: forbids, thread: t, pattern: &t.Forbids[j]})
		}
	}
	return root
}

func (x *index) add(c claim) {
	node := x
	for dir := c.pattern.Dir(); dir != ""; {
		var seg string
		seg, dir, _ = strings.Cut(dir, "/")
		next := node.children[seg]
		if next == nil {
			next = &index{}
			if node.children == nil {
				node.children = map[string]*index{}
			}
			node.children[seg] = next
		}
		node = next
	}
	node.claims = append(node.claims, c)
}

// lookup appends to buf the claims whose patterns match path, shallow
// folders first and in plan order within a folder, and returns it.
func (x *index) lookup(path string, buf []*claim) []*claim {
	node, rest := x, path
	for node != nil {
		for i := range node.claims {
			if cl := &node.claims[i]; cl.pattern.Match(path) {
				buf = append(buf, cl)
			}
		}
		if rest == "" {
			break
		}
		seg, after, _ := strings.Cut(rest, "/")
		node, rest = node.children[seg], after
	}
	return buf
}
