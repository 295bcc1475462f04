package plan

import (
	"slices"
	"testing"
)

const coveragePlan = `shared = ["go.sum"]

[[threads]]
id = 1
branch = "docs"
goal = "docs"
owns = ["docs/", "README.md"]
merge_order = 1

[[threads]]
id = 2
branch = "code"
goal = "code"
owns = ["cmd/**/*.go", "internal/"]
forbids = ["cmd/legacy/"]
merge_order = 2

[[threads]]
id = 3
branch = "old"
goal = "dropped"
owns = ["LICENSE"]
merge_order = 3
status = "dropped"
`

func TestCoverageWarnings(t *testing.T) {
	tree := NewTree([]string{"doc/index.md", "README.md", "go.sum", "cmd/tool/main.go", "cmd/legacy/old.go", "LICENSE", "Makefile"})
	_, fs := ParseInTree("plan.toml", []byte(coveragePlan), tree)
	var got []string
	for _, f := range fs {
		if f.Severity != Warning {
			t.Errorf("unexpected error: %s", f)
			continue
		}
		got = append(got, f.String())
	}
	want := []string{
		`plan.toml:7:9: warning: thread 1 (docs) owns "docs/", which matches no file on the base branch "main"; check the spelling, or ignore this if the thread creates it [coverage]`,
		`plan.toml:14:24: warning: thread 2 (code) owns "internal/", which matches no file on the base branch "main"; check the spelling, or ignore this if the thread creates it [coverage]`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n%q\nwant:\n%q", got, want)
	}
	if Errors(fs) != 0 {
		t.Error("warnings made the plan invalid")
	}
	if _, fs := Parse("plan.toml", []byte(coveragePlan)); len(fs) != 0 {
		t.Errorf("without a tree there is no coverage to check: %v", fs)
	}
}

func TestUnowned(t *testing.T) {
	tree := NewTree([]string{"doc/index.md", "README.md", "go.sum", "cmd/tool/main.go", "cmd/legacy/old.go", "LICENSE", "Makefile"})
	p, _ := ParseInTree("plan.toml", []byte(coveragePlan), tree)
	// LICENSE belongs to a dropped thread, cmd/legacy is carved out.
	want := []string{"LICENSE", "Makefile", "cmd/legacy/old.go", "doc/index.md"}
	if got := p.Unowned(); !slices.Equal(got, want) {
		t.Errorf("Unowned() = %q, want %q", got, want)
	}
}

func TestTreeUnder(t *testing.T) {
	tree := NewTree([]string{"a", "a/b", "a/c/d", "a.b", "ab/x", "b"})
	tests := map[string][]string{
		"":    {"a", "a.b", "a/b", "a/c/d", "ab/x", "b"},
		"a":   {"a", "a/b", "a/c/d"},
		"a/c": {"a/c/d"},
		"z":   nil,
	}
	for dir, want := range tests {
		if got := tree.under(dir); !slices.Equal(got, want) {
			t.Errorf("under(%q) = %q, want %q", dir, got, want)
		}
	}
}
