package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/parallel-sessions/parallel-sessions/ordering"
	"github.com/parallel-sessions/parallel-sessions/plan"
)

// turnReport is the --json output of turn (README "The order gate in any
// CI").
type turnReport struct {
	Thread threadRef    `json:"thread"`
	Base   string       `json:"base"`
	Ready  bool         `json:"ready"`
	Waits  []turnWaitJS `json:"waits"`
}

type turnWaitJS struct {
	Thread  threadRef `json:"thread"`
	State   string    `json:"state"` // "unlanded" or "no-branch"
	Unblock string    `json:"unblock"`
}

// runTurn is the merge-order gate seen through git: exit 0 when every
// earlier-ordered active thread has landed in the remote's base, 1 with
// what the thread waits on (README "The order gate in any CI").
func (c *command) runTurn(args []string) error {
	fs := c.flags("turn", "[--thread ID] [--remote NAME] [--json]")
	threadID := fs.Int("thread", 0, "the thread `ID` (default: the thread whose branch is checked out)")
	remote := fs.String("remote", "origin", "the remote whose base counts, `NAME`")
	asJSON := fs.Bool("json", false, "print a JSON report")
	if err := c.parseNoArgs(fs, args); err != nil {
		return err
	}
	bp, err := c.validBasePlan("turn")
	if err != nil {
		return err
	}
	if bp.git.dir == "" {
		return fmt.Errorf("turn asks git whether earlier threads landed; run it inside the repository")
	}
	var t *plan.Thread
	if *threadID != 0 {
		t, err = threadByID(bp.plan, bp.loc, *threadID)
	} else {
		t, _, err = c.currentThread(bp.plan, bp.loc)
	}
	if err != nil {
		return err
	}
	if !t.Active() {
		return fmt.Errorf("%s is dropped in the plan; it has no turn", t.Label())
	}
	baseName, baseSHA := *remote+"/"+bp.plan.Base, ""
	if baseSHA, err = bp.git.line("rev-parse", "--verify", "--quiet", "--end-of-options", "refs/remotes/"+baseName+"^{commit}"); err != nil {
		if !exitedWith(err, 1) {
			return fmt.Errorf("resolve %s: %w", baseName, err)
		}
		baseName, baseSHA = bp.baseRef, bp.baseSHA
		fmt.Fprintf(c.stderr, "ps-local: note: no %s/%s; using %s (run `git fetch %s %s` to see the remote's base)\n", *remote, bp.plan.Base, baseName, *remote, bp.plan.Base)
	}
	var earlier []*plan.Thread
	for i := range bp.plan.Threads {
		if e := &bp.plan.Threads[i]; e.Active() && e.MergeOrder < t.MergeOrder {
			earlier = append(earlier, e)
		}
	}
	statuses, err := landingStatuses(bp.git, *remote, earlier, baseSHA, planInRepo(bp.loc))
	if err != nil {
		return err
	}
	d, _ := ordering.Find(ordering.Decide(bp.plan, statuses), t.ID)
	report := turnReport{Thread: threadRef{ID: t.ID, Branch: t.Branch}, Base: baseName, Ready: d.Ready, Waits: []turnWaitJS{}}
	for _, w := range d.Waits {
		report.Waits = append(report.Waits, turnWaitJS{
			Thread:  threadRef{ID: w.Thread.ID, Branch: w.Thread.Branch},
			State:   turnState(w.Status),
			Unblock: turnUnblock(w, baseName),
		})
	}
	if *asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(report); err != nil {
			return err
		}
	} else if d.Ready {
		fmt.Fprintf(c.stdout, "%s: its turn; every earlier thread has landed in %s\n", t.Label(), baseName)
	} else {
		fmt.Fprintf(c.stdout, "%s: not its turn; it waits on:\n", t.Label())
		for _, w := range report.Waits {
			fmt.Fprintf(c.stdout, "  thread %d (%s): %s\n", w.Thread.ID, w.Thread.Branch, w.Unblock)
		}
	}
	if !d.Ready {
		return errFindings
	}
	return nil
}

// landingStatuses is the gate's view of threads through git:
// earlierThreadState of each, by thread id.
func landingStatuses(git gitCmd, remote string, threads []*plan.Thread, base, planFile string) (map[int]ordering.Status, error) {
	statuses := map[int]ordering.Status{}
	for _, t := range threads {
		st, err := earlierThreadState(git, remote, t.Branch, base, planFile)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", t.Label(), err)
		}
		statuses[t.ID] = st
	}
	return statuses, nil
}

// earlierThreadState says whether branch has landed in base: its remote
// copy, else the local branch, is read; no branch at all is Missing, and a
// branch that has not landed is Open.
func earlierThreadState(git gitCmd, remote, branch, base, planFile string) (ordering.Status, error) {
	tip := ""
	for _, ref := range []string{"refs/remotes/" + remote + "/" + branch, "refs/heads/" + branch} {
		sha, err := git.line("rev-parse", "--verify", "--quiet", "--end-of-options", ref+"^{commit}")
		if err == nil {
			tip = sha
			break
		}
		if !exitedWith(err, 1) {
			return ordering.Status{}, fmt.Errorf("resolve %s: %w", ref, err)
		}
	}
	if tip == "" {
		return ordering.Status{State: ordering.Missing}, nil
	}
	how, err := landedInBase(git, tip, base, planFile)
	if err != nil {
		return ordering.Status{}, err
	}
	if how != "" {
		return ordering.Status{State: ordering.Landed}, nil
	}
	return ordering.Status{State: ordering.Open}, nil
}

