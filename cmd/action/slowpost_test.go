package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// TestSlowUnsignedPostsDoNotStopDeliveries: anyone can reach POST
// /webhook. Twenty posts with a well-formed (forged) signature announce a
// body of --max-body, send a few bytes and stall. They hold no more of the
// unverified bodies' memory than the bytes they sent, so GitHub's signed
// delivery that comes next is read and accepted at once, not refused after
// waiting for a slot the stalled posts hold until the read timeout.
func TestSlowUnsignedPostsDoNotStopDeliveries(t *testing.T) {
	bs := newBotScenarioWith(t, func(cfg *serveConfig) { cfg.maxUnverified = 2 })
	bs.pull(11, "extract-auth", "a1", "services/auth/login.go")
	u, _ := url.Parse(bs.url)
	for i := range 20 {
		conn, err := net.Dial("tcp", u.Host)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		fmt.Fprintf(conn, "POST /webhook HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nX-GitHub-Delivery: slow-%d\r\nX-GitHub-Event: pull_request\r\nX-Hub-Signature-256: sha256=%s\r\n\r\n{\"action\":", u.Host, 1<<20, i, strings.Repeat("ab", 32))
	}
	time.Sleep(200 * time.Millisecond) // the stalled posts are being read
	start := time.Now()
	code, body := bs.deliver(bs.prDelivery("after-slow-posts", "opened", 11))
	if code != http.StatusAccepted {
		t.Fatalf("GitHub's delivery got %d %q after %v while unsigned posts stalled", code, body, time.Since(start))
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("GitHub's delivery waited %v behind stalled unsigned posts", took)
	}
}

// TestBodyBudgetHoldsWhatItReads: a body is read whole, up to its limit,
// holding the units its buffer needs and never more than the limit's; a
// body that needs more than the budget has waits and fails, giving back
// what it took.
func TestBodyBudgetHoldsWhatItReads(t *testing.T) {
	ctx := context.Background()
	b := newBodyBudget(4 * budgetUnit)
	for _, size := range []int{0, 1, budgetUnit, budgetUnit + 1, 3*budgetUnit + 5} {
		body, held, err := readBudgeted(ctx, iotest.HalfReader(strings.NewReader(strings.Repeat("x", size))), int64(3*budgetUnit+5), b, time.Second)
		if err != nil || len(body) != size || held > 4 || cap(body) > held*budgetUnit {
			t.Errorf("a body of %d bytes: %d bytes read, %d units held, capacity %d, err %v", size, len(body), held, cap(body), err)
		}
		b.give(held)
	}
	_, held, err := readBudgeted(ctx, strings.NewReader(strings.Repeat("x", 5*budgetUnit)), 8*budgetUnit, b, 10*time.Millisecond)
	if !errors.Is(err, errNoBudget) {
		t.Errorf("a body over the budget: err %v", err)
	}
	b.give(held)
	if n := len(b.units); n != 0 {
		t.Errorf("%d units still held", n)
	}
}
