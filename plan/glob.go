package plan

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// maxAlternatives bounds the brace expansion of one pattern. A pattern such as
// "{a,b}{c,d}{e,f}..." grows exponentially; past this bound it is rejected
// rather than slowing every overlap and scope decision down.
const maxAlternatives = 64

// tokenKind is one element of a path segment.
type tokenKind uint8

const (
	tokChar tokenKind = iota // one rune from a set: a literal, '?' or a class
	tokStar                  // '*': any run of runes except '/'
)

// token is a star or a single-rune matcher.
type token struct {
	kind tokenKind
	set  runeSet
}

// segment is one '/'-separated part of a brace-free alternative: either a
// globstar ("**", zero or more whole segments) or a sequence of tokens.
type segment struct {
	globstar bool
	toks     []token
	// lit is the segment's text when every token is one literal rune.
	lit   string
	isLit bool
}

// alternative is a brace-free pattern, split into segments.
type alternative struct {
	segs []segment
	// prefix is the literal text every matching path starts with; it lets
	// overlap reject most pattern pairs without running the automaton.
	prefix string
	// suffix is the literal text every matching path ends with; it lets
	// Match reject most paths with one comparison.
	suffix string
}

// syntaxNode is a parsed glob before brace expansion: a sequence of items,
// each a token, a separator or a brace group.
type syntaxItem struct {
	sep   bool
	tok   token
	group [][]syntaxItem // non-nil for a brace group: its alternatives
}

// parseGlob parses a pattern (without backslashes) into its brace expansion.
// The class syntax follows doublestar's matcher exactly: a class ends at the
// first ']' after its first rune, "a-z" is a range, and a '-' right after a
// range or at either end is literal.
func parseGlob(s string) ([]alternative, error) {
	p := globParser{s: s}
	items, err := p.sequence(false)
	if err != nil {
		return nil, err
	}
	flat, err := expand(items)
	if err != nil {
		return nil, err
	}
	alts := make([]alternative, 0, len(flat))
	for _, f := range flat {
		alt, err := splitSegments(f)
		if err != nil {
			return nil, err
		}
		alts = append(alts, alt)
	}
	return alts, nil
}

type globParser struct {
	s string
	i int
}

// sequence parses items until the end of input or, inside braces, an
// unnested ',' or '}' (left for the caller).
func (p *globParser) sequence(inBraces bool) ([]syntaxItem, error) {
	var items []syntaxItem
	if !inBraces {
		items = make([]syntaxItem, 0, len(p.s)-p.i) // an item takes a byte or more
	}
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case inBraces && (c == ',' || c == '}'):
			return items, nil
		case c == '}':
			return nil, fmt.Errorf("'}' without a matching '{'")
		case c == '/':
			p.i++
			items = append(items, syntaxItem{sep: true})
		case c == '*':
			p.i++
			items = append(items, syntaxItem{tok: token{kind: tokStar}})
		case c == '?':
			p.i++
			items = append(items, syntaxItem{tok: token{kind: tokChar, set: anyRune}})
		case c == '[':
			set, err := p.class()
			if err != nil {
				return nil, err
			}
			items = append(items, syntaxItem{tok: token{kind: tokChar, set: set}})
		case c == '{':
			group, err := p.braces()
			if err != nil {
				return nil, err
			}
			items = append(items, syntaxItem{group: group})
		default:
			r, n := utf8.DecodeRuneInString(p.s[p.i:])
			p.i += n
			items = append(items, syntaxItem{tok: token{kind: tokChar, set: literalRune(r)}})
		}
	}
	return items, nil
}

func (p *globParser) braces() ([][]syntaxItem, error) {
	open := p.i
	p.i++ // '{'
	var group [][]syntaxItem
	for {
		alt, err := p.sequence(true)
		if err != nil {
			return nil, err
		}
		group = append(group, alt)
		if p.i >= len(p.s) {
			return nil, fmt.Errorf("'{' at offset %d is never closed", open)
		}
		c := p.s[p.i]
		p.i++
		if c == '}' {
			return group, nil
		}
	}
}

func (p *globParser) class() (runeSet, error) {
	open := p.i
	p.i++ // '['
	set := runeSet{}
	if p.i < len(p.s) && (p.s[p.i] == '!' || p.s[p.i] == '^') {
		set.negated = true
		p.i++
	}
	if p.i >= len(p.s) || p.s[p.i] == ']' {
		return runeSet{}, fmt.Errorf("character class at offset %d is empty or never closed", open)
	}
	last := rune(-1)
	for p.i < len(p.s) && p.s[p.i] != ']' {
		r, n := utf8.DecodeRuneInString(p.s[p.i:])
		p.i += n
		if last >= 0 && r == '-' && p.i < len(p.s) && p.s[p.i] != ']' {
			hi, n := utf8.DecodeRuneInString(p.s[p.i:])
			p.i += n
			set.ranges = append(set.ranges, runeRange{last, hi})
			last = -1
			continue
		}
		set.ranges = append(set.ranges, runeRange{r, r})
		last = r
	}
	if p.i >= len(p.s) {
		return runeSet{}, fmt.Errorf("character class at offset %d is never closed", open)
	}
	p.i++ // ']'
	if !set.nonEmpty() {
		return runeSet{}, fmt.Errorf("character class %s matches no file-name character", p.s[open:p.i])
	}
	return set, nil
}