// landedInBase is threadLanded for a branch seen without its reflog (a CI
// clone): a tip on the base's first-parent line is a branch with nothing of
// its own (or one fast-forwarded, which git cannot tell apart), so it has
// not landed; a tip reached through a merge has, unless that merge is the
// plan's own (see mergedSide); otherwise its commits since the merge base
// are looked for, rebased or squashed. planFile is the plan's
// repository-relative path ("" when it is outside the repository).
func landedInBase(git gitCmd, tip, base, planFile string) (string, error) {
	if _, err := git.output("merge-base", "--is-ancestor", tip, base); err == nil {
		line, err := git.output("rev-list", "--first-parent", base)
		if err != nil {
			return "", fmt.Errorf("read the first-parent history of %.12s: %w", base, err)
		}
		if bytes.Contains(line, []byte(tip+"\n")) {
			return "", nil
		}
		return mergedSide(git, tip, base, planFile)
	} else if !exitedWith(err, 1) {
		return "", fmt.Errorf("compare %.12s with %.12s: %w", tip, base, err)
	}
	fork, err := git.line("merge-base", tip, base)
	if err != nil {
		return "", fmt.Errorf("find where %.12s forked from %.12s (a shallow clone needs the full history: fetch with --unshallow): %w", tip, base, err)
	}
	if fork, err = pastPlanCommits(git, fork, tip, planFile); err != nil {
		return "", err
	}
	how, _, err := threadLanded(git, tip, fork, []string{base})
	return how, err
}

// pastPlanCommits moves fork over the commits at the bottom of fork..tip
// that change the plan file, one parent each in a line from fork: those are
// the plan's own pull request, which the branch was made from before it
// was squashed or rebased into the base, not the thread's work (a thread
// never changes the plan). The first other commit ends the walk.
func pastPlanCommits(git gitCmd, fork, tip, planFile string) (string, error) {
	if planFile == "" {
		return fork, nil
	}
	out, err := git.output("rev-list", "--reverse", "--topo-order", "--parents", fork+".."+tip)
	if err != nil {
		return "", fmt.Errorf("list the commits of %.12s: %w", tip, err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		ids := strings.Fields(line)
		if len(ids) != 2 || ids[1] != fork {
			break
		}
		changed, err := git.output("diff", "--name-only", "--no-renames", fork, ids[0], "--", ":(literal)"+planFile)
		if err != nil {
			return "", fmt.Errorf("read what %.12s changes: %w", ids[0], err)
		}
		if len(changed) == 0 {
			break
		}
		fork = ids[0]
	}
	return fork, nil
}

// mergedSide decides a tip in the base that is not on its first-parent
// line: it came in through the merge M, the oldest first-parent commit
// that contains it, and what it brought is its diff from where it met M's
// first parent. That diff empty, or changing the plan file, is no thread's
// landing: a thread never changes the plan, and a branch made from the
// head of the plan's own pull request (fanout run before that pull request
// was merged) is in the base through the plan's merge with nothing of its
// own.
func mergedSide(git gitCmd, tip, base, planFile string) (string, error) {
	out, err := git.output("rev-list", "--first-parent", "--ancestry-path", "^"+tip, base)
	if err != nil {
		return "", fmt.Errorf("find the merge that brought %.12s into %.12s: %w", tip, base, err)
	}
	lines := strings.Fields(string(out))
	if len(lines) == 0 {
		return "", fmt.Errorf("find the merge that brought %.12s into %.12s: none", tip, base)
	}
	merge := lines[len(lines)-1]
	files, err := git.output("diff", "--name-only", "-z", "--no-renames", "--no-ext-diff", "--no-textconv", merge+"^1..."+tip)
	if err != nil {
		return "", fmt.Errorf("diff %.12s with the base it was merged into: %w", tip, err)
	}
	names := parseNULNames(files)
	if len(names) == 0 || (planFile != "" && slices.Contains(names, planFile)) {
		return "", nil
	}
	return landedMerged, nil
}

func turnState(s ordering.Status) string {
	if s.State == ordering.Missing {
		return "no-branch"
	}
	return "unlanded"
}

func turnUnblock(w ordering.Wait, base string) string {
	if w.Status.State == ordering.Missing {
		return fmt.Sprintf("no branch %s here or on the remote: push it and land it in %s, fetch it if it was deleted after landing, or mark thread %d dropped in plan.toml", w.Thread.Branch, base, w.Thread.ID)
	}
	return fmt.Sprintf("branch %s has not landed in %s: merge it, or mark thread %d dropped in plan.toml", w.Thread.Branch, base, w.Thread.ID)
}
