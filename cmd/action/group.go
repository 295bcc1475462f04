package main

import (
	"context"
	"fmt"
	"regexp"
	"strconv"

	"github.com/parallel-sessions/parallel-sessions/cmd/internal/ghapi"
	"github.com/parallel-sessions/parallel-sessions/ordering"
	"github.com/parallel-sessions/parallel-sessions/plan"
)

// queueRef is the branch GitHub's merge queue makes for a group:
// gh-readonly-queue/BASE/pr-N-SHA, N being the pull request it tests.
var queueRef = regexp.MustCompile(`^(?:refs/heads/)?gh-readonly-queue/.+/pr-([0-9]+)-[0-9a-f]+$`)

// queuedPull is the pull request a merge group was made for.
func queuedPull(headRef string) (int, bool) {
	m := queueRef.FindStringSubmatch(headRef)
	if m == nil {
		return 0, false
	}
	n, err := strconv.Atoi(m[1])
	if err != nil || n == 0 {
		return 0, false
	}
	return n, true
}

// gateGroup gates a merge queue's group: the statuses of the pull request
// it was made for, written on the group's head commit. An earlier thread
// counts as landed when it has landed or when its pull request's head
// commit is in the group's base commit (the queue put it ahead of this
// group). A group that is not ready fails its order status: nothing
// re-evaluates a group's commit later, so pending would only stall the
// queue until it times out.
func (e *engine) gateGroup(ctx context.Context, mg mergeGroup, base string) (*outcome, error) {
	// The plan the group lands under: that of its base commit, which
	// holds the pull requests queued ahead of it, a plan change among
	// them (README, "Merge queues").
	at := mg.BaseSHA
	if at == "" {
		at = base
	}
	ps, out, ok, err := e.planToGate(ctx, base, at, mg.HeadSHA, "merge group "+mg.HeadRef)
	if !ok {
		return out, err
	}
	n, ok := queuedPull(mg.HeadRef)
	if !ok {
		msg := fmt.Sprintf("merge group %s names no pull request (gh-readonly-queue/BASE/pr-N-SHA)", mg.HeadRef)
		if err := e.setStatuses(ctx, mg.HeadSHA, status(scopeContext, errored, msg), status(orderContext, errored, msg)); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("%s", msg)
	}
	pr, err := e.gh.PullRequest(ctx, n)
	if err != nil {
		return nil, err
	}
	var decisions []ordering.Decision
	if thread, _ := e.identify(ps.plan, pr); thread != nil || e.untracked == untrackedGuard {
		open, err := e.openInto(ctx, ps.base)
		if err != nil {
			return nil, err
		}
		statuses, _, err := e.threadStatuses(ctx, ps, open, nil)
		if err != nil {
			return nil, err
		}
		if thread != nil {
			if err := e.countQueuedAhead(ctx, ps.plan, thread, statuses, open, mg.BaseSHA); err != nil {
				return nil, err
			}
		}
		decisions = ordering.Decide(ps.plan, statuses)
	}
	g := gated{pr: pr}
	scope, order, err := e.judge(ctx, ps, &g, decisions, fresh)
	if err != nil {
		return nil, err
	}
	if order.State == string(waiting) {
		order.State = string(failed)
		order.Description = "out of order in the merge queue: " + order.Description
	}
	if err := e.setStatuses(ctx, mg.HeadSHA, scope, order); err != nil {
		return nil, err
	}
	out.gated = append(out.gated, g)
	out.ownPR, out.ownGated = n, &out.gated[0]
	return out, nil
}

// countQueuedAhead marks as landed each open pull request (in open) of a
// thread ordered before thread whose head commit the group's base
// contains.
func (e *engine) countQueuedAhead(ctx context.Context, p *plan.Plan, thread *plan.Thread, statuses map[int]ordering.Status, open []ghapi.PullRequest, groupBase string) error {
	head := map[int]string{}
	for _, pr := range open {
		head[pr.Number] = pr.HeadSHA
	}
	for i := range p.Threads {
		t := &p.Threads[i]
		st := statuses[t.ID]
		sha, known := head[st.PR]
		if !t.Active() || t.MergeOrder >= thread.MergeOrder || st.State != ordering.Open || !known {
			continue
		}
		in, err := e.gh.Contains(ctx, groupBase, sha)
		if err != nil {
			return err
		}
		if in {
			statuses[t.ID] = ordering.Status{State: ordering.Landed, PR: st.PR}
		}
	}
	return nil
}
