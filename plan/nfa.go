package plan

import (
	"slices"
	"strconv"
	"strings"
)

// nfa is a pattern compiled to runes: the exact engine for territories
// (owns minus forbids), where a difference needs the subset construction
// that the segment-level search of intersect does not do.
type nfa struct {
	edges  [][]nfaEdge // by state
	eps    [][]int     // epsilon moves, by state
	accept []bool
}

// nfaEdge moves on one rune: '/' when sep, else a rune of set.
type nfaEdge struct {
	sep bool
	set runeSet
	to  int
}

func (n *nfa) state() int {
	n.edges = append(n.edges, nil)
	n.eps = append(n.eps, nil)
	n.accept = append(n.accept, false)
	return len(n.edges) - 1
}

// compileNFA adds the alternatives of p to n and returns their start
// states. A path is accepted when it ends in an accepting state.
func compileNFA(n *nfa, p Pattern) []int {
	var starts []int
	for _, a := range p.alternatives() {
		s := n.state()
		end := n.segments(s, a.segs)
		n.accept[end] = true
		starts = append(starts, s)
	}
	return starts
}

// segments builds segs from state s and returns the final state. A
// globstar followed by more segments is "(X/)*", a final one after other
// segments is "(/X)*", and a lone one is "X(/X)*", where X is any segment.
func (n *nfa) segments(s int, segs []segment) int {
	for i, seg := range segs {
		last := i == len(segs)-1
		switch {
		case seg.globstar && !last: // (X/)*
			loop := n.state()
			n.eps[s] = append(n.eps[s], loop)
			body := n.anySegment(loop)
			n.edges[body] = append(n.edges[body], nfaEdge{sep: true, to: loop})
			s = loop
			continue
		case seg.globstar && i > 0: // (/X)*
			loop := n.state()
			n.eps[s] = append(n.eps[s], loop)
			mid := n.state()
			n.edges[loop] = append(n.edges[loop], nfaEdge{sep: true, to: mid})
			body := n.anySegment(mid)
			n.eps[body] = append(n.eps[body], loop)
			return loop
		case seg.globstar: // X(/X)*
			body := n.anySegment(s)
			n.edges[body] = append(n.edges[body], nfaEdge{sep: true, to: s})
			return body
		}
		s = n.tokens(s, seg.toks)
		// A '/' follows, unless a final globstar comes next: "a/**" is
		// "a(/X)*".
		if !last && !(segs[i+1].globstar && i+1 == len(segs)-1) {
			next := n.state()
			n.edges[s] = append(n.edges[s], nfaEdge{sep: true, to: next})
			s = next
		}
	}
	return s
}

// anySegment builds one or more non-'/' runes from s and returns the state
// after them.
func (n *nfa) anySegment(s int) int {
	body := n.state()
	n.edges[s] = append(n.edges[s], nfaEdge{set: anyRune, to: body})
	n.edges[body] = append(n.edges[body], nfaEdge{set: anyRune, to: body})
	return body
}

// tokens builds a segment's tokens from s and returns the state after them.
func (n *nfa) tokens(s int, toks []token) int {
	for _, t := range toks {
		if t.kind == tokStar {
			n.edges[s] = append(n.edges[s], nfaEdge{set: anyRune, to: s})
			continue
		}
		next := n.state()
		n.edges[s] = append(n.edges[s], nfaEdge{set: t.set, to: next})
		s = next
	}
	return s
}

// closure adds the epsilon closure of set to itself, sorted and unique.
func (n *nfa) closure(set []int) []int {
	for k := 0; k < len(set); k++ {
		for _, t := range n.eps[set[k]] {
			if !slices.Contains(set, t) {
				set = append(set, t)
			}
		}
	}
	slices.Sort(set)
	return set
}

// step returns the states reachable from set on rune r ('/' for a
// separator), closed under epsilon moves.
func (n *nfa) step(set []int, r rune) []int {
	var out []int
	for _, s := range set {
		for _, e := range n.edges[s] {
			if (e.sep && r == '/') || (!e.sep && r != '/' && e.set.has(r)) {
				if !slices.Contains(out, e.to) {
					out = append(out, e.to)
				}
			}
		}
	}
	return n.closure(out)
}

func (n *nfa) accepts(set []int) bool {
	for _, s := range set {
		if n.accept[s] {
			return true
		}
	}
	return false
}

// candidates lists one rune of every class of runes the edges leaving set
// tell apart, readable ones first: the search tries only these.
func (n *nfa) candidates(sets ...[]int) []rune {
	out := []rune(preferredRunes + "./")
	extra := []rune{1, '/' + 1, 0xE000}
	for _, set := range sets {
		for _, s := range set {
			for _, e := range n.edges[s] {
				for _, rg := range e.set.ranges {
					extra = append(extra, rg.lo, rg.hi+1)
				}
			}
		}
	}
	slices.Sort(extra)
	for _, r := range slices.Compact(extra) {
		if segmentRune(r) && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// territoryState is a node of the search in territoryOverlap.
type territoryState struct {
	a, b, forbid []int
	dots         dotState
}

func (s territoryState) key() string {
	var b strings.Builder
	for _, set := range [][]int{s.a, s.b, s.forbid} {
		for _, x := range set {
			b.WriteString(strconv.Itoa(x))
			b.WriteByte(',')
		}
		b.WriteByte('|')
	}
	b.WriteByte(byte('0' + s.dots))
	return b.String()
}

// territoryOverlap returns a shortest path that a and b both match and no
// pattern of forbid does, if there is one. Each product state explored
// spends one unit of bud; when bud runs out the answer is undecided
// (decided false).
func territoryOverlap(a, b Pattern, forbid []Pattern, bud *budget) (witness string, ok, decided bool) {
	n := &nfa{}
	sa, sb := compileNFA(n, a), compileNFA(n, b)
	var sf []int
	for _, f := range forbid {
		sf = append(sf, compileNFA(n, f)...)
	}
	start := territoryState{a: n.closure(sa), b: n.closure(sb), forbid: n.closure(sf)}
	type visit struct {
		st     territoryState
		parent int
		r      rune
	}
	seen := map[string]bool{start.key(): true}
	queue := []visit{{st: start, parent: -1}}
	for head := 0; head < len(queue); head++ {
		if !bud.spend(1) {
			return "", false, false
		}
		cur := queue[head].st
		if cur.dots == dotsOther && n.accepts(cur.a) && n.accepts(cur.b) && !n.accepts(cur.forbid) {
			var runes []rune
			for at := head; queue[at].parent >= 0; at = queue[at].parent {
				runes = append(runes, queue[at].r)
			}
			slices.Reverse(runes)
			return string(runes), true, true
		}
		for _, r := range n.candidates(cur.a, cur.b, cur.forbid) {
			next := territoryState{a: n.step(cur.a, r), b: n.step(cur.b, r)}
			if len(next.a) == 0 || len(next.b) == 0 {
				continue
			}
			if r == '/' {
				if cur.dots != dotsOther { // an empty, "." or ".." segment
					continue
				}
				next.dots = dotsNone
			} else {
				next.dots = cur.dots.after(r)
			}
			next.forbid = n.step(cur.forbid, r)
			if k := next.key(); !seen[k] {
				seen[k] = true
				queue = append(queue, visit{st: next, parent: head, r: r})
			}
		}
	}
	return "", false, true
}
