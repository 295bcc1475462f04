package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestTrialCheckFindingsQuoteOddPaths: check prints each finding's path as
// it is, so a file named with newlines writes lines of its own choosing
// into the output: a forged "in scope" summary, or a GitHub Actions
// workflow command (::error::, ::add-mask::, ::stop-commands::) when check
// runs in a workflow. A path with control characters should be quoted (as
// git quotes it), one finding per line.
func TestTrialCheckFindingsQuoteOddPaths(t *testing.T) {
	t.Skip("trial: check prints a path with newlines raw: it forges lines and workflow commands")
	repo := checkRepo(t)
	name := "tools/x\n::error::all good\nthread 1 (extract-auth): in scope"
	write(t, filepath.Join(repo, name), "x\n")

	r := runIn(t, repo, "check")
	wantCode(t, r, exitFindings)
	lines := strings.Split(strings.TrimRight(r.stdout, "\n"), "\n")
	if len(lines) != 1 {
		t.Errorf("one violation, %d lines of output:\n%s", len(lines), r.stdout)
	}
	for _, l := range lines {
		if strings.HasPrefix(l, "::") || strings.Contains(l, "in scope\n") {
			t.Errorf("a file name wrote its own line: %q", l)
		}
	}
}
