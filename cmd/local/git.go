package main

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"strings"
)

// gitCmd runs the real git in one work tree.
type gitCmd struct {
	dir string
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

// output runs git with args and returns its standard output.
func (g gitCmd) output(args ...string) ([]byte, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = g.dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
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
