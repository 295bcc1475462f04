package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/parallel-sessions/parallel-sessions/cmd/internal/fakegithub"
)

// servedBot is the built ps-action serve running as its own process.
type servedBot struct {
	*botScenario
	cmd  *exec.Cmd
	logs *lockedBuffer
}

// startServe runs `ps-action serve` against the fake, App installed, with
// extra flags args, and waits until it listens. It does not reconcile
// unless args give --reconcile-every: the tests of deliveries count their
// jobs.
func startServe(t testing.TB, s *scenario, args ...string) *servedBot {
	t.Helper()
	key, pemKey := fakegithub.NewAppKey(t)
	s.gh.InstallApp(testAppID, testInstallation, &key.PublicKey)
	keyFile := filepath.Join(t.TempDir(), "app.pem")
	if err := os.WriteFile(keyFile, pemKey, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binary, append([]string{"serve", "--addr", "127.0.0.1:0", "--reconcile-every", "0"}, args...)...)
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		fmt.Sprintf("GITHUB_APP_ID=%d", testAppID),
		"GITHUB_APP_PRIVATE_KEY_FILE=" + keyFile,
		"GITHUB_WEBHOOK_SECRET=" + webhookSecret,
		"GITHUB_API_URL=" + s.gh.APIURL(), coverEnv(), raceEnv,
	}
	// Stderr is a writer, not a pipe read on the side: Wait returns only
	// once all of it is copied, so the logs are complete after Wait.
	logs := &lockedBuffer{}
	addr := make(chan string, 1)
	cmd.Stderr = &lineWriter{line: func(line []byte) {
		logs.Write(append(line, '\n'))
		var l struct{ Msg, Addr string }
		if json.Unmarshal(line, &l) == nil && l.Msg == "listening" {
			addr <- l.Addr
		}
	}}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	select {
	case a := <-addr:
		return &servedBot{botScenario: &botScenario{scenario: s, url: "http://" + a}, cmd: cmd, logs: logs}
	case <-time.After(20 * time.Second):
		t.Fatalf("ps-action serve did not start:\n%s", logs)
	}
	return nil
}

// lineWriter calls line with each complete line written to it.
type lineWriter struct {
	line    func([]byte)
	partial []byte
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.partial = append(w.partial, p...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 {
			return len(p), nil
		}
		w.line(w.partial[:i])
		w.partial = w.partial[i+1:]
	}
}

// stop sends SIGTERM and waits for the bot to exit, at most limit.
func (b *servedBot) stop(t testing.TB, limit time.Duration) error {
	t.Helper()
	if err := b.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- b.cmd.Wait() }()
	select {
	case err := <-exited:
		return err
	case <-time.After(limit):
		t.Fatalf("ps-action serve did not stop within %v of SIGTERM:\n%s", limit, b.logs)
	}
	return nil
}

// TestServeFinishesAcceptedWorkOnSIGTERM accepts deliveries while GitHub
// is slow, is sent SIGTERM with most of the work still queued, and must
// finish all of it before it exits 0.
func TestServeFinishesAcceptedWorkOnSIGTERM(t *testing.T) {
	s := newScenario(t)
	const n = 30
	for i := range n {
		s.pull(100+i, fmt.Sprintf("feature-%d", i), fmt.Sprintf("sha%d", i), "README.md")
	}
	bot := startServe(t, s)
	s.gh.SetDelay(20 * time.Millisecond)
	for i := range n {
		d := bot.prDelivery(fmt.Sprintf("term-%d", i), "opened", 100+i)
		if code, body := bot.deliver(d); code != http.StatusAccepted {
			t.Fatalf("delivery %d: %d %s", i, code, body)
		}
	}
	doneAtSignal := 0
	for i := range n {
		if _, ok := s.gh.LatestStatus(fmt.Sprintf("sha%d", i), order); ok {
			doneAtSignal++
		}
	}
	if err := bot.stop(t, 90*time.Second); err != nil {
		t.Fatalf("ps-action serve exited with %v:\n%s", err, bot.logs)
	}
	if doneAtSignal == n {
		t.Fatal("all work was done before SIGTERM; the test proves nothing")
	}
	for i := range n {
		bot.wantStatus(fmt.Sprintf("sha%d", i), scope, "success: not a thread")
		bot.wantStatus(fmt.Sprintf("sha%d", i), order, "success")
	}
	logs := bot.logs.String()
	for _, want := range []string{`"msg":"stopping: no new deliveries; finishing the accepted ones"`, fmt.Sprintf(`"msg":"stopped","jobs_done":%d`, n)} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %s:\n%s", want, logs)
		}
	}
	if strings.Contains(logs, "BEGIN RSA") || strings.Contains(logs, webhookSecret) {
		t.Error("a secret is logged")
	}
	t.Logf("%d of %d jobs were done when SIGTERM came", doneAtSignal, n)
}

