package ghapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// DefaultRequestTimeout bounds one request, its answer's body included,
// when Options give none.
const DefaultRequestTimeout = 30 * time.Second

// DefaultMaxAnswerBytes bounds one answer's body when Options give none:
// far over GitHub's largest (a page of 100 files with their patches, a
// plan file), far under what would exhaust a runner's memory.
const DefaultMaxAnswerBytes = 64 << 20

// timeoutTransport abandons a request GitHub does not answer in time, and
// stops reading an answer over limit bytes: a hung answer ends in an error
// the retry policy sees, not a hung job, and an endless one in an error,
// not a run out of memory.
type timeoutTransport struct {
	next    http.RoundTripper
	timeout time.Duration
	limit   int64
}

func (t timeoutTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(req.Context(), t.timeout)
	resp, err := t.next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		timedOut := errors.Is(ctx.Err(), context.DeadlineExceeded) && req.Context().Err() == nil
		cancel()
		if timedOut {
			return nil, fmt.Errorf("no answer within %v: %w", t.timeout, err)
		}
		return nil, err
	}
	resp.Body = cancelOnClose{&limitedBody{r: resp.Body, left: t.limit, limit: t.limit}, resp.Body, cancel}
	return resp, nil
}

// limitedBody reads an answer's body until limit bytes, then fails.
type limitedBody struct {
	r           io.Reader
	left, limit int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One byte more tells a body of exactly limit bytes from a longer one.
		var one [1]byte
		for {
			n, err := b.r.Read(one[:])
			if n > 0 {
				return 0, fmt.Errorf("the answer is over the limit of %d bytes", b.limit)
			}
			if err != nil {
				return 0, err
			}
		}
	}
	n, err := b.r.Read(p[:min(int64(len(p)), b.left)])
	b.left -= int64(n)
	return n, err
}

// cancelOnClose reads r and ends a request's timeout when its body
// closes.
type cancelOnClose struct {
	r      io.Reader
	body   io.Closer
	cancel context.CancelFunc
}

func (c cancelOnClose) Read(p []byte) (int, error) { return c.r.Read(p) }

func (c cancelOnClose) Close() error {
	err := c.body.Close()
	c.cancel()
	return err
}
