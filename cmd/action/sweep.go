package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/parallel-sessions/parallel-sessions/cmd/internal/ghapi"
	"github.com/parallel-sessions/parallel-sessions/ordering"
	"github.com/parallel-sessions/parallel-sessions/plan"
)

// A re-evaluation gates again only what its event can have changed
// (README, "API cost"); a full one, on a plan change, workflow_dispatch or
// schedule, gates everything gated before and repairs what a failed run
// left.
type sweep int

const (
	// sweepAll gates every open pull request gated before or of a thread,
	// and lists every one's files.
	sweepAll sweep = iota
	// sweepTurns gates the thread pull requests whose decision the change
	// moved, and under untracked-prs guard the pull requests that are no
	// thread, gated before, when a thread's status moved.
	sweepTurns
	// sweepReady gates the thread pull requests whose turn has come: the
	// base moved, the plan did not, and what GitHub says of merging them
	// may have changed.
	sweepReady
)

// view is what gating one pull request may take from what the gate wrote
// before.
type view int

const (
	// fresh: nothing; the files are listed.
	fresh view = iota
	// reuse: a passing scope status the gate wrote on the head stands; the
	// plan did not change and the scope of a thread's pull request depends
	// only on its head and the plan.
	reuse
	// current: as reuse, and nothing is done when the gate's order status
	// on the head already says the decision (a run of the same event, or
	// of a later one, wrote it).
	current
)

// change is what a pull request event changed: pull request n, from branch
// head of repository headRepo, was in state was ("open", "closed", or ""
// when it did not exist) before the event.
type change struct {
	n              int
	head, headRepo string
	was            string
}

// undo returns pulls, the pull requests of the changed branch as GitHub
// lists them now, as they were before the change.
func (c *change) undo(pulls []ordering.PullRequest) []ordering.PullRequest {
	out := slices.DeleteFunc(slices.Clone(pulls), func(p ordering.PullRequest) bool { return p.Number == c.n })
	if c.was != "" {
		out = append(out, ordering.PullRequest{Number: c.n, Open: c.was == "open"})
	}
	return out
}

// reevaluateFor re-evaluates the base of an event that asks for it: a
// closed pull request re-gates what its close changed; a push what the
// base's move changed, everything when the plan changed; workflow_dispatch,
// schedule and the bot's reconcile everything, on every base with a plan.
func (e *engine) reevaluateFor(ctx context.Context, ev event) (*outcome, error) {
	switch {
	case ev.pr != 0 && ev.head != "":
		was, _ := ev.stateChange()
		return e.resweep(ctx, ev.base, &change{n: ev.pr, head: ev.head, headRepo: ev.headRepo, was: was}, "")
	case ev.name == "push":
		return e.resweep(ctx, ev.base, nil, ev.before)
	}
	return e.reevaluateAll(ctx, ev.base)
}

// resweep re-gates the open pull requests into base after an event that
// is none of theirs. With ch, pull request ch.n of base changed state: it
// re-gates the pull requests whose decision the change moved. Else, when
// a push moved base from commit before ("" for no push) and the plan is
// the same at before as at the tip, only the pull requests whose turn has
// come. Else every open pull request the gate has gated before or that is
// a thread's, dropped threads' included, listing every one's files: after
// a plan change a thread's turn, scope and label may all have changed, a
// dropped thread's pull request must lose its greens, and a removed
// thread's pull request is no thread. One pull request's failure does not
// stop the others: the errors are joined.
func (e *engine) resweep(ctx context.Context, base string, ch *change, before string) (*outcome, error) {
	ps, out, ok, err := e.planToGate(ctx, base, base, "", "a re-evaluation")
	if !ok {
		return out, err
	}
	open, err := e.openInto(ctx, base)
	if err != nil {
		return nil, err
	}
	m := sweepAll
	switch {
	case ch != nil:
		m = sweepTurns
	case e.planUnchanged(ctx, ps, before):
		m = sweepReady
	}
	return e.regate(ctx, ps, out, open, 0, ch, m)
}

// planUnchanged reports whether the plan file at commit before is, byte
// for byte, the plan ps read at the tip, and ps was judged without the
// base's tree (which any push can change). Anything unknown is a change:
// a push that created the branch, a plan missing at before, an error.
func (e *engine) planUnchanged(ctx context.Context, ps *planState, before string) bool {
	if strings.Trim(before, "0") == "" || ps.inTree {
		return false
	}
	data, err := e.gh.File(ctx, before, ps.path)
	return err == nil && bytes.Equal(data, ps.raw)
}

