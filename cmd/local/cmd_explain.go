package main

import (
	"encoding/json"
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/parallel-sessions/parallel-sessions/plan"
)

// explainReport is the --json output of explain: a stable schema that is
// documented in the README.
type explainReport struct {
	Plan    string          `json:"plan"`
	Paths   []explainedPath `json:"paths"`
	Unowned []string        `json:"unowned,omitempty"`
}

type explainedPath struct {
	Path      string         `json:"path"`
	Owners    []explainClaim `json:"owners"`
	Shared    []string       `json:"shared"`
	Forbidden []explainClaim `json:"forbidden"`
}

type explainClaim struct {
	Thread  int    `json:"thread"`
	Branch  string `json:"branch"`
	Pattern string `json:"pattern"`
}

func (c *command) runExplain(args []string) error {
	fs := c.flags("explain", "[--json] PATH... | --unowned")
	asJSON := fs.Bool("json", false, "print a JSON report")
	unowned := fs.Bool("unowned", false, "list the files of the base branch that no thread owns or shares")
	if err := c.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 && !*unowned {
		return fmt.Errorf("%w: explain needs at least one PATH, or --unowned", errUsage)
	}
	// Explaining a few paths does not pay for the plan's overlap proof:
	// Decode applies the other rules, and an answer shows any overlap it
	// meets.
	loc, p, findings, tree, treeErr, err := c.planInTree(plan.Decode)
	if err != nil {
		return err
	}
	if p == nil { // not TOML at all: nothing to explain with
		for _, f := range findings {
			fmt.Fprintln(c.stderr, f)
		}
		return errFindings
	}
	if *unowned && tree == nil {
		return fmt.Errorf("explain --unowned needs the files of the base branch %q: %w", p.Base, treeErr)
	}
	var paths []string
	for _, arg := range fs.Args() {
		rel, err := c.repoPath(loc.root, arg)
		if err != nil {
			return err
		}
		paths = append(paths, rel)
	}
	report := explainReport{Plan: loc.display, Paths: []explainedPath{}}
	overlap := false
	for _, rel := range paths {
		e := p.Explain(rel)
		holders := len(e.Holders())
		overlap = overlap || holders > 1 || (holders == 1 && len(e.Shared) > 0)
		if *asJSON {
			report.Paths = append(report.Paths, explainJSON(e))
		} else if folder := folderHolders(p, tree, e); folder != "" {
			fmt.Fprintln(c.stdout, folder)
		} else {
			fmt.Fprintln(c.stdout, describe(e))
		}
	}
	if *unowned {
		report.Unowned = p.Unowned()
		if !*asJSON {
			for _, f := range report.Unowned {
				fmt.Fprintf(c.stdout, "%s: not owned by any thread\n", f)
			}
			fmt.Fprintf(c.stderr, "%d of %d files on the base branch are not owned by any thread or shared\n", len(report.Unowned), tree.Len())
		}
	}
	if *asJSON {
		out, err := json.MarshalIndent(report, "", "  ")
		if err != nil {
			return fmt.Errorf("encode report: %w", err)
		}
		fmt.Fprintf(c.stdout, "%s\n", out)
	}
	if errs := plan.Errors(findings); errs > 0 || overlap {
		fmt.Fprintf(c.stderr, "%s has problems (run ps-local validate); the answers above apply the plan as it is\n", loc.display)
		return errFindings
	}
	return nil
}

func explainJSON(e plan.Explanation) explainedPath {
	out := explainedPath{Path: e.Path, Owners: []explainClaim{}, Shared: []string{}, Forbidden: []explainClaim{}}
	for _, o := range e.Owners {
		out.Owners = append(out.Owners, explainClaim{o.Thread.ID, o.Thread.Branch, o.Pattern.Text})
	}
	for _, s := range e.Shared {
		out.Shared = append(out.Shared, s.Text)
	}
	for _, f := range e.Forbidden {
		out.Forbidden = append(out.Forbidden, explainClaim{f.Thread.ID, f.Thread.Branch, f.Pattern.Text})
	}
	return out
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

// folderHolders answers for a folder of the base branch that no pattern
// names as a whole: which threads hold the files in it, and how many files
// no thread holds. "" when path is no such folder.
func folderHolders(p *plan.Plan, tree *plan.Tree, e plan.Explanation) string {
	if tree == nil || len(e.Owners) > 0 || len(e.Shared) > 0 || !tree.IsDir(e.Path) {
		return ""
	}
	counts := map[*plan.Thread]int{}
	var order []*plan.Thread
	shared, free, total := 0, 0, 0
	files := tree.Files()
	i, _ := slices.BinarySearch(files, e.Path+"/")
	for ; i < len(files) && strings.HasPrefix(files[i], e.Path+"/"); i++ {
		total++
		fe := p.Explain(files[i])
		switch hs := fe.Holders(); {
		case len(hs) > 0:
			if counts[hs[0].Thread] == 0 {
				order = append(order, hs[0].Thread)
			}
			counts[hs[0].Thread]++
		case len(fe.Shared) > 0:
			shared++
		default:
			free++
		}
	}
	if len(order) == 0 && shared == 0 {
		return ""
	}
	slices.SortFunc(order, func(a, b *plan.Thread) int { return a.ID - b.ID })
	var parts []string
	for _, t := range order {
		parts = append(parts, fmt.Sprintf("%d %s owned by %s", counts[t], plural(counts[t], "file", "files"), t.Label()))
	}
	if shared > 0 {
		parts = append(parts, fmt.Sprintf("%d shared", shared))
	}
	if free > 0 {
		parts = append(parts, fmt.Sprintf("%d owned by no thread", free))
	}
	return fmt.Sprintf("%s: a folder of %d %s on the base branch, partly owned: %s; explain a file in it for its owner", e.Path, total, plural(total, "file", "files"), strings.Join(parts, ", "))
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
	}
	holders := len(e.Holders())
	switch {
	case holders > 1:
		parts = append(parts, "more than one owner: the plan has an overlap")
	case holders == 1 && len(e.Shared) > 0:
		parts = append(parts, "owned and shared: the plan has an overlap")
	case holders == 0 && len(e.Owners) > 0 && len(e.Shared) == 0:
		parts = append(parts, "forbids overrides owns, so no thread may change it")
	case len(e.Owners) == 0 && len(e.Shared) == 0:
		parts = append([]string{"not owned by any thread"}, parts...)
		parts = append(parts, "no thread may change it until the plan gives it an owner or shares it")
	}
	return e.Path + ": " + strings.Join(parts, "; ")
}
