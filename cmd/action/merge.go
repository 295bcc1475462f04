package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/parallel-sessions/parallel-sessions/cmd/internal/ghapi"
)

// What GitHub says of merging a ready thread's pull request into its base
// (README, "When a thread's turn comes").
const (
	mergeUnknown   = iota // GitHub has not computed it yet
	mergeClean            // no conflicts; GitHub says "behind" only where a branch rule requires up-to-date branches
	mergeBehind           // behind the base, merges cleanly
	mergeConflicts        // conflicts with the base
)

// mergeState reads GitHub's mergeable and mergeable_state: nothing is
// claimed while mergeable is null.
func mergeState(g *gated) int {
	switch {
	case g.mergeable == nil:
		return mergeUnknown
	case !*g.mergeable || g.mergeableState == "dirty":
		return mergeConflicts
	case g.mergeableState == "behind":
		return mergeBehind
	}
	return mergeClean
}

// mergeNote is what the order status of a ready pull request adds: ok is
// false when there is nothing to act on (it merges cleanly, or GitHub has
// not computed it yet; the comment says which).
func mergeNote(g *gated) (string, bool) {
	base := g.pr.BaseRef
	switch mergeState(g) {
	case mergeConflicts:
		return fmt.Sprintf("conflicts with %s: merge %s into it or rebase", base, base), true
	case mergeBehind:
		return fmt.Sprintf("behind %s, merges cleanly: update the branch", base), true
	}
	return "", false
}

// maybeUpdateBranch asks GitHub to update the branch of a ready thread's
// pull request that is behind the base and merges cleanly, when the
// update-branch input says so, for the head that was checked only. A head
// that moved since is left as it is.
func (e *engine) maybeUpdateBranch(ctx context.Context, g *gated) error {
	if !e.updateBranch || g.thread == nil || !g.ready || mergeState(g) != mergeBehind {
		return nil
	}
	err := e.gh.UpdateBranch(ctx, g.pr.Number, g.pr.HeadSHA)
	switch {
	case errors.Is(err, ghapi.ErrHeadMoved):
		g.update = "its head moved since it was checked, so it was left as it is"
	case err != nil:
		return err
	default:
		g.update = "ps-action asked GitHub to update it"
	}
	return nil
}

// mergeLine is the comment's line on the merge of a ready pull request.
func mergeLine(g *gated) string {
	base := codeSpan(g.pr.BaseRef)
	switch mergeState(g) {
	case mergeConflicts:
		return fmt.Sprintf("**Branch:** ❌ conflicts with %s: merge %s into the branch or rebase it, and resolve the conflicts.", base, base)
	case mergeBehind:
		if g.update != "" {
			return fmt.Sprintf("**Branch:** ⚠️ behind %s, merges cleanly: %s.", base, g.update)
		}
		return fmt.Sprintf("**Branch:** ⚠️ behind %s, merges cleanly: update the branch.", base)
	case mergeClean:
		return fmt.Sprintf("**Branch:** ✅ merges into %s without conflicts.", base)
	}
	return fmt.Sprintf("**Branch:** mergeability not computed yet: GitHub has not said whether it merges cleanly into %s; the next run says.", base)
}
