package plan

import (
	"fmt"
	"slices"
)

// owner is an owns pattern of an active thread, or a shared pattern (thread
// nil).
type owner struct {
	thread *Thread
	pat    Pattern
}

func (o owner) describe() string {
	if o.thread == nil {
		return fmt.Sprintf("shared pattern %q", o.pat.Text)
	}
	return fmt.Sprintf("%q owned by %s", o.pat.Text, o.thread.Label())
}

// PathOverlap is a path that two owners claim: two active threads' owns
// patterns, or an owns pattern and a shared one (Earlier.Thread nil for
// shared, which always comes first when it is one of the two).
type PathOverlap struct {
	Earlier, Later *Thread // nil for a shared pattern
	EarlierPattern Pattern
	LaterPattern   Pattern
	Witness        string
}

// Overlaps returns every pair of patterns, from different active threads or
// from a thread and shared, that some path matches, each with a shortest such
// path. Later is the pattern that stands later in the file.
func (p *Plan) Overlaps() []PathOverlap {
	var owners []owner
	for _, s := range p.Shared {
		owners = append(owners, owner{pat: s})
	}
	for i := range p.Threads {
		t := &p.Threads[i]
		if !t.Active() {
			continue
		}
		for _, o := range t.Owns {
			owners = append(owners, owner{thread: t, pat: o})
		}
	}
	slices.SortStableFunc(owners, func(a, b owner) int {
		switch {
		case a.pat.Pos.Less(b.pat.Pos):
			return -1
		case b.pat.Pos.Less(a.pat.Pos):
			return 1
		}
		return 0
	})
	var out []PathOverlap
	for j := range owners {
		for i := range j {
			a, b := owners[i], owners[j]
			if a.thread == b.thread { // the same thread, or shared with shared
				continue
			}
			if w, ok := Overlap(a.pat, b.pat); ok {
				out = append(out, PathOverlap{Earlier: a.thread, Later: b.thread, EarlierPattern: a.pat, LaterPattern: b.pat, Witness: w})
			}
		}
	}
	return out
}

func checkOverlaps(p *Plan, fs *findings) {
	for _, o := range p.Overlaps() {
		hint := "give each path one owning thread, or move the common paths to shared"
		if o.Earlier == nil || o.Later == nil {
			hint = "a shared path cannot be owned; remove it from one of the two"
		}
		subject := fmt.Sprintf("shared pattern %q", o.LaterPattern.Text)
		if o.Later != nil {
			subject = fmt.Sprintf("%s owns %q, which", o.Later.Label(), o.LaterPattern.Text)
		}
		earlier := owner{thread: o.Earlier, pat: o.EarlierPattern}
		fs.add(o.LaterPattern.Pos, "overlap", "%s overlaps %s at line %d: both match %q; %s",
			subject, earlier.describe(), o.EarlierPattern.Pos.Line, o.Witness, hint)
	}
}
