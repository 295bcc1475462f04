package main

import (
	"fmt"
	"strings"

	"github.com/parallel-sessions/parallel-sessions/plan"
)

// guardPlanState says what guardPlan found.
type guardPlanState int

const (
	planMissing guardPlanState = iota // no plan.toml on the base (nor in the main checkout)
	planInvalid                       // a plan with findings: guard fails closed
	planValid
)

// guardPlanResult is the plan guard decides with, as committed on the base.
type guardPlanResult struct {
	state    guardPlanState
	plan     *plan.Plan // planValid only
	base     string     // the base ref the plan was read from
	findings []string   // planInvalid only
}

// guardPlan reads the plan as committed on the base branch of the
// repository whose git directory is commonDir, for the worktree at root,
// reduced to the patterns that can match the repository path path (see
// cachedPlan.plan).
// The base is the one the main checkout's plan.toml names (readMainCopy;
// plan.DefaultBase without one), never the thread's copy; the plan guard
// decides with is always the base's, so a thread can neither widen its
// own scope by editing its copy nor point it at a base of its own.
//
// It shares the plan cache with every other command (planCache): the hot
// path talks to one `git cat-file --batch-command` process and neither
// decodes the TOML nor runs the overlap proof again (README, "The
// edit-time guard").
func guardPlan(root, commonDir, path string) (guardPlanResult, error) {
	cat, err := startCatFile(root)
	if err != nil {
		return guardPlanResult{}, err
	}
	defer cat.close()
	cache := newPlanCache(commonDir)

	main := readMainCopy(commonDir, root, plan.FileName, readCopy{})
	base, mainPlan := main.base, main.found
	for _, ref := range []string{"refs/heads/" + base, "refs/remotes/origin/" + base} {
		oid, ok, err := cat.info(ref+":"+plan.FileName, "blob")
		if err != nil {
			return guardPlanResult{}, err
		}
		if !ok {
			continue
		}
		treeOID, ok, err := cat.info(ref+"^{tree}", "tree")
		if err != nil {
			return guardPlanResult{}, err
		}
		if !ok {
			return guardPlanResult{}, fmt.Errorf("read the tree of %s: git cat-file found none", ref)
		}
		entry, err := cache.verdict(&committedPlan{cat: cat, root: root, blob: oid, tree: treeOID})
		if err != nil {
			return guardPlanResult{}, err
		}
		res := guardPlanResult{base: strings.TrimPrefix(strings.TrimPrefix(ref, "refs/heads/"), "refs/remotes/")}
		if !entry.Valid {
			res.state = planInvalid
			for _, f := range entry.findings(plan.FileName) {
				res.findings = append(res.findings, f.String())
			}
			return res, nil
		}
		p, err := entry.plan(foldersOf(path))
		if err != nil { // a cache entry that does not compile is not trusted
			res.state, res.findings = planInvalid, []string{err.Error()}
			return res, nil
		}
		res.state, res.plan = planValid, p
		return res, nil
	}
	if mainPlan { // a main checkout with a plan whose base has none: fail closed
		return guardPlanResult{state: planInvalid, base: base, findings: []string{
			fmt.Sprintf("%s in the main checkout names the base %q, which has no %s (neither as a local branch nor as origin/%s)", plan.FileName, base, plan.FileName, base)}}, nil
	}
	return guardPlanResult{state: planMissing, base: base}, nil
}
