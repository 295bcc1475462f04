package main

import (
	"context"
	"errors"
	"io"
	"time"
)

// budgetUnit is the grain of the memory unverified bodies may hold.
const budgetUnit = 64 << 10

// errNoBudget says the unverified bodies' memory stayed spent for as long
// as a delivery may wait.
var errNoBudget = errors.New("no memory left for unverified bodies")

// bodyBudget bounds the memory of the bodies read before their signature
// is checked, counted in what they hold, not in what they announce: a post
// that announces a large body and stalls holds only what it sent, so slow
// posts cannot keep GitHub's deliveries out.
type bodyBudget struct {
	units chan struct{}
}

// newBodyBudget is a budget of total bytes, at least one unit.
func newBodyBudget(total int64) *bodyBudget {
	return &bodyBudget{units: make(chan struct{}, max(1, total/budgetUnit))}
}

// take reserves n units; it waits until deadline or ctx is done, then
// gives back what it took and fails.
func (b *bodyBudget) take(ctx context.Context, n int, deadline <-chan time.Time) error {
	for i := range n {
		select {
		case b.units <- struct{}{}:
		case <-deadline:
			b.give(i)
			return errNoBudget
		case <-ctx.Done():
			b.give(i)
			return ctx.Err()
		}
	}
	return nil
}

// give returns n units.
func (b *bodyBudget) give(n int) {
	for range n {
		<-b.units
	}
}

// growWait bounds the wait of a body that holds memory for more: bodies
// that each hold some and wait for more would otherwise wait on each other
// until they all gave up.
const growWait = time.Second

// readBudgeted reads r whole, at most limit bytes, reserving from b the
// memory its buffer holds as the bytes arrive: its first unit waits at
// most wait, each growth after it at most growWait. It returns the body
// and the units held, for the caller to give back.
func readBudgeted(ctx context.Context, r io.Reader, limit int64, b *bodyBudget, wait time.Duration) (body []byte, held int, err error) {
	chunk := make([]byte, 16<<10)
	for {
		n, rerr := r.Read(chunk)
		if need := len(body) + n; need > cap(body) {
			grow := max(need, min(2*cap(body), int(limit)))
			units := (grow + budgetUnit - 1) / budgetUnit
			if held > 0 {
				wait = growWait
			}
			timer := time.NewTimer(wait)
			err := b.take(ctx, units-held, timer.C)
			timer.Stop()
			if err != nil {
				return nil, held, err
			}
			held = units
			grown := make([]byte, len(body), units*budgetUnit)
			copy(grown, body)
			body = grown
		}
		body = append(body, chunk[:n]...)
		if rerr == io.EOF {
			return body, held, nil
		}
		if rerr != nil {
			return nil, held, rerr
		}
	}
}
