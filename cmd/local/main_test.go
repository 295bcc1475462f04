package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// binary is ps-local built once for the end-to-end tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ps-local-test")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "ps-local")
	// -race and -cover: the race detector and coverage see the product
	// code the end-to-end tests run (each test's GOCOVERDIR is its own).
	build := exec.Command("go", "build", "-race", "-cover", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		panic("build ps-local: " + err.Error())
	}
	// The binary must be reachable by an unprivileged user for the
	// unreadable-plan test.
	os.Chmod(dir, 0o755)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	code           int
	stdout, stderr string
}

// maxRun bounds one run of the built binary in a test.
const maxRun = 3 * time.Minute

// runIn runs the built binary in dir with a clean git environment.
func runIn(t *testing.T, dir string, args ...string) result {
	t.Helper()
	return runAs(t, dir, nil, args...)
}

func runAs(t *testing.T, dir string, cred *syscall.Credential, args ...string) result {
	t.Helper()
	return runCmd(t, dir, cred, "", nil, args...)
}

// runEnv runs the built binary in dir with extra environment variables.
func runEnv(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	return runCmd(t, dir, nil, "", env, args...)
}

// runStdin runs the built binary in dir with stdin as its standard input.
func runStdin(t *testing.T, dir, stdin string, args ...string) result {
	t.Helper()
	return runCmd(t, dir, nil, stdin, nil, args...)
}

func runCmd(t *testing.T, dir string, cred *syscall.Credential, stdin string, env []string, args ...string) result {
	t.Helper()
	return runCmdWithin(t, maxRun, dir, cred, stdin, env, args...)
}

// runCmdWithin is runCmd bounded by limit rather than maxRun: for a test
// whose point is that the command returns at once.
func runCmdWithin(t *testing.T, limit time.Duration, dir string, cred *syscall.Credential, stdin string, env []string, args ...string) result {
	t.Helper()
	// A hang fails its own test, and the process goes with it: without
	// a bound it outlived the suite's time-out, still waiting.
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.WaitDelay = 10 * time.Second
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "HOME="+dir, "GITHUB_TOKEN=", "GH_TOKEN=", "GITHUB_API_URL=")
	cmd.Env = append(cmd.Env, "GOCOVERDIR="+coverDir(t))
	cmd.Env = append(cmd.Env, env...)
	if cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("ps-local %q did not finish in %v: it hangs", args, limit)
	}
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run ps-local: %v", err)
	}
	r := result{code, out.String(), errOut.String()}
	if strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, "panic:") {
		t.Fatalf("ps-local printed a Go stack:\n%s", r.stderr)
	}
	return r
}

// coverDir is the test's coverage folder, reachable by any user (the
// unreadable-plan test runs the binary as nobody).
func coverDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "cover")
	if err := os.MkdirAll(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o777)
	return dir
}

// gitRepo makes an empty git repository and returns its root.
func gitRepo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command("git", "init", "-q", "-b", "main", dir)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}
	return dir
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func copyTestdata(t *testing.T, name, dst string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	write(t, dst, string(data))
}

func wantCode(t *testing.T, r result, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, code, r.stdout, r.stderr)
	}
}

func TestInitThenValidate(t *testing.T) {
	repo := gitRepo(t)
	r := runIn(t, repo, "init")
	wantCode(t, r, exitOK)
	written, err := os.ReadFile(filepath.Join(repo, "plan.toml"))
	if err != nil || !bytes.Equal(written, planTemplate) {
		t.Fatalf("init did not write the template: %v", err)
	}

	r = runIn(t, repo, "validate")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, "plan.toml: valid: 2 active threads") {
		t.Errorf("validate output: %q", r.stdout)
	}

	// A second init refuses and leaves the user's edits alone.
	write(t, filepath.Join(repo, "plan.toml"), "# edited\n")
	r = runIn(t, repo, "init")
	wantCode(t, r, exitError)
	if !strings.Contains(r.stderr, "already exists; pass --force") {
		t.Errorf("init over a plan: %q", r.stderr)
	}
	if got, _ := os.ReadFile(filepath.Join(repo, "plan.toml")); string(got) != "# edited\n" {
		t.Fatalf("init without --force changed the plan: %q", got)
	}
	wantCode(t, runIn(t, repo, "init", "--force"), exitOK)
	if got, _ := os.ReadFile(filepath.Join(repo, "plan.toml")); !bytes.Equal(got, planTemplate) {
		t.Fatal("init --force did not rewrite the plan")
	}
	entries, _ := os.ReadDir(repo)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".ps-local-") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

