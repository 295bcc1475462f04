package main

import (
	_ "embed"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/parallel-sessions/parallel-sessions/check"
	"github.com/parallel-sessions/parallel-sessions/ordering"
)

//go:embed demo.toml
var demoPlan []byte

// runDemo shows the main job on a throwaway repository with a bare remote
// and no network: fanout, work in each thread (one strays), check and
// status, thread 1 landing on the remote, thread 2's turn, cleanup.
func (c *command) runDemo(args []string) error {
	fset := c.flags("demo", "[--dir DIR]")
	dir := fset.String("dir", "", "make the demo in `DIR`, which must be empty or new (default: a new temporary folder)")
	if err := c.parse(fset, args); err != nil {
		return err
	}
	if fset.NArg() > 0 {
		return fmt.Errorf("%w: demo takes no arguments, got %q", errUsage, fset.Arg(0))
	}
	root, err := demoDir(c.abs(*dir), *dir == "")
	if err != nil {
		return err
	}
	repo, remote := filepath.Join(root, "repo"), filepath.Join(root, "remote.git")
	say := func(format string, a ...any) { fmt.Fprintf(c.stdout, "\n== "+format+"\n", a...) }
	in := func(d string, args ...string) error {
		_, err := gitCmd{dir: d}.output(args...)
		return err
	}
	ps := func(d string, args ...string) int {
		where := ""
		if rel, err := filepath.Rel(repo, d); err == nil && rel != "." {
			where = " (in " + filepath.ToSlash(rel) + ")"
		}
		fmt.Fprintf(c.stdout, "$ ps-local %s%s\n", joinArgs(args), where)
		sub := &command{stdin: c.stdin, stdout: c.stdout, stderr: c.stdout, dir: d, getenv: func(string) string { return "" }}
		return sub.run(args)
	}
	files := map[string]string{
		"plan.toml":               string(demoPlan),
		"services/auth/login.go":  "package auth\n",
		"services/api/handler.go": "package api\n",
		"docs/README.md":          "# docs\n",
		"go.sum":                  "",
	}
	work := []struct {
		thread, path, content string
	}{
		{"1", "services/auth/session.go", "package auth\n"},
		{"2", "services/api/v2.go", "package api\n"},
		{"2", "services/auth/hack.go", "package auth // thread 1's folder: out of scope\n"},
		{"3", "docs/layout.md", "# layout\n"},
	}
	steps := []func() error{
		func() error { return in(root, "init", "-q", "--bare", "-b", "main", remote) },
		func() error { return in(root, "init", "-q", "-b", "main", repo) },
		func() error { return in(repo, "config", "user.name", "ps-local demo") },
		func() error { return in(repo, "config", "user.email", "demo@example.invalid") },
		func() error { return in(repo, "config", "commit.gpgsign", "false") },
		func() error { return writeFiles(repo, files) },
		func() error { return in(repo, "add", "-A") },
		func() error { return in(repo, "commit", "-q", "-m", "plan and code") },
		func() error { return in(repo, "remote", "add", "origin", remote) },
		func() error { return in(repo, "push", "-q", "origin", "main") },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return fmt.Errorf("demo setup in %s: %w", root, err)
		}
	}
	say("a repository with a 3-thread plan committed on main, and a bare remote as origin")
	ps(repo, "validate")
	say("one worktree and branch per thread")
	if ps(repo, "fanout") != exitOK {
		return errReported
	}
	wt := func(id string) string { return filepath.Join(repo, "worktrees", "thread-"+id) }
	for _, w := range work {
		if err := writeFiles(wt(w.thread), map[string]string{w.path: w.content}); err != nil {
			return err
		}
	}
	for _, id := range []string{"1", "2", "3"} {
		if err := in(wt(id), "add", "-A"); err != nil {
			return err
		}
		if err := in(wt(id), "commit", "-q", "-m", "thread "+id+" work"); err != nil {
			return err
		}
	}
	say("each thread committed work; thread 2 strayed into thread 1's folder")
	for _, id := range []string{"1", "2"} {
		ps(wt(id), "check")
	}
	say("where every thread stands")
	ps(repo, "status")
	say("thread 1 lands on origin's main (as a merge on the forge would); thread 2's turn comes next")
	merge, err := forgeMerge(gitCmd{dir: repo}, "main", "extract-auth")
	if err != nil {
		return err
	}
	if err := in(repo, "push", "-q", "origin", merge+":refs/heads/main"); err != nil {
		return err
	}
	if err := in(repo, "fetch", "-q", "origin"); err != nil {
		return err
	}
	ps(repo, "status")
	next, err := demoNext(repo)
	if err != nil {
		return err
	}
	fmt.Fprintln(c.stdout, next)
	say("cleanup removes the landed thread's worktree and keeps the others")
	ps(repo, "cleanup")
	say("all of it is in %s (repo/ and remote.git/); delete it when done", root)
	return nil
}

