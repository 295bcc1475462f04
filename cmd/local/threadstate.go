package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/parallel-sessions/parallel-sessions/plan"
)

// branchState is what git says of a thread branch against the base.
type branchState struct {
	exists bool
	tip    string
	// own is how many commits the branch has made since it was created
	// (0: none of its own); ahead and behind count against the base.
	own, ahead, behind int
	// landed: it has commits of its own, and all of them are in the base
	// (or the remote's base): merged, rebased or squashed.
	landed bool
	how    string // how it landed, see threadLanded
	in     string // the base it landed in, one of the bases it was read against
	// unpushed counts commits in neither the base nor any remote branch.
	unpushed int
}

// readBranchState asks git about branch against bases[0] (landing is
// looked for in all bases, see landingBases). The point the branch was
// created at is the oldest entry of its reflog; with none, the merge base
// past the plan's own commits (see pastPlanCommits: planFile is the plan's
// repository-relative path, "" when it is outside the repository).
func readBranchState(git gitCmd, branch string, bases []string, planFile string) (branchState, error) {
	tip, err := git.line("rev-parse", "--verify", "--quiet", "refs/heads/"+branch)
	if exitedWith(err, 1) {
		return branchState{}, nil
	}
	if err != nil {
		return branchState{}, fmt.Errorf("read branch %s: %w", branch, err)
	}
	return readBranchStateAt(git, branch, tip, bases, planFile)
}

// readBranchStateAt is readBranchState for a branch known to exist at tip
// (see branchTips).
func readBranchStateAt(git gitCmd, branch, tip string, bases []string, planFile string) (branchState, error) {
	baseSHA := bases[0]
	ref := "refs/heads/" + branch
	s := branchState{exists: true, tip: tip}
	counts, err := git.line("rev-list", "--left-right", "--count", tip+"..."+baseSHA)
	if err != nil {
		return s, fmt.Errorf("compare %s with the base: %w", branch, err)
	}
	fmt.Sscanf(counts, "%d %d", &s.ahead, &s.behind)
	// created is where the branch was made: the oldest entry of its
	// reflog, "" when git has none (reflogs off, expired, or a branch
	// written by hand) or the commit is gone.
	created := ""
	if log, err := git.output("reflog", "show", "--format=%H", ref, "--"); err == nil {
		if lines := strings.Fields(string(log)); len(lines) > 0 {
			created = lines[len(lines)-1]
		}
	}
	switch {
	case created == tip:
		// Still where it was made: no commit of its own, and no query
		// (the common case of a thread not started).
	case created != "":
		if n, err := git.line("rev-list", "--count", created+".."+tip); err == nil {
			fmt.Sscanf(n, "%d", &s.own)
			if s.own > 0 {
				if s.how, s.in, err = threadLanded(git, tip, created, bases); err != nil {
					return s, err
				}
			}
			break
		}
		fallthrough
	default:
		if err := s.judgeWithoutCreation(git, bases, planFile); err != nil {
			return s, fmt.Errorf("judge %s: %w", branch, err)
		}
	}
	s.landed = s.how != ""
	if s.ahead == 0 || s.landed {
		return s, nil // nothing of its own outside the base, so nothing unpushed
	}
	out, err := git.output("rev-list", tip, "--not", baseSHA, "--remotes")
	if err != nil {
		return s, fmt.Errorf("find unpushed commits of %s: %w", branch, err)
	}
	s.unpushed = bytes.Count(out, []byte("\n"))
	return s, nil
}

// judgeWithoutCreation fills in own and how for a branch with no creation
// point (no reflog: expired, turned off, or a branch written by hand). Its
// own commits are those above its merge base with bases[0] past the plan's
// own commits (see pastPlanCommits); it has landed when it has as turn
// judges it (see landedInBase), in any of bases.
func (s *branchState) judgeWithoutCreation(git gitCmd, bases []string, planFile string) error {
	if s.ahead > 0 {
		mergeBase, err := git.line("merge-base", s.tip, bases[0])
		if err != nil {
			return fmt.Errorf("find where it forked from the base: %w", err)
		}
		fork, err := pastPlanCommits(git, mergeBase, s.tip, planFile)
		if err != nil {
			return err
		}
		n, err := git.line("rev-list", "--count", fork+".."+s.tip)
		if err != nil {
			return fmt.Errorf("count its commits: %w", err)
		}
		fmt.Sscanf(n, "%d", &s.own)
	}
	for _, base := range bases {
		how, err := landedInBase(git, s.tip, base, planFile)
		if err != nil || how != "" {
			s.how, s.in = how, base
			return err
		}
	}
	return nil
}

