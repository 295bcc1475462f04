package plan

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/bmatcuk/doublestar/v4"
)

func TestOverlapExamples(t *testing.T) {
	tests := []struct {
		a, b    string
		overlap bool
		witness string // checked when not empty
	}{
		{"services/**/*.go", "services/auth/", true, "services/auth/.go"},
		{"docs/*.md", "docs/api/", false, ""},
		{"a/{b,c}/", "a/c/x", true, "a/c/x"},
		{"services/auth/", "services/auth", true, "services/auth"},
		{"services/auth", "services/authz/", false, ""},
		{"go.mod", "go.sum", false, ""},
		{"**/*.go", "**/*.md", false, ""},
		{"**/*_test.go", "**/*.go", true, "_test.go"},
		{"src/*/main.go", "src/cmd/", true, "src/cmd/main.go"},
		{"src/*/main.go", "src/*/lib.go", false, ""},
		{"**", "x", true, "x"},
		{"a/**/b", "a/b", true, "a/b"},
		{"[!a]*", "a*", false, ""},
		{"[!a]*", "b/", true, "b"},
		{"x[!a]y", "x/", false, ""}, // a class never matches '/'
		{"{a,b}/{c,d}", "b/d/", true, "b/d"},
		{"{a,b}/{c,d}", "b/e/", false, ""},
		{"?", "ab", false, ""},
		{"?.go", "*.go", true, "a.go"},
		{".*", "*", true, ".a"},
		{"tests/**/fixtures/", "tests/auth/", true, "tests/auth/fixtures"},
		{"docs/**/*.md", "docs/api/**/*.txt", false, ""},
	}
	for _, tt := range tests {
		a, err := ParsePattern(tt.a)
		if err != nil {
			t.Fatalf("ParsePattern(%q): %v", tt.a, err)
		}
		b, err := ParsePattern(tt.b)
		if err != nil {
			t.Fatalf("ParsePattern(%q): %v", tt.b, err)
		}
		for _, order := range [][2]Pattern{{a, b}, {b, a}} {
			w, ok := Overlap(order[0], order[1])
			if ok != tt.overlap {
				t.Errorf("Overlap(%q, %q) = %v (witness %q), want %v", order[0].Text, order[1].Text, ok, w, tt.overlap)
				continue
			}
			if !ok {
				continue
			}
			if !a.Match(w) || !b.Match(w) {
				t.Errorf("witness %q of %q and %q does not match both", w, tt.a, tt.b)
			}
			if tt.witness != "" && w != tt.witness {
				t.Errorf("Overlap(%q, %q) witness = %q, want %q", order[0].Text, order[1].Text, w, tt.witness)
			}
		}
	}
}

// universe enumerates every valid path over a small alphabet: one to
// maxSegs segments of one to maxLen runes, none of them "." or "..".
func universe(alphabet string, maxLen, maxSegs int) []string {
	var segs []string
	var grow func(prefix string)
	grow = func(prefix string) {
		if prefix != "" && prefix != "." && prefix != ".." {
			segs = append(segs, prefix)
		}
		if len(prefix) == maxLen {
			return
		}
		for _, r := range alphabet {
			grow(prefix + string(r))
		}
	}
	grow("")
	paths := append([]string(nil), segs...)
	level := segs
	for n := 2; n <= maxSegs; n++ {
		var next []string
		for _, p := range level {
			for _, s := range segs {
				next = append(next, p+"/"+s)
			}
		}
		paths = append(paths, next...)
		level = next
	}
	return paths
}

// randomPattern builds a pattern from pieces that exercise every part of the
// syntax over the alphabet {a, b, c, .}.
func randomPattern(r *rand.Rand) string {
	pieces := []string{"a", "b", ".", "*", "?", "[ab]", "[!a]", "[a-b]", "[!.]", "[a-]", "[!-b]", "{a,b}", "{a/b,c}", "{,a}", "{b,**/a}", "{*,a/**}", "c"}
	nseg := 1 + r.IntN(3)
	var segs []string
	for range nseg {
		if r.IntN(6) == 0 {
			segs = append(segs, "**")
			continue
		}
		var b strings.Builder
		for range 1 + r.IntN(3) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		segs = append(segs, b.String())
	}
	p := strings.Join(segs, "/")
	if r.IntN(5) == 0 {
		p += "/"
	}
	return p
}