// TestServeStopsInBoundedTimeWhenGitHubHangs: GitHub stops answering in
// the middle of a job; SIGTERM still ends the bot within its shutdown
// timeout, the job cancelled and logged as failed.
func TestServeStopsInBoundedTimeWhenGitHubHangs(t *testing.T) {
	s := newScenario(t)
	s.pull(11, "extract-auth", "a1", "services/auth/login.go")
	bot := startServe(t, s, "--shutdown-timeout", "2s")
	hang := &fakegithub.Fault{Path: "/repos/octo/repo/pulls", Hang: true}
	s.gh.AddFault(hang)
	if code, body := bot.deliver(bot.prDelivery("d-hang", "opened", 11)); code != http.StatusAccepted {
		t.Fatalf("delivery: %d %s", code, body)
	}
	for deadline := time.Now().Add(20 * time.Second); s.gh.Matched(hang) == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the job never reached GitHub:\n%s", bot.logs)
		}
	}
	start := time.Now()
	if err := bot.stop(t, 20*time.Second); err != nil {
		t.Fatalf("exit: %v\n%s", err, bot.logs)
	}
	t.Logf("stopped %v after SIGTERM", time.Since(start))
	logs := bot.logs.String()
	for _, want := range []string{`"msg":"shutdown timeout: cancelling the jobs left; redeliver their deliveries"`, `"msg":"job failed"`, `"jobs_failed":1`} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %s:\n%s", want, logs)
		}
	}
}

func TestServeConfiguration(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "app.pem")
	_, pemKey := fakegithub.NewAppKey(t)
	os.WriteFile(keyFile, pemKey, 0o600)
	base := map[string]string{"GITHUB_APP_ID": "314", "GITHUB_APP_PRIVATE_KEY_FILE": keyFile, "GITHUB_WEBHOOK_SECRET": "s"}
	for _, tc := range []struct {
		name  string
		args  []string
		env   map[string]string
		code  int
		want  string
		onOut bool
	}{
		{"help", []string{"--help"}, base, exitOK, "GITHUB_WEBHOOK_SECRET", true},
		{"no secret", nil, map[string]string{"GITHUB_WEBHOOK_SECRET": ""}, exitError, "refuses to run without verifying deliveries", false},
		{"no app id", nil, map[string]string{"GITHUB_APP_ID": ""}, exitError, "GITHUB_APP_ID", false},
		{"no key", nil, map[string]string{"GITHUB_APP_PRIVATE_KEY_FILE": ""}, exitError, "must give the App's private key", false},
		{"two keys", nil, map[string]string{"GITHUB_APP_PRIVATE_KEY": string(pemKey)}, exitError, "not both", false},
		{"key file missing", nil, map[string]string{"GITHUB_APP_PRIVATE_KEY_FILE": keyFile + ".gone"}, exitError, "read GITHUB_APP_PRIVATE_KEY_FILE", false},
		{"bad key", nil, map[string]string{"GITHUB_APP_PRIVATE_KEY_FILE": "", "GITHUB_APP_PRIVATE_KEY": "nope"}, exitError, "private key of GitHub App 314", false},
		{"bad flag", []string{"--untracked-prs", "maybe"}, base, exitError, `--untracked-prs is "maybe"`, false},
		{"extra argument", []string{"now"}, base, exitError, `unexpected argument "now"`, false},
		{"negative reconcile", []string{"--reconcile-every", "-1m"}, base, exitError, "--reconcile-every must not be negative", false},
		{"help on reconcile", []string{"--help"}, base, exitOK, "re-evaluate every installed repository at start-up", true},
		{"bad address", []string{"--addr", "256.0.0.1:99999"}, base, exitError, "listen", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range base {
				env[k] = v
			}
			for k, v := range tc.env {
				env[k] = v
			}
			var stdout, stderr bytes.Buffer
			ctx, cancel := context.WithCancel(context.Background())
			cancel() // a server that starts stops at once
			code := run(ctx, append([]string{"serve"}, tc.args...), func(k string) string { return env[k] }, &stdout, &stderr)
			out := stderr.String()
			if tc.onOut {
				out = stdout.String()
			}
			if code != tc.code || !strings.Contains(out, tc.want) {
				t.Errorf("exit %d, output:\n%s\nwant exit %d and %q", code, out, tc.code, tc.want)
			}
		})
	}
}
