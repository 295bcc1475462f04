package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parallel-sessions/parallel-sessions/cmd/internal/fakegithub"
	"github.com/parallel-sessions/parallel-sessions/cmd/internal/ghapi"
)

const (
	testAppID        = 314
	testInstallation = 2718
	webhookSecret    = "It's a Secret to Everybody"
)

// botScenario is the bot served over loopback HTTP, acting as a GitHub
// App installed on the fake repository.
type botScenario struct {
	*scenario
	bot  *bot
	url  string
	logs *lockedBuffer
	// app and cfg are the bot's, for a test that reconciles in process.
	app *ghapi.App
	cfg serveConfig
}

func newBotScenario(t *testing.T, maxBody int64) *botScenario {
	t.Helper()
	return newBotScenarioWith(t, func(cfg *serveConfig) { cfg.maxBody = maxBody })
}

// newBotScenarioWith is newBotScenario with the configuration changed by
// set.
func newBotScenarioWith(t *testing.T, set func(*serveConfig)) *botScenario {
	t.Helper()
	s := newScenario(t)
	key, pemKey := fakegithub.NewAppKey(t)
	s.gh.InstallApp(testAppID, testInstallation, &key.PublicKey)
	cfg := serveConfig{
		apiURL: s.gh.APIURL(), appID: testAppID, appKey: pemKey, secret: []byte(webhookSecret),
		planPath: "plan.toml", untracked: "allow", comment: true, maxBody: 1 << 20, maxUnverified: 8,
		retry:      ghapi.RetryPolicy{Budget: 5 * time.Second, Backoff: 10 * time.Millisecond, Floor: 10 * time.Millisecond},
		jobTimeout: time.Minute, shutdownTimeout: 10 * time.Second,
	}
	set(&cfg)
	app, err := ghapi.NewApp(cfg.appID, cfg.appKey, ghapi.Options{BaseURL: cfg.apiURL, Retry: cfg.retry})
	if err != nil {
		t.Fatal(err)
	}
	logs := &lockedBuffer{}
	b := newBot(cfg, app, slog.New(slog.NewJSONHandler(logs, nil)))
	srv := httptest.NewServer(b.routes())
	t.Cleanup(srv.Close)
	return &botScenario{scenario: s, bot: b, url: srv.URL, logs: logs, app: app, cfg: cfg}
}

// delivery is a webhook request as GitHub sends it.
type delivery struct {
	id, event string
	body      []byte
	header    map[string]string // replaces the signature headers when set
}

