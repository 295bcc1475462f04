package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/parallel-sessions/parallel-sessions/ordering"
	"github.com/parallel-sessions/parallel-sessions/plan"
)

// gitHook is a hook ps-local installs for thread branches: the marker that
// tells it from a hook someone else wrote, and the check it runs.
type gitHook struct {
	name   string // pre-push, pre-commit
	marker string
	run    string // the shell tail after the ps-local lookup; "$ps_local" and "$plan" are set
	manual string // what to add by hand to a hook someone else wrote
}

// The hooks of fanout --hooks. The pre-push hook checks the committed
// work; the pre-commit hook checks the staged changes, and a failing
// `git diff` fails the commit rather than checking a partial list.
var (
	prePushHook = gitHook{
		name:   "pre-push",
		marker: "# installed by ps-local fanout --hooks",
		run:    `exec "$ps_local" --plan "$plan" check --committed`,
		manual: "ps-local check --committed",
	}
	preCommitHook = gitHook{
		name:   "pre-commit",
		marker: "# installed by ps-local fanout --hooks (pre-commit)",
		run: `staged=$(git diff --cached --name-status -M --no-ext-diff --no-textconv) || exit 1
[ -n "$staged" ] || exit 0
printf '%s\n' "$staged" | "$ps_local" --plan "$plan" check --files -`,
		manual: "git diff --cached --name-status -M | ps-local check --files -",
	}
)

// installHook writes hook h into the repository's shared hooks folder: on a
// thread branch it runs h's check with ps-local; elsewhere it does
// nothing. A hook someone else wrote is left alone.
func installHook(git gitCmd, p *plan.Plan, h gitHook, planPath, self string) error {
	dir, err := git.line("rev-parse", "--path-format=absolute", "--git-path", "hooks")
	if err != nil {
		return fmt.Errorf("find the hooks folder: %w", err)
	}
	path := filepath.Join(dir, h.name)
	have, err := os.ReadFile(path)
	switch {
	case err == nil && !strings.Contains(string(have), h.marker):
		return fmt.Errorf("%s exists and was not written by ps-local; add `%s` to it yourself", path, h.manual)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("read %s: %w", path, err)
	}
	var branches []string
	for _, t := range ordering.Active(p) {
		branches = append(branches, t.Branch)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := writeFileAtomic(path, []byte(hookScript(h, branches, planPath, self))); err != nil {
		return err
	}
	return os.Chmod(path, 0o755)
}

// hookScript is hook h's text. Everything the plan or the machine controls
// reaches the shell single-quoted: branch names are case patterns matched
// literally, never expanded. ps-local is looked up on PATH first, then at
// the path of the binary that installed the hook (which `go run` or a move
// may have removed).
func hookScript(h gitHook, branches []string, planPath, self string) string {
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
	echo "%s: ps-local is neither on PATH nor at "%s"; put ps-local on PATH, or rerun ps-local fanout --hooks with the binary you use" >&2
	exit 1
fi
plan=%s
%s
`, h.marker, strings.Join(patterns, "|"), shellQuote(self), shellQuote(self), h.name, shellQuote(self), shellQuote(planPath), h.run)
}

// shellQuote quotes s for a POSIX shell: single quotes, each ' as '\”.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
