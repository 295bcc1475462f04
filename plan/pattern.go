package plan

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/bmatcuk/doublestar/v4"
)

// Pattern is a path pattern of the plan (owns, forbids or shared), with one
// meaning everywhere (README, "Path patterns"):
//
//   - "dir/" is the directory and everything below it;
//   - a pattern without a glob metacharacter (* ? [ {) is that exact path and,
//     if it is a directory, everything below it; once the pattern is placed
//     in a Tree (InTree, ParseInTree), a literal that names a file of the
//     tree is that file only;
//   - anything else is a doublestar pattern on the whole path.
type Pattern struct {
	// Text is the pattern as the plan writes it.
	Text string
	// Glob is an equivalent doublestar pattern: doublestar.Match(p.Glob,
	// path) is p.Match(path) for every repository path. It is brace-expanded
	// and normalized so doublestar's corner cases agree with the rules above.
	Glob string
	// Pos is where the pattern stands in the plan.
	Pos Position

	literal string // for patterns without metacharacters: the path itself
	slash   bool   // written with a trailing '/': a folder, whatever the tree holds
	file    bool   // a literal that names a file of the tree: that path only
	alts    []alternative
	// deferred marks a pattern RestorePattern made: alts is nil until
	// alternatives compiles it, and Match runs doublestar on Glob for the
	// paths that pass filter.
	deferred bool
	shape    shapeKind // of a restored glob
	filter   prefilter
	dir      string // TextDir
}

// maxPatternLen bounds a pattern's length, and with maxAlternatives the cost
// of every decision about it: overlap is quadratic in pattern length.
const maxPatternLen = 256

// ParsePattern normalizes and compiles a pattern. The error says what is
// wrong in words a plan author can act on.
func ParsePattern(text string) (Pattern, error) {
	p := Pattern{Text: text}
	s, slash, err := normalizePattern(text)
	if err != nil {
		return p, err
	}
	p.slash = slash
	if !strings.ContainsAny(s, globMeta) {
		p.literal = s
		p.alts, err = literalAlternatives(s)
	} else {
		if slash && s != "**" && !strings.HasSuffix(s, "/**") {
			s += "/**"
		}
		p.alts, err = parseGlob(s)
	}
	if err != nil {
		return p, err
	}
	p.Glob = renderGlob(p.alts)
	if !doublestar.ValidatePattern(p.Glob) {
		return p, fmt.Errorf("not a valid glob")
	}
	return p, nil
}

// globMeta are the bytes that make a pattern a glob rather than a literal.
const globMeta = "*?[{"

// normalizePattern checks text's form and returns it without leading "./"
// and without its trailing '/', which slash reports.
func normalizePattern(text string) (s string, slash bool, err error) {
	s = text
	for strings.HasPrefix(s, "./") {
		s = s[2:]
	}
	switch {
	case text == "":
		return "", false, fmt.Errorf("empty pattern")
	case len(text) > maxPatternLen:
		return "", false, fmt.Errorf("pattern is longer than %d bytes", maxPatternLen)
	case strings.ContainsRune(text, '\\'):
		return "", false, fmt.Errorf("backslash in pattern; paths are separated by '/' and glob metacharacters cannot be escaped")
	case !utf8.ValidString(text) || strings.ContainsRune(text, 0):
		return "", false, fmt.Errorf("pattern is not valid UTF-8 text")
	case strings.HasPrefix(s, "/"):
		return "", false, fmt.Errorf("absolute path; patterns are relative to the repository root")
	case s == "":
		return "", false, fmt.Errorf("pattern names the repository root; write \"**\" for every path")
	}
	if slash = strings.HasSuffix(s, "/"); slash {
		s = s[:len(s)-1]
	}
	return s, slash, nil
}

