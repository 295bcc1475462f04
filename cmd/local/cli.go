package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/parallel-sessions/parallel-sessions/cmd/internal/buildinfo"
)

// Exit codes (README, "ps-local").
const (
	exitOK       = 0
	exitFindings = 1 // invalid plan, scope violation, not ready
	exitError    = 2 // usage or operational error
)

// version is stamped at build time with -ldflags "-X main.version=v1.2.3".
var version = "dev"

// command is one invocation of ps-local, with everything it touches outside
// the process injected so tests can drive it.
type command struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	dir            string // the working directory
	getenv         func(string) string
	planFlag       string // --plan, "" for the default
	jobs           int    // the most worktrees fanout makes at a time; 0: runtime.NumCPU()
	repo           repoMemo
}

const usage = `ps-local: plan-gated parallel development with git worktrees

Usage:
  ps-local [--plan FILE] COMMAND [flags] [args]

Commands:
  demo      [--dir DIR] the main job on a throwaway repository, no network
  init      [--force]   write a commented plan.toml template
  validate  [--json]    check the plan: exit 0 valid, 1 findings
  explain   [--json] PATH... | --unowned
                        which thread owns, forbids or shares each path;
                        --unowned lists the base's files no thread owns
  fanout    [--dry-run] [--hooks] [--no-guard] [--no-setup] [--setup-timeout D] [--command CMD]
                        one worktree and branch per active thread, with its
                        THREAD_BRIEF.md, .env and the edit-time guard
  check     [--thread ID] [--base REF] [--committed] [--files FILE|-] [--json]
                        check that a thread's changes stay in its scope:
                        exit 0 in scope, 1 violations
  status    [--json] [--fetch]
                        one row per thread: worktree, commits, scope, push,
                        predicted conflicts, PR;
                        --fetch fetches the base from origin first
  turn      [--thread ID] [--remote NAME] [--json]
                        the order gate through git: exit 0 when every
                        earlier thread has landed in the remote's base, 1
                        with what it waits on
  conflicts [--json]    predict merge conflicts of each thread with the base
                        and earlier threads (git merge-tree): exit 1 if any
  push      [--remote NAME] [--open-prs] [--force-scope]
                        push thread branches (never force) after their scope
                        check; open or update their pull requests
  converge  [--remote NAME] [--no-push]
                        push --open-prs; --no-push prints what it would run
  cleanup   [--force] [--discard-ignored] [--delete-branches] [--no-fetch]
                        fetch the base from origin (20 s at most), then remove
                        the worktrees of landed threads; never one with
                        uncommitted, unpushed or ignored work unless --force
                        (--discard-ignored: ignored files may go)
  guard                 Claude Code PreToolUse hook: deny an edit outside the
                        thread's scope (reads the hook's JSON on stdin)
  skill     install [--user] [--force]
                        install the parallel-sessions Claude Code skill

Commands that take no paths also take the plan file as their one argument
(ps-local fanout plan.toml).

Global flags:
  --plan FILE   the plan (default: plan.toml at the root of the git repository
                containing the current directory)
  --help        show this help
  --version     print the version

Exit codes: 0 ok, 1 findings (invalid plan, scope violation), 2 usage or
operational error.
`

// A command returns nil, flag.ErrHelp (it printed its help), or an error;
// exit turns that into the exit code and the one message users see.
var (
	// errUsage marks an error the user fixes by changing the command line.
	errUsage = errors.New("usage")
	// errFindings: the command printed its findings (invalid plan, scope
	// violation, not ready); exit 1 with nothing more.
	errFindings = errors.New("findings")
	// errReported: the command already printed why it failed; exit 2 with
	// nothing more.
	errReported = errors.New("error already reported")
)

// run runs one invocation and returns its exit code.
func (c *command) run(args []string) int {
	return c.exit(c.dispatch(args))
}

// exit maps a command's result to its exit code, and prints the error
// unless the command already did.
func (c *command) exit(err error) int {
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errFindings):
		return exitFindings
	case errors.Is(err, errReported):
		return exitError
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	}
	fmt.Fprintf(c.stderr, "ps-local: %s\n", strings.TrimPrefix(err.Error(), errUsage.Error()+": "))
	return exitError
}

// dispatch parses the global flags and runs the command they name.
func (c *command) dispatch(args []string) error {
	global := flag.NewFlagSet("ps-local", flag.ContinueOnError)
	global.SetOutput(io.Discard)
	global.StringVar(&c.planFlag, "plan", "", "")
	help := global.Bool("help", false, "")
	showVersion := global.Bool("version", false, "")
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(c.stdout, usage)
			return flag.ErrHelp
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	switch {
	case *help:
		fmt.Fprint(c.stdout, usage)
		return flag.ErrHelp
	case *showVersion:
		fmt.Fprintf(c.stdout, "ps-local %s\n", buildinfo.Version(version))
		return nil
	case global.NArg() == 0:
		fmt.Fprint(c.stderr, usage)
		return errReported
	}
	name, rest := global.Arg(0), global.Args()[1:]
	switch name {
	case "init":
		return c.runInit(rest)
	case "validate":
		return c.runValidate(rest)
	case "explain":
		return c.runExplain(rest)
	case "check":
		return c.runCheck(rest)
	case "fanout":
		return c.runFanout(rest)
	case "cleanup":
		return c.runCleanup(rest)
	case "push":
		return c.runPush(rest)
	case "status":
		return c.runStatus(rest)
	case "turn":
		return c.runTurn(rest)
	case "conflicts":
		return c.runConflicts(rest)
	case "converge":
		return c.runConverge(rest)
	case "demo":
		return c.runDemo(rest)
	case "guard":
		return c.runGuard(rest)
	case "skill":
		return c.runSkill(rest)
	case "help":
		fmt.Fprint(c.stdout, usage)
		return flag.ErrHelp
	default:
		return fmt.Errorf("%w: unknown command %q; run ps-local --help", errUsage, name)
	}
}

// flags returns a flag set for a subcommand that also accepts --plan, so
// `ps-local validate --plan x.toml` works as well as the global form.
func (c *command) flags(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("ps-local "+name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.StringVar(&c.planFlag, "plan", c.planFlag, "read the plan from `FILE` (default: plan.toml at the repository root)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: ps-local %s %s\n\nFlags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses subcommand flags: nil to go on, flag.ErrHelp when it
// printed the help (on stdout), errReported when it printed the flag
// package's error and the usage (on stderr).
func (c *command) parse(fs *flag.FlagSet, args []string) error {
	var said bytes.Buffer
	out := fs.Output()
	fs.SetOutput(&said)
	err := fs.Parse(args)
	fs.SetOutput(out)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		c.stdout.Write(said.Bytes())
		return flag.ErrHelp
	default:
		out.Write(said.Bytes())
		return fmt.Errorf("%w: %w", errReported, err)
	}
}

// parseNoArgs is parse for subcommands that take flags only.
func (c *command) parseNoArgs(fs *flag.FlagSet, args []string) error {
	if err := c.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 1 && c.planFlag == "" && fs.Name() != "ps-local init" {
		c.planFlag = fs.Arg(0) // the seed's form: ps-local fanout plan.toml
		return nil
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: %s takes no arguments, got %q", errUsage, strings.TrimPrefix(fs.Name(), "ps-local "), fs.Arg(0))
	}
	return nil
}
