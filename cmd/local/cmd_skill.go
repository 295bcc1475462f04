package main

import (
	"bytes"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// skillText is the Claude Code skill, embedded so the binary installs the
// text that matches its own commands (README, "The Claude Code skill").
//
//go:embed skill/SKILL.md
var skillText []byte

// skillDir is where the skill goes, below the repository's main worktree
// or below HOME with --user.
const skillDir = ".claude/skills/parallel-sessions"

func (c *command) runSkill(args []string) error {
	if len(args) == 0 || args[0] != "install" {
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
			fmt.Fprint(c.stdout, "Usage: ps-local skill install [--user] [--force]\n")
			return flag.ErrHelp
		}
		return fmt.Errorf("%w: ps-local skill install [--user] [--force]", errUsage)
	}
	fset := c.flags("skill install", "[--user] [--force]")
	user := fset.Bool("user", false, "install for every repository, under $HOME/"+skillDir)
	force := fset.Bool("force", false, "replace a different SKILL.md")
	if err := c.parseNoArgs(fset, args[1:]); err != nil {
		return err
	}
	var dir string
	if *user {
		home := c.getenv("HOME")
		if !filepath.IsAbs(home) {
			return errors.New("HOME is not set to an absolute path; set it, or install in the repository without --user")
		}
		dir = filepath.Join(home, filepath.FromSlash(skillDir))
	} else {
		root, git, err := c.mainWorktree()
		if err != nil {
			return err
		}
		if err := addExcludes(git, []string{"/" + skillDir + "/"}, "# parallel-sessions: ps-local skill install"); err != nil {
			return err
		}
		dir = filepath.Join(root, filepath.FromSlash(skillDir))
	}
	path := filepath.Join(dir, "SKILL.md")
	have, err := readRegular(path, maxSmallFile)
	switch why := refusal(err, maxSmallFile); {
	case err == nil && bytes.Equal(have, skillText):
		fmt.Fprintf(c.stdout, "%s is up to date\n", path)
		return nil
	case err == nil && !*force:
		return fmt.Errorf("%s exists and differs from this ps-local's skill; pass --force to replace it", path)
	case why != "" && !*force:
		return fmt.Errorf("%s is %s; pass --force to replace it", path, why)
	case err != nil && why == "" && !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("read %s: %w", path, unwrapPath(err))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, unwrapPath(err))
	}
	if err := writeFileAtomic(path, skillText); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	fmt.Fprintf(c.stdout, "wrote %s: run /parallel-sessions in Claude Code\n", path)
	return nil
}

// mainWorktree is the root of the repository's main worktree (the first
// one git lists), where the skill serves every thread.
func (c *command) mainWorktree() (string, gitCmd, error) {
	if _, err := gitTopLevel(c.dir); err != nil {
		return "", gitCmd{}, fmt.Errorf("%w; run inside a git repository, or pass --user", err)
	}
	out, err := gitCmd{dir: c.dir}.output("worktree", "list", "--porcelain", "-z")
	if err != nil {
		return "", gitCmd{}, fmt.Errorf("list worktrees: %w", err)
	}
	first, _, _ := strings.Cut(string(out), "\x00")
	root, ok := strings.CutPrefix(first, "worktree ")
	if !ok {
		return "", gitCmd{}, fmt.Errorf("git worktree list: unexpected output %q", first)
	}
	return root, gitCmd{dir: root}, nil
}