// InTree returns the pattern as it reads against the base branch's tree: a
// literal written without a trailing '/' that names a file of t matches that
// path only, not "p/**". Other patterns, and every pattern when t is nil,
// are returned unchanged.
func (p Pattern) InTree(t *Tree) Pattern {
	if p.literal == "" || p.slash || p.file || !t.IsFile(p.literal) {
		return p
	}
	alts, err := literalAlternatives(p.literal)
	if err != nil { // cannot happen: the same path compiled as a folder
		return p
	}
	alt := alts[0]
	alt.segs = alt.segs[:len(alt.segs)-1] // drop the trailing "**"
	alt.prefix, alt.suffix = literalPrefix(alt.segs), literalSuffix(alt.segs)
	p.file = true
	p.alts = []alternative{alt}
	p.Glob = renderGlob(p.alts)
	return p
}

// IsFile reports whether the pattern is a literal that names one file of
// the tree it was placed in, and so matches that path only.
func (p Pattern) IsFile() bool { return p.file }

// TreeDependent reports whether the pattern's meaning depends on the tree:
// a literal without a trailing slash, which is a file or a folder as the
// tree says.
func (p Pattern) TreeDependent() bool { return p.literal != "" && !p.slash }

// literalAlternatives compiles a path without metacharacters into "path/**".
func literalAlternatives(s string) ([]alternative, error) {
	items := make([]syntaxItem, 0, len(s)+3)
	for _, r := range s {
		if r == '/' {
			items = append(items, syntaxItem{sep: true})
			continue
		}
		items = append(items, syntaxItem{tok: token{kind: tokChar, set: literalRune(r)}})
	}
	star := syntaxItem{tok: token{kind: tokStar}}
	items = append(items, syntaxItem{sep: true}, star, star)
	alt, err := splitSegments(items)
	if err != nil {
		return nil, err
	}
	return []alternative{alt}, nil
}

// Match reports whether path (repository-relative, '/'-separated) matches.
func (p Pattern) Match(path string) bool {
	if p.file {
		return path == p.literal
	}
	if p.literal != "" {
		return path == p.literal || (strings.HasPrefix(path, p.literal) && path[len(p.literal)] == '/')
	}
	if p.deferred {
		if p.shape != otherShape {
			return p.matchShape(path)
		}
		return p.filter.pass(path) && doublestar.MatchUnvalidated(p.Glob, path)
	}
	for _, a := range p.alts {
		if a.match(path) {
			return true
		}
	}
	return false
}

// Dir is the literal folder every matching path is at or below: the leading
// path segments the pattern spells out without a metacharacter, in every
// brace alternative. It is "services/auth" for "services/auth/**/*.go" and
// for "services/auth/", "go.mod" for "go.mod", and "" for "**/*.go" or
// "{a,b}/x". Indexes use it to skip patterns that cannot match a path.
func (p Pattern) Dir() string {
	if p.literal != "" {
		return p.literal
	}
	if p.deferred {
		return p.dir
	}
	dir := ""
	for i, a := range p.alts {
		d := literalDir(a.segs)
		if i == 0 {
			dir = d
			continue
		}
		dir = commonDir(dir, d)
	}
	return dir
}

// commonDir is the longest leading run of whole segments of a and b.
func commonDir(a, b string) string {
	as, bs := strings.Split(a, "/"), strings.Split(b, "/")
	n := 0
	for n < len(as) && n < len(bs) && as[n] == bs[n] {
		n++
	}
	return strings.Join(as[:n], "/")
}

// String returns the pattern as written.
func (p Pattern) String() string { return p.Text }

// Overlap decides whether some path matches both patterns and, if so,
// returns a shortest such path (the witness). The decision is exact: it
// intersects the patterns' automata rather than comparing strings.
func Overlap(a, b Pattern) (witness string, ok bool) {
	return a.intersect(b, nil)
}

// intersect is Overlap within a budget (nil for none); when the budget runs
// out it answers false and bud says so.
func (p Pattern) intersect(q Pattern, bud *budget) (string, bool) {
	best, found := "", false
	for _, x := range p.alternatives() {
		for _, y := range q.alternatives() {
			if !prefixCompatible(x.prefix, y.prefix) || !suffixCompatible(x.suffix, y.suffix) || tailsDisjoint(x, y) {
				continue
			}
			w, ok := intersect(x, y, bud)
			if ok && (!found || len(w) < len(best) || (len(w) == len(best) && w < best)) {
				best, found = w, true
			}
		}
	}
	return best, found
}