// dirtyFiles counts uncommitted and untracked (not ignored) files in a
// worktree.
func dirtyFiles(dir string) (int, error) {
	dirty, _, err := worktreeFiles(dir, false)
	return dirty, err
}

// worktreeFiles reads a worktree with one git status: how many files are
// uncommitted or untracked and, when withIgnored, the ignored paths (a
// folder git ignores whole ends in "/"). The flags pin the answer against
// the user's config, which could otherwise hide work: every untracked file
// (status.showUntrackedFiles), every submodule change (diff.ignoreSubmodules,
// submodule.*.ignore), one path per entry (status.renames).
func worktreeFiles(dir string, withIgnored bool) (dirty int, ignored []string, err error) {
	args := []string{"status", "--porcelain", "-z", "--untracked-files=all", "--ignore-submodules=none", "--no-renames"}
	if withIgnored {
		args = append(args, "--ignored=matching")
	} else {
		args = append(args, "--ignored=no")
	}
	if err := checkGitLink(dir); err != nil {
		return 0, nil, err
	}
	out, err := gitCmd{dir: dir}.output(args...)
	if err != nil {
		return 0, nil, fmt.Errorf("read the state of %s: %w", dir, err)
	}
	for _, entry := range parseNULNames(out) {
		switch {
		case len(entry) < 4:
		case strings.HasPrefix(entry, "!! "):
			ignored = append(ignored, entry[3:])
		default:
			dirty++
		}
	}
	return dirty, ignored, nil
}

// checkGitLink fails unless worktree dir's .git is a file (a linked
// worktree's link to its git folder) or a folder. Without one, or with a
// FIFO there, git takes the repository around dir (the main checkout,
// which holds the worktrees folder) for dir's own and answers for it: no
// uncommitted files, no work; and ps-local would wait on a FIFO for ever.
func checkGitLink(dir string) error {
	name := filepath.Join(dir, ".git")
	info, err := os.Lstat(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s has no .git, so it is no worktree and git would read the repository around it: move it away, then run ps-local fanout", dir)
	case err != nil:
		return fmt.Errorf("read %s: %w", name, unwrapPath(err))
	case !info.Mode().IsRegular() && !info.IsDir():
		return fmt.Errorf("%s is not a regular file (%s), so git would read the repository around the worktree; remove it and run git worktree repair %s", name, fileKind(info.Mode()), quoteIfNeeded(dir))
	}
	return nil
}

// threadWorktree is a worktree in the plan's worktrees folder.
type threadWorktree struct {
	dir    string
	branch string // "" when detached
}

// threadWorktrees lists the worktrees inside the plan's worktrees folder,
// in plan order (see inPlanOrder), with one git worktree list.
func threadWorktrees(git gitCmd, root string, p *plan.Plan) ([]threadWorktree, error) {
	all, err := listWorktrees(git)
	if err != nil {
		return nil, err
	}
	base := filepath.Join(root, filepath.FromSlash(p.Worktrees))
	var out []threadWorktree
	for dir, ref := range all {
		if dir != base && within(base, dir) {
			out = append(out, threadWorktree{dir: dir, branch: strings.TrimPrefix(ref, "refs/heads/")})
		}
	}
	inPlanOrder(p, out)
	return out, nil
}

// branchTips reads the tip of every local branch with one `git
// for-each-ref`, so a command about many threads does not ask once per
// branch.
func branchTips(git gitCmd) (map[string]string, error) {
	refs, err := refTips(git, "refs/heads/")
	if err != nil {
		return nil, err
	}
	tips := map[string]string{}
	for ref, sha := range refs {
		tips[strings.TrimPrefix(ref, "refs/heads/")] = sha
	}
	return tips, nil
}

// refTips reads the tip of every ref under prefixes, by full ref name,
// with one `git for-each-ref`.
func refTips(git gitCmd, prefixes ...string) (map[string]string, error) {
	out, err := git.output(append([]string{"for-each-ref", "--format=%(objectname) %(refname)"}, prefixes...)...)
	if err != nil {
		return nil, fmt.Errorf("list branches: %w", err)
	}
	tips := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		sha, ref, ok := strings.Cut(line, " ")
		if ok {
			tips[ref] = sha
		}
	}
	return tips, nil
}
