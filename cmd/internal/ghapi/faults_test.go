package ghapi

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parallel-sessions/parallel-sessions/cmd/internal/fakegithub"
	"testing/iotest"
)

func faultClient(t *testing.T, fake *fakegithub.Server, opts Options) *Client {
	t.Helper()
	opts.BaseURL, opts.Token = fake.APIURL(), "t0ken"
	c, err := New("octo/repo", opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestHungAPIAnswerIsAbandoned(t *testing.T) {
	fake := fakegithub.New(t, "octo", "repo")
	fake.AddPull(fakegithub.Pull{Number: 1, HeadRef: "x", HeadSHA: "abc", BaseRef: "main"})
	once := &fakegithub.Fault{Path: "/pulls/1", Hang: true, Times: 1}
	fake.AddFault(once)
	c := faultClient(t, fake, Options{RequestTimeout: 200 * time.Millisecond, Retry: RetryPolicy{Budget: 5 * time.Second, Backoff: 10 * time.Millisecond, Floor: 10 * time.Millisecond}})
	// A GET whose answer never comes is abandoned and sent again.
	if pr, err := c.PullRequest(context.Background(), 1); err != nil || pr.HeadSHA != "abc" {
		t.Fatalf("after one hung answer: %+v, %v", pr, err)
	}
	// An answer that never comes at all ends within the timeouts and the
	// budget, with an error that says so.
	fake.AddFault(&fakegithub.Fault{Path: "/pulls/1", Hang: true})
	c = faultClient(t, fake, Options{RequestTimeout: 200 * time.Millisecond, Retry: RetryPolicy{Budget: 300 * time.Millisecond, Backoff: 100 * time.Millisecond, Floor: 100 * time.Millisecond}})
	start := time.Now()
	_, err := c.PullRequest(context.Background(), 1)
	if err == nil || !strings.Contains(err.Error(), "no answer within 200ms") {
		t.Fatalf("err = %v", err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("gave up after %v", took)
	}
	// A POST whose answer never comes is not sent again: GitHub may have
	// acted on it.
	fake.Requests()
	fake.AddFault(&fakegithub.Fault{Method: "POST", Path: "/comments", Hang: true})
	if err := c.CreateComment(context.Background(), 1, "hello"); err == nil {
		t.Fatal("a hung comment POST succeeded")
	}
	if w := fakegithub.Writes(fake.Requests()); len(w) != 1 {
		t.Errorf("%d comment POSTs, want 1", len(w))
	}
}

func TestPastRateLimitResetWaitsAFloor(t *testing.T) {
	past := strconv.FormatInt(time.Now().Add(-time.Hour).Unix(), 10)
	for _, f := range []fakegithub.Fault{
		{Status: 429, Header: map[string]string{"Retry-After": "0", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": past}},
		{Status: 403, Header: map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": past}, Body: "API rate limit exceeded"},
		{Status: 403, Header: map[string]string{"Retry-After": "0"}, Body: "You have exceeded a secondary rate limit"},
	} {
		fake := fakegithub.New(t, "octo", "repo")
		fake.AddFault(&f)
		// A budget of one second at a floor of 100ms: ten retries at most,
		// however often GitHub says "now".
		c := faultClient(t, fake, Options{Retry: RetryPolicy{Budget: time.Second, Backoff: time.Millisecond, Floor: 100 * time.Millisecond}})
		start := time.Now()
		if _, err := c.PullRequest(context.Background(), 1); err == nil {
			t.Fatal("a rate limit storm passed")
		}
		n := len(fake.Requests())
		if n < 2 || n > 11 {
			t.Errorf("%d %v: %d requests in %v, want 2 to 11", f.Status, f.Header, n, time.Since(start))
		}
	}
}

func TestRetryBudgetIsOneForTheRun(t *testing.T) {
	fake := fakegithub.New(t, "octo", "repo")
	fake.AddFault(&fakegithub.Fault{Status: 502})
	c := faultClient(t, fake, Options{Retry: RetryPolicy{Budget: time.Hour, Backoff: 50 * time.Millisecond, Floor: 50 * time.Millisecond}})
	ctx := WithRetryBudget(context.Background(), 400*time.Millisecond)
	for n := range 5 {
		if _, err := c.PullRequest(ctx, n+1); err == nil {
			t.Fatal("a 502 passed")
		}
	}
	// 400ms at 50ms, 100ms, 200ms, ... (plus jitter): at most 3 waits in
	// all, not 3 per request.
	if n := len(fake.Requests()); n > 5+3 {
		t.Errorf("%d requests for 5 calls, want at most 8", n)
	}
}

func TestLostCommentPostIsNotSentAgain(t *testing.T) {
	for _, f := range []fakegithub.Fault{
		{Method: "POST", Path: "/comments", Status: 502, AfterWrite: true, Times: 1},
		{Method: "POST", Path: "/comments", Drop: true, AfterWrite: true, Times: 1},
	} {
		fake := fakegithub.New(t, "octo", "repo")
		fake.AddPull(fakegithub.Pull{Number: 1, HeadRef: "x", HeadSHA: "abc", BaseRef: "main"})
		fake.AddFault(&f)
		c := newClient(t, fake)
		err := c.CreateComment(context.Background(), 1, "hello")
		if err == nil || !strings.Contains(err.Error(), "GitHub may have made the comment") {
			t.Errorf("a lost answer: %v", err)
		}
		if got := len(fake.Comments(1)); got != 1 {
			t.Errorf("drop=%v: %d comments, want 1", f.Drop, got)
		}
	}
}

func TestWritesThatChangeNothingTwiceAreRetried(t *testing.T) {
	fake := fakegithub.New(t, "octo", "repo")
	fake.AddPull(fakegithub.Pull{Number: 1, HeadRef: "x", HeadSHA: "abc", BaseRef: "main"})
	c := newClient(t, fake)
	ctx := context.Background()
	fake.AddFault(&fakegithub.Fault{Method: "POST", Path: "/labels", Status: 502, AfterWrite: true, Times: 1})
	if err := c.CreateLabel(ctx, "merge-order:1", "0e8a16", "d"); err != nil {
		t.Errorf("a label made before its answer was lost: %v", err)
	}
	if err := c.CreateLabel(ctx, "merge-order:1", "0e8a16", "d"); err != nil {
		t.Errorf("a label that exists already: %v", err)
	}
	fake.AddFault(&fakegithub.Fault{Method: "DELETE", Path: "/labels/", Status: 502, AfterWrite: true, Times: 1})
	if err := c.AddLabel(ctx, 1, "merge-order:1"); err != nil {
		t.Fatal(err)
	}
	if err := c.RemoveLabel(ctx, 1, "merge-order:1"); err != nil {
		t.Errorf("a label removed before its answer was lost: %v", err)
	}
	fake.AddFault(&fakegithub.Fault{Method: "POST", Path: "/statuses/", Status: 502, AfterWrite: true, Times: 1})
	if err := c.SetStatus(ctx, "abc", Status{Context: "c", State: "success"}); err != nil {
		t.Errorf("a status whose answer was lost: %v", err)
	}
}

// recordingTransport remembers the bodies it was sent.
type recordingTransport struct {
	bodies []string
	status []int
}

func (r *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	b, _ := io.ReadAll(req.Body)
	r.bodies = append(r.bodies, string(b))
	status := r.status[0]
	r.status = r.status[1:]
	return &http.Response{StatusCode: status, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("{}")), Request: req}, nil
}

func TestRetryDoesNotChangeTheRequest(t *testing.T) {
	rec := &recordingTransport{status: []int{429, 200}}
	tr := &retryTransport{next: rec, policy: RetryPolicy{Floor: time.Millisecond, Backoff: time.Millisecond}, budget: &budget{left: time.Second}, sleep: sleepCtx, now: time.Now}
	req, _ := http.NewRequest("POST", "http://x/y", bytes.NewReader([]byte(`{"a":1}`)))
	body := req.Body
	if _, err := tr.RoundTrip(req); err != nil {
		t.Fatal(err)
	}
	if req.Body != body {
		t.Error("the transport replaced req.Body")
	}
	if len(rec.bodies) != 2 || rec.bodies[1] != `{"a":1}` {
		t.Errorf("bodies sent: %q", rec.bodies)
	}
}

// TestEndlessAnswerIsCut: GitHub's answer to a file list never ends. The
// client stops reading at the answer limit, well before the request's
// timeout, with an error that says so, and sends nothing again.
func TestEndlessAnswerIsCut(t *testing.T) {
	fake := fakegithub.New(t, "octo", "repo")
	fake.AddPull(fakegithub.Pull{Number: 1, HeadRef: "x", HeadSHA: "abc", BaseRef: "main"})
	f := &fakegithub.Fault{Path: "/pulls/1/files", Raw: "[", Endless: `{"filename":"a.go","status":"added"},`}
	fake.AddFault(f)
	c := faultClient(t, fake, Options{RequestTimeout: time.Minute, MaxAnswerBytes: 1 << 20, Retry: RetryPolicy{Budget: 5 * time.Second, Backoff: 10 * time.Millisecond, Floor: 10 * time.Millisecond}})
	start := time.Now()
	files, err := c.PullFiles(context.Background(), 1)
	if err == nil || !strings.Contains(err.Error(), "over the limit of 1048576 bytes") {
		t.Fatalf("an endless answer gave %d files, err = %v", len(files), err)
	}
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("gave up after %v", took)
	}
	if n := fake.Matched(f); n != 1 {
		t.Errorf("the endless answer was asked for %d times, want 1", n)
	}
}

// TestAnswerLimitIsExact: an answer of exactly the limit is read whole;
// one byte more is an error, also from a reader that gives one byte at a
// time.
func TestAnswerLimitIsExact(t *testing.T) {
	for _, c := range []struct {
		size int
		ok   bool
	}{{0, true}, {9, true}, {10, true}, {11, false}, {1000, false}} {
		b := &limitedBody{r: iotest.OneByteReader(strings.NewReader(strings.Repeat("x", c.size))), left: 10, limit: 10}
		got, err := io.ReadAll(b)
		if c.ok && (err != nil || len(got) != c.size) || !c.ok && err == nil {
			t.Errorf("a body of %d bytes, limit 10: %d bytes, err %v", c.size, len(got), err)
		}
	}
}
