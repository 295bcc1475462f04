package main

import (
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parallel-sessions/parallel-sessions/cmd/internal/fakegithub"
)

// TestFailedDeliveryIsRedeliverable: a delivery whose job failed is not a
// duplicate: GitHub's "Redeliver" runs it again. One that succeeded is.
func TestFailedDeliveryIsRedeliverable(t *testing.T) {
	bs := newBotScenario(t, 1<<20)
	bs.pull(11, "extract-auth", "a1", "services/auth/login.go")
	bs.gh.AddFault(&fakegithub.Fault{Method: "POST", Path: "/statuses/a1", Status: 422, Body: "Validation Failed", Times: 1})
	d := bs.prDelivery("d-fails-once", "opened", 11)
	if code, body := bs.deliver(d); code != http.StatusAccepted {
		t.Fatalf("first delivery: %d %s", code, body)
	}
	bs.bot.queues.wait()
	if !strings.Contains(bs.logs.String(), `"msg":"job failed"`) {
		t.Fatalf("the job did not fail:\n%s", bs.logs)
	}
	if code, body := bs.deliver(d); code != http.StatusAccepted {
		t.Fatalf("redelivery of a failed delivery: %d %q, want 202", code, body)
	}
	bs.bot.queues.wait()
	bs.wantStatus("a1", scope, "success")
	if code, body := bs.deliver(d); code != http.StatusOK || !strings.Contains(body, "duplicate delivery") {
		t.Errorf("redelivery of a delivery that succeeded: %d %q, want a duplicate", code, body)
	}
}

// TestJobPastItsDeadlineFails: GitHub never answers; the job ends at its
// deadline, fails, and its delivery can be redelivered.
func TestJobPastItsDeadlineFails(t *testing.T) {
	bs := newBotScenarioWith(t, func(cfg *serveConfig) { cfg.jobTimeout = 500 * time.Millisecond })
	bs.pull(11, "extract-auth", "a1", "services/auth/login.go")
	bs.gh.AddFault(&fakegithub.Fault{Path: "/pulls/11", Hang: true, Times: 1})
	d := bs.prDelivery("d-hangs", "opened", 11)
	if code, body := bs.deliver(d); code != http.StatusAccepted {
		t.Fatalf("delivery: %d %s", code, body)
	}
	done := make(chan struct{})
	go func() { bs.bot.queues.wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("the job did not end at its deadline")
	}
	if !strings.Contains(bs.logs.String(), "deadline exceeded") {
		t.Errorf("the job did not fail on its deadline:\n%s", bs.logs)
	}
	if code, _ := bs.deliver(d); code != http.StatusAccepted {
		t.Errorf("redelivery after a job past its deadline: %d, want 202", code)
	}
	bs.bot.queues.wait()
	bs.wantStatus("a1", scope, "success")
}

// zeros reads as many zero bytes as asked, without allocating.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestUnsignedFloodIsBounded: 40 posts of 4 MiB with a signature that
// does not match arrive at once. The bot reads at most --max-unverified of
// them at a time, so its heap grows by a few bodies, not 40; none is
// accepted; a signed delivery still is, afterwards.
func TestUnsignedFloodIsBounded(t *testing.T) {
	const n, size = 40, 4 << 20
	bs := newBotScenarioWith(t, func(cfg *serveConfig) {
		cfg.maxBody = size
		cfg.maxUnverified = 2
	})
	bs.pull(11, "extract-auth", "a1", "services/auth/login.go")
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	release := make(chan struct{})
	var wg sync.WaitGroup
	codes := make(chan int, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pr, pw := io.Pipe()
			go func() {
				io.Copy(pw, io.LimitReader(zeros{}, size-1))
				<-release
				pw.Write([]byte{0})
				pw.Close()
			}()
			req, _ := http.NewRequest(http.MethodPost, bs.url+"/webhook", pr)
			req.ContentLength = size
			req.Header.Set("X-GitHub-Delivery", fmt.Sprintf("flood-%d", i))
			req.Header.Set("X-GitHub-Event", "pull_request")
			req.Header.Set("X-Hub-Signature-256", "sha256="+strings.Repeat("ab", 32))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				codes <- 0
				return
			}
			resp.Body.Close()
			codes <- resp.StatusCode
		}()
	}
	peak := before.HeapAlloc
	for range 20 {
		time.Sleep(50 * time.Millisecond)
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		peak = max(peak, m.HeapAlloc)
	}
	close(release)
	wg.Wait()
	close(codes)
	grew := int64(peak) - int64(before.HeapAlloc)
	t.Logf("heap grew by %d MiB while %d unsigned 4 MiB bodies were in flight", grew>>20, n)
	// Two bodies being read, 8 MiB, and slack for the test's own
	// goroutines: far under 40 bodies, 160 MiB.
	if grew > 24<<20 {
		t.Errorf("heap grew by %d MiB: unverified bodies are not bounded", grew>>20)
	}
	for code := range codes {
		if code == http.StatusAccepted || code == http.StatusOK {
			t.Errorf("an unsigned post got %d", code)
		}
	}
	if code, body := bs.deliver(bs.prDelivery("after-flood", "opened", 11)); code != http.StatusAccepted {
		t.Errorf("a signed delivery after the flood: %d %s", code, body)
	}
	bs.bot.queues.wait()
}
