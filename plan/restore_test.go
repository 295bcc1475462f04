package plan

import (
	"strings"
	"testing"
)

// restored is p rebuilt by RestorePattern from what a store keeps of it.
func restored(t testing.TB, p Pattern) Pattern {
	t.Helper()
	r, err := RestorePattern(p.Text, p.Glob, p.IsFile())
	if err != nil {
		t.Fatalf("RestorePattern(%q, %q, %v): %v", p.Text, p.Glob, p.IsFile(), err)
	}
	return r
}

// isDirOf reports whether dir is folder or a folder above it, in whole
// segments.
func isDirOf(dir, folder string) bool {
	return dir == "" || dir == folder || strings.HasPrefix(folder, dir+"/")
}

// sameAsRestored fails when the restored pattern decides a path, its folder
// or an overlap with other otherwise than the compiled one.
func sameAsRestored(t *testing.T, p, other Pattern, path string) {
	t.Helper()
	r := restored(t, p)
	if validRepoPath(path) && r.Match(path) != p.Match(path) {
		t.Fatalf("pattern %q (glob %q) on %q: restored %v, compiled %v", p.Text, p.Glob, path, r.Match(path), p.Match(path))
	}
	if !isDirOf(r.Dir(), p.Dir()) {
		t.Fatalf("pattern %q: restored folder %q is not %q or above it", p.Text, r.Dir(), p.Dir())
	}
	w1, ok1 := Overlap(r, other)
	w2, ok2 := Overlap(p, other)
	if w1 != w2 || ok1 != ok2 {
		t.Fatalf("Overlap(%q, %q): restored %q %v, compiled %q %v", p.Text, other.Text, w1, ok1, w2, ok2)
	}
	w3, ok3 := Overlap(other, r)
	if w4, ok4 := Overlap(other, p); w3 != w4 || ok3 != ok4 {
		t.Fatalf("Overlap(%q, %q): restored %q %v, compiled %q %v", other.Text, p.Text, w3, ok3, w4, ok4)
	}
}

func TestRestoredPatternsDecideAsCompiled(t *testing.T) {
	tree := NewTree([]string{"go.mod", "docs/readme.md", "a/b/c.txt"})
	paths := []string{"go.mod", "go.mod/x", "docs/readme.md", "docs/readme.md/x", "docs/api/page2.md",
		"docs/guide/v1/page2.md", "services/svc1/part0/a.go", "services/svc1/x/y_1.go", "tests/svc1/ab3/x",
		"tests/svc1/zz3/x", "a/b/c.txt", "a/b", "x.go", "vendor/x/y.go", "a", "é/ü.go", "0", "a/0", "ab/b",
		"a/xz.go", "a/yz", "tests/svc1/a33", "tests/svc1/3", "pq/r", "p/q/r", "services/svc1/_1.go",
		"services/svc1x/y_1.go", "services/svc1", "services/svc1_1.go", "x_1.go", ".go", "docs/a.md",
		"docs/a.md/b", "docs/x/a.md", "docsa.md"}
	patterns := []string{"go.mod", "./go.mod", "docs/readme.md", "docs/", "docs/{api,guide}/**/page2.md",
		"services/svc1/part0/", "services/svc1/**/*_1.go", "tests/svc1/[a-m]*3/", "**/*.go", "a/b",
		"a/b/", "**", "*", "{a,a}/b", "a/[b]/c.txt", "é/*.go", "{docs/api,docs/guide}/**", "vendor/", "**/0",
		"a/[x/y]z*", "a/[!q]z.go", "tests/svc1/[a-m]*3", "tests/svc1/[^a]?3/", "p*/{q,q/r}", "p/**/r",
		"docs/*.md", "*.go", "services/**/*", "**/*", "*", "docs/**/*a.md", "services/svc1/*_1.go"}
	for _, text := range patterns {
		p, err := ParsePattern(text)
		if err != nil {
			t.Fatalf("ParsePattern(%q): %v", text, err)
		}
		for _, q := range []Pattern{p, p.InTree(tree)} {
			for _, otherText := range patterns {
				other, _ := ParsePattern(otherText)
				for _, path := range paths {
					sameAsRestored(t, q, other.InTree(tree), path)
				}
			}
		}
	}
}

func TestRestorePatternRefusesWhatDoesNotBelong(t *testing.T) {
	for _, c := range []struct {
		text, glob string
		file       bool
	}{
		{"", "", false},
		{"/abs", "/abs/**", false},
		{"a\\b", "a\\b/**", false},
		{"go.mod", "go.mod/{", false},          // not a valid glob
		{"docs/", "docs", true},                // a folder is never a file
		{"**/*.go", "**/*.go", true},           // a glob is never a file
		{"**/*.go", "[", false},                // not a valid glob
		{"docs/*.md", "docs/{a,b", false},      // not a valid glob
		{strings.Repeat("a", 300), "x", false}, // too long
	} {
		if p, err := RestorePattern(c.text, c.glob, c.file); err == nil {
			t.Errorf("RestorePattern(%q, %q, %v) = %+v, want an error", c.text, c.glob, c.file, p)
		}
	}
}

// FuzzRestorePattern holds a restored pattern to the compiled one: the
// same match on every repository path, its folder at or above the
// compiled one's, and the same overlap decisions. Seeds:
// testdata/fuzz/FuzzRestorePattern.
func FuzzRestorePattern(f *testing.F) {
	f.Add("services/**/*_auth.go", "services/a/b/x_auth.go", "services/a/", false)
	f.Add("docs/{api,guide}/[!a-c]?.md", "docs/api/dx.md", "docs/*/dx.md", false)
	f.Add("go.mod", "go.mod", "*", true)
	f.Add("a*/**/b", "ab/b", "{a,b}/**", false)
	f.Fuzz(func(t *testing.T, text, path, otherText string, inTree bool) {
		p, err := ParsePattern(text)
		if err != nil {
			return
		}
		other, err := ParsePattern(otherText)
		if err != nil {
			return
		}
		if inTree {
			p = p.InTree(NewTree([]string{p.literal}))
		}
		sameAsRestored(t, p, other, path)
	})
}