// expand turns items with brace groups into brace-free item lists.
func expand(items []syntaxItem) ([][]syntaxItem, error) {
	if !slices.ContainsFunc(items, func(it syntaxItem) bool { return it.group != nil }) {
		return [][]syntaxItem{items}, nil // read only from here on
	}
	out := [][]syntaxItem{nil}
	for _, it := range items {
		if it.group == nil {
			for i := range out {
				out[i] = append(out[i], it)
			}
			continue
		}
		var choices [][]syntaxItem
		for _, g := range it.group {
			sub, err := expand(g)
			if err != nil {
				return nil, err
			}
			choices = append(choices, sub...)
		}
		if len(out)*len(choices) > maxAlternatives {
			return nil, fmt.Errorf("braces expand to more than %d alternatives", maxAlternatives)
		}
		next := make([][]syntaxItem, 0, len(out)*len(choices))
		for _, head := range out {
			for _, tail := range choices {
				joined := make([]syntaxItem, 0, len(head)+len(tail))
				joined = append(append(joined, head...), tail...)
				next = append(next, joined)
			}
		}
		out = next
	}
	return out, nil
}

// splitSegments turns one brace-free item list into segments, rejecting
// shapes that match no repository path or that doublestar reads differently
// from what they appear to say.
func splitSegments(items []syntaxItem) (alternative, error) {
	var segs []segment
	// Every segment's tokens are a part of one array, capped so that no
	// append reaches into the next segment's.
	all := make([]token, 0, len(items))
	start := 0
	cur := segment{}
	flush := func() error {
		switch {
		case len(cur.toks) == 0:
			return fmt.Errorf("empty path segment (\"//\", or an empty brace alternative between slashes)")
		case isDots(cur.toks) && len(cur.toks) == 2:
			return fmt.Errorf("\"..\" segment; a pattern cannot leave the repository")
		case isDots(cur.toks):
			return fmt.Errorf("\".\" segment; remove it")
		case len(cur.toks) == 2 && hasDoubleStar(cur.toks):
			if len(segs) > 0 && segs[len(segs)-1].globstar {
				return fmt.Errorf("\"**/**\" repeats \"**\"; write it once")
			}
			segs = append(segs, segment{globstar: true})
		case hasDoubleStar(cur.toks):
			return fmt.Errorf("\"**\" must be a whole path segment (use \"*\" within a name, \"**/\" for any depth)")
		default:
			cur.lit, cur.isLit = literalText(cur.toks)
			segs = append(segs, cur)
		}
		cur = segment{}
		start = len(all)
		return nil
	}
	for _, it := range items {
		if it.sep {
			if err := flush(); err != nil {
				return alternative{}, err
			}
			continue
		}
		all = append(all, it.tok)
		cur.toks = all[start:len(all):len(all)]
	}
	if err := flush(); err != nil {
		return alternative{}, err
	}
	return alternative{segs: segs, prefix: literalPrefix(segs), suffix: literalSuffix(segs)}, nil
}

// literalText is the text of a segment made of literal runes only.
func literalText(toks []token) (string, bool) {
	var b strings.Builder
	for _, t := range toks {
		r, ok := t.set.literal()
		if t.kind != tokChar || !ok {
			return "", false
		}
		b.WriteRune(r)
	}
	return b.String(), true
}

// hasDoubleStar reports two stars in a row, which doublestar reads as a
// globstar when they fill a segment and as a single star otherwise.
func hasDoubleStar(toks []token) bool {
	for i := 1; i < len(toks); i++ {
		if toks[i-1].kind == tokStar && toks[i].kind == tokStar {
			return true
		}
	}
	return false
}

// isDots reports a segment that can only be "." or "..".
func isDots(toks []token) bool {
	if len(toks) > 2 {
		return false
	}
	for _, t := range toks {
		if r, ok := t.set.literal(); t.kind != tokChar || !ok || r != '.' {
			return false
		}
	}
	return true
}

// literalPrefix is the literal text at the start of every path matching segs.
// It stops before a globstar's separator, since "a/**" also matches "a".
func literalPrefix(segs []segment) string {
	var b strings.Builder
	for i, s := range segs {
		if s.globstar {
			return b.String()
		}
		if i > 0 {
			b.WriteByte('/')
		}
		for _, t := range s.toks {
			r, ok := t.set.literal()
			if t.kind != tokChar || !ok {
				return b.String()
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// literalDir is the run of leading segments of segs that are plain text:
// every path matching segs starts with them, as whole segments.
func literalDir(segs []segment) string {
	var b strings.Builder
	for i, s := range segs {
		if s.globstar {
			break
		}
		var seg strings.Builder
		literal := true
		for _, t := range s.toks {
			r, ok := t.set.literal()
			if t.kind != tokChar || !ok {
				literal = false
				break
			}
			seg.WriteRune(r)
		}
		if !literal {
			break
		}
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(seg.String())
	}
	return b.String()
}

// literalSuffix is the literal text at the end of every path matching segs:
// the plain runes that close the last segment, unless it is a globstar.
func literalSuffix(segs []segment) string {
	last := segs[len(segs)-1]
	if last.globstar {
		return ""
	}
	start := len(last.toks)
	for start > 0 {
		if _, ok := last.toks[start-1].set.literal(); last.toks[start-1].kind != tokChar || !ok {
			break
		}
		start--
	}
	var b strings.Builder
	for _, t := range last.toks[start:] {
		r, _ := t.set.literal()
		b.WriteRune(r)
	}
	return b.String()
}
