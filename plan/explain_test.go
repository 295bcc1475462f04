package plan

import (
	"os"
	"strings"
	"testing"
)

func TestExplain(t *testing.T) {
	data, err := os.ReadFile("testdata/valid/full.toml")
	if err != nil {
		t.Fatal(err)
	}
	p, fs := Parse("full.toml", data)
	if len(fs) > 0 {
		t.Fatalf("full.toml has findings: %v", fs)
	}
	tests := []struct {
		path      string
		owner     int // thread id, 0 for none
		shared    bool
		forbidden []int
	}{
		{"services/auth/login.go", 1, false, []int{2}},
		{"services/auth", 1, false, []int{2}},
		{"services/authz/x.go", 0, false, nil},
		{"services/api/v1/handler.go", 2, false, nil},
		{"services/api/README.md", 0, false, nil},
		{"docs/api/index.md", 2, false, nil},
		{"services/payments/charge.go", 3, false, []int{1}},
		{"go.sum", 0, true, nil},
		{"services/other/x.go", 0, false, nil}, // thread 4 owns services/ but is dropped
	}
	for _, tt := range tests {
		e := p.Explain(tt.path)
		owner := 0
		if len(e.Owners) > 1 {
			t.Errorf("%s: %d owners in a valid plan", tt.path, len(e.Owners))
		}
		if len(e.Owners) == 1 {
			owner = e.Owners[0].Thread.ID
		}
		var forbidden []int
		for _, c := range e.Forbidden {
			forbidden = append(forbidden, c.Thread.ID)
		}
		if owner != tt.owner || (len(e.Shared) > 0) != tt.shared || len(forbidden) != len(tt.forbidden) || (len(forbidden) > 0 && forbidden[0] != tt.forbidden[0]) {
			t.Errorf("Explain(%q) = owner %d, shared %v, forbidden %v; want %d, %v, %v", tt.path, owner, e.Shared, forbidden, tt.owner, tt.shared, tt.forbidden)
		}
	}
}

func TestPatternDir(t *testing.T) {
	for text, want := range map[string]string{
		"services/auth/":           "services/auth",
		"services/auth":            "services/auth",
		"./go.mod":                 "go.mod",
		"services/auth/**/*.go":    "services/auth",
		"services/*/x":             "services",
		"**/*.go":                  "",
		"*.md":                     "",
		"{a,b}/x":                  "",
		"docs/{api,guide}/page.md": "docs",
		"docs/{api,api}/page.md":   "docs/api/page.md",
		"tests/[a-m]*/":            "tests",
		"tests/a[b]c/d?":           "tests/abc",
		"src/{x/y,x/z}/**":         "src/x",
		"src/{x/y,xy}/**":          "src",
	} {
		p, err := ParsePattern(text)
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		if got := p.Dir(); got != want {
			t.Errorf("Dir(%q) = %q, want %q", text, got, want)
		}
	}
}

// TestMatchManyGlobstarsIsLinear guards against backtracking blow-up: a
// pattern of many globstars against a deep path that almost matches.
func TestMatchManyGlobstarsIsLinear(t *testing.T) {
	p, err := ParsePattern(strings.Repeat("**/a/", 20) + "b")
	if err != nil {
		t.Fatal(err)
	}
	deep := strings.Repeat("a/", 200) + "c"
	if p.Match(deep) {
		t.Errorf("%q matched a path without b", p.Text)
	}
	if !p.Match(strings.Repeat("a/", 200) + "b") {
		t.Errorf("%q did not match", p.Text)
	}
}
