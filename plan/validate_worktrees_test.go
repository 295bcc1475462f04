package plan

import (
	"strings"
	"testing"
)

// TestWorktreesFolderFinding: only a pattern that holds the worktrees folder
// itself is a finding; a docs thread owning every Markdown file is not.
func TestWorktreesFolderFinding(t *testing.T) {
	cases := []struct {
		owns string
		want bool
	}{
		{`"worktrees/"`, true},
		{`"**"`, true},
		{`"**/*"`, true},
		{`"**/*.md"`, false},
		{`"docs/"`, false},
		{`"worktrees/thread-*/"`, true},
	}
	for _, c := range cases {
		src := "[[threads]]\nid = 1\nbranch = \"a\"\ngoal = \"g\"\nowns = [" + c.owns + "]\nmerge_order = 1\n"
		_, fs := Parse("plan.toml", []byte(src))
		got := false
		for _, f := range fs {
			got = got || (f.Rule == "worktrees" && strings.Contains(f.Message, "covers the worktrees folder"))
		}
		if got != c.want {
			t.Errorf("owns = [%s]: worktrees finding %v, want %v (%v)", c.owns, got, c.want, fs)
		}
	}
}
