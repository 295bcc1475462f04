package plan

import (
	"container/heap"
	"slices"
	"strings"
)

// dotState tracks whether the segment built so far is "", ".", ".." or
// anything else; only the last is a valid path segment.
type dotState uint8

const (
	dotsNone dotState = iota
	dotsOne
	dotsTwo
	dotsOther
)

func (d dotState) after(r rune) dotState {
	switch {
	case r != '.' || d == dotsOther || d == dotsTwo:
		return dotsOther
	default:
		return d + 1
	}
}

// segState is a node of the product automaton of two token lists.
type segState struct {
	i, j int
	dots dotState
}

// segmentIntersection returns a shortest valid path segment (non-empty, not
// "." or "..") matched by both token lists, and whether one exists. It walks
// the product automaton breadth first, one rune per layer; a star either
// consumes a rune and stays or is skipped at no cost, so each layer is closed
// under skips before the next is built.
func segmentIntersection(a, b []token, bud *budget) (string, bool) {
	type edge struct {
		from segState
		r    rune // 0 for a skipped star
	}
	start := segState{}
	parent := map[segState]edge{start: {}}
	layer := []segState{start}
	for len(layer) > 0 {
		for k := 0; k < len(layer); k++ { // layer grows while closing under skips
			s := layer[k]
			skip := func(to segState) {
				if _, seen := parent[to]; !seen {
					parent[to] = edge{s, 0}
					layer = append(layer, to)
				}
			}
			if s.i < len(a) && a[s.i].kind == tokStar {
				skip(segState{s.i + 1, s.j, s.dots})
			}
			if s.j < len(b) && b[s.j].kind == tokStar {
				skip(segState{s.i, s.j + 1, s.dots})
			}
		}
		if !bud.spend(len(layer)) {
			return "", false
		}
		var next []segState
		for _, s := range layer {
			if s.i == len(a) && s.j == len(b) && s.dots == dotsOther {
				var runes []rune
				for at := s; at != start; at = parent[at].from {
					if r := parent[at].r; r != 0 {
						runes = append(runes, r)
					}
				}
				slices.Reverse(runes)
				return string(runes), true
			}
			if s.i == len(a) || s.j == len(b) {
				continue
			}
			setA, setB := a[s.i].set, b[s.j].set
			ni, nj := s.i+1, s.j+1
			if a[s.i].kind == tokStar {
				setA, ni = anyRune, s.i
			}
			if b[s.j].kind == tokStar {
				setB, nj = anyRune, s.j
			}
			r, ok, dot := common(setA, setB)
			var runes []rune
			if ok {
				runes = append(runes, r)
			}
			if dot && (!ok || s.dots != dotsOther) {
				runes = append(runes, '.')
			}
			for _, r := range runes {
				to := segState{ni, nj, s.dots.after(r)}
				if _, seen := parent[to]; !seen {
					parent[to] = edge{s, r}
					next = append(next, to)
				}
			}
		}
		layer = next
	}
	return "", false
}

// pathState is a node of the product automaton of two alternatives at the
// level of whole segments.
type pathState struct {
	i, j     int
	nonEmpty bool // at least one segment consumed: the empty path is no path
}

// pathItem is a Dijkstra queue entry.
type pathItem struct {
	s     pathState
	cost  int
	order int
}

type pathQueue []pathItem

func (q pathQueue) Len() int { return len(q) }
func (q pathQueue) Less(x, y int) bool {
	if q[x].cost != q[y].cost {
		return q[x].cost < q[y].cost
	}
	return q[x].order < q[y].order
}
func (q pathQueue) Swap(x, y int) { q[x], q[y] = q[y], q[x] }
func (q *pathQueue) Push(v any)   { *q = append(*q, v.(pathItem)) }
func (q *pathQueue) Pop() any {
	old := *q
	v := old[len(old)-1]
	*q = old[:len(old)-1]
	return v
}

// anySegment is what a globstar matches for one segment.
var anySegment = []token{{kind: tokStar}}

