package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parallel-sessions/parallel-sessions/cmd/internal/fakegithub"
	"github.com/parallel-sessions/parallel-sessions/cmd/internal/ghapi"
)

// botLogin is who the bot writes as on the fake.
const botLogin = fakegithub.AppSlug + "[bot]"

// lostClose is the test plan's three threads with thread 1's pull request
// merged and its close delivery lost: thread 2 still shows the pending
// order status the bot wrote while thread 1 was open.
func lostClose(t *testing.T) *scenario {
	t.Helper()
	s := newScenario(t)
	s.pull(11, "extract-auth", "a1", "services/auth/login.go")
	s.pull(12, "api-cleanup", "b1", "services/api/handler.go")
	s.pull(13, "docs", "c1", "docs/layout.md")
	s.gh.Update(11, func(p *fakegithub.Pull) { p.State, p.Merged = "closed", true })
	s.gh.AddStatusAs("b1", botLogin, fakegithub.Status{State: "success", Context: scope, Description: "in scope: 1 path of thread 2 (api-cleanup)"})
	s.gh.AddStatusAs("b1", botLogin, fakegithub.Status{State: "pending", Context: order, Description: "waiting on thread 1 (extract-auth), #11 open; merge #11"})
	return s
}

// eventually waits, at most 20 s, until ok holds.
func eventually(t *testing.T, what string, ok func() bool, logs func() string) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !ok(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s never happened:\n%s", what, logs())
		}
	}
}

