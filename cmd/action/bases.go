package main

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/parallel-sessions/parallel-sessions/cmd/internal/ghapi"
)

// maxBases bounds the bases a full re-evaluation of every base reads the
// plan of, one request each: the run has a deadline and one retry budget.
const maxBases = 100

// reevaluateAll is the full re-evaluation of workflow_dispatch, schedule
// and the bot's reconcile: it gates the open pull requests of every base
// branch that has a plan of its own (README, "Security model"). The one
// listing of the open pull requests says which bases exist; each base's
// plan is read once, before any is gated (a head shared with a pull
// request into another base asks whether that base is gated); bases
// without a plan, or whose plan names another base, are left alone. ref,
// the branch the run is on, comes first and its outcome is the run's, the
// others follow in out.others. One base's failure does not stop the
// others: the errors are joined, and so is one naming the bases past
// maxBases, which are not re-evaluated.
func (e *engine) reevaluateAll(ctx context.Context, ref string) (*outcome, error) {
	all, err := e.openPulls(ctx)
	if err != nil {
		return nil, err
	}
	bases := basesOf(all, ref)
	var errs []error
	if len(bases) > maxBases {
		errs = append(errs, fmt.Errorf("the open pull requests go into %d bases, and a full re-evaluation reads the plans of at most %d: %d more bases, from %s on, were not re-evaluated", len(bases), maxBases, len(bases)-maxBases, logSafe(bases[maxBases])))
		bases = bases[:maxBases]
	}
	type loaded struct {
		ps  *planState
		out *outcome
		ok  bool
	}
	plans := make([]loaded, len(bases))
	for i, base := range bases {
		ps, out, ok, err := e.planToGate(ctx, base, base, "", "a re-evaluation")
		if err != nil {
			errs = append(errs, fmt.Errorf("the plan of %s: %w", logSafe(base), err))
			continue
		}
		e.noteGated(ps)
		plans[i] = loaded{ps, out, ok}
	}
	first := &outcome{}
	for i, l := range plans {
		out := l.out
		switch {
		case out == nil: // its plan could not be read
			continue
		case l.ok:
			var err error
			if out, err = e.regate(ctx, l.ps, out, into(all, l.ps.base), 0, nil, sweepAll); err != nil {
				errs = append(errs, fmt.Errorf("into %s: %w", logSafe(l.ps.base), err))
			}
		case i > 0 && len(l.ps.findings) == 0:
			// No plan of its own: nothing of it is the gate's.
			continue
		}
		if i == 0 {
			first = out
		} else {
			first.others = append(first.others, out)
		}
	}
	return first, errors.Join(errs...)
}

// basesOf lists the bases of the open pull requests all, ref first (with
// or without pull requests: its plan's problems are the run's to report),
// then the others by name.
func basesOf(all []ghapi.PullRequest, ref string) []string {
	seen := map[string]bool{ref: true}
	var others []string
	for _, pr := range all {
		if !seen[pr.BaseRef] {
			seen[pr.BaseRef] = true
			others = append(others, pr.BaseRef)
		}
	}
	slices.Sort(others)
	return append([]string{ref}, others...)
}
