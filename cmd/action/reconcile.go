package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parallel-sessions/parallel-sessions/cmd/internal/ghapi"
)

// reconcileEvent is the event of a reconcile's jobs: a full re-evaluation
// of every base with a plan, as workflow_dispatch and schedule are for the
// Action. GitHub delivers no event of that name.
const reconcileEvent = "reconcile"

// reconcileConcurrency bounds the repositories a reconcile has queued or
// running at once, so that a reconcile of many repositories neither floods
// the queues ahead of deliveries nor spends an installation's rate limit in
// a burst.
const reconcileConcurrency = 4

// installed lists what the App is installed on; *ghapi.App is one.
type installed interface {
	Installations(ctx context.Context) ([]int64, error)
	Repositories(ctx context.Context, installation int64) ([]ghapi.Installed, error)
}

var _ installed = (*ghapi.App)(nil)

// reconcileEvery reconciles every installed repository at once, then
// again every interval after the last round ended, until ctx is done:
// what a delivery GitHub never sent, or one lost in a crash after its 202,
// left stale is repaired within an interval (README, "The bot").
func (b *bot) reconcileEvery(ctx context.Context, apps installed, cfg serveConfig) {
	for round := 1; ; round++ {
		b.reconcile(ctx, apps, cfg, round)
		t := time.NewTimer(cfg.reconcileEvery)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// reconcile queues a full re-evaluation of every repository the App's
// installations can access, through the queues deliveries use (so it never
// runs beside a delivery's job for the same repository), at most
// reconcileConcurrency at a time, and waits for them. A listing that fails
// is logged, and the repositories listed are reconciled; a job that fails
// is logged as any job. Once ctx is done it queues nothing more, and its
// jobs end.
func (b *bot) reconcile(ctx context.Context, apps installed, cfg serveConfig, round int) {
	start := time.Now()
	log := b.log.With("reconcile", round)
	repos, err := listInstalled(ctx, apps, cfg)
	if err != nil {
		log.Error("reconcile: listing the installed repositories failed; reconciling those listed", "err", err, "listed", len(repos))
	}
	slots := make(chan struct{}, reconcileConcurrency)
	var wg sync.WaitGroup
	var failed atomic.Int64
	queued := 0
	for _, r := range repos {
		ev := event{name: reconcileEvent, base: r.DefaultBranch}
		if ev.todo() == doNothing {
			continue // an empty repository has no branch to re-evaluate
		}
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		done := func(ok bool) {
			if !ok {
				failed.Add(1)
			}
			<-slots
			wg.Done()
		}
		j := job{delivery: fmt.Sprintf("reconcile-%d", round), repo: r.Repository, web: webAddress(r.HTMLURL), installation: r.Installation, ev: ev, until: ctx, notify: []func(bool){done}}
		if !b.queues.add(j) {
			done(true)
			break
		}
		queued++
	}
	wg.Wait()
	log.Info("reconcile done", "repos", queued, "failed", failed.Load(), "ms", time.Since(start).Milliseconds())
}

// listInstalled lists the repositories of every installation, within one
// deadline and retry budget; an installation whose listing fails is left
// out, and its error joined.
func listInstalled(ctx context.Context, apps installed, cfg serveConfig) ([]ghapi.Installed, error) {
	ctx, cancel := context.WithTimeout(ghapi.WithRetryBudget(ctx, cfg.retry.Budget), cfg.jobTimeout)
	defer cancel()
	ids, err := apps.Installations(ctx)
	if err != nil {
		return nil, err
	}
	var all []ghapi.Installed
	var errs []error
	for _, id := range ids {
		repos, err := apps.Repositories(ctx, id)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		all = append(all, repos...)
	}
	return all, errors.Join(errs...)
}
