package plan

import (
	"os/exec"
	"testing"
)

// TestBranchNamesAgreeWithGit compares checkBranchName with the real
// `git check-ref-format --branch` on names that probe each rule.
func TestBranchNamesAgreeWithGit(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git not installed")
	}
	names := []string{
		"main", "feature/x", "extract-auth", "a.b", "v1.2.3", "ünïcode", "a_b", "a+b", "a=b", "a#b", "a,b", "a'b",
		"", "@", "HEAD", "-x", "x-", "/x", "x/", "x//y", "x..y", "x.", ".x", "x/.y", "x.lock", "x/y.lock", "x.lock/y",
		"a@{b", "a@b", "a b", "a\tb", "a~b", "a^b", "a:b", "a?b", "a*b", "a[b", "a\\b", "a\x7fb", "a]b", "a{b",
		"x/-y", "head", "refs/heads/x", "@x", "x@", ".", "..", "x.lock.y",
	}
	for _, name := range names {
		out, err := exec.Command(git, "check-ref-format", "--branch", name).CombinedOutput()
		gitOK := err == nil
		ours := checkBranchName(name)
		if gitOK != (ours == nil) {
			t.Errorf("branch %q: git says valid=%v (%s), checkBranchName says %v", name, gitOK, out, ours)
		}
	}
}