func TestInitFromSubdirectoryWritesAtRoot(t *testing.T) {
	repo := gitRepo(t)
	sub := filepath.Join(repo, "a", "b")
	os.MkdirAll(sub, 0o755)
	wantCode(t, runIn(t, sub, "init"), exitOK)
	if _, err := os.Stat(filepath.Join(repo, "plan.toml")); err != nil {
		t.Fatalf("plan not at the repository root: %v", err)
	}
	r := runIn(t, sub, "validate")
	wantCode(t, r, exitOK)
	if !strings.HasPrefix(r.stdout, "../../plan.toml: valid") {
		t.Errorf("plan not named relative to the working directory: %q", r.stdout)
	}
}

func TestValidateFindings(t *testing.T) {
	repo := gitRepo(t)
	copyTestdata(t, "overlapping.toml", filepath.Join(repo, "plan.toml"))
	r := runIn(t, repo, "validate")
	wantCode(t, r, exitFindings)
	want := []string{
		`plan.toml:11:9: thread 2 (api-cleanup) owns "services/**/*.go", which overlaps "services/auth/" owned by thread 1 (extract-auth) at line 4: both match "services/auth/.go"; give each path one owning thread, or move the common paths to shared [overlap]`,
		`plan.toml:18:9: thread 3 (docs) owns "docs/*.md", which overlaps "docs/" owned by thread 2 (api-cleanup) at line 11: both match "docs/.md"; give each path one owning thread, or move the common paths to shared [overlap]`,
	}
	got := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", r.stdout, strings.Join(want, "\n"))
	}
	if !strings.Contains(r.stderr, "plan.toml: 2 problems") {
		t.Errorf("summary: %q", r.stderr)
	}
}

func TestValidateJSON(t *testing.T) {
	repo := gitRepo(t)
	copyTestdata(t, "overlapping.toml", filepath.Join(repo, "custom.toml"))
	r := runIn(t, repo, "--plan", "custom.toml", "validate", "--json")
	wantCode(t, r, exitFindings)
	var report validateReport
	if err := json.Unmarshal([]byte(r.stdout), &report); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.stdout)
	}
	if report.Plan != "custom.toml" || report.Valid || report.Threads.Active != 3 || len(report.Findings) != 2 {
		t.Fatalf("report: %+v", report)
	}
	f := report.Findings[0]
	if f.File != "custom.toml" || f.Line != 11 || f.Column != 9 || f.Rule != "overlap" || !strings.Contains(f.Message, `"services/auth/.go"`) {
		t.Errorf("first finding: %+v", f)
	}

	// The same with --plan after the subcommand, on a valid plan.
	copyTestdata(t, "valid.toml", filepath.Join(repo, "ok.toml"))
	r = runIn(t, repo, "validate", "--plan", "ok.toml", "--json")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, `"findings": []`) || !strings.Contains(r.stdout, `"valid": true`) {
		t.Errorf("valid report: %s", r.stdout)
	}
}

func TestExplain(t *testing.T) {
	repo := gitRepo(t)
	copyTestdata(t, "valid.toml", filepath.Join(repo, "plan.toml"))
	sub := filepath.Join(repo, "services")
	os.MkdirAll(sub, 0o755)
	r := runIn(t, sub, "explain", "auth/login.go", "payments/x.go", "../go.sum", "../README.md", "api/v1/")
	wantCode(t, r, exitOK)
	want := `services/auth/login.go: owned by thread 1 (extract-auth) via "services/auth/"
services/payments/x.go: not owned by any thread; forbidden for thread 1 (extract-auth) by "services/payments/"; no thread may change it until the plan gives it an owner or shares it
go.sum: shared via "go.sum"
README.md: not owned by any thread; no thread may change it until the plan gives it an owner or shares it
services/api/v1: owned by thread 2 (api-cleanup) via "services/api/"
`
	if r.stdout != want {
		t.Errorf("explain:\n%s\nwant:\n%s", r.stdout, want)
	}

	r = runIn(t, repo, "explain", "../outside")
	wantCode(t, r, exitError)
	if !strings.Contains(r.stderr, "not a path inside the repository") {
		t.Errorf("outside path: %q", r.stderr)
	}
	r = runIn(t, repo, "explain", ".")
	wantCode(t, r, exitError)
	if !strings.Contains(r.stderr, "is the repository root") {
		t.Errorf("root path: %q", r.stderr)
	}
	wantCode(t, runIn(t, repo, "explain"), exitError)
}

