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

// hookMarker tells a pre-push hook ps-local wrote from one it must not
// overwrite.
const hookMarker = "# installed by ps-local fanout --hooks"

// installHook writes the shared pre-push hook: on a thread branch it runs
// `ps-local --plan PLAN check --committed`; elsewhere it does nothing. A
// hook someone else wrote is left alone.
func installHook(git gitCmd, p *plan.Plan, planPath string) error {
	dir, err := git.line("rev-parse", "--path-format=absolute", "--git-path", "hooks")
	if err != nil {
		return fmt.Errorf("find the hooks folder: %w", err)
	}
	path := filepath.Join(dir, "pre-push")
	have, err := os.ReadFile(path)
	switch {
	case err == nil && !strings.Contains(string(have), hookMarker):
		return fmt.Errorf("%s exists and was not written by ps-local; add `ps-local check --committed` to it yourself", path)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("read %s: %w", path, err)
	}
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find the ps-local binary for the hook: %w", err)
	}
	var branches []string
	for _, t := range activeByOrder(p) {
		branches = append(branches, t.Branch)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := writeFileAtomic(path, []byte(hookScript(branches, planPath, self))); err != nil {
		return err
	}
	return os.Chmod(path, 0o755)
}

// hookScript is the pre-push hook's text. Everything the plan or the
// machine controls reaches the shell single-quoted: branch names are case
// patterns matched literally, never expanded. ps-local is looked up on
// PATH first, then at the path of the binary that installed the hook
// (which `go run` or a move may have removed).
func hookScript(branches []string, planPath, self string) string {
	patterns := make([]string, len(branches))
	for i, b := range branches {
		patterns[i] = shellQuote(b)
	}
	if len(patterns) == 0 {
		patterns = []string{"''"}
	}
	return fmt.Sprintf(`#!/bin/sh
%s: rerun it after the plan changes.
branch=$(git symbolic-ref --quiet --short HEAD) || exit 0
case "$branch" in
%s) ;;
*) exit 0 ;;
esac
if command -v ps-local >/dev/null 2>&1; then
	ps_local=ps-local
elif [ -x %s ]; then
	ps_local=%s
else
	echo "pre-push: ps-local is neither on PATH nor at "%s"; put ps-local on PATH, or rerun ps-local fanout --hooks with the binary you use" >&2
	exit 1
fi
exec "$ps_local" --plan %s check --committed
`, hookMarker, strings.Join(patterns, "|"), shellQuote(self), shellQuote(self), shellQuote(self), shellQuote(planPath))
}

// shellQuote quotes s for a POSIX shell: single quotes, each ' as '\”.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