// regate re-evaluates the base of ps, whose open pull requests are open,
// into out, as sweep m says. Pull request own, when not 0, is the event's
// own: it is gated in any case, its files listed, and its outcome is the
// job's. ch is the event's change, for sweepTurns.
func (e *engine) regate(ctx context.Context, ps *planState, out *outcome, open []ghapi.PullRequest, own int, ch *change, m sweep) (*outcome, error) {
	statuses, before, err := e.threadStatuses(ctx, ps, open, ch)
	if err != nil {
		return nil, err
	}
	decisions := ordering.Decide(ps.plan, statuses)
	out.ownPR, out.decisions = own, decisions
	var moved []int
	r := reachNone
	if before != nil {
		moved = ordering.Changed(ordering.Decide(ps.plan, before), decisions)
		r = reachOf(before, statuses)
	}
	var errs []error
	for _, pr := range open {
		v, again, err := e.pick(ctx, ps, pr, decisions, m, own, moved, r)
		if err == nil && again {
			var g *gated
			if g, err = e.gate(ctx, ps, pr, decisions, v); err == nil && g != nil {
				out.gated = append(out.gated, *g)
			}
		}
		var headMoved *headMovedError
		switch {
		case errors.As(err, &headMoved) && pr.Number != own:
			// Not a failure: the run for its new head gates it.
			out.moved = append(out.moved, headMoved.Error())
		case err != nil:
			errs = append(errs, fmt.Errorf("#%d: %w", pr.Number, err))
		}
	}
	for i := range out.gated {
		if out.gated[i].pr.Number == own {
			out.ownGated = &out.gated[i]
		}
	}
	return out, errors.Join(errs...)
}

// reach is what an event did to the threads' statuses, which the verdict
// of a pull request that is no thread rests on under untracked-prs guard.
type reach int

const (
	reachNone  reach = iota // no thread's status moved
	reachTexts              // some moved, but every thread that had landed still has: a passing verdict stays passing
	reachAll                // a thread that had landed no longer counts as landed: any verdict may change
)

// reachOf compares the threads' statuses before and after an event.
func reachOf(before, now map[int]ordering.Status) reach {
	r := reachNone
	for id, b := range before {
		switch a := now[id]; {
		case a == b:
		case b.State == ordering.Landed && a.State != ordering.Landed:
			return reachAll
		default:
			r = reachTexts
		}
	}
	return r
}

// pick decides whether a re-evaluation as m gates pr, and with what view:
// moved lists the threads whose decision the event changed, r what it did
// to their statuses.
func (e *engine) pick(ctx context.Context, ps *planState, pr ghapi.PullRequest, decisions []ordering.Decision, m sweep, own int, moved []int, r reach) (view, bool, error) {
	if pr.Number == own {
		return fresh, true, nil
	}
	if m == sweepAll {
		again, err := e.gatedBefore(ctx, ps.plan, pr)
		return fresh, again, err
	}
	t, _ := e.identify(ps.plan, pr)
	if t == nil {
		// Under guard its verdict rests on which threads have not landed
		// and on their pull requests.
		if m != sweepTurns || r == reachNone || e.untracked != untrackedGuard {
			return fresh, false, nil
		}
		again, err := e.gatedBefore(ctx, ps.plan, pr)
		if err != nil || !again || r == reachAll {
			return fresh, again, err
		}
		// No thread stopped counting as landed: the gate's own pass, which
		// names no thread, stands.
		have, err := e.statuses(ctx, pr.HeadSHA)
		cur := have[scopeContext]
		return fresh, cur.Creator != e.self || cur.State != string(passed) || cur.Description != truncate(guardPassNote(e.planPath), 140), err
	}
	d, active := ordering.Find(decisions, t.ID)
	switch {
	case !active:
		return fresh, false, nil
	case m == sweepTurns:
		return current, slices.Contains(moved, t.ID), nil
	}
	return reuse, d.Ready, nil
}

// orderCurrent reports whether the thread pull request of g already
// carries the gate's own scope status and an order status that says its
// decision: waiting on the same threads, or ready (what it adds on the
// merge into the base is the push's to update).
func (e *engine) orderCurrent(ctx context.Context, ps *planState, g *gated, decisions []ordering.Decision) (bool, error) {
	if g.thread, _ = e.identify(ps.plan, g.pr); g.thread == nil {
		return false, nil
	}
	have, err := e.statuses(ctx, g.pr.HeadSHA)
	if err != nil {
		return false, err
	}
	sc, scoped := have[scopeContext]
	oc, ordered := have[orderContext]
	if !scoped || !ordered || sc.Creator != e.self || oc.Creator != e.self {
		return false, nil
	}
	want := e.orderStatus(g, decisions)
	if want.State != oc.State {
		return false, nil
	}
	if g.ready {
		return strings.HasPrefix(oc.Description, want.Description), nil
	}
	return truncate(want.Description, 140) == oc.Description, nil
}

// scopeFromStatus takes the scope of g's thread pull request from the
// passing scope status the gate wrote on its head, when that status is
// exactly what the check writes for this thread; it reports whether it
// did. A failing or unverified scope is checked again: the comment lists
// its paths.
func (e *engine) scopeFromStatus(ctx context.Context, g *gated) (bool, error) {
	have, err := e.statuses(ctx, g.pr.HeadSHA)
	if err != nil {
		return false, err
	}
	cur, ok := have[scopeContext]
	if !ok || cur.Creator != e.self || cur.State != string(passed) {
		return false, nil
	}
	var n int
	if _, err := fmt.Sscanf(cur.Description, "in scope: %d ", &n); err != nil || n < 0 {
		return false, nil
	}
	note := inScopeNote(n, g.thread)
	if truncate(note, 140) != cur.Description {
		return false, nil
	}
	g.scope, g.scopeNote, g.scopePaths = passed, note, n
	return true, nil
}

// inScopeNote is the scope status of a thread pull request whose n paths
// are all in scope.
func inScopeNote(n int, t *plan.Thread) string {
	return fmt.Sprintf("in scope: %d %s of %s", n, plural(n, "path", "paths"), t.Label())
}