func sign(secret, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// deliver posts d to /webhook, signed with the secret unless d says
// otherwise, and returns the status and body of the answer.
func (bs *botScenario) deliver(d delivery) (int, string) {
	bs.t.Helper()
	req, err := http.NewRequest(http.MethodPost, bs.url+"/webhook", bytes.NewReader(d.body))
	if err != nil {
		bs.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "GitHub-Hookshot/044aadd")
	req.Header.Set("X-GitHub-Delivery", d.id)
	req.Header.Set("X-GitHub-Event", d.event)
	req.Header.Set("X-GitHub-Hook-Installation-Target-Type", "integration")
	if d.header == nil {
		req.Header.Set("X-Hub-Signature-256", sign([]byte(webhookSecret), d.body))
	}
	for k, v := range d.header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		bs.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// prDelivery is a pull_request delivery for pull request n as the fake has it.
func (bs *botScenario) prDelivery(id, action string, n int) delivery {
	p := bs.gh.PullState(n)
	payload := loadPayload(bs.t, "pull_request.json")
	pr := payload["pull_request"].(map[string]any)
	payload["action"], payload["number"], pr["number"] = action, n, n
	head := pr["head"].(map[string]any)
	head["ref"], head["sha"] = p.HeadRef, p.HeadSHA
	return delivery{id: id, event: "pull_request", body: mustJSON(bs.t, payload)}
}

func (bs *botScenario) pushDelivery(id string) delivery {
	payload := loadPayload(bs.t, "push.json")
	payload["ref"] = "refs/heads/main"
	return delivery{id: id, event: "push", body: mustJSON(bs.t, payload)}
}

// groupDelivery is a merge group's delivery; its base commit has the plan
// on main, unless the test gave it one.
func (bs *botScenario) groupDelivery(id, headRef, headSHA, baseSHA string) delivery {
	if _, ok := bs.gh.File(baseSHA, "plan.toml"); !ok {
		if p, ok := bs.gh.File("main", "plan.toml"); ok {
			bs.gh.SetFile(baseSHA, "plan.toml", p)
		}
	}
	payload := loadPayload(bs.t, "merge_group.json")
	mg := payload["merge_group"].(map[string]any)
	mg["head_ref"], mg["head_sha"], mg["base_sha"] = headRef, headSHA, baseSHA
	return delivery{id: id, event: "merge_group", body: mustJSON(bs.t, payload)}
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// lockedBuffer is a log sink for concurrent writers.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestServeVerifiesSignatures(t *testing.T) {
	bs := newBotScenario(t, 1<<20)
	bs.pull(11, "extract-auth", "a1", "services/auth/login.go")
	good := bs.prDelivery("d-good", "opened", 11)
	sha1mac := hmac.New(sha1.New, []byte(webhookSecret))
	sha1mac.Write(good.body)
	for _, tc := range []struct {
		name   string
		header map[string]string
		want   string
	}{
		{"missing", map[string]string{}, "X-Hub-Signature-256 is missing"},
		{"wrong secret", map[string]string{"X-Hub-Signature-256": sign([]byte("guess"), good.body)}, "does not match"},
		{"other body", map[string]string{"X-Hub-Signature-256": sign([]byte(webhookSecret), []byte("{}"))}, "does not match"},
		{"not hex", map[string]string{"X-Hub-Signature-256": "sha256=zz"}, "is not sha256=HEX"},
		{"SHA-1 only", map[string]string{"X-Hub-Signature": "sha1=" + hex.EncodeToString(sha1mac.Sum(nil))}, "SHA-1 X-Hub-Signature is refused"},
	} {
		d := good
		d.id, d.header = "d-"+tc.name, tc.header
		code, body := bs.deliver(d)
		if code != http.StatusUnauthorized || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d %q, want 401 %q", tc.name, code, body, tc.want)
		}
	}
	bs.bot.queues.wait()
	if reqs := bs.gh.Requests(); len(reqs) != 0 {
		t.Fatalf("refused deliveries reached GitHub:\n%s", fmtReqs(reqs))
	}
	if s := bs.status("a1", scope); s != "none" {
		t.Fatalf("a status before any valid delivery: %s", s)
	}

	code, body := bs.deliver(good)
	if code != http.StatusAccepted {
		t.Fatalf("a good delivery: %d %s", code, body)
	}
	bs.bot.queues.wait()
	bs.wantStatus("a1", scope, "success: in scope")
	bs.wantStatus("a1", order, "success: ready")
	if bs.botComment(11) == "" {
		t.Error("no bot comment")
	}
	if !strings.Contains(bs.logs.String(), `"msg":"job done"`) {
		t.Errorf("no job log:\n%s", bs.logs)
	}
	// The whole order is the log's; the comment links to it on GitHub.
	if !strings.Contains(bs.logs.String(), `"order":"| order | thread | branch | pull request | state | turn |\n`) {
		t.Errorf("the job log has no order table:\n%s", bs.logs)
	}
	if c := bs.botComment(11); !strings.Contains(c, "(https://github.example/octo/repo/blob/main/plan.toml)") {
		t.Errorf("the bot's comment does not link to the plan:\n%s", c)
	}
}

func TestServeRefusesOversizedBodies(t *testing.T) {
	bs := newBotScenario(t, 4096)
	bs.pull(11, "extract-auth", "a1", "services/auth/login.go")
	d := bs.prDelivery("d-big", "opened", 11)
	var payload map[string]any
	json.Unmarshal(d.body, &payload)
	payload["padding"] = strings.Repeat("x", 8192)
	d.body = mustJSON(t, payload)
	code, body := bs.deliver(d)
	if code != http.StatusRequestEntityTooLarge || !strings.Contains(body, "over the limit of 4096 bytes") {
		t.Fatalf("oversized body: %d %q", code, body)
	}
	bs.bot.queues.wait()
	if reqs := bs.gh.Requests(); len(reqs) != 0 {
		t.Fatalf("an oversized delivery reached GitHub:\n%s", fmtReqs(reqs))
	}
}

func TestServeDropsReplayedDeliveries(t *testing.T) {
	bs := newBotScenario(t, 1<<20)
	bs.pull(11, "extract-auth", "a1", "services/auth/login.go")
	d := bs.prDelivery("72d3162e-cc78-11e3-81ab-4c9367dc0958", "synchronize", 11)
	if code, body := bs.deliver(d); code != http.StatusAccepted {
		t.Fatalf("first delivery: %d %s", code, body)
	}
	bs.bot.queues.wait()
	if len(fakegithub.Writes(bs.gh.Requests())) == 0 {
		t.Fatal("the first delivery wrote nothing")
	}
	code, body := bs.deliver(d)
	if code != http.StatusOK || !strings.Contains(body, "duplicate delivery") {
		t.Fatalf("replayed delivery: %d %q", code, body)
	}
	bs.bot.queues.wait()
	if reqs := bs.gh.Requests(); len(reqs) != 0 {
		t.Fatalf("a replayed delivery reached GitHub:\n%s", fmtReqs(reqs))
	}
}

func TestServeHealthPingAndBadDeliveries(t *testing.T) {
	bs := newBotScenario(t, 1<<20)
	resp, err := http.Get(bs.url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "ok\n" {
		t.Errorf("/healthz: %d %q", resp.StatusCode, body)
	}
	if resp, err := http.Get(bs.url + "/webhook"); err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /webhook: %v %v", resp, err)
	}
	for _, tc := range []struct {
		d    delivery
		code int
		want string
	}{
		{delivery{id: "p1", event: "ping", body: []byte(`{"zen":"Design for failure.","hook_id":1}`)}, http.StatusOK, "pong"},
		{delivery{id: "i1", event: "issues", body: []byte(`{"action":"opened","installation":{"id":2718},"repository":{"full_name":"octo/repo"}}`)}, http.StatusOK, "ignored"},
		{delivery{id: "n1", event: "push", body: []byte(`{"ref":"refs/heads/main","repository":{"full_name":"octo/repo"}}`)}, http.StatusBadRequest, "installation.id"},
		{delivery{id: "j1", event: "push", body: []byte(`not json`)}, http.StatusBadRequest, "not a JSON event payload"},
		{delivery{id: "", event: "push", body: []byte(`{}`)}, http.StatusBadRequest, "X-GitHub-Delivery"},
	} {
		code, body := bs.deliver(tc.d)
		if code != tc.code || !strings.Contains(body, tc.want) {
			t.Errorf("%s %s: %d %q, want %d %q", tc.d.event, tc.d.body, code, body, tc.code, tc.want)
		}
	}
	bs.bot.queues.wait()
	if reqs := bs.gh.Requests(); len(reqs) != 0 {
		t.Fatalf("requests to GitHub:\n%s", fmtReqs(reqs))
	}
}

// burst is 200 deliveries for one repository: pull request events of
// three threads and an untracked pull request, pushes to the base, and a
// merge group, in a fixed mix.
func (bs *botScenario) burst() []delivery {
	bs.pull(11, "extract-auth", "a1", "services/auth/login.go")
	bs.pull(12, "api-cleanup", "b1", "services/api/handler.go", "services/auth/oops.go")
	bs.pull(13, "docs", "c1", "docs/layout.md")
	bs.pull(20, "bump-deps", "d1", "go.sum")
	bs.gh.AddCommit("m0")
	bs.gh.AddCommit("a1", "m0")
	bs.gh.AddCommit("g12", "b1", "a1", "m0")
	var out []delivery
	for i := range 200 {
		id := fmt.Sprintf("burst-%03d", i)
		switch i % 7 {
		case 0, 1:
			out = append(out, bs.prDelivery(id, "synchronize", []int{11, 12, 13, 20}[i%4]))
		case 2:
			out = append(out, bs.prDelivery(id, "opened", 13))
		case 3:
			out = append(out, bs.pushDelivery(id))
		case 4:
			out = append(out, bs.groupDelivery(id, queueRefOf("12"), "g12", "a1"))
		default:
			out = append(out, bs.prDelivery(id, "edited", []int{11, 12}[i%2]))
		}
	}
	return out
}

// outcomeOf is what the repository looks like after the deliveries.
func (bs *botScenario) outcomeOf() string {
	var b strings.Builder
	for _, sha := range []string{"a1", "b1", "c1", "d1", "g12"} {
		fmt.Fprintf(&b, "%s scope=%s order=%s\n", sha, bs.status(sha, scope), bs.status(sha, order))
	}
	for _, n := range []int{11, 12, 13, 20} {
		fmt.Fprintf(&b, "#%d labels=%v\n", n, bs.gh.PullState(n).Labels)
		for _, c := range bs.gh.Comments(n) {
			fmt.Fprintf(&b, "#%d comment:\n%s\n", n, c.Body)
		}
	}
	return b.String()
}

// TestServeConcurrentDeliveriesMatchSerial sends 200 deliveries for one
// repository at once and checks that the repository ends as it does when
// the same deliveries come one at a time: work is serialized per
// repository, so nothing races (one comment per pull request, no lost
// status).
func TestServeConcurrentDeliveriesMatchSerial(t *testing.T) {
	serial := newBotScenario(t, 1<<20)
	for _, d := range serial.burst() {
		if code, body := serial.deliver(d); code != http.StatusAccepted {
			t.Fatalf("%s: %d %s", d.id, code, body)
		}
		serial.bot.queues.wait()
	}
	want := serial.outcomeOf()
	for _, line := range []string{"a1 scope=success", "b1 scope=failure", "c1 scope=success: in scope: 1 path of thread 3 (docs) order=pending", "d1 scope=success: not a thread", "g12 scope=failure", "#13 labels=[merge-order:3]"} {
		if !strings.Contains(want, line) {
			t.Fatalf("the serial run lacks %q:\n%s", line, want)
		}
	}

	concurrent := newBotScenario(t, 1<<20)
	concurrent.gh.SetDelay(time.Millisecond) // let deliveries pile up behind work
	deliveries := concurrent.burst()
	start := time.Now()
	var wg sync.WaitGroup
	codes := make([]int, len(deliveries))
	for i, d := range deliveries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], _ = concurrent.deliver(d)
		}()
	}
	wg.Wait()
	accepted := time.Since(start)
	for i, c := range codes {
		if c != http.StatusAccepted {
			t.Errorf("%s: %d", deliveries[i].id, c)
		}
	}
	concurrent.bot.queues.wait()
	if got := concurrent.outcomeOf(); got != want {
		t.Errorf("concurrent outcome differs from serial:\n--- concurrent\n%s\n--- serial\n%s", got, want)
	}
	for _, n := range []int{11, 12, 13} {
		concurrent.botComment(n) // exactly one
	}
	q := concurrent.bot.queues
	if q.done.Load()+q.coalesced.Load() != 200 {
		t.Errorf("%d jobs done and %d coalesced; want 200 in all", q.done.Load(), q.coalesced.Load())
	}
	if strings.Contains(concurrent.logs.String(), `"level":"ERROR"`) {
		t.Errorf("errors logged:\n%s", concurrent.logs)
	}
	t.Logf("200 deliveries answered in %v; %d jobs run, %d coalesced", accepted, q.done.Load(), q.coalesced.Load())
}

func TestDeliveriesForgetsTheOldest(t *testing.T) {
	d := newDeliveries(2)
	for _, step := range []struct {
		id    string
		first bool
	}{{"a", true}, {"a", false}, {"b", true}, {"c", true}, {"a", true}, {"c", false}} {
		if got := d.first(step.id); got != step.first {
			t.Errorf("first(%s) = %v, want %v", step.id, got, step.first)
		}
	}
}
