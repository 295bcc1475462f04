package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/parallel-sessions/parallel-sessions/ordering"
	"github.com/parallel-sessions/parallel-sessions/plan"
)

// conflictsReport is the --json output of conflicts (README "Conflicts,
// predicted: conflicts").
type conflictsReport struct {
	Base      string           `json:"base"`
	Checked   int              `json:"checked"`
	Clean     bool             `json:"clean"`
	Conflicts []conflictReport `json:"conflicts"`
}

type conflictReport struct {
	Thread threadRef  `json:"thread"`
	With   string     `json:"with"`            // "base" or "thread"
	Other  *threadRef `json:"other,omitempty"` // the earlier thread, when with is "thread"
	Files  []string   `json:"files"`
	Hint   string     `json:"hint"`
}

// liveThread is an active thread whose branch exists and has not landed.
type liveThread struct {
	t   *plan.Thread
	tip string
}

func (c *command) runConflicts(args []string) error {
	fs := c.flags("conflicts", "[--json]")
	asJSON := fs.Bool("json", false, "print a JSON report")
	if err := c.parseNoArgs(fs, args); err != nil {
		return err
	}
	bp, err := c.validBasePlan("conflicts")
	if err != nil {
		return err
	}
	if bp.git.dir == "" {
		return fmt.Errorf("conflicts asks git how the thread branches merge; run it inside the repository")
	}
	live, err := liveThreads(bp)
	if err != nil {
		return err
	}
	base := bp.baseRef
	if base == "" {
		base = bp.plan.Base
	}
	report, err := predictConflicts(bp.git, bp.baseSHA, base, live)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(report); err != nil {
			return err
		}
	} else {
		for _, r := range report.Conflicts {
			other := report.Base
			if r.Other != nil {
				other = fmt.Sprintf("thread %d (%s)", r.Other.ID, r.Other.Branch)
			}
			fmt.Fprintf(c.stdout, "thread %d (%s) conflicts with %s in %s: %s\n", r.Thread.ID, r.Thread.Branch, other, strings.Join(r.Files, ", "), r.Hint)
		}
		if report.Clean {
			fmt.Fprintf(c.stdout, "no conflicts predicted: %d merges checked against %s and earlier threads\n", report.Checked, report.Base)
		}
	}
	if !report.Clean {
		return errFindings
	}
	return nil
}

// liveThreads are the active threads, by merge order then id, whose branch
// (local, else origin's) exists and has not landed in the base.
func liveThreads(bp basePlan) ([]liveThread, error) {
	var live []liveThread
	for i := range bp.plan.Threads {
		t := &bp.plan.Threads[i]
		if !t.Active() {
			continue
		}
		tip := ""
		for _, ref := range []string{"refs/heads/" + t.Branch, "refs/remotes/origin/" + t.Branch} {
			sha, err := bp.git.line("rev-parse", "--verify", "--quiet", "--end-of-options", ref+"^{commit}")
			if err == nil {
				tip = sha
				break
			}
			if !exitedWith(err, 1) {
				return nil, fmt.Errorf("resolve %s: %w", ref, err)
			}
		}
		if tip == "" {
			continue
		}
		how, err := landedInBase(bp.git, tip, bp.baseSHA, planInRepo(bp.loc))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", t.Label(), err)
		}
		if how == "" {
			live = append(live, liveThread{t: t, tip: tip})
		}
	}
	slices.SortStableFunc(live, func(a, b liveThread) int { return ordering.ByMergeOrder(a.t, b.t) })
	return live, nil
}

// predictConflicts checks each live thread (in merge order) against the
// base, baseSHA named base, and against every earlier-ordered live thread.
func predictConflicts(git gitCmd, baseSHA, base string, live []liveThread) (conflictsReport, error) {
	type pair struct{ t, other *liveThread }
	var pairs []pair
	var checks []mergeCheck
	for i := range live {
		pairs = append(pairs, pair{t: &live[i]})
		checks = append(checks, mergeCheck{ours: baseSHA, theirs: live[i].tip})
		for j := range live[:i] {
			if live[j].t.MergeOrder < live[i].t.MergeOrder {
				pairs = append(pairs, pair{t: &live[i], other: &live[j]})
				checks = append(checks, mergeCheck{ours: live[j].tip, theirs: live[i].tip})
			}
		}
	}
	report := conflictsReport{Base: base, Checked: len(checks), Conflicts: []conflictReport{}}
	for i, o := range predictMerges(git, checks) {
		if o.err != nil {
			return report, o.err
		}
		if !o.conflict {
			continue
		}
		p := pairs[i]
		r := conflictReport{Thread: threadRef{ID: p.t.t.ID, Branch: p.t.t.Branch}, With: "base", Files: o.files}
		if r.Files == nil {
			r.Files = []string{}
		}
		if p.other == nil {
			r.Hint = fmt.Sprintf("rebase %s onto %s and resolve them there", p.t.t.Branch, report.Base)
		} else {
			r.With, r.Other = "thread", &threadRef{ID: p.other.t.ID, Branch: p.other.t.Branch}
			r.Hint = fmt.Sprintf("land thread %d first, then rebase %s onto %s; or move the change to these files into one thread", p.other.t.ID, p.t.t.Branch, report.Base)
		}
		report.Conflicts = append(report.Conflicts, r)
	}
	report.Clean = len(report.Conflicts) == 0
	return report, nil
}
