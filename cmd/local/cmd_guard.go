package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/parallel-sessions/parallel-sessions/check"
	"github.com/parallel-sessions/parallel-sessions/plan"
)

// runGuard is the Claude Code PreToolUse hook: it reads the hook input on
// stdin and denies an edit outside the thread's scope by printing a deny
// decision; it allows by printing nothing. Every decision exits 0; exit 2
// is an operational failure, which Claude Code also treats as a block
// (README, "The edit-time guard").
func (c *command) runGuard(args []string) error {
	fs := c.flags("guard", "< HOOK-INPUT.json")
	if err := c.parseNoArgs(fs, args); err != nil {
		return err
	}
	in, inErr := readHookInput(c.stdin)
	if inErr == nil && in.path() == "" {
		return nil // a tool guard does not judge
	}
	cwd := c.dir
	if inErr == nil && filepath.IsAbs(in.CWD) {
		cwd = in.CWD
	}
	repo, ok, err := openGuardRepo(cwd)
	if err != nil {
		return err
	}
	if !ok {
		return nil // not in a git repository: no plan to keep
	}
	target, rel := "", outsidePath
	if inErr == nil {
		target = resolveEditPath(cwd, in.path())
		if r, err := filepath.Rel(repo.root, target); err == nil && within(repo.root, target) {
			rel = filepath.ToSlash(r)
		}
	}
	pr, err := guardPlan(repo.root, repo.commonDir, rel)
	if err != nil {
		return err
	}
	switch pr.state {
	case planMissing:
		return nil
	case planInvalid:
		if repo.branch == plan.DefaultBase || repo.branch == pr.base || repo.branch == "" {
			return nil // the base's own checkout is where the plan is fixed
		}
		return c.deny(fmt.Sprintf("the plan %s on %s is invalid, so no edit can be checked against it: %s. Stop and ask the operator to fix plan.toml on %s (ps-local validate shows the problems).",
			plan.FileName, pr.base, firstFinding(pr.findings), pr.base))
	}
	t := threadOfBranch(pr.plan, repo.branch)
	if t == nil {
		return nil // not a thread's worktree
	}
	if inErr != nil {
		return c.deny(fmt.Sprintf("%v; this worktree is %s, so guard refuses the edit it cannot read. Check that Claude Code runs `ps-local guard` as a PreToolUse hook.", inErr, t.Label()))
	}
	if rel != outsidePath {
		return c.judge(pr, t, target, rel)
	}
	other, err := otherWorktree(repo, target)
	if err != nil {
		return err
	}
	if other == nil {
		return nil // outside the repository: not the plan's business
	}
	owner := "the main checkout"
	if o := threadOfBranch(pr.plan, other.branch); o != nil {
		owner = "the worktree of " + o.Label()
	} else if other.git {
		owner = "git's own files"
	}
	return c.deny(fmt.Sprintf("%s is in %s (%s), not in this worktree of %s. Edit only files in %s; leave that work to its own session.",
		target, owner, other.path, t.Label(), repo.root))
}

// judge decides an edit inside the thread's own worktree with the scope
// check.
func (c *command) judge(pr guardPlanResult, t *plan.Thread, target, rel string) error {
	if rel == "." {
		return c.deny(fmt.Sprintf("%s is not a file in this worktree of %s", target, t.Label()))
	}
	r, err := check.New(pr.plan, plan.FileName).Check(t, []check.Change{{Status: check.Modified, Path: rel}}, 1)
	if err != nil {
		return c.deny(fmt.Sprintf("%s cannot be checked against the plan: %v", rel, err))
	}
	if r.InScope() {
		return nil
	}
	return c.deny(guardReason(pr.base, r, r.Violations[0]))
}

