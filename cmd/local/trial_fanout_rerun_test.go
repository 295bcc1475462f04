package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestTrialFanoutRerunKeepsHandEdits: the README says re-running fanout is
// safe, and it keeps a worktree that exists; but it writes .env and
// CLAUDE.local.md of that worktree again, so a secret the operator added to
// .env, or notes added to CLAUDE.local.md, are gone without a word (they
// are excluded from git: nothing can bring them back). AGENTS.override.md,
// by contrast, is left alone when someone else wrote it.
func TestTrialFanoutRerunKeepsHandEdits(t *testing.T) {
	t.Skip("trial: re-running fanout overwrites a kept worktree's hand-edited .env and CLAUDE.local.md")
	repo := fanoutRepo(t)
	wantCode(t, runIn(t, repo, "fanout"), exitOK)
	wt := filepath.Join(repo, "worktrees", "thread-1")
	env := readFile(t, filepath.Join(wt, ".env")) + "API_KEY=hand-written\n"
	write(t, filepath.Join(wt, ".env"), env)
	claude := readFile(t, filepath.Join(wt, "CLAUDE.local.md")) + "\nAlways run the auth tests.\n"
	write(t, filepath.Join(wt, "CLAUDE.local.md"), claude)

	r := runIn(t, repo, "fanout")
	wantCode(t, r, exitOK)
	if got := readFile(t, filepath.Join(wt, ".env")); !strings.Contains(got, "API_KEY=hand-written") {
		t.Errorf("re-running fanout lost a hand-written .env line:\n%s\nstdout:\n%s\nstderr:\n%s", got, r.stdout, r.stderr)
	}
	if got := readFile(t, filepath.Join(wt, "CLAUDE.local.md")); got != claude {
		t.Errorf("re-running fanout overwrote CLAUDE.local.md:\n%s", got)
	}
}
