package main

import (
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// BenchmarkServeLoad measures the bot as its own process against the fake
// GitHub on loopback: b.N signed deliveries for one repository, from 16
// clients at once, over 200 pull requests (the three threads of the test
// plan and 197 that are no thread). It reports how fast the bot accepts
// deliveries, how fast it completes their work (one repository's work is
// serial by design), and its resident memory once the work is done.
// Run: go test ./cmd/action -run '^$' -bench ServeLoad -benchtime 2000x
func BenchmarkServeLoad(b *testing.B) {
	s := newScenario(b)
	prs := loadPulls(s)
	bot := startServe(b, s)
	deliveries := make([]delivery, b.N)
	for i := range deliveries {
		deliveries[i] = bot.prDelivery(fmt.Sprintf("load-%d", i), "synchronize", prs[i%len(prs)])
	}
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	next := make(chan delivery)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for d := range next {
				if code, body := bot.deliver(d); code != http.StatusAccepted {
					b.Errorf("%s: %d %s", d.id, code, body)
				}
			}
		}()
	}
	for _, d := range deliveries {
		next <- d
	}
	close(next)
	wg.Wait()
	accepted := time.Since(start)
	bot.waitIdle(b)
	b.StopTimer()
	completed := lastJobDone(b, bot.logs.String()).Sub(start)
	rss := residentMB(b, bot.cmd.Process.Pid)
	bot.cmd.Process.Signal(syscall.SIGTERM)
	bot.cmd.Wait()
	m := regexp.MustCompile(`"msg":"stopped","jobs_done":(\d+),"jobs_coalesced":(\d+)`).FindStringSubmatch(bot.logs.String())
	if m == nil {
		b.Fatalf("no stop log:\n%s", bot.logs)
	}
	done, _ := strconv.Atoi(m[1])
	coalesced, _ := strconv.Atoi(m[2])
	b.ReportMetric(float64(b.N)/accepted.Seconds(), "accepted/s")
	b.ReportMetric(float64(b.N)/completed.Seconds(), "completed/s")
	b.ReportMetric(float64(done), "jobs-run")
	b.ReportMetric(float64(done)/completed.Seconds(), "jobs-run/s")
	b.ReportMetric(float64(coalesced), "jobs-coalesced")
	b.ReportMetric(rss, "RSS-MB")
}

// waitIdle waits until the fake has had no request for a moment: the
// bot's queue is empty.
func (bot *servedBot) waitIdle(b *testing.B) {
	deadline := time.Now().Add(5 * time.Minute)
	for time.Now().Before(deadline) {
		if len(bot.gh.Requests()) == 0 {
			time.Sleep(200 * time.Millisecond)
			if len(bot.gh.Requests()) == 0 {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	b.Fatalf("the bot did not finish within 5 minutes")
}

// lastJobDone is the time of the bot's last "job done" log line.
func lastJobDone(b *testing.B, logs string) time.Time {
	all := regexp.MustCompile(`"time":"([^"]+)","level":"INFO","msg":"job done"`).FindAllStringSubmatch(logs, -1)
	if len(all) == 0 {
		b.Fatalf("no job done:\n%s", logs)
	}
	t, err := time.Parse(time.RFC3339Nano, all[len(all)-1][1])
	if err != nil {
		b.Fatal(err)
	}
	return t
}

// residentMB reads a process's resident set size.
func residentMB(b *testing.B, pid int) float64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Logf("no /proc here: %v", err)
		return 0
	}
	m := regexp.MustCompile(`VmRSS:\s+(\d+) kB`).FindSubmatch(data)
	if m == nil {
		return 0
	}
	kb, _ := strconv.Atoi(string(m[1]))
	return float64(kb) / 1024
}

// BenchmarkActionPerEvent is the baseline for BenchmarkServeLoad: the
// same pull request events, each handled by one run of the Action binary,
// as a workflow does.
func BenchmarkActionPerEvent(b *testing.B) {
	s := newScenario(b)
	prs := loadPulls(s)
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		if r := s.prEvent("pull_request", "synchronize", prs[i%len(prs)]); r.code != exitOK {
			b.Fatalf("exit %d:\n%s", r.code, r.stdout)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "completed/s")
}

// loadPulls adds the benchmarks' 200 pull requests: the three threads of
// the test plan and 197 that are no thread.
func loadPulls(s *scenario) []int {
	s.pull(11, "extract-auth", "a1", "services/auth/login.go")
	s.pull(12, "api-cleanup", "b1", "services/api/handler.go")
	s.pull(13, "docs", "c1", "docs/layout.md")
	prs := []int{11, 12, 13}
	for i := range 197 {
		s.pull(1000+i, fmt.Sprintf("feature-%d", i), fmt.Sprintf("f%d", i), "README.md")
		prs = append(prs, 1000+i)
	}
	return prs
}