// exact compiles a path into an alternative that matches it alone.
func exact(path string) alternative {
	var items []syntaxItem
	for _, r := range path {
		if r == '/' {
			items = append(items, syntaxItem{sep: true})
			continue
		}
		items = append(items, syntaxItem{tok: token{kind: tokChar, set: literalRune(r)}})
	}
	alt, err := splitSegments(items)
	if err != nil {
		panic(err)
	}
	return alt
}

// TestPatternLanguageMatchesDoublestar checks, path by path, that the
// automaton the overlap decision runs on accepts exactly the paths
// doublestar.Match accepts, and that Pattern.Match agrees with both.
func TestPatternLanguageMatchesDoublestar(t *testing.T) {
	paths := universe("ab.", 2, 3)
	r := rand.New(rand.NewPCG(1, 2))
	checked := 0
	for range 300 {
		text := randomPattern(r)
		p, err := ParsePattern(text)
		if err != nil {
			continue
		}
		checked++
		for _, path := range paths {
			want, err := doublestar.Match(p.Glob, path)
			if err != nil {
				t.Fatalf("doublestar.Match(%q): %v", p.Glob, err)
			}
			_, model := p.intersect(Pattern{alts: []alternative{exact(path)}}, nil)
			if model != want || p.Match(path) != want {
				t.Fatalf("pattern %q (glob %q) on %q: doublestar %v, automaton %v, Match %v", text, p.Glob, path, want, model, p.Match(path))
			}
		}
	}
	if checked < 100 {
		t.Fatalf("only %d of 300 random patterns compiled; the generator no longer exercises the model", checked)
	}
}

// TestOverlapDifferential compares Overlap with brute force: every path of a
// small universe is tried against both patterns. An overlap in the universe
// must be found, with a witness no longer than the shortest path found; a
// witness must always match both patterns under doublestar.Match.
func TestOverlapDifferential(t *testing.T) {
	paths := universe("abc.", 2, 3)
	r := rand.New(rand.NewPCG(3, 4))
	var pats []Pattern
	var hits [][]bool
	for len(pats) < 120 {
		p, err := ParsePattern(randomPattern(r))
		if err != nil {
			continue
		}
		m := make([]bool, len(paths))
		for i, path := range paths {
			m[i], _ = doublestar.Match(p.Glob, path)
		}
		pats = append(pats, p)
		hits = append(hits, m)
	}
	overlaps := 0
	for i := range pats {
		for j := i; j < len(pats); j++ {
			shortest := ""
			for k, path := range paths {
				if hits[i][k] && hits[j][k] && (shortest == "" || len(path) < len(shortest)) {
					shortest = path
				}
			}
			w, ok := Overlap(pats[i], pats[j])
			if ok {
				overlaps++
				mi, _ := doublestar.Match(pats[i].Glob, w)
				mj, _ := doublestar.Match(pats[j].Glob, w)
				if !mi || !mj {
					t.Fatalf("Overlap(%q, %q) witness %q: doublestar says %v, %v", pats[i].Text, pats[j].Text, w, mi, mj)
				}
			}
			switch {
			case shortest != "" && !ok:
				t.Fatalf("Overlap(%q, %q) = false, but %q matches both", pats[i].Text, pats[j].Text, shortest)
			case shortest != "" && len(w) > len(shortest):
				t.Fatalf("Overlap(%q, %q) witness %q is longer than %q", pats[i].Text, pats[j].Text, w, shortest)
			}
		}
	}
	if overlaps == 0 || overlaps == len(pats)*(len(pats)+1)/2 {
		t.Fatalf("%d overlapping pairs: the generator no longer exercises both outcomes", overlaps)
	}
}
