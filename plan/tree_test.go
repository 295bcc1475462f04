package plan

import (
	"testing"

	"github.com/bmatcuk/doublestar/v4"
)

func TestLiteralFileInTree(t *testing.T) {
	tree := NewTree([]string{"go.sum", "README.md", "docs/index.md", "services/auth/login.go"})
	tests := []struct {
		pattern string
		path    string
		match   bool
	}{
		{"go.sum", "go.sum", true},
		{"go.sum", "go.sum/x.go", false}, // a file is not a folder
		{"./go.sum", "go.sum/x.go", false},
		{"go.sum/", "go.sum/x.go", true}, // a trailing '/' always means a folder
		{"docs", "docs/index.md", true},  // a folder keeps p or p/**
		{"docs", "docs", true},
		{"services/auth", "services/auth/login.go", true},
		{"services/auth", "services/authz/x", false},
		{"NEWS.md", "NEWS.md/x", true}, // names nothing yet: today's rule
		{"NEWS.md", "NEWS.md", true},
		{"README.md", "README.md", true},
		{"README.md", "README.md/_test.go", false},
		{"{go.sum}", "go.sum", true}, // globs are unaffected
	}
	for _, tt := range tests {
		p, err := ParsePattern(tt.pattern)
		if err != nil {
			t.Fatalf("ParsePattern(%q): %v", tt.pattern, err)
		}
		p = p.InTree(tree)
		if got := p.Match(tt.path); got != tt.match {
			t.Errorf("%q in tree: Match(%q) = %v, want %v (glob %q)", tt.pattern, tt.path, got, tt.match, p.Glob)
		}
		if p.IsFile() {
			if got := matchGlob(t, p.Glob, tt.path); got != tt.match {
				t.Errorf("%q in tree: glob %q matches %q = %v, want %v", tt.pattern, p.Glob, tt.path, got, tt.match)
			}
		}
	}
}

func TestLiteralFileOverlap(t *testing.T) {
	tree := NewTree([]string{"go.sum", "README.md", "pkg/a.go"})
	tests := []struct {
		a, b    string
		overlap bool
	}{
		{"go.sum", "**/*.go", false},
		{"README.md", "**/*_test.go", false},
		{"go.sum", "go.sum", true},
		{"go.sum", "*.sum", true},
		{"pkg", "**/*.go", true}, // a folder: pkg/a.go
		{"new.go", "**/*.go", true},
	}
	for _, tt := range tests {
		a, b := mustPattern(t, tt.a).InTree(tree), mustPattern(t, tt.b).InTree(tree)
		w, ok := Overlap(a, b)
		if ok != tt.overlap {
			t.Errorf("Overlap(%q, %q) in tree = %v (witness %q), want %v", tt.a, tt.b, ok, w, tt.overlap)
		}
		if ok && (!a.Match(w) || !b.Match(w)) {
			t.Errorf("witness %q does not match both %q and %q", w, tt.a, tt.b)
		}
	}
	// Without a tree the old meaning stands: go.sum may be a folder.
	if _, ok := Overlap(mustPattern(t, "go.sum"), mustPattern(t, "**/*.go")); !ok {
		t.Error("without a tree, go.sum and **/*.go overlap through go.sum/x.go")
	}
}

func TestParseInTreeFollowsTree(t *testing.T) {
	data := []byte(`shared = ["go.sum"]
[[threads]]
id = 1
branch = "code"
goal = "code"
owns = ["**/*.go"]
merge_order = 1
`)
	if _, fs := Parse("plan.toml", data); Errors(fs) == 0 {
		t.Fatal("without a tree: want the go.sum/x.go overlap")
	}
	p, fs := ParseInTree("plan.toml", data, NewTree([]string{"go.sum", "main.go"}))
	if Errors(fs) != 0 {
		t.Fatalf("with go.sum a file: %v", fs)
	}
	if e := p.Explain("go.sum/x.go"); len(e.Shared) != 0 {
		t.Errorf("Explain(go.sum/x.go) shared = %v, want none", e.Shared)
	}
}

func mustPattern(t testing.TB, s string) Pattern {
	t.Helper()
	p, err := ParsePattern(s)
	if err != nil {
		t.Fatalf("ParsePattern(%q): %v", s, err)
	}
	return p
}

func matchGlob(t *testing.T, glob, path string) bool {
	t.Helper()
	ok, err := doublestar.Match(glob, path)
	if err != nil {
		t.Fatalf("doublestar.Match(%q): %v", glob, err)
	}
	return ok
}
