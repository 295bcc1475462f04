package main

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"strings"
)

// mergeCheck is one merge whose outcome conflicts predicts: ours into
// theirs, both commits.
type mergeCheck struct {
	ours, theirs string
}

// mergeOutcome is what git merge-tree says of one mergeCheck: the
// conflicting files, none when it merges cleanly.
type mergeOutcome struct {
	conflict bool
	files    []string
	err      error
}

// predictMerges runs git merge-tree --write-tree for each check, at most
// runtime.NumCPU() at once, never touching a work tree. The exit code
// decides (0 clean, 1 conflicts), not the file list; any other outcome is
// an error (README "Conflicts, predicted: conflicts").
func predictMerges(git gitCmd, checks []mergeCheck) []mergeOutcome {
	out := make([]mergeOutcome, len(checks))
	concurrently(len(checks), func(i int) { out[i] = predictMerge(git, checks[i]) })
	return out
}

// predictMerge runs one git merge-tree; it keeps the output of exit 1,
// which gitCmd.output drops.
func predictMerge(git gitCmd, c mergeCheck) mergeOutcome {
	cmd := exec.Command("git", "merge-tree", "--write-tree", "--name-only", "--no-messages", "-z", c.ours, c.theirs)
	cmd.Dir = git.dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	conflict := false
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee) && ee.ExitCode() == 1:
		conflict = true
	default:
		return mergeOutcome{err: fmt.Errorf("predict the merge of %.12s into %.12s (git merge-tree --write-tree needs git 2.38 or later): %v: %s", c.ours, c.theirs, err, strings.TrimSpace(stderr.String()))}
	}
	fields := strings.Split(strings.TrimSuffix(stdout.String(), "\x00"), "\x00")
	if fields[0] == "" {
		return mergeOutcome{err: fmt.Errorf("predict the merge of %.12s into %.12s: git merge-tree printed no tree", c.ours, c.theirs)}
	}
	return mergeOutcome{conflict: conflict, files: fields[1:]}
}