// intersect returns a shortest path matched by both alternatives, spending
// one unit of bud per state explored; when bud runs out it answers false,
// and the caller must read bud to tell that from a proof. Each step
// of the search consumes one whole path segment; its cost is the length of
// the shortest segment both sides accept there, plus one for the separator,
// so a cheapest route is a shortest path.
func intersect(a, b alternative, bud *budget) (string, bool) {
	type via struct {
		from pathState
		seg  string
		set  bool // a segment was consumed (not a globstar skip)
	}
	start := pathState{}
	best := map[pathState]int{start: 0}
	parent := map[pathState]via{}
	done := map[pathState]bool{}
	q := &pathQueue{{s: start}}
	order := 0
	relax := func(to pathState, cost int, v via) {
		if c, ok := best[to]; ok && c <= cost {
			return
		}
		best[to] = cost
		parent[to] = v
		order++
		heap.Push(q, pathItem{s: to, cost: cost, order: order})
	}
	segCache := map[[2]int]struct {
		s  string
		ok bool
	}{}
	for q.Len() > 0 {
		it := heap.Pop(q).(pathItem)
		s := it.s
		if done[s] {
			continue
		}
		done[s] = true
		if !bud.spend(1) {
			return "", false
		}
		if s.i == len(a.segs) && s.j == len(b.segs) && s.nonEmpty {
			var segs []string
			for at := s; at != start; at = parent[at].from {
				if parent[at].set {
					segs = append(segs, parent[at].seg)
				}
			}
			slices.Reverse(segs)
			return strings.Join(segs, "/"), true
		}
		var sa, sb *segment
		if s.i < len(a.segs) {
			sa = &a.segs[s.i]
		}
		if s.j < len(b.segs) {
			sb = &b.segs[s.j]
		}
		if sa != nil && sa.globstar {
			relax(pathState{s.i + 1, s.j, s.nonEmpty}, it.cost, via{from: s})
		}
		if sb != nil && sb.globstar {
			relax(pathState{s.i, s.j + 1, s.nonEmpty}, it.cost, via{from: s})
		}
		if sa == nil || sb == nil {
			continue
		}
		ta, tb := sa.toks, sb.toks
		ni, nj := s.i+1, s.j+1
		if sa.globstar {
			ta, ni = anySegment, s.i
		}
		if sb.globstar {
			tb, nj = anySegment, s.j
		}
		key := [2]int{s.i, s.j}
		seg, ok := segCache[key]
		if !ok {
			seg.s, seg.ok = segmentIntersection(ta, tb, bud)
			segCache[key] = seg
		}
		if seg.ok {
			relax(pathState{ni, nj, true}, it.cost+len(seg.s)+1, via{from: s, seg: seg.s, set: true})
		}
	}
	return "", false
}

// prefixCompatible reports whether some string can start with both literal
// prefixes: when it is false, two alternatives cannot overlap.
func prefixCompatible(p, q string) bool {
	if len(p) > len(q) {
		p, q = q, p
	}
	return strings.HasPrefix(q, p)
}

// suffixCompatible reports whether some string can end with both literal
// suffixes ("_test.go" and ".go" can; ".go" and ".md" cannot).
func suffixCompatible(p, q string) bool {
	if len(p) > len(q) {
		p, q = q, p
	}
	return strings.HasSuffix(q, p)
}

// tailsDisjoint reports, without a search, that no path matches both
// alternatives: walking back from the last segment while neither side is a
// globstar, two literal segments differ, or, with no globstar on either
// side, the segment counts differ. False means "search".
func tailsDisjoint(x, y alternative) bool {
	i, j := len(x.segs)-1, len(y.segs)-1
	for ; i >= 0 && j >= 0; i, j = i-1, j-1 {
		a, b := &x.segs[i], &y.segs[j]
		if a.globstar || b.globstar {
			return false
		}
		if a.isLit && b.isLit && a.lit != b.lit {
			return true
		}
	}
	return i != j && !hasGlobstar(x.segs) && !hasGlobstar(y.segs)
}

func hasGlobstar(segs []segment) bool {
	for _, s := range segs {
		if s.globstar {
			return true
		}
	}
	return false
}
