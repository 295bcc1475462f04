package main

import (
	_ "embed"
	"fmt"
	"os"
	"path/filepath"
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
	if err := in(repo, "push", "-q", "origin", "refs/heads/extract-auth:refs/heads/main"); err != nil {
		return err
	}
	if err := in(repo, "fetch", "-q", "origin"); err != nil {
		return err
	}
	ps(repo, "status")
	fmt.Fprintln(c.stdout, "next in merge order: thread 2 (api-cleanup), once its stray file is gone")
	say("cleanup removes the landed thread's worktree and keeps the others")
	ps(repo, "cleanup")
	say("all of it is in %s (repo/ and remote.git/); delete it when done", root)
	return nil
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
