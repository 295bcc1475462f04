package plan

import (
	"strings"
	"testing"

	"github.com/bmatcuk/doublestar/v4"
)

// FuzzParse checks that no input makes the decoder panic, and that every
// finding points inside the file; with the proof budget no input takes
// unbounded work (the fuzzer's per-input timeout would report one). Seeds:
// every golden plan, the 15 KB brace-heavy plan that exhausts the budget,
// plus the corpus in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Add(braceHeavyPlan())
	addGoldenPlans(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		p, fs := Parse("fuzz.toml", data)
		if p == nil && len(fs) == 0 {
			t.Fatal("no plan and no findings")
		}
		checkPositionsInside(t, data, fs)
		for _, f := range fs {
			if f.Rule == "" || f.Message == "" {
				t.Fatalf("finding without rule or message: %#v", f)
			}
		}
	})
}

// FuzzOverlap checks Overlap on arbitrary pattern pairs: it is symmetric in
// its answer, and every witness is a valid path that doublestar.Match
// confirms against both patterns' globs, and Pattern.Match agrees.
func FuzzOverlap(f *testing.F) {
	seeds := [][2]string{
		{"services/**/*.go", "services/auth/"},
		{"docs/*.md", "docs/api/"},
		{"a/{b,c}/", "a/c/x"},
		{"[!a]*", "b/"},
		{"{a/b,c}*/", "a/b"},
		{"**/*_test.go", "**/*.go"},
		{".*", "*"},
		{"x/{,a/}b", "x/**/b"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, x, y string) {
		a, errA := ParsePattern(x)
		b, errB := ParsePattern(y)
		if errA != nil || errB != nil {
			return
		}
		w, ok := Overlap(a, b)
		w2, ok2 := Overlap(b, a)
		if ok != ok2 || len(w) != len(w2) {
			t.Fatalf("Overlap not symmetric: (%q, %v) vs (%q, %v)", w, ok, w2, ok2)
		}
		if !ok {
			return
		}
		if w == "" || strings.HasPrefix(w, "/") || strings.HasSuffix(w, "/") || strings.Contains(w, "//") {
			t.Fatalf("witness %q is not a path", w)
		}
		for _, p := range []Pattern{a, b} {
			m, err := doublestar.Match(p.Glob, w)
			if err != nil || !m || !p.Match(w) {
				t.Fatalf("witness %q of %q and %q: doublestar.Match(%q) = %v, %v; Match = %v", w, x, y, p.Glob, m, err, p.Match(w))
			}
		}
	})
}

// FuzzMatch holds Pattern.Match, which runs on the compiled pattern, to
// doublestar.Match on the pattern's glob, for every valid path.
func FuzzMatch(f *testing.F) {
	f.Add("services/**/*_auth.go", "services/a/b/x_auth.go")
	f.Add("docs/{api,guide}/[!a-c]?.md", "docs/api/dx.md")
	f.Add("a*/**/b", "ab/b")
	f.Add("**/*.go", "x.go")
	f.Fuzz(func(t *testing.T, pattern, path string) {
		p, err := ParsePattern(pattern)
		if err != nil || !validRepoPath(path) {
			return
		}
		want, err := doublestar.Match(p.Glob, path)
		if err != nil {
			t.Fatalf("doublestar.Match(%q): %v", p.Glob, err)
		}
		if got := p.Match(path); got != want {
			t.Fatalf("pattern %q (glob %q) on %q: Match %v, doublestar %v", pattern, p.Glob, path, got, want)
		}
	})
}

// validRepoPath accepts what git can name: relative, no NUL, no empty, "."
// or ".." segments; git allows bytes that are not UTF-8.
func validRepoPath(p string) bool {
	if p == "" || strings.ContainsRune(p, 0) {
		return false
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
	}
	return true
}

// FuzzTerritory checks the carve-out search on arbitrary patterns: a
// witness is in both territories (it matches a and b, not forbid); the
// search agrees with Overlap, which it refines (no territory overlap where
// the patterns do not overlap, and one whenever Overlap's own witness is not
// forbidden); and within a budget the work is bounded: it either decides or
// says it ran out. literal places the literal patterns in a tree where they
// are files. Seeds: testdata/fuzz/FuzzTerritory.
func FuzzTerritory(f *testing.F) {
	f.Add("services/auth/", "**/*_test.go", "**/*_test.go", false)
	f.Add("**/*.go", "go.sum", "", true)
	f.Add("a/**", "**/b", "a/{x,y}/**", false)
	f.Fuzz(func(t *testing.T, x, y, z string, literal bool) {
		a, errA := ParsePattern(x)
		b, errB := ParsePattern(y)
		if errA != nil || errB != nil {
			return
		}
		var forbid []Pattern
		if c, err := ParsePattern(z); err == nil {
			forbid = append(forbid, c)
		}
		if literal {
			tree := NewTree([]string{x, y, z})
			a, b = a.InTree(tree), b.InTree(tree)
			for i := range forbid {
				forbid[i] = forbid[i].InTree(tree)
			}
		}
		bud := &budget{left: 200_000}
		w, ok, decided := territoryOverlap(a, b, forbid, bud)
		if !decided {
			if bud.left != 0 {
				t.Fatal("undecided with budget left")
			}
			return
		}
		if ok && (!a.Match(w) || !b.Match(w) || matchesAny(forbid, w)) {
			t.Fatalf("witness %q is not in both territories of %q, %q minus %q", w, x, y, z)
		}
		pw, pok := Overlap(a, b)
		if ok && !pok {
			t.Fatalf("territories of %q and %q meet at %q, but the patterns do not overlap", x, y, w)
		}
		if pok && !matchesAny(forbid, pw) && !ok {
			t.Fatalf("%q and %q both match %q, not forbidden by %q, but the territories do not meet", x, y, pw, z)
		}
	})
}
