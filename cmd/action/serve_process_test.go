package main

import (
	"bufio"
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

// startServe runs `ps-action serve` against the fake, App installed, and
// waits until it listens.
func startServe(t testing.TB, s *scenario) *servedBot {
	t.Helper()
	key, pemKey := fakegithub.NewAppKey(t)
	s.gh.InstallApp(testAppID, testInstallation, &key.PublicKey)
	keyFile := filepath.Join(t.TempDir(), "app.pem")
	if err := os.WriteFile(keyFile, pemKey, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binary, "serve", "--addr", "127.0.0.1:0")
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		fmt.Sprintf("GITHUB_APP_ID=%d", testAppID),
		"GITHUB_APP_PRIVATE_KEY_FILE=" + keyFile,
		"GITHUB_WEBHOOK_SECRET=" + webhookSecret,
		"GITHUB_API_URL=" + s.gh.APIURL(), coverEnv(), raceEnv,
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	logs := &lockedBuffer{}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			logs.Write(append(sc.Bytes(), '\n'))
			var line struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "listening" {
				addr <- line.Addr
			}
		}
	}()
	select {
	case a := <-addr:
		return &servedBot{botScenario: &botScenario{scenario: s, url: "http://" + a}, cmd: cmd, logs: logs}
	case <-time.After(20 * time.Second):
		t.Fatalf("ps-action serve did not start:\n%s", logs)
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
	if err := bot.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- bot.cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("ps-action serve exited with %v:\n%s", err, bot.logs)
		}
	case <-time.After(90 * time.Second):
		t.Fatalf("ps-action serve did not stop:\n%s", bot.logs)
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