// guardReason tells the agent why the edit is refused and what to do
// instead.
func guardReason(base string, r check.Report, v check.Violation) string {
	t := r.Thread
	ask := fmt.Sprintf("if %s really needs it, stop and ask the operator to change %s on %s", t.Label(), plan.FileName, base)
	var why string
	switch v.Reason {
	case check.PlanFile:
		why = fmt.Sprintf("it is the plan, which no thread changes; ask the operator to change it in its own pull request into %s", base)
	case check.ThreadDropped:
		why = fmt.Sprintf("%s is dropped in the plan and may change nothing; ask the operator whether this work belongs to another thread", t.Label())
	case check.Forbidden:
		why = fmt.Sprintf("%s forbids it by %q; leave it alone, and %s", t.Label(), v.Pattern.Text, ask)
	case check.OwnedBy:
		why = fmt.Sprintf("it belongs to %s via %q; leave it to thread %d, and %s", v.Owner.Label(), v.Pattern.Text, v.Owner.ID, ask)
	default:
		why = fmt.Sprintf("no thread owns it and it is not shared; %s", ask)
	}
	return fmt.Sprintf("%s is outside the scope of %s: %s. Do not write it another way (a shell command is checked again at commit, push and pull request).", v.Path, t.Label(), why)
}

// hookDecision is Claude Code's PreToolUse decision output.
type hookDecision struct {
	HookSpecificOutput struct {
		HookEventName            string `json:"hookEventName"`
		PermissionDecision       string `json:"permissionDecision"`
		PermissionDecisionReason string `json:"permissionDecisionReason"`
	} `json:"hookSpecificOutput"`
}

func (c *command) deny(reason string) error {
	var d hookDecision
	d.HookSpecificOutput.HookEventName = "PreToolUse"
	d.HookSpecificOutput.PermissionDecision = "deny"
	d.HookSpecificOutput.PermissionDecisionReason = "ps-local guard: " + reason
	data, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("encode the decision: %w", err)
	}
	fmt.Fprintf(c.stdout, "%s\n", data)
	return nil
}

func firstFinding(findings []string) string {
	if len(findings) == 0 {
		return "no findings recorded"
	}
	s := findings[0]
	if len(findings) > 1 {
		s += fmt.Sprintf(" (and %d more)", len(findings)-1)
	}
	return s
}

// outsidePath stands for a path outside the worktree when guardPlan
// reduces the plan: no repository path starts with "/", so only patterns
// without a literal folder are kept.
const outsidePath = "/"

// guardRepo is the worktree guard runs in.
type guardRepo struct {
	root      string // the worktree's root, symbolic links resolved
	commonDir string // the git directory all worktrees share
	branch    string // the checked-out branch, "" when HEAD is detached
}

// openGuardRepo asks git, in one process, for the worktree containing cwd.
// ok is false outside a git repository (or in one without commits).
func openGuardRepo(cwd string) (repo guardRepo, ok bool, err error) {
	out, err := gitCmd{dir: cwd}.output("rev-parse", "--path-format=absolute", "--show-toplevel", "--git-common-dir", "--symbolic-full-name", "HEAD")
	if err != nil {
		if exitedWith(err, 128) {
			return repo, false, nil
		}
		return repo, false, fmt.Errorf("find the worktree of %s: %w", cwd, err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 3 {
		return repo, false, nil // a bare repository has no work tree to guard
	}
	repo = guardRepo{root: realPath(lines[0]), commonDir: realPath(lines[1])}
	if b, ok := strings.CutPrefix(lines[2], "refs/heads/"); ok {
		repo.branch = b
	}
	return repo, true, nil
}

// worktreeHit is the worktree (or git directory) a path outside the
// current worktree falls in.
type worktreeHit struct {
	path   string
	branch string
	git    bool // the shared git directory itself
}

// otherWorktree finds the worktree of the repository, or its git
// directory, that contains target; nil when target is outside all of them.
// The innermost worktree wins: thread worktrees usually sit inside the main
// checkout.
func otherWorktree(repo guardRepo, target string) (*worktreeHit, error) {
	trees, err := listWorktrees(gitCmd{dir: repo.root})
	if err != nil {
		return nil, err
	}
	var best *worktreeHit
	consider := func(h worktreeHit) {
		if within(h.path, target) && (best == nil || len(h.path) > len(best.path)) {
			best = &h
		}
	}
	for path, ref := range trees {
		consider(worktreeHit{path: realPath(path), branch: strings.TrimPrefix(ref, "refs/heads/")})
	}
	consider(worktreeHit{path: repo.commonDir, git: true})
	return best, nil
}
