package main

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// gitTimeout bounds each git ps-local runs (README "The local workflow"):
// git opens the ignore and attribute files of a work tree (.gitignore,
// .gitattributes, info/exclude) without checking that they are regular
// files, so a FIFO planted there makes it wait for a writer for ever. It
// is far above what a checkout of a large repository takes; a push, which
// reads none of them but may move much over a slow link, has pushTimeout.
const (
	gitTimeout  = 10 * time.Minute
	pushTimeout = 30 * time.Minute
)

// gitCmd runs the real git in one work tree.
type gitCmd struct {
	dir     string
	timeout time.Duration // 0: gitTimeout
}

// gitError is a git command that ran and failed; Stderr says why.
type gitError struct {
	Args   []string
	Stderr string
	Code   int
}

func (e *gitError) Error() string {
	msg := strings.TrimSpace(e.Stderr)
	if msg == "" {
		msg = fmt.Sprintf("exit status %d", e.Code)
	}
	return fmt.Sprintf("git %s: %s", strings.Join(e.Args, " "), msg)
}

// output runs git with args and returns its standard output. A git that
// has not finished within the bound is killed, and that is an error.
func (g gitCmd) output(args ...string) ([]byte, error) {
	limit := cmp.Or(g.timeout, gitTimeout)
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = g.dir
	cmd.WaitDelay = time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("git %s gave no answer within %s in %s: a remote that does not answer, or a FIFO where git reads a file (.gitignore, .gitattributes, info/exclude), which makes it wait for ever (look for one with find . -type p)", strings.Join(args, " "), limit, cmp.Or(g.dir, "."))
		}
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return nil, &gitError{Args: args, Stderr: stderr.String(), Code: ee.ExitCode()}
		}
		return nil, fmt.Errorf("run git: %w", err)
	}
	return stdout.Bytes(), nil
}

// line runs git and returns the first line of its output, trimmed.
func (g gitCmd) line(args ...string) (string, error) {
	out, err := g.output(args...)
	if err != nil {
		return "", err
	}
	first, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSpace(first), nil
}

// exitedWith reports whether err is git exiting with code.
func exitedWith(err error, code int) bool {
	var ge *gitError
	return errors.As(err, &ge) && ge.Code == code
}
