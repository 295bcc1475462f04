package main

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
)

// job is one accepted delivery's work.
type job struct {
	delivery string
	// also lists the deliveries coalesced into this job.
	also         []string
	repo         string // owner/name
	web          string // the repository's web address, "" when unknown
	installation int64
	ev           event
	// until, for a reconcile, ends the job when it is done (shutdown): no
	// delivery waits on a reconcile, and the next start-up runs it again.
	// nil for a delivery's job.
	until context.Context
	// notify are told whether the job succeeded once it has run: the
	// reconcile's, which bounds how many of its jobs are queued.
	notify []func(ok bool)
}

// deliveries lists every delivery the job does the work of.
func (j job) deliveries() []string { return append([]string{j.delivery}, j.also...) }

// key names what a job does; two jobs with one key in one repository do
// the same work. A reconcile (every base) is no delivery's event, so it is
// never folded into a delivery's job (a push's re-evaluates one base) nor
// a delivery's into it. An event that changes its pull request's state
// (opened, closed, reopened) re-gates what the change reaches, so it is
// never folded into one that does not. Nor is a push folded into another push:
// each compares the plan at its own before commit with the tip, and a
// plan changed by the first and changed back by the second is the same at
// the first one's before as at the tip, while a job between them may have
// gated with the plan in between.
func (j job) key() string {
	was, changed := j.ev.stateChange()
	return j.ev.name + "|" + j.ev.todo() + "|" + strconv.FormatBool(changed) + was + "|" + j.ev.base + "|" + j.ev.before + "|" + j.ev.group.HeadSHA + "|" + strconv.Itoa(j.ev.pr)
}

// queues runs jobs one at a time per repository, in the order they came,
// so that two deliveries never race on one repository's statuses, labels
// and comments. A job identical to one still waiting is dropped: the
// waiting job reads GitHub's state when it runs, after both deliveries, so
// it covers both.
type queues struct {
	// run does a job and reports whether it succeeded.
	run func(job) bool

	mu     sync.Mutex
	idle   *sync.Cond
	repos  map[string]*repoQueue
	closed bool

	done, failed, coalesced atomic.Int64
}

type repoQueue struct {
	pending []job
}

func newQueues(run func(job) bool) *queues {
	q := &queues{run: run, repos: map[string]*repoQueue{}}
	q.idle = sync.NewCond(&q.mu)
	return q
}

// add queues j; it reports false once the queues are closed.
func (q *queues) add(j job) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return false
	}
	rq := q.repos[j.repo]
	if rq == nil {
		rq = &repoQueue{}
		q.repos[j.repo] = rq
		go q.work(j.repo, rq)
	}
	for i := range rq.pending {
		if rq.pending[i].key() == j.key() {
			rq.pending[i].also = append(rq.pending[i].also, j.deliveries()...)
			rq.pending[i].notify = append(rq.pending[i].notify, j.notify...)
			q.coalesced.Add(1)
			return true
		}
	}
	rq.pending = append(rq.pending, j)
	return true
}

// work runs a repository's jobs until none is left.
func (q *queues) work(repo string, rq *repoQueue) {
	for {
		q.mu.Lock()
		if len(rq.pending) == 0 {
			delete(q.repos, repo)
			q.idle.Broadcast()
			q.mu.Unlock()
			return
		}
		j := rq.pending[0]
		rq.pending = rq.pending[1:]
		q.mu.Unlock()
		ok := q.run(j)
		if ok {
			q.done.Add(1)
		} else {
			q.failed.Add(1)
		}
		for _, tell := range j.notify {
			tell(ok)
		}
	}
}

// close refuses new jobs and waits until every accepted one has run.
func (q *queues) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.wait()
}

// wait blocks until no job is waiting or running.
func (q *queues) wait() {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.repos) > 0 {
		q.idle.Wait()
	}
}
