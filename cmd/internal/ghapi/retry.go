package ghapi

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// RetryPolicy bounds how the client waits out GitHub's transient failures:
// 5xx answers and broken connections (on requests that are safe to send
// again), 429, and 403 rate limits (README, "What happens on faults").
type RetryPolicy struct {
	// Budget is the most time spent waiting between retries, all requests
	// of a run together (see WithRetryBudget). A wait that would pass it is
	// not started: the last answer is returned instead.
	Budget time.Duration
	// Backoff is the first wait when GitHub does not say how long; it
	// doubles at each retry of a request.
	Backoff time.Duration
	// Floor is the shortest wait before any retry, whatever GitHub says (a
	// rate limit whose reset is already past, Retry-After: 0); each wait
	// gets up to a quarter more of jitter. Zero means DefaultRetry's.
	Floor time.Duration
}

// DefaultRetry waits at most a minute in all, and never less than a second
// before a retry.
var DefaultRetry = RetryPolicy{Budget: time.Minute, Backoff: time.Second, Floor: time.Second}

// budget is waiting time left to spend on retries, shared by every request
// that draws on it.
type budget struct {
	mu   sync.Mutex
	left time.Duration
}

// take spends d if that much is left. A wait that does not fit spends the
// rest: a run that ran out of patience once does not go on retrying in
// the crumbs.
func (b *budget) take(d time.Duration) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if d > b.left {
		b.left = 0
		return false
	}
	b.left -= d
	return true
}

type budgetKey struct{}

// WithRetryBudget returns a context whose requests, through any client,
// share one retry budget of d: a run or a bot job waits out at most d in
// all, however many requests fail.
func WithRetryBudget(ctx context.Context, d time.Duration) context.Context {
	return context.WithValue(ctx, budgetKey{}, &budget{left: d})
}

type safeKey struct{}

// retrySafe marks a write that may be sent again after an ambiguous
// failure (5xx, broken connection) because a second copy changes nothing:
// a commit status (the latest of a context wins), a label.
func retrySafe(ctx context.Context) context.Context {
	return context.WithValue(ctx, safeKey{}, true)
}

// idempotent reports whether req may be sent again when it is unknown
// whether GitHub acted on it. A POST that creates (a comment, a pull
// request) may not: GitHub may have created it before the answer was lost.
func idempotent(req *http.Request) bool {
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodPatch, http.MethodDelete:
		return true
	}
	safe, _ := req.Context().Value(safeKey{}).(bool)
	return safe
}

// retryTransport retries requests GitHub answered with a transient failure.
// It sits below go-github, which sees only the final answer.
type retryTransport struct {
	next   http.RoundTripper
	policy RetryPolicy
	// budget is the client's own, for requests whose context carries none.
	budget *budget
	sleep  func(context.Context, time.Duration) error
	now    func() time.Time
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	b, ok := req.Context().Value(budgetKey{}).(*budget)
	if !ok {
		b = t.budget
	}
	backoff := max(t.policy.Backoff, t.policy.Floor)
	attempt := req
	for {
		resp, err := t.next.RoundTrip(attempt)
		wait, retry := retryAfter(req, resp, err, backoff, t.now())
		if !retry || req.Context().Err() != nil {
			return resp, err
		}
		wait = max(wait, t.policy.Floor)
		wait += time.Duration(rand.Int64N(int64(wait/4) + 1))
		if (req.Body != nil && req.GetBody == nil) || !b.take(wait) {
			return resp, err
		}
		if resp != nil {
			io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
			resp.Body.Close()
		}
		if err := t.sleep(req.Context(), wait); err != nil {
			return nil, err
		}
		// The request is not changed: each retry sends a copy with a
		// fresh body.
		attempt = req.Clone(req.Context())
		if req.GetBody != nil {
			if attempt.Body, err = req.GetBody(); err != nil {
				return nil, err
			}
		}
		backoff *= 2
	}
}

// retryAfter decides whether an answer is transient and how long to wait:
// GitHub's Retry-After, or the reset time of an exhausted primary limit,
// or else the backoff. A request is sent again after a 5xx or a broken
// connection only when that is safe (idempotent); a rate limit proves
// GitHub did not act, so any request is.
func retryAfter(req *http.Request, resp *http.Response, err error, backoff time.Duration, now time.Time) (time.Duration, bool) {
	if err != nil {
		return backoff, idempotent(req) // the connection failed; GitHub may be restarting
	}
	limited := resp.StatusCode == http.StatusTooManyRequests ||
		resp.StatusCode == http.StatusForbidden && (resp.Header.Get("X-RateLimit-Remaining") == "0" || secondaryLimit(resp))
	transient := resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented
	if !limited && !(transient && idempotent(req)) {
		return 0, false
	}
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if resp.Header.Get("X-RateLimit-Remaining") == "0" {
		if reset, err := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64); err == nil {
			return max(time.Unix(reset, 0).Sub(now), 0), true
		}
	}
	if resp.StatusCode == http.StatusForbidden && !transient {
		// GitHub asks for at least a minute after a secondary limit
		// when it gives no Retry-After.
		return max(backoff, time.Minute), true
	}
	return backoff, true
}

// secondaryLimit reads the body of a 403 for GitHub's secondary rate limit
// message, and puts the body back for go-github.
func secondaryLimit(resp *http.Response) bool {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return strings.Contains(strings.ToLower(string(body)), "secondary rate limit")
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