// The bot repairs itself (issue 22, item 5): a pull request left pending
// by a lost delivery is repaired by the reconcile at start-up, and what
// goes stale while it runs by the next reconcile, an interval later.
func TestServeReconcilesAtStartUpAndOnAnInterval(t *testing.T) {
	s := lostClose(t)
	bot := startServe(t, s, "--reconcile-every", "300ms")
	eventually(t, "the start-up reconcile", func() bool { return strings.Contains(bot.logs.String(), `"msg":"reconcile done","reconcile":1,`) }, bot.logs.String)
	s.wantStatus("b1", order, "success: ready")
	s.wantStatus("c1", order, "pending: waiting on thread 2 (api-cleanup), #12 open")

	// Thread 2 lands; GitHub never delivers its close.
	s.gh.Update(12, func(p *fakegithub.Pull) { p.State, p.Merged = "closed", true })
	eventually(t, "a later reconcile repairing #13", func() bool { return strings.HasPrefix(s.status("c1", order), "success: ready") }, bot.logs.String)
	if err := bot.stop(t, 20*time.Second); err != nil {
		t.Fatalf("exit: %v\n%s", err, bot.logs)
	}
	logs := bot.logs.String()
	for _, want := range []string{`"reconcile_every":"300ms"`, `"msg":"reconcile done","reconcile":1,"repos":1,"failed":0`, `"msg":"reconcile done","reconcile":2,"repos":1`, `"delivery":"reconcile-1","repo":"octo/repo","todo":"reevaluate"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %s:\n%s", want, logs)
		}
	}
}

// A reconcile whose listing fails, or whose job fails, is logged; the
// server goes on answering, and the next reconcile repairs what the failed
// one left.
func TestServeReconcileFailuresAreLoggedAndRetried(t *testing.T) {
	s := lostClose(t)
	s.gh.AddFault(&fakegithub.Fault{Method: "GET", Path: "/app/installations", Status: http.StatusBadGateway, Times: 1})
	s.gh.AddFault(&fakegithub.Fault{Method: "GET", Path: "/contents/plan.toml", Status: http.StatusBadGateway, Times: 1})
	bot := startServe(t, s, "--reconcile-every", "200ms", "--retry-budget", "0")
	eventually(t, "the third reconcile", func() bool { return strings.Contains(bot.logs.String(), `"msg":"reconcile done","reconcile":3`) }, bot.logs.String)
	s.wantStatus("b1", order, "success: ready")
	resp, err := http.Get(bot.url + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz after the failed reconciles: %v %v", resp, err)
	}
	resp.Body.Close()
	if err := bot.stop(t, 20*time.Second); err != nil {
		t.Fatalf("exit: %v\n%s", err, bot.logs)
	}
	logs := bot.logs.String()
	for _, want := range []string{
		`"msg":"reconcile: listing the installed repositories failed; reconciling those listed","reconcile":1`,
		`"msg":"reconcile done","reconcile":1,"repos":0,"failed":0`,
		`"msg":"job failed","delivery":"reconcile-2"`,
		`"msg":"reconcile done","reconcile":2,"repos":1,"failed":1`,
		`"msg":"reconcile done","reconcile":3,"repos":1,"failed":0`,
	} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %s:\n%s", want, logs)
		}
	}
}

// SIGTERM in the middle of a reconcile whose GitHub hangs, in a job or in
// the listing of the installed repositories, stops the bot at once:
// nothing waits on a reconcile, so it is not given the shutdown timeout
// that accepted deliveries get.
func TestServeStopsPromptlyDuringAReconcile(t *testing.T) {
	for _, tc := range []struct {
		path string
		want []string
	}{
		{"/repos/octo/repo/pulls", []string{`"msg":"job failed","delivery":"reconcile-1"`, `"msg":"reconcile done","reconcile":1,"repos":1,"failed":1`}},
		{"/installation/repositories", []string{`"msg":"reconcile: listing the installed repositories failed; reconciling those listed"`, `"msg":"reconcile done","reconcile":1,"repos":0,"failed":0`}},
	} {
		t.Run(tc.path, func(t *testing.T) {
			s := lostClose(t)
			hang := &fakegithub.Fault{Path: tc.path, Hang: true}
			s.gh.AddFault(hang)
			bot := startServe(t, s, "--reconcile-every", "1h", "--shutdown-timeout", "30s")
			eventually(t, "the reconcile reaching GitHub", func() bool { return s.gh.Matched(hang) > 0 }, bot.logs.String)
			start := time.Now()
			if err := bot.stop(t, 20*time.Second); err != nil {
				t.Fatalf("exit: %v\n%s", err, bot.logs)
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("stopped %v after SIGTERM, want at once (the shutdown timeout is 30s)", took)
			}
			logs := bot.logs.String()
			for _, want := range append(tc.want, `"msg":"stopped"`) {
				if !strings.Contains(logs, want) {
					t.Errorf("logs lack %s:\n%s", want, logs)
				}
			}
			if strings.Contains(logs, "shutdown timeout") {
				t.Errorf("the shutdown waited for the reconcile:\n%s", logs)
			}
		})
	}
}

// A delivery that comes while a reconcile of its repository runs waits
// for it: the two never run at once, and neither is folded into the other.
func TestReconcileAndADeliveryNeverOverlap(t *testing.T) {
	bs := newBotScenario(t, 1<<20)
	s := bs.scenario
	s.pull(11, "extract-auth", "a1", "services/auth/login.go")
	s.pull(40, "feature", "f1", "README.md")
	delivered := false
	s.gh.AddHook(&fakegithub.Hook{Method: "GET", Path: "/pulls/11/files", Times: 1, Fn: func() {
		// The reconcile is listing #11's files: a delivery for #40 comes.
		if code, body := bs.deliver(bs.prDelivery("d-40", "opened", 40)); code != http.StatusAccepted {
			t.Errorf("delivery: %d %s", code, body)
		}
		delivered = true
	}})
	reconcileDone := false
	s.gh.AddHook(&fakegithub.Hook{Method: "POST", Path: "/statuses/f1", Fn: func() {
		if !strings.Contains(bs.logs.String(), `"msg":"job done","delivery":"reconcile-1"`) {
			t.Error("the delivery's job ran while the reconcile's job had not finished")
		}
		reconcileDone = true
	}})
	bs.bot.reconcile(context.Background(), bs.app, bs.cfg, 1)
	bs.bot.queues.wait()
	if !delivered || !reconcileDone {
		t.Fatalf("delivered %v, the delivery's job ran %v:\n%s", delivered, reconcileDone, bs.logs)
	}
	bs.wantStatus("a1", order, "success: ready")
	bs.wantStatus("f1", scope, "success")
	if n := bs.bot.queues.coalesced.Load(); n != 0 {
		t.Errorf("%d jobs folded", n)
	}
}

// A reconcile re-evaluates every base, a push only its own: a push whose
// payload names no before commit (and so re-evaluates its base in full)
// must not fold into a waiting reconcile, nor a reconcile into it.
func TestJobKeysKeepReconcilesApart(t *testing.T) {
	reconcile := job{repo: "octo/repo", ev: event{name: reconcileEvent, base: "main"}}
	for _, ev := range []event{{name: "push", base: "main"}, {name: "workflow_dispatch", base: "main"}, {name: "schedule", base: "main"}} {
		if (job{repo: "octo/repo", ev: ev}).key() == reconcile.key() {
			t.Errorf("a %s has a reconcile's key", ev.name)
		}
	}
}

// Every flag of ps-action serve --help is in the README's section on the
// bot.
func TestServeFlagsAreDocumented(t *testing.T) {
	var stdout, stderr strings.Builder
	if code := run(context.Background(), []string{"serve", "--help"}, func(string) string { return "" }, &stdout, &stderr); code != exitOK {
		t.Fatalf("serve --help: exit %d\n%s", code, stderr.String())
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	section := string(readme)
	section = section[strings.Index(section, "## The bot: `ps-action serve`"):]
	section = section[:strings.Index(section, "\n## Releases")]
	flags := regexp.MustCompile(`(?m)^  -([a-z-]+)`).FindAllStringSubmatch(stdout.String(), -1)
	if len(flags) < 10 {
		t.Fatalf("found %d flags in:\n%s", len(flags), stdout.String())
	}
	for _, f := range flags {
		if !strings.Contains(section, "`--"+f[1]+"`") {
			t.Errorf("the README's bot section does not name `--%s`", f[1])
		}
	}
}

// What a reconcile costs (README, "The bot"; BENCHMARKS.md): the listing
// of what the App is installed on, and per repository a full
// re-evaluation: the open pull requests once, each base's plan once, and
// 4 reads per pull request it gates. A round with nothing to repair writes
// nothing.
func TestReconcileCost(t *testing.T) {
	bs := newBotScenario(t, 1<<20)
	s := bs.scenario
	s.gh.SetFile("develop", "plan.toml", developPlan)
	s.pull(11, "extract-auth", "a1", "services/auth/login.go")
	s.pull(12, "api-cleanup", "b1", "services/api/handler.go")
	s.pull(13, "docs", "c1", "docs/layout.md")
	s.gh.AddPull(fakegithub.Pull{Number: 21, HeadRef: "dev-auth", HeadSHA: "d1", BaseRef: "develop", Files: []fakegithub.File{{Status: "modified", Filename: "services/auth/a.go"}}})
	s.gh.AddPull(fakegithub.Pull{Number: 22, HeadRef: "dev-api", HeadSHA: "d2", BaseRef: "develop", Files: []fakegithub.File{{Status: "modified", Filename: "services/api/b.go"}}})
	s.gh.AddPull(fakegithub.Pull{Number: 30, HeadRef: "x", HeadSHA: "x1", BaseRef: "no-plan"})
	const gatedPRs, bases = 5, 3
	s.gh.Requests()
	round := func(n int) (listing, repo, writes int) {
		bs.bot.reconcile(context.Background(), bs.app, bs.cfg, n)
		for _, q := range s.gh.Requests() {
			switch {
			case strings.HasPrefix(q.Path, "/app") || strings.HasPrefix(q.Path, "/installation/"):
				listing++
			case q.Method != "GET" && !fakegithub.IsQuery(q):
				writes++
			default:
				repo++
			}
		}
		return listing, repo, writes
	}
	l1, r1, w1 := round(1)
	t.Logf("first round: %d App requests (the installation token and GET /app included), %d reads and %d writes for the repository", l1, r1, w1)
	l2, r2, w2 := round(2)
	t.Logf("steady round: %d App requests, %d reads and %d writes for the repository (%d pull requests gated, %d bases)", l2, r2, w2, gatedPRs, bases)
	if w1 == 0 {
		t.Error("the first round wrote nothing; the test proves nothing")
	}
	if want := 1 + bases + 4*gatedPRs; l2 != 2 || r2 != want || w2 != 0 {
		t.Errorf("steady round: %d App requests, %d reads, %d writes; want 2, %d, 0", l2, r2, w2, want)
	}
}

// stubInstalled is what installed answers: repositories by installation,
// or the installation's error.
type stubInstalled map[int64]any

func (s stubInstalled) Installations(context.Context) ([]int64, error) {
	ids := slices.Collect(maps.Keys(s))
	slices.Sort(ids)
	return ids, nil
}

func (s stubInstalled) Repositories(_ context.Context, id int64) ([]ghapi.Installed, error) {
	if err, ok := s[id].(error); ok {
		return nil, err
	}
	return s[id].([]ghapi.Installed), nil
}

// A reconcile of many repositories keeps at most reconcileConcurrency of
// them queued or running, reconciles each once, goes on past an
// installation whose listing fails, and stops queueing once cancelled.
func TestReconcileIsBounded(t *testing.T) {
	var repos []ghapi.Installed
	for i := range 40 {
		repos = append(repos, ghapi.Installed{Installation: 1, Repository: fmt.Sprintf("octo/r%d", i), DefaultBranch: "main"})
	}
	repos = append(repos, ghapi.Installed{Installation: 1, Repository: "octo/empty"}) // no branch yet
	apps := stubInstalled{1: repos, 2: errors.New("installation 2 is gone")}
	var mu sync.Mutex
	inflight, most := 0, 0
	seen := map[string]int{}
	logs := &lockedBuffer{}
	b := &bot{log: slog.New(slog.NewJSONHandler(logs, nil))}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b.queues = newQueues(func(j job) bool {
		mu.Lock()
		inflight++
		most = max(most, inflight)
		seen[j.repo]++
		mu.Unlock()
		time.Sleep(2 * time.Millisecond)
		mu.Lock()
		inflight--
		mu.Unlock()
		return j.repo != "octo/r7"
	})
	b.reconcile(ctx, apps, serveConfig{jobTimeout: time.Minute}, 1)
	if most > reconcileConcurrency || most < 2 {
		t.Errorf("%d repositories reconciled at once, want 2 to %d", most, reconcileConcurrency)
	}
	if len(seen) != 40 {
		t.Errorf("reconciled %d repositories, want 40", len(seen))
	}
	for r, n := range seen {
		if n != 1 {
			t.Errorf("%s reconciled %d times", r, n)
		}
	}
	for _, want := range []string{`"err":"installation 2 is gone","listed":41`, `"msg":"reconcile done","reconcile":1,"repos":40,"failed":1`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs lack %s:\n%s", want, logs)
		}
	}

	// Cancelled, a reconcile queues nothing more and returns at once.
	clear(seen)
	cancel()
	start := time.Now()
	b.reconcile(ctx, stubInstalled{1: repos}, serveConfig{jobTimeout: time.Minute}, 2)
	if len(seen) != 0 || time.Since(start) > time.Second {
		t.Errorf("a cancelled reconcile ran %d jobs in %v", len(seen), time.Since(start))
	}
}
