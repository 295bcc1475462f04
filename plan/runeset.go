package plan

import (
	"strings"
	"unicode/utf8"
)

// runeRange is an inclusive range of runes.
type runeRange struct{ lo, hi rune }

// runeSet is the set of runes one glob token matches inside a path segment:
// a literal, '?' (negated and empty) or a character class. A path segment
// never holds '/', NUL or a surrogate, so no set contains them, whatever the
// class says; the pattern compiler hands doublestar classes that agree.
type runeSet struct {
	negated bool
	ranges  []runeRange
}

// anyRune is the set '?' matches.
var anyRune = runeSet{negated: true}

// literalRune is the set of r alone. An ASCII rune's set shares its range
// with every other (no allocation: most patterns are mostly ASCII
// literals); sets are never changed in place, and the shared slice has no
// room to append into.
func literalRune(r rune) runeSet {
	if 0 <= r && r < utf8.RuneSelf {
		return runeSet{ranges: asciiRanges[r : r+1 : r+1]}
	}
	return runeSet{ranges: []runeRange{{r, r}}}
}

// asciiRanges holds the one-rune range of every ASCII rune.
var asciiRanges = func() (t [utf8.RuneSelf]runeRange) {
	for r := range t {
		t[r] = runeRange{rune(r), rune(r)}
	}
	return t
}()

// literal reports the single rune a set matches, for sets written as one.
func (s runeSet) literal() (rune, bool) {
	if s.negated || len(s.ranges) != 1 || s.ranges[0].lo != s.ranges[0].hi {
		return 0, false
	}
	return s.ranges[0].lo, true
}

// has reports whether r may stand in a path segment and belongs to s.
func (s runeSet) has(r rune) bool {
	if !segmentRune(r) {
		return false
	}
	in := false
	for _, rg := range s.ranges {
		if rg.lo <= r && r <= rg.hi {
			in = true
			break
		}
	}
	return in != s.negated
}

// segmentRune reports whether r can be part of a path segment.
func segmentRune(r rune) bool {
	return r > 0 && r != '/' && r <= utf8.MaxRune && !(0xD800 <= r && r <= 0xDFFF)
}

// preferredRunes are tried first when a witness needs a rune, so witnesses
// read like ordinary file names.
const preferredRunes = "abcdefghijklmnopqrstuvwxyz0123456789_-"

// common returns a rune in both sets, preferring readable ones and avoiding
// '.', and whether '.' is in both (a segment made only of dots is not a
// path). ok is false when the sets share nothing but possibly '.'.
func common(a, b runeSet) (r rune, ok bool, dot bool) {
	dot = a.has('.') && b.has('.')
	for _, c := range preferredRunes {
		if a.has(c) && b.has(c) {
			return c, true, dot
		}
	}
	// The intersection of two unions of intervals, if not empty, contains
	// the lower bound of some interval: the start of the universe, the rune
	// after one of its holes, or a bound of one of the sets' ranges.
	candidates := []rune{1, '/' + 1, 0xE000}
	for _, s := range []runeSet{a, b} {
		for _, rg := range s.ranges {
			candidates = append(candidates, rg.lo, rg.hi+1)
		}
	}
	for _, c := range candidates {
		if c != '.' && a.has(c) && b.has(c) {
			return c, true, dot
		}
	}
	return 0, false, dot
}

// nonEmpty reports whether some path-segment rune is in s.
func (s runeSet) nonEmpty() bool {
	_, ok, dot := common(s, s)
	return ok || dot
}

// classGlob renders s as a doublestar character class that matches exactly
// the runes of s that can stand in a path segment. Every rune is escaped, so
// no '-' or ']' is misread, and a negated class names '/' so it no longer
// matches it.
func (s runeSet) classGlob() string {
	var b strings.Builder
	b.WriteByte('[')
	if s.negated {
		b.WriteByte('!')
	}
	for _, rg := range s.ranges {
		for _, part := range withoutSlash(rg) {
			b.WriteByte('\\')
			b.WriteRune(part.lo)
			if part.hi != part.lo {
				b.WriteString(`-\`)
				b.WriteRune(part.hi)
			}
		}
	}
	if s.negated {
		b.WriteString(`\/`)
	}
	b.WriteByte(']')
	return b.String()
}

// withoutSlash splits rg around '/'; an empty range (lo > hi) stays as it
// is, since it matches nothing either way.
func withoutSlash(rg runeRange) []runeRange {
	if rg.lo > '/' || rg.hi < '/' {
		return []runeRange{rg}
	}
	var parts []runeRange
	if rg.lo < '/' {
		parts = append(parts, runeRange{rg.lo, '/' - 1})
	}
	if rg.hi > '/' {
		parts = append(parts, runeRange{'/' + 1, rg.hi})
	}
	return parts
}
