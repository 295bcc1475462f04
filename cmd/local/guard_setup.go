package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/parallel-sessions/parallel-sessions/plan"
)

// agentsFile carries the brief to Codex, which reads AGENTS.override.md
// before AGENTS.md in each folder and takes one of them (README, "The
// edit-time guard"). Fanout writes it with the tracked AGENTS.md copied in
// first, so the project's own instructions stay loaded.
const (
	agentsFile     = "AGENTS.override.md"
	agentsBase     = "AGENTS.md"
	agentsMarker   = "<!-- written by ps-local fanout: rerun it after AGENTS.md or the plan changes -->"
	preCommitMark  = "# installed by ps-local fanout --hooks (pre-commit)"
	preCommitCheck = "check --files -"
)

// setupAgents writes what keeps an agent in its lane in worktree s.dir:
// the guard hook for Claude Code (unless noGuard) and AGENTS.override.md
// for Codex. Files someone else made or git tracks are left alone, with a
// note for the operator.
func setupAgents(p *plan.Plan, s fanoutStep, planFile, self string, noGuard bool) (notes []string, err error) {
	git := gitCmd{dir: s.dir}
	if !noGuard {
		note, err := writeGuardSettings(git, s.dir, guardCommand(self))
		if err != nil {
			return nil, err
		}
		if note != "" {
			notes = append(notes, note)
		}
	}
	note, err := writeAgentsOverride(git, s.dir, renderBrief(p, s.thread, planFile))
	if note != "" {
		notes = append(notes, note)
	}
	return notes, err
}

func writeAgentsOverride(git gitCmd, dir, brief string) (note string, err error) {
	path := filepath.Join(dir, agentsFile)
	if tracked, err := isTracked(git, agentsFile); err != nil {
		return "", err
	} else if tracked {
		return fmt.Sprintf("%s is tracked by git, so fanout leaves it alone: Codex reads it, not the brief", agentsFile), nil
	}
	have, err := os.ReadFile(path)
	switch {
	case err == nil && !strings.Contains(string(have), agentsMarker):
		return fmt.Sprintf("%s exists and was not written by ps-local, so Codex does not get the brief: add %s to it yourself", agentsFile, briefFile), nil
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return "", fmt.Errorf("read %s: %w", agentsFile, unwrapPath(err))
	}
	var b strings.Builder
	b.WriteString(agentsMarker + "\n\n")
	if base, err := os.ReadFile(filepath.Join(dir, agentsBase)); err == nil {
		b.Write(base)
		b.WriteString("\n\n")
	}
	b.WriteString(brief)
	if err := writeFileAtomic(path, []byte(b.String())); err != nil {
		return "", fmt.Errorf("write %s: %w", agentsFile, err)
	}
	return "", nil
}

// installPreCommit writes the shared pre-commit hook: on a thread branch
// it checks the staged changes with `ps-local check --files -`; elsewhere
// it does nothing. The branch list and the binary are single-quoted, so
// nothing from the plan reaches the shell unquoted; a failing `git diff`
// fails the commit rather than checking a partial list.
func installPreCommit(git gitCmd, p *plan.Plan, self string) error {
	dir, err := git.line("rev-parse", "--path-format=absolute", "--git-path", "hooks")
	if err != nil {
		return fmt.Errorf("find the hooks folder: %w", err)
	}
	path := filepath.Join(dir, "pre-commit")
	have, err := os.ReadFile(path)
	switch {
	case err == nil && !strings.Contains(string(have), preCommitMark):
		return fmt.Errorf("%s exists and was not written by ps-local; add `git diff --cached --name-status -M | ps-local %s` to it yourself", path, preCommitCheck)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("read %s: %w", path, err)
	}
	var branches []string
	for _, t := range activeByOrder(p) {
		branches = append(branches, t.Branch)
	}
	script := fmt.Sprintf(`#!/bin/sh
%s: rerun it after the plan changes.
branch=$(git symbolic-ref --quiet --short HEAD) || exit 0
threads=%s
case "$threads" in
*" $branch "*) ;;
*) exit 0 ;;
esac
staged=$(git diff --cached --name-status -M --no-ext-diff --no-textconv) || exit 1
[ -n "$staged" ] || exit 0
printf '%%s\n' "$staged" | %s %s
`, preCommitMark, shellQuote(" "+strings.Join(branches, " ")+" "), shellQuote(self), preCommitCheck)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := writeFileAtomic(path, []byte(script)); err != nil {
		return err
	}
	return os.Chmod(path, 0o755)
}
