package plan

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bmatcuk/doublestar/v4"
)

// FuzzParse checks that no input makes the decoder panic, and that every
// finding points inside the file. Seeds: every golden plan, plus the corpus
// in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	for _, dir := range []string{"testdata/valid", "testdata/invalid"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.toml"))
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
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
