package ghapi

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryPolicy bounds how the client waits out GitHub's transient failures:
// 5xx answers, 429, and 403 secondary rate limits.
type RetryPolicy struct {
	// Budget is the most time spent waiting for one request, all retries
	// together. A wait that would pass it is not started: the last answer
	// is returned instead.
	Budget time.Duration
	// Backoff is the first wait when GitHub does not say how long; it
	// doubles at each retry.
	Backoff time.Duration
}

// DefaultRetry waits up to two minutes per request.
var DefaultRetry = RetryPolicy{Budget: 2 * time.Minute, Backoff: time.Second}

// retryTransport retries requests GitHub answered with a transient failure.
// It sits below go-github, which sees only the final answer.
type retryTransport struct {
	next   http.RoundTripper
	policy RetryPolicy
	sleep  func(context.Context, time.Duration) error
	now    func() time.Time
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	deadline := t.now().Add(t.policy.Budget)
	backoff := t.policy.Backoff
	for attempt := 1; ; attempt++ {
		if attempt > 1 && req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			req.Body = body
		}
		resp, err := t.next.RoundTrip(req)
		wait, retry := retryAfter(resp, err, backoff, t.now())
		if !retry || req.Context().Err() != nil || t.now().Add(wait).After(deadline) {
			return resp, err
		}
		if resp != nil {
			io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
			resp.Body.Close()
		}
		if err := t.sleep(req.Context(), wait); err != nil {
			return nil, err
		}
		backoff *= 2
	}
}

// retryAfter decides whether an answer is transient and how long to wait:
// GitHub's Retry-After, or the reset time of an exhausted primary limit,
// or else the backoff.
func retryAfter(resp *http.Response, err error, backoff time.Duration, now time.Time) (time.Duration, bool) {
	if err != nil {
		return backoff, true // the connection failed; GitHub may be restarting
	}
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s >= 0 && isLimited(resp) {
		return time.Duration(s) * time.Second, true
	}
	switch {
	case resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented:
		return backoff, true
	case resp.StatusCode == http.StatusTooManyRequests:
		return backoff, true
	case resp.StatusCode == http.StatusForbidden && resp.Header.Get("X-RateLimit-Remaining") == "0":
		reset, err := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64)
		if err != nil {
			return 0, false
		}
		return max(time.Unix(reset, 0).Sub(now), 0), true
	case resp.StatusCode == http.StatusForbidden && secondaryLimit(resp):
		// GitHub asks for at least a minute when it gives no Retry-After.
		return max(backoff, time.Minute), true
	}
	return 0, false
}

// isLimited reports answers where Retry-After means "come back later".
func isLimited(resp *http.Response) bool {
	return resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500
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