func TestExplainInvalidPlanStillAnswers(t *testing.T) {
	repo := gitRepo(t)
	copyTestdata(t, "overlapping.toml", filepath.Join(repo, "plan.toml"))
	r := runIn(t, repo, "explain", "services/auth/a.go")
	wantCode(t, r, exitFindings)
	if !strings.Contains(r.stdout, "more than one owner: the plan has an overlap") {
		t.Errorf("explain on an overlapping plan: %q", r.stdout)
	}
}

func TestHelpVersionAndUsage(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}} {
		r := runIn(t, dir, args...)
		wantCode(t, r, exitOK)
		for _, cmd := range []string{"init", "validate", "explain", "--plan FILE", "Exit codes"} {
			if !strings.Contains(r.stdout, cmd) {
				t.Errorf("%v: help lacks %q", args, cmd)
			}
		}
	}
	r := runIn(t, dir, "validate", "--help")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, "Usage: ps-local validate [--json]") {
		t.Errorf("validate --help: %q", r.stdout)
	}
	r = runIn(t, dir, "--version")
	wantCode(t, r, exitOK)
	if !strings.HasPrefix(r.stdout, "ps-local ") {
		t.Errorf("--version: %q", r.stdout)
	}
	for _, args := range [][]string{{}, {"frobnicate"}, {"validate", "--bogus"}, {"--bogus"}, {"init", "extra"}, {"validate", "extra"}} {
		wantCode(t, runIn(t, dir, args...), exitError)
	}
}

// TestBadInput feeds each kind of file that is not a usable plan and wants
// one clear line, the right exit code, and no Go stack (runIn checks that).
func TestBadInput(t *testing.T) {
	repo := gitRepo(t)
	plan := filepath.Join(repo, "plan.toml")
	tests := []struct {
		name    string
		setup   func()
		code    int
		message string
	}{
		{"empty file", func() { write(t, plan, "") }, exitFindings, "plan.toml:1:1: plan declares no threads"},
		{"binary garbage", func() { write(t, plan, "\x00\x01\xfe\xff\x89PNG\r\n\x1a\n") }, exitFindings, "[syntax]"},
		{"not TOML", func() { write(t, plan, "threads = [[[\n") }, exitFindings, "invalid TOML"},
		{"10 MB", func() { write(t, plan, strings.Repeat("# padding\n", 1<<20)) }, exitError, "larger than 1024 KiB"},
		{"directory", func() { os.Remove(plan); os.Mkdir(plan, 0o755) }, exitError, "is a directory"},
		{"missing", func() { os.RemoveAll(plan) }, exitError, "no such file; run `ps-local init`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.setup()
			r := runIn(t, repo, "validate")
			wantCode(t, r, tt.code)
			out := strings.TrimSpace(r.stdout + r.stderr)
			if !strings.Contains(out, tt.message) {
				t.Errorf("output %q lacks %q", out, tt.message)
			}
			if tt.code == exitError && strings.Count(out, "\n") != 0 {
				t.Errorf("want one line, got:\n%s", out)
			}
		})
	}
}

func TestUnreadablePlan(t *testing.T) {
	repo := gitRepo(t)
	plan := filepath.Join(repo, "plan.toml")
	write(t, plan, "")
	if err := os.Chmod(plan, 0); err != nil {
		t.Fatal(err)
	}
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		// root reads anything: run as nobody, which needs to reach the repo.
		cred = &syscall.Credential{Uid: 65534, Gid: 65534}
		for d := repo; d != filepath.Dir(d); d = filepath.Dir(d) {
			if d == os.TempDir() {
				break
			}
			os.Chmod(d, 0o755)
		}
		os.Chmod(filepath.Join(repo, ".git"), 0o755)
	}
	r := runAs(t, repo, cred, "--plan", plan, "validate")
	wantCode(t, r, exitError)
	if !strings.Contains(r.stderr, "read plan") || !strings.Contains(r.stderr, "permission denied") {
		t.Errorf("unreadable plan: %q", r.stderr)
	}
}

func TestOutsideGit(t *testing.T) {
	dir := t.TempDir()
	r := runIn(t, dir, "validate")
	wantCode(t, r, exitError)
	if !strings.Contains(r.stderr, "not inside a git repository; run inside a git repository or pass --plan FILE") {
		t.Errorf("outside git: %q", r.stderr)
	}
	// --plan works without git.
	copyTestdata(t, "valid.toml", filepath.Join(dir, "p.toml"))
	wantCode(t, runIn(t, dir, "--plan", "p.toml", "validate"), exitOK)
}
