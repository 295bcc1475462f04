package plan

import (
	"strings"
	"unicode/utf8"
)

// match reports whether path matches the alternative: its segments in
// order, a globstar standing for zero or more whole path segments. It runs on
// the compiled form, so a check over many paths does not parse the glob again
// for each one; TestPatternLanguageMatchesDoublestar and FuzzMatch hold it
// to doublestar.Match on the rendered glob.
func (a alternative) match(path string) bool {
	return strings.HasSuffix(path, a.suffix) && matchSegments(a.segs, path)
}

// matchSegments is wildcard matching one level up: segments are the
// letters and a globstar is the star. Each plain segment consumes exactly one
// path segment, so on a mismatch it is enough to let the last globstar take
// one more segment; the work is bounded by len(segs) times the path's
// segments, whatever the number of globstars.
func matchSegments(segs []segment, path string) bool {
	end := len(path) + 1 // the position after the last segment
	si, pi := 0, 0
	star, starAt := -1, 0
	for pi < end {
		if si < len(segs) {
			if segs[si].globstar {
				star, starAt = si, pi
				si++
				continue
			}
			seg, next := segmentAt(path, pi)
			if matchTokens(segs[si].toks, seg) {
				si, pi = si+1, next
				continue
			}
		}
		if star < 0 {
			return false
		}
		_, starAt = segmentAt(path, starAt)
		si, pi = star+1, starAt
	}
	for si < len(segs) && segs[si].globstar {
		si++
	}
	return si == len(segs)
}

// segmentAt returns the path segment starting at byte i and where the next
// one starts (len(path)+1 after the last).
func segmentAt(path string, i int) (seg string, next int) {
	if j := strings.IndexByte(path[i:], '/'); j >= 0 {
		return path[i : i+j], i + j + 1
	}
	return path[i:], len(path) + 1
}

// matchTokens matches one path segment against a segment's tokens. A star
// never spans a '/', as a segment holds none, so backtracking to the last
// star is enough.
func matchTokens(toks []token, seg string) bool {
	ti, si := 0, 0
	star, starAt := -1, 0
	for si < len(seg) {
		if ti < len(toks) {
			if toks[ti].kind == tokStar {
				star, starAt = ti, si
				ti++
				continue
			}
			r, size := utf8.DecodeRuneInString(seg[si:])
			if toks[ti].set.has(r) {
				ti++
				si += size
				continue
			}
		}
		if star < 0 {
			return false
		}
		_, size := utf8.DecodeRuneInString(seg[starAt:])
		starAt += size
		ti, si = star+1, starAt
	}
	for ti < len(toks) && toks[ti].kind == tokStar {
		ti++
	}
	return ti == len(toks)
}
