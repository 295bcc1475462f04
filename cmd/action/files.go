package main

import (
	"context"
	"fmt"

	"github.com/parallel-sessions/parallel-sessions/check"
	"github.com/parallel-sessions/parallel-sessions/cmd/internal/ghapi"
)

// headMovedError says a pull request's head moved while its files were
// listed: the list may be the new head's, so nothing is written for the
// old one (README, "Security model").
type headMovedError struct {
	pr       int
	from, to string
}

func (e *headMovedError) Error() string {
	return fmt.Sprintf("the head of #%d moved from %.12s to %.12s while its files were listed; nothing was written for %.12s, the run for %.12s gates it", e.pr, e.from, e.to, e.from, e.to)
}

// changes lists the files of pull request g.pr and reads the pull request
// again after: the list belongs to g.pr.HeadSHA only if the head did not
// move in between (GitHub lists the files of the head it has when asked).
// It returns the changes and the count GitHub reports for that head, and
// keeps what the read says of the merge into the base in g.
func (e *engine) changes(ctx context.Context, g *gated) ([]check.Change, int, error) {
	files, err := e.gh.PullFiles(ctx, g.pr.Number)
	if err != nil {
		return nil, 0, err
	}
	now, err := e.readMerge(ctx, g)
	if err != nil {
		return nil, 0, err
	}
	changes := make([]check.Change, len(files))
	for i, f := range files {
		changes[i] = check.Change{Status: changeStatus(f.Status), Path: f.Filename, PreviousPath: f.PreviousFilename}
	}
	return changes, now.ChangedFiles, nil
}

// readMerge reads pull request g.pr again and keeps what GitHub says of
// its merge into the base in g; a head that moved since g.pr was read is
// a headMovedError.
func (e *engine) readMerge(ctx context.Context, g *gated) (ghapi.PullRequest, error) {
	pr := g.pr
	now, err := e.gh.PullRequest(ctx, pr.Number)
	if err != nil {
		return now, err
	}
	if now.HeadSHA != pr.HeadSHA {
		return now, &headMovedError{pr: pr.Number, from: pr.HeadSHA, to: now.HeadSHA}
	}
	g.mergeable, g.mergeableState = now.Mergeable, now.MergeableState
	return now, nil
}
