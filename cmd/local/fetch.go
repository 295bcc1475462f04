package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
	"unicode"
)

// fetchTimeout bounds the fetch of the base that cleanup (and status
// --fetch) make first (README "cleanup").
const fetchTimeout = 20 * time.Second

// fetchBase brings origin's copy of the plan's base up to date, so that a
// thread merged on the remote counts as landed without a fetch by hand.
// A repository with no origin is left alone. A failed or timed-out fetch
// is a one-line note on stderr, and the command goes on with what it has.
// It reports whether origin's copy of the base moved.
func (c *command) fetchBase(git gitCmd, base string) bool {
	if git.dir == "" {
		return false
	}
	if _, err := git.line("config", "--get", "remote.origin.url"); err != nil {
		return false
	}
	moved, err := fetchRemoteBase(git, "origin", base, fetchTimeout)
	if err != nil {
		fmt.Fprintf(c.stderr, "ps-local: note: %s; going on with origin/%s as last fetched\n", oneLine(err), base)
	}
	return moved
}

// fetchRemoteBase runs git fetch of branch base from remote into
// refs/remotes/<remote>/<base>, within timeout, never prompting for
// credentials: no terminal prompt, no askpass program, no input. The
// command and anything it starts (ssh, a credential helper) are killed
// when the time is up. It reports whether the remote-tracking ref moved.
func fetchRemoteBase(git gitCmd, remote, base string, timeout time.Duration) (bool, error) {
	ref := "refs/remotes/" + remote + "/" + base
	before, _ := git.line("rev-parse", "--verify", "--quiet", ref)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "git", "fetch", "--quiet", "--no-tags", "--no-recurse-submodules", remote, "+refs/heads/"+base+":"+ref)
	cmd.Dir = git.dir
	cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "GIT_ASKPASS=", "SSH_ASKPASS=", "GCM_INTERACTIVE=never")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.WaitDelay = time.Second
	killGroupOnCancel(cmd)
	err := cmd.Run()
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return false, fmt.Errorf("git fetch %s %s gave no answer within %s", remote, base, timeout)
	case err != nil:
		first, _, _ := strings.Cut(strings.TrimSpace(stderr.String()), "\n")
		msg := printable(strings.TrimPrefix(first, "fatal: "))
		if msg == "" {
			msg = err.Error()
		}
		return false, fmt.Errorf("git fetch %s %s failed: %s", remote, base, msg)
	}
	after, err := git.line("rev-parse", "--verify", "--quiet", ref)
	if err != nil {
		return false, fmt.Errorf("read %s after the fetch: %w", ref, err)
	}
	return after != before, nil
}

// printable replaces the control characters of what a remote said (git
// relays its messages) with spaces, so it cannot drive the terminal.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}
