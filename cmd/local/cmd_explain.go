package main

import (
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"github.com/parallel-sessions/parallel-sessions/plan"
)

func (c *command) runExplain(args []string) int {
	fs := c.flags("explain", "PATH...")
	if code, done := c.parse(fs, args); done {
		return code
	}
	if fs.NArg() == 0 {
		return c.fail(fmt.Errorf("%w: explain needs at least one PATH", errUsage))
	}
	loc, p, findings, err := c.loadPlan()
	if err != nil {
		return c.fail(err)
	}
	if p == nil { // not TOML at all: nothing to explain with
		for _, f := range findings {
			fmt.Fprintln(c.stderr, f)
		}
		return exitFindings
	}
	var paths []string
	for _, arg := range fs.Args() {
		rel, err := c.repoPath(loc.root, arg)
		if err != nil {
			return c.fail(err)
		}
		paths = append(paths, rel)
	}
	for _, rel := range paths {
		fmt.Fprintln(c.stdout, describe(p.Explain(rel)))
	}
	if len(findings) > 0 {
		fmt.Fprintf(c.stderr, "%s has %d %s (run ps-local validate); the answers above apply the plan as it is\n",
			loc.display, len(findings), plural(len(findings), "problem", "problems"))
		return exitFindings
	}
	return exitOK
}

// repoPath turns a path given on the command line (relative to the working
// directory, or absolute) into a repository-relative, '/'-separated path.
func (c *command) repoPath(root, arg string) (string, error) {
	abs := c.abs(arg)
	rel, err := filepath.Rel(root, abs)
	switch {
	case err != nil || !within(root, abs):
		return "", fmt.Errorf("%s is not a path inside the repository at %s", arg, root)
	case rel == ".":
		return "", fmt.Errorf("%s is the repository root; name a file or folder inside it", arg)
	}
	return path.Clean(filepath.ToSlash(rel)), nil
}

// describe writes one line per path: owner, shared, forbidden, or unowned.
func describe(e plan.Explanation) string {
	var parts []string
	for _, o := range e.Owners {
		parts = append(parts, fmt.Sprintf("owned by %s via %q", o.Thread.Label(), o.Pattern.Text))
	}
	for _, s := range e.Shared {
		parts = append(parts, fmt.Sprintf("shared via %q", s.Text))
	}
	for _, f := range e.Forbidden {
		parts = append(parts, fmt.Sprintf("forbidden for %s by %q", f.Thread.Label(), f.Pattern.Text))
		if len(e.Owners) == 1 && e.Owners[0].Thread == f.Thread {
			parts = append(parts, "forbids overrides owns, so no thread may change it")
		}
	}
	switch {
	case len(e.Owners) > 1:
		parts = append(parts, "more than one owner: the plan has an overlap")
	case len(e.Owners) == 1 && len(e.Shared) > 0:
		parts = append(parts, "owned and shared: the plan has an overlap")
	case len(e.Owners) == 0 && len(e.Shared) == 0:
		parts = append([]string{"not owned by any thread"}, parts...)
		parts = append(parts, "no thread may change it until the plan gives it an owner or shares it")
	}
	return e.Path + ": " + strings.Join(parts, "; ")
}
