package plan

import (
	"fmt"
	"slices"
	"strings"
)

// owner is an owns pattern of an active thread, or a shared pattern (thread
// nil).
type owner struct {
	thread *Thread
	pat    Pattern
	key    tailKey
}

// tailKey is a literal segment at a fixed distance from the end that every
// path of a pattern has (see patternTailKey). Two patterns whose keys stand
// at the same distance and differ cannot overlap, which settles most pairs
// of a large plan with one comparison.
type tailKey struct {
	ok   bool
	back int // segments from the end: 0 for the last
	lit  int // the segment's text, interned
}

// patternTailKey finds the last literal segment of each alternative that no
// globstar follows; the key exists when every alternative has the same one.
func patternTailKey(p Pattern, intern map[string]int) tailKey {
	var key tailKey
	for n, a := range p.alternatives() {
		k := tailKey{}
		for back := 0; back < len(a.segs); back++ {
			s := a.segs[len(a.segs)-1-back]
			if s.globstar {
				break
			}
			if s.isLit {
				id, seen := intern[s.lit]
				if !seen {
					id = len(intern)
					intern[s.lit] = id
				}
				k = tailKey{ok: true, back: back, lit: id}
				break
			}
		}
		if !k.ok || (n > 0 && k != key) {
			return tailKey{}
		}
		key = k
	}
	return key
}

func (o owner) describe() string {
	if o.thread == nil {
		return fmt.Sprintf("shared pattern %q", o.pat.Text)
	}
	return fmt.Sprintf("%q owned by %s", o.pat.Text, o.thread.Label())
}

// forbids is what carves out of the owner's pattern: its thread's forbids.
func (o owner) forbids() []Pattern {
	if o.thread == nil {
		return nil
	}
	return o.thread.Forbids
}

// PathOverlap is a path that two owners claim: two active threads'
// territories (owns minus forbids), or a territory and a shared pattern
// (Earlier nil for shared, which always comes first when it is one of the
// two).
type PathOverlap struct {
	Earlier, Later *Thread // nil for a shared pattern
	EarlierPattern Pattern
	LaterPattern   Pattern
	// Witness matches both patterns and neither thread's forbids: a file
	// of the plan's tree when one is, else a shortest such path.
	Witness string
}

// Overlaps returns every pair of patterns, from different active threads or
// from a thread and shared, whose territories (the pattern minus its
// thread's forbids) share a path, each with a witness. Later is the pattern
// that stands later in the file. The proof runs within the plan's budget;
// ParseInTree reports a plan whose proof does not fit as invalid.
func (p *Plan) Overlaps() []PathOverlap {
	out, _ := p.overlaps(&budget{left: proofBudget})
	return out
}

// overlaps is Overlaps within bud; undecided is the first pair the budget
// could not decide, if any.
func (p *Plan) overlaps(bud *budget) (out []PathOverlap, undecided *[2]owner) {
	var owners []owner
	intern := map[string]int{}
	for _, s := range p.Shared {
		owners = append(owners, owner{pat: s, key: patternTailKey(s, intern)})
	}
	for i := range p.Threads {
		t := &p.Threads[i]
		if !t.Active() {
			continue
		}
		for _, o := range t.Owns {
			owners = append(owners, owner{thread: t, pat: o, key: patternTailKey(o, intern)})
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
	scan := maxWitnessScan
	keys := make([]tailKey, len(owners))
	threads := make([]*Thread, len(owners))
	for i := range owners {
		keys[i], threads[i] = owners[i].key, owners[i].thread
	}
	for j := range owners {
		kb, tb := keys[j], threads[j]
		for i := range j {
			if threads[i] == tb { // the same thread, or shared with shared
				continue
			}
			if ka := keys[i]; ka.ok && kb.ok && ka.back == kb.back && ka.lit != kb.lit {
				continue
			}
			a, b := &owners[i], &owners[j]
			w, ok, decided := p.pairOverlap(*a, *b, bud, &scan)
			if !decided {
				return out, &[2]owner{*a, *b}
			}
			if ok {
				out = append(out, PathOverlap{Earlier: a.thread, Later: b.thread, EarlierPattern: a.pat, LaterPattern: b.pat, Witness: w})
			}
		}
	}
	return out, nil
}

// pairOverlap decides whether two owners' territories meet. The segment
// search decides patterns alone; only when it finds a common path and a
// forbids pattern could carve it out does the exact search on territories
// run. A file of the tree in both territories is preferred as the witness.
func (p *Plan) pairOverlap(a, b owner, bud *budget, scan *int) (witness string, ok, decided bool) {
	w, ok := a.pat.intersect(b.pat, bud)
	if bud.left == 0 {
		return "", false, false
	}
	if !ok {
		return "", false, true
	}
	forbid := append(slices.Clip(a.forbids()), b.forbids()...)
	if matchesAny(forbid, w) {
		w, ok, decided = territoryOverlap(a.pat, b.pat, forbid, bud)
		if !decided || !ok {
			return "", false, decided
		}
	}
	if real, found := p.treeWitness(a.pat, b.pat, forbid, scan); found {
		w = real
	}
	return w, true, true
}

// treeWitness returns the first file of the plan's tree in both
// territories. Only files under both patterns' literal folders can be, and
// scan is how many more files the whole proof may try (maxWitnessScan at
// first), so a plan with many overlaps in a large tree falls back to
// constructed witnesses rather than slowing down.
func (p *Plan) treeWitness(a, b Pattern, forbid []Pattern, scan *int) (string, bool) {
	da, db := a.Dir(), b.Dir()
	if len(da) < len(db) {
		da, db = db, da
	}
	if db != "" && da != db && !strings.HasPrefix(da, db+"/") {
		return "", false
	}
	for _, f := range p.Tree.under(da) {
		if *scan <= 0 {
			return "", false
		}
		*scan--
		if a.Match(f) && b.Match(f) && !matchesAny(forbid, f) {
			return f, true
		}
	}
	return "", false
}

// maxWitnessScan bounds the files treeWitness tries for a whole plan.
const maxWitnessScan = 1_000_000

func matchesAny(ps []Pattern, path string) bool {
	for _, p := range ps {
		if p.Match(path) {
			return true
		}
	}
	return false
}

func checkOverlaps(p *Plan, fs *findings) {
	list, undecided := p.overlaps(&budget{left: proofBudget})
	for _, o := range list {
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
	if undecided != nil {
		a, b := undecided[0], undecided[1]
		fs.add(b.pat.Pos, "proof-budget", "the overlap proof needs more than %d automaton states; it stopped at %q against %s at line %d, so the plan cannot be proved free of overlaps; use fewer braces and \"**/\" patterns, or literal folders",
			proofBudget, b.pat.Text, a.describe(), a.pat.Pos.Line)
	}
}
