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

// TestWorktreesFolderInTree: with the base tree known, a worktrees folder
// that is a file, lies under a file or holds tracked files is a finding at
// the worktrees key (the file as a whole when the key is absent).
func TestWorktreesFolderInTree(t *testing.T) {
	tree := NewTree([]string{"file", "docs/a.md", "worktrees", "src/main.go"})
	cases := []struct {
		key  string // the worktrees line, "" for none
		want string // the finding, "" for none
	}{
		{`worktrees = "file/wt"`, `plan.toml:1:13: worktrees folder "file/wt" is inside "file", a file on the base branch "main"; choose a folder of its own (worktrees = ".worktrees") [worktrees]`},
		{`worktrees = "file"`, `plan.toml:1:13: worktrees folder "file" is a file on the base branch "main"; choose a folder of its own (worktrees = ".worktrees") [worktrees]`},
		{`worktrees = "docs/"`, `plan.toml:1:13: worktrees folder "docs" holds files on the base branch "main" (docs/a.md); fanout would hide new files there from git, so choose a folder of its own (worktrees = ".worktrees") [worktrees]`},
		{``, `plan.toml:1:1: worktrees folder "worktrees" is a file on the base branch "main"; choose a folder of its own (worktrees = ".worktrees") [worktrees]`},
		{`worktrees = ".worktrees"`, ``},
		{`worktrees = "doc"`, ``},
		{`worktrees = "other/wt"`, ``},
	}
	for _, c := range cases {
		src := c.key + "\n[[threads]]\nid = 1\nbranch = \"a\"\ngoal = \"g\"\nowns = [\"src/\"]\nmerge_order = 1\n"
		_, fs := ParseInTree("plan.toml", []byte(src), tree)
		var got []string
		for _, f := range fs {
			if f.Rule == "worktrees" {
				got = append(got, f.String())
			}
		}
		if want := []string{c.want}; (c.want == "" && len(got) != 0) || (c.want != "" && strings.Join(got, "\n") != c.want) {
			t.Errorf("%s: got %q, want %q", c.key, got, want)
		}
	}
	// Without a tree there is nothing to compare with.
	_, fs := Parse("plan.toml", []byte("worktrees = \"file/wt\"\n"))
	for _, f := range fs {
		if f.Rule == "worktrees" {
			t.Errorf("no tree: %v", f)
		}
	}
}
