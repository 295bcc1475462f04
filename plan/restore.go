package plan

import (
	"fmt"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// GlobVersion names the glob language of Pattern.Glob: what ParsePattern
// renders and how doublestar reads it. A store of restorable patterns keys
// its entries with it, so a pattern stored by a build that rendered or
// matched globs otherwise is never restored by this one.
// TestGlobsAsRendered fails when the rendering changes: bump it then.
const GlobVersion = 1

// RestorePattern rebuilds a pattern of a plan proved earlier from what a
// store of proved plans keeps of it: its Text, its Glob and IsFile, as
// ParsePattern and InTree made them. It does not compile the pattern, so
// restoring a plan costs next to nothing (README, "`check`: the scope
// check", "Speed"): Match runs doublestar on the glob, which agrees with the
// compiled matcher on every repository path (FuzzMatch, FuzzRestorePattern),
// for the paths that pass a filter read off the text (prefilter); Dir
// reads the literal folder off the text; the overlap decisions compile the
// pattern when they need it.
//
// It checks what it can without compiling: the text's form as ParsePattern
// checks it, that only a literal without a trailing '/' is a file, and that
// the glob is valid. That glob and text belong together is the store's to
// vouch for (a checksum over its entry).
func RestorePattern(text, glob string, file bool) (Pattern, error) {
	p := Pattern{Text: text, Glob: glob, deferred: true}
	s, slash, err := normalizePattern(text)
	if err != nil {
		return Pattern{}, err
	}
	p.slash = slash
	literal := firstMeta(s) < 0
	if !doublestar.ValidatePattern(glob) || (file && (!literal || slash)) {
		return Pattern{}, fmt.Errorf("pattern %q: %q is not its glob", text, glob)
	}
	if literal {
		p.literal, p.file = s, file
	} else {
		p.filter = newPrefilter(s, slash)
		p.dir = textDir(s)
		p.shape = shapeOf(s, slash)
	}
	return p, nil
}

// shapeKind names the commonest forms of a glob, whose restored pattern
// matches without doublestar: the folder read off the text (TextDir, "" for
// none), then "/**/*" (anyDepth) or "/*" (oneLevel), then a literal tail
// without '/' (the prefilter's tail): "**/*.go", "services/**/*_test.go",
// "docs/*.md", "*.go". A path matches when it is below that folder and its
// last segment (for oneLevel: its only segment below the folder) ends with
// the tail. FuzzRestorePattern holds these to the compiled matcher too.
type shapeKind uint8

const (
	otherShape shapeKind = iota
	anyDepth
	oneLevel
)

// shapeOf is the shape of s, a glob in ParsePattern's normal form; slash
// is its trailing '/'.
func shapeOf(s string, slash bool) shapeKind {
	if slash {
		return otherShape
	}
	tail := s[strings.LastIndexAny(s, "*?[]{}")+1:]
	if strings.IndexByte(tail, '/') >= 0 {
		return otherShape
	}
	head := s[:len(s)-len(tail)]
	kind := otherShape
	switch {
	case head == "**/*":
		return anyDepth
	case head == "*":
		return oneLevel
	case strings.HasSuffix(head, "/**/*"):
		head, kind = head[:len(head)-len("/**/*")], anyDepth
	case strings.HasSuffix(head, "/*"):
		head, kind = head[:len(head)-len("/*")], oneLevel
	}
	if head == "" || firstMeta(head) >= 0 || strings.ContainsAny(head, "]}") {
		return otherShape
	}
	return kind
}

// matchShape is Match for a restored pattern of one of the shapes.
func (p Pattern) matchShape(path string) bool {
	rest := path
	if p.dir != "" {
		if len(path) <= len(p.dir) || path[len(p.dir)] != '/' || !strings.HasPrefix(path, p.dir) {
			return false
		}
		rest = path[len(p.dir)+1:]
	}
	if i := strings.LastIndexByte(rest, '/'); i >= 0 {
		if p.shape == oneLevel {
			return false
		}
		rest = rest[i+1:]
	}
	return strings.HasSuffix(rest, p.filter.tail)
}

// prefilter is what every path a restored glob matches shows, read off its
// text: the literal text after its last metacharacter ends the path, and
// the literal head and tail of its first segment with a metacharacter
// (index seg; -1 when that segment is a globstar or holds braces) start
// and end the path's segment there. Most paths a glob is tried on fail
// one of these, so doublestar runs on few.
type prefilter struct {
	tail             string
	seg              int
	segHead, segTail string
}

// newPrefilter reads the prefilter of s, a glob in ParsePattern's normal
// form; slash is its trailing '/', which stands for "/**".
func newPrefilter(s string, slash bool) prefilter {
	f := prefilter{seg: -1}
	if !slash { // without its '/': a globstar before it may match no segment
		f.tail = strings.TrimPrefix(s[strings.LastIndexAny(s, "*?[]{}")+1:], "/")
	}
	first := firstMeta(s)
	start := strings.LastIndexByte(s[:first], '/') + 1
	end, last := len(s), first // last: after the segment's last metacharacter
	for j := first; j < end; j++ {
		switch s[j] {
		case '{':
			return f
		case '*', '?':
			last = j + 1
		case '[': // the class ends at the first ']' after its first rune
			k := j + 1
			if k < len(s) && (s[k] == '!' || s[k] == '^') {
				k++
			}
			n := strings.IndexByte(s[min(k+1, len(s)):], ']')
			if n < 0 {
				return f
			}
			j = k + 1 + n
			last = j + 1
		case '/':
			end = j
		}
	}
	if s[start:end] == "**" {
		return f
	}
	f.seg, f.segHead, f.segTail = strings.Count(s[:start], "/"), s[start:first], s[last:end]
	return f
}

// pass reports whether path may match; false is certain.
func (f prefilter) pass(path string) bool {
	if !strings.HasSuffix(path, f.tail) {
		return false
	}
	if f.seg < 0 {
		return true
	}
	seg := path
	for range f.seg {
		i := strings.IndexByte(seg, '/')
		if i < 0 {
			return true // too short: the matcher says no
		}
		seg = seg[i+1:]
	}
	if i := strings.IndexByte(seg, '/'); i >= 0 {
		seg = seg[:i]
	}
	return len(seg) >= len(f.segHead)+len(f.segTail) && strings.HasPrefix(seg, f.segHead) && strings.HasSuffix(seg, f.segTail)
}

// TextDir is a folder every path the pattern text matches is at or below,
// read off the text without compiling it: the leading segments before the
// first one with a metacharacter, or the whole path of a literal. Every
// brace alternative starts with them, so it is the compiled pattern's Dir
// or a folder above it: an index that files the pattern there still finds
// it for every path it matches. A restored pattern's Dir is its TextDir.
// It does not check the text: for one ParsePattern rejects, it means
// nothing.
func TextDir(text string) string {
	s := text
	for strings.HasPrefix(s, "./") {
		s = s[2:]
	}
	return textDir(strings.TrimSuffix(s, "/"))
}

// textDir is TextDir of a text in normal form (normalizePattern).
func textDir(s string) string {
	first := firstMeta(s)
	if first < 0 {
		return s
	}
	return s[:max(0, strings.LastIndexByte(s[:first], '/'))]
}

// alternatives is p's brace expansion, compiled from the text for a
// restored pattern. A restored text that does not compile, which its store
// should have made impossible, stands for every path: an overlap decision
// then finds too many overlaps, never too few.
func (p Pattern) alternatives() []alternative {
	if !p.deferred || p.alts != nil { // InTree compiled a restored literal
		return p.alts
	}
	q, err := ParsePattern(p.Text)
	if err != nil {
		q, _ = ParsePattern("**")
		return q.alts
	}
	if p.file {
		q = q.InTree(NewTree([]string{q.literal}))
	}
	return q.alts
}

// firstMeta is the index of the first glob metacharacter of s (globMeta),
// or -1: strings.IndexAny, without its set built on every call.
func firstMeta(s string) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '*', '?', '[', '{':
			return i
		}
	}
	return -1
}
