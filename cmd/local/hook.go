package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/parallel-sessions/parallel-sessions/ordering"
	"github.com/parallel-sessions/parallel-sessions/plan"
)

// gitHook is a hook ps-local installs for thread branches: the marker that
// tells it from a hook someone else wrote, and the shell text that decides
// what to check and runs the check.
type gitHook struct {
	name   string // pre-push, pre-commit
	marker string
	body   func(threads []*plan.Thread, base string) string // after the ps-local lookup function and $plan
	manual string                                           // what to add by hand to a hook someone else wrote
}

// The hooks of fanout --hooks. The pre-push hook checks every thread branch
// the push updates (see prePushBody); the pre-commit hook checks what the
// commit leaves of the paths it touches (see preCommitBody).
var (
	prePushHook = gitHook{
		name:   "pre-push",
		marker: "# installed by ps-local fanout --hooks",
		body:   prePushBody,
		manual: "ps-local check --committed",
	}
	preCommitHook = gitHook{
		name:   "pre-commit",
		marker: "# installed by ps-local fanout --hooks (pre-commit)",
		body:   preCommitBody,
		manual: "git diff --cached --name-status -M | ps-local check --files -",
	}
)

// prePushBody reads the refs git is about to update on the remote (one
// "local-ref local-oid remote-ref remote-oid" line each) and checks every
// thread branch among them, whichever branch is checked out where the push
// runs: `git push origin thread` from the main checkout and `git push --all`
// are checked too. A thread branch must get the tip of its own local branch
// (then `check --thread ID --committed` checks exactly what is pushed); any
// other commit is refused, since no check has seen it. Deletions pass.
func prePushBody(threads []*plan.Thread, _ string) string {
	arms := make([]string, len(threads))
	for i, t := range threads {
		arms[i] = fmt.Sprintf("\t%s) id=%d branch=%s ;;", shellQuote("refs/heads/"+t.Branch), t.ID, shellQuote(t.Branch))
	}
	return `refused=0
while read -r local_ref local_oid remote_ref remote_oid; do
	case "$remote_ref" in
` + strings.Join(arms, "\n") + `
	*) continue ;;
	esac
	case "$local_oid" in
	*[!0]*) ;;
	*) continue ;;
	esac
	if [ "$(git rev-parse --quiet --verify "refs/heads/$branch^{commit}")" != "$local_oid" ]; then
		echo "pre-push: $remote_ref would get $local_oid, which is not the tip of the local branch $branch of thread $id; push that branch itself (git push origin $branch) so that its scope is checked" >&2
		refused=1
		continue
	fi
	find_ps_local
	"$ps_local" --plan "$plan" check --thread "$id" --committed </dev/null || refused=1
done
exit $refused
`
}

// preCommitBody checks, on a thread branch, the paths the commit touches as
// they will differ from the merge base with the plan's base: a path the
// commit puts back as it is there (undoing a stray) is no change of the
// thread's any more and passes; any other touched path is checked. Without
// the base (not fetched) it checks the bare staged diff. A failing git
// fails the commit rather than checking a partial list.
func preCommitBody(threads []*plan.Thread, base string) string {
	return `branch=$(git symbolic-ref --quiet --short HEAD) || exit 0
case "$branch" in
` + branchPatterns(threads) + `) ;;
*) exit 0 ;;
esac
find_ps_local
staged=$(git diff --cached --name-status -M --no-ext-diff --no-textconv) || exit 1
[ -n "$staged" ] || exit 0
base=` + shellQuote(base) + `
if mb=$(git merge-base HEAD "refs/heads/$base" 2>/dev/null || git merge-base HEAD "refs/remotes/origin/$base" 2>/dev/null); then
	staged=$(git diff --cached --name-only -z --no-renames | GIT_LITERAL_PATHSPECS=1 xargs -0 git diff --cached --name-status -M --no-ext-diff --no-textconv "$mb" --) || exit 1
	[ -n "$staged" ] || exit 0
fi
printf '%s\n' "$staged" | "$ps_local" --plan "$plan" check --files -
`
}

// branchPatterns is the threads' branches as one shell case pattern, each
// single-quoted so that it matches literally.
func branchPatterns(threads []*plan.Thread) string {
	patterns := make([]string, len(threads))
	for i, t := range threads {
		patterns[i] = shellQuote(t.Branch)
	}
	if len(patterns) == 0 {
		return "''"
	}
	return strings.Join(patterns, "|")
}

// installHook writes hook h into the repository's shared hooks folder: on a
// thread branch it runs h's check with ps-local; elsewhere it does
// nothing. A hook someone else wrote is left alone.
func installHook(git gitCmd, p *plan.Plan, h gitHook, planPath, self string) error {
	// A relative core.hooksPath is resolved in each worktree's own root:
	// a hook written into the main checkout's folder would never run in a
	// thread's worktree.
	if hooksPath, err := git.line("config", "--get", "core.hooksPath"); err == nil {
		if !filepath.IsAbs(hooksPath) && !strings.HasPrefix(hooksPath, "~") {
			return fmt.Errorf("core.hooksPath %q is relative, so each worktree runs the hooks of its own %s folder and a hook written here would not run in the threads; add `%s` to the %s hook there yourself (on thread branches), or set core.hooksPath to an absolute path", hooksPath, hooksPath, h.manual, h.name)
		}
	} else if !exitedWith(err, 1) {
		return fmt.Errorf("read core.hooksPath: %w", err)
	}
	dir, err := git.line("rev-parse", "--path-format=absolute", "--git-path", "hooks")
	if err != nil {
		return fmt.Errorf("find the hooks folder: %w", err)
	}
	path := filepath.Join(dir, h.name)
	have, err := readRegular(path, maxSmallFile)
	switch why := refusal(err, maxSmallFile); {
	case err == nil && !strings.Contains(string(have), h.marker):
		return fmt.Errorf("%s exists and was not written by ps-local; add `%s` to it yourself", path, h.manual)
	case why != "":
		return fmt.Errorf("%s is %s: remove it, or add `%s` to your %s hook yourself", path, why, h.manual, h.name)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("read %s: %w", path, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := writeFileAtomic(path, []byte(hookScript(h, ordering.Active(p), p.Base, planPath, self))); err != nil {
		return err
	}
	return os.Chmod(path, 0o755)
}

// hookScript is hook h's text. Everything the plan or the machine controls
// reaches the shell single-quoted: branch names are case patterns matched
// literally, never expanded. ps-local is looked up on PATH first, then at
// the path of the binary that installed the hook (which `go run` or a move
// may have removed), and only when there is something to check.
func hookScript(h gitHook, threads []*plan.Thread, base, planPath, self string) string {
	return fmt.Sprintf(`#!/bin/sh
%s: rerun it after the plan changes.
find_ps_local() {
	if command -v ps-local >/dev/null 2>&1; then
		ps_local=ps-local
	elif [ -x %s ]; then
		ps_local=%s
	else
		echo "%s: ps-local is neither on PATH nor at "%s"; put ps-local on PATH, or rerun ps-local fanout --hooks with the binary you use" >&2
		exit 1
	fi
}
plan=%s
%s`, h.marker, shellQuote(self), shellQuote(self), h.name, shellQuote(self), shellQuote(planPath), h.body(threads, base))
}

// shellQuote quotes s for a POSIX shell: single quotes, each ' as '\”.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
