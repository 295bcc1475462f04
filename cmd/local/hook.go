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
// `ps-local check --committed`; elsewhere it does nothing. A hook someone
// else wrote is left alone.
func installHook(git gitCmd, p *plan.Plan) error {
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
	script := fmt.Sprintf(`#!/bin/sh
%s: rerun it after the plan changes.
branch=$(git symbolic-ref --quiet --short HEAD) || exit 0
case " %s " in
*" $branch "*) exec %s check --committed ;;
esac
exit 0
`, hookMarker, strings.Join(branches, " "), shellQuote(self))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := writeFileAtomic(path, []byte(script)); err != nil {
		return err
	}
	return os.Chmod(path, 0o755)
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
