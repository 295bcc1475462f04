package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/parallel-sessions/parallel-sessions/cmd/internal/ghapi"
)

// openInto lists the open pull requests into base, from one listing of
// every open pull request of the repository, whose heads it notes: commit
// statuses belong to the commit, so two open pull requests with one head
// show the same statuses, and what the gate writes for one would pass the
// other (README, "Security model").
func (e *engine) openInto(ctx context.Context, base string) ([]ghapi.PullRequest, error) {
	all, err := e.openPulls(ctx)
	if err != nil {
		return nil, err
	}
	return into(all, base), nil
}

// openPulls lists every open pull request of the repository, once, and
// notes their heads (openInto).
func (e *engine) openPulls(ctx context.Context) ([]ghapi.PullRequest, error) {
	all, err := e.gh.OpenPulls(ctx, "")
	if err != nil {
		return nil, err
	}
	e.heads = map[string][]ghapi.PullRequest{}
	for _, pr := range all {
		e.heads[pr.HeadSHA] = append(e.heads[pr.HeadSHA], pr)
	}
	return all, nil
}

// into filters the pull requests into base, in their order.
func into(all []ghapi.PullRequest, base string) []ghapi.PullRequest {
	var open []ghapi.PullRequest
	for _, pr := range all {
		if pr.BaseRef == base {
			open = append(open, pr)
		}
	}
	return open
}

// twins lists the other open pull requests whose head commit is pr's and
// whose statuses the gate writes: those into pr's base, and those into a
// base with a plan of its own (a base without one gets no statuses).
func (e *engine) twins(ctx context.Context, pr ghapi.PullRequest) ([]ghapi.PullRequest, error) {
	var out []ghapi.PullRequest
	for _, o := range e.heads[pr.HeadSHA] {
		if o.Number == pr.Number {
			continue
		}
		gated := o.BaseRef == pr.BaseRef
		if !gated {
			var err error
			if gated, err = e.gatedBase(ctx, o.BaseRef); err != nil {
				return nil, err
			}
		}
		if gated {
			out = append(out, o)
		}
	}
	return out, nil
}

// gatedBase reports whether the gate writes statuses on pull requests into
// base: it has a plan whose base it is, valid or not. It reads the plan
// once a run.
func (e *engine) gatedBase(ctx context.Context, base string) (bool, error) {
	if gated, ok := e.gatedBases[base]; ok {
		return gated, nil
	}
	ps, err := e.loadPlan(ctx, base, base)
	if err != nil {
		return false, err
	}
	return e.noteGated(ps), nil
}

// noteGated notes whether the gate writes statuses on pull requests into
// the base of ps, a plan read at the base's tip, and reports it: the base
// has a plan whose base it is, valid or not.
func (e *engine) noteGated(ps *planState) bool {
	gated := (ps.plan != nil || len(ps.findings) > 0) && (ps.plan == nil || ps.plan.Base == ps.base)
	if e.gatedBases == nil {
		e.gatedBases = map[string]bool{}
	}
	e.gatedBases[ps.base] = gated
	return gated
}

// sharedHeadNote is the error status of a pull request whose head commit
// is also the head of the pull requests others.
func sharedHeadNote(pr ghapi.PullRequest, others []ghapi.PullRequest) string {
	names := make([]string, len(others))
	for i, o := range others {
		names[i] = fmt.Sprintf("#%d", o.Number)
		if o.BaseRef != pr.BaseRef {
			names[i] += " into " + o.BaseRef
		}
	}
	return fmt.Sprintf("its head commit %.12s is also the head of %s, and a commit's statuses show on both, so neither is verified; push a commit of its own to one of them", pr.HeadSHA, strings.Join(names, ", "))
}
