package main

import (
	"errors"
	"fmt"

	"github.com/parallel-sessions/parallel-sessions/plan"
)

// baseTree lists the files on the plan's base branch (the local branch, or
// origin/<base> when only that exists), for the literal-file rule, real
// witnesses and coverage (README, "Path patterns"). ref says which branch
// was read. Outside a git repository, or when the base branch is missing,
// the tree is nil and err says why: the plan then keeps the rule for an
// unknown tree.
func baseTree(root, base string) (tree *plan.Tree, ref string, err error) {
	git := gitCmd{dir: root}
	ref, sha, err := resolveBase(git, base, "")
	if err != nil {
		return nil, "", err
	}
	tree, err = treeAt(git, sha)
	if err != nil {
		return nil, "", fmt.Errorf("list the files of %s: %w", ref, err)
	}
	return tree, ref, nil
}

// treeAt lists the files of commit (or tree) rev.
func treeAt(git gitCmd, rev string) (*plan.Tree, error) {
	out, err := git.output("ls-tree", "-r", "-z", "--name-only", "--full-tree", rev)
	if err != nil {
		return nil, err
	}
	return plan.NewTree(parseNULNames(out)), nil
}

// parseFunc is plan.ParseInTree or plan.Decode.
type parseFunc func(file string, data []byte, tree *plan.Tree) (*plan.Plan, []plan.Finding)

// planInTree reads the plan and parses it with parse against its base
// branch's tree. The tree is nil when it cannot be read (treeErr says why);
// err is for a plan that cannot be read at all.
func (c *command) planInTree(parse parseFunc) (loc planLocation, p *plan.Plan, findings []plan.Finding, tree *plan.Tree, treeErr, err error) {
	loc, err = c.locatePlan()
	if err != nil {
		return loc, nil, nil, nil, nil, err
	}
	data, err := readPlanFile(loc)
	if err != nil {
		return loc, nil, nil, nil, nil, err
	}
	base := plan.DefaultBase
	if head, _ := plan.Decode(loc.display, data, nil); head != nil && head.Base != "" {
		base = head.Base
	}
	if _, gitErr := gitTopLevel(loc.root); gitErr != nil {
		treeErr = errors.New("not in a git repository")
	} else {
		tree, _, treeErr = baseTree(loc.root, base)
	}
	p, findings = parse(loc.display, data, tree)
	return loc, p, findings, tree, treeErr, nil
}