// forgeMerge makes the merge commit a forge's merge button makes of branch
// into base, touching no work tree, and returns its SHA.
func forgeMerge(git gitCmd, base, branch string) (string, error) {
	tree, err := git.line("merge-tree", "--write-tree", "refs/heads/"+base, "refs/heads/"+branch)
	if err != nil {
		return "", fmt.Errorf("merge %s into %s: %w", branch, base, err)
	}
	sha, err := git.line("commit-tree", "-p", "refs/heads/"+base, "-p", "refs/heads/"+branch, "-m", "Merge branch "+branch, tree)
	if err != nil {
		return "", fmt.Errorf("commit the merge of %s into %s: %w", branch, base, err)
	}
	return sha, nil
}

// demoNext says which threads come next in merge order as turn sees
// origin's base, and how many stray files (scope violations) each must lose
// first.
func demoNext(repo string) (string, error) {
	sub := &command{stdout: io.Discard, stderr: io.Discard, dir: repo, getenv: func(string) string { return "" }}
	ws, err := sub.openWorkspace("demo")
	if err != nil {
		return "", fmt.Errorf("read the demo's plan: %w", err)
	}
	base := "origin/" + ws.plan.Base
	baseSHA, err := ws.git.line("rev-parse", "--verify", "--end-of-options", "refs/remotes/"+base+"^{commit}")
	if err != nil {
		return "", fmt.Errorf("resolve %s: %w", base, err)
	}
	statuses, err := landingStatuses(ws.git, "origin", ordering.Active(ws.plan), baseSHA, planInRepo(ws.loc))
	if err != nil {
		return "", err
	}
	next := ordering.Next(ordering.Decide(ws.plan, statuses))
	checker := check.New(ws.plan, planInRepo(ws.loc))
	strays := map[int]int{}
	for _, d := range next {
		set, err := gitChanges(ws.git, ws.plan.Base, base, "refs/heads/"+d.Thread.Branch, false)
		if err != nil {
			return "", err
		}
		r, err := checker.Check(d.Thread, set.changes, len(set.changes))
		if err != nil {
			return "", err
		}
		strays[d.Thread.ID] = len(r.Violations)
	}
	return nextLine(next, strays), nil
}

// nextLine is the demo's line on the threads ordering.Next gives, with the
// stray files of each by thread id.
func nextLine(next []ordering.Decision, strays map[int]int) string {
	if len(next) == 0 {
		return "next in merge order: none ready to land"
	}
	var parts []string
	for _, d := range next {
		part := d.Thread.Label()
		switch n := strays[d.Thread.ID]; {
		case n == 1:
			part += ", once its stray file is gone"
		case n > 1:
			part += fmt.Sprintf(", once its %d stray files are gone", n)
		}
		parts = append(parts, part)
	}
	return "next in merge order: " + strings.Join(parts, "; ")
}

// demoDir makes the demo's folder: a new temporary one, or dir, which must
// be empty or new.
func demoDir(dir string, temp bool) (string, error) {
	if temp {
		d, err := os.MkdirTemp("", "ps-local-demo-")
		if err != nil {
			return "", fmt.Errorf("make the demo folder: %w", err)
		}
		return filepath.EvalSymlinks(d)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("make the demo folder: %w", err)
	}
	if entries, err := os.ReadDir(dir); err != nil || len(entries) > 0 {
		return "", fmt.Errorf("%w: --dir %s must be a new or empty folder", errUsage, dir)
	}
	return filepath.EvalSymlinks(dir)
}

func writeFiles(root string, files map[string]string) error {
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func joinArgs(args []string) string {
	s := ""
	for i, a := range args {
		if i > 0 {
			s += " "
		}
		s += quoteIfNeeded(a)
	}
	return s
}
