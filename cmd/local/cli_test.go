package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
)

// TestExit: every kind of command result maps to one exit code and at most
// one message, printed by exit alone.
func TestExit(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	parseErr := (&command{}).parse(fs, []string{"--nope"})
	for _, tc := range []struct {
		name   string
		err    error
		code   int
		stderr string
	}{
		{"ok", nil, exitOK, ""},
		{"help printed", flag.ErrHelp, exitOK, ""},
		{"findings printed", errFindings, exitFindings, ""},
		{"findings wrapped", fmt.Errorf("thread 2: %w", errFindings), exitFindings, ""},
		{"usage", fmt.Errorf("%w: check takes no arguments, got %q", errUsage, "x"), exitError, "ps-local: check takes no arguments, got \"x\"\n"},
		{"usage wrapped again", fmt.Errorf("%w; or pass --thread", fmt.Errorf("%w: no thread 9", errUsage)), exitError, "ps-local: no thread 9; or pass --thread\n"},
		{"operational", fmt.Errorf("read the plan: %w", os.ErrPermission), exitError, "ps-local: read the plan: permission denied\n"},
		{"already reported", errReported, exitError, ""},
		{"flag error, printed by the flag package", parseErr, exitError, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr strings.Builder
			c := &command{stdout: &stdout, stderr: &stderr}
			if code := c.exit(tc.err); code != tc.code {
				t.Errorf("exit code %d, want %d", code, tc.code)
			}
			if stderr.String() != tc.stderr {
				t.Errorf("stderr %q, want %q", stderr.String(), tc.stderr)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout %q, want nothing", stdout.String())
			}
		})
	}
	if !errors.Is(parseErr, errReported) {
		t.Fatalf("a flag error is %v, want errReported", parseErr)
	}
}

// TestDispatchResults: the dispatcher's own results go through exit, in
// process, each with its code and one message.
func TestDispatchResults(t *testing.T) {
	for _, tc := range []struct {
		args         []string
		code         int
		stdout       string // a substring; "" for none
		stderr       string // exact
		stderrPrefix bool
	}{
		{[]string{"--help"}, exitOK, "Usage:", "", false},
		{[]string{"help"}, exitOK, "Usage:", "", false},
		{[]string{"--version"}, exitOK, "ps-local ", "", false},
		{[]string{}, exitError, "", "ps-local: plan-gated", true},
		{[]string{"nope"}, exitError, "", "ps-local: unknown command \"nope\"; run ps-local --help\n", false},
		{[]string{"--bogus"}, exitError, "", "ps-local: flag provided but not defined: -bogus\n", false},
		{[]string{"validate", "--help"}, exitOK, "Usage: ps-local validate", "", false},
		{[]string{"check", "-h"}, exitOK, "Usage: ps-local check", "", false},
		{[]string{"validate", "--bogus"}, exitError, "", "flag provided but not defined: -bogus\nUsage: ps-local validate", true},
		{[]string{"validate", "a.toml", "b.toml"}, exitError, "", "ps-local: validate takes no arguments, got \"a.toml\"\n", false},
		{[]string{"skill", "--help"}, exitOK, "Usage: ps-local skill install", "", false},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var stdout, stderr strings.Builder
			c := &command{stdout: &stdout, stderr: &stderr, dir: t.TempDir(), getenv: func(string) string { return "" }}
			if code := c.run(tc.args); code != tc.code {
				t.Errorf("exit code %d, want %d; stderr %q", code, tc.code, stderr.String())
			}
			if tc.stdout == "" && stdout.Len() > 0 || !strings.Contains(stdout.String(), tc.stdout) {
				t.Errorf("stdout %q, want %q", stdout.String(), tc.stdout)
			}
			if got := stderr.String(); tc.stderrPrefix && !strings.HasPrefix(got, tc.stderr) || !tc.stderrPrefix && got != tc.stderr {
				t.Errorf("stderr %q, want %q (prefix: %v)", got, tc.stderr, tc.stderrPrefix)
			}
		})
	}
}
