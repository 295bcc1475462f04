package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parallel-sessions/parallel-sessions/cmd/internal/fakegithub"
)

// binary is ps-action built once for the end-to-end tests, with the race
// detector and coverage of every package of the module.
var binary string

// coverDir is where the binary's runs write their coverage counters:
// PS_COVER_DIR when set (README, "Development"), else a temporary
// directory.
var coverDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ps-action-test")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "ps-action")
	build := exec.Command("go", "build", "-race", "-cover", "-coverpkg=github.com/parallel-sessions/parallel-sessions/...", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		panic("build ps-action: " + err.Error())
	}
	coverDir = os.Getenv("PS_COVER_DIR")
	if coverDir == "" {
		coverDir = filepath.Join(dir, "cover")
	}
	if err := os.MkdirAll(coverDir, 0o755); err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// coverEnv is the environment entry that makes a run of binary write its
// coverage counters.
func coverEnv() string { return "GOCOVERDIR=" + coverDir }

// raceEnv makes the race-detecting binary exit at once (it sleeps a second
// by default) with exit code 66 when it found a race.
const raceEnv = "GORACE=atexit_sleep_ms=0 exitcode=66"

const token = "ghs_secretTOKEN123"

// scenario is a fake GitHub with the test plan on main, and the runner's
// files for one job.
type scenario struct {
	t      testing.TB
	gh     *fakegithub.Server
	inputs map[string]string
	// env overrides the runner's environment (an empty value unsets).
	env map[string]string
}

func newScenario(t testing.TB) *scenario {
	t.Helper()
	gh := fakegithub.New(t, "octo", "repo")
	plan, err := os.ReadFile(filepath.Join("testdata", "plan.toml"))
	if err != nil {
		t.Fatal(err)
	}
	gh.SetFile("main", "plan.toml", string(plan))
	return &scenario{t: t, gh: gh, inputs: map[string]string{"retry-budget": "5"}}
}

// pull adds a thread pull request from branch with files (each "path" or
// "status:path" or "renamed:old:new").
func (s *scenario) pull(n int, branch, sha string, files ...string) {
	var fs []fakegithub.File
	for _, f := range files {
		parts := strings.Split(f, ":")
		switch len(parts) {
		case 1:
			fs = append(fs, fakegithub.File{Status: "modified", Filename: f})
		case 2:
			fs = append(fs, fakegithub.File{Status: parts[0], Filename: parts[1]})
		default:
			fs = append(fs, fakegithub.File{Status: parts[0], PreviousFilename: parts[1], Filename: parts[2]})
		}
	}
	s.gh.AddPull(fakegithub.Pull{Number: n, HeadRef: branch, HeadSHA: sha, BaseRef: "main", Files: fs})
}

// result is one run of the binary.
type result struct {
	code    int
	stdout  string
	outputs map[string]string
	summary string
	reqs    []fakegithub.Request
}

// writes lists the run's writes as "METHOD path".
func (r result) writes() []string {
	var out []string
	for _, w := range fakegithub.Writes(r.reqs) {
		out = append(out, w.Method+" "+w.Path)
	}
	return out
}

// prEvent runs the binary for a pull_request event on pull request n,
// with a payload shaped like GitHub's, from the fake's state of n.
func (s *scenario) prEvent(name, action string, n int) result {
	s.t.Helper()
	p := s.gh.PullState(n)
	payload := loadPayload(s.t, "pull_request.json")
	pr := payload["pull_request"].(map[string]any)
	payload["action"], payload["number"], pr["number"] = action, n, n
	pr["state"], pr["merged"], pr["changed_files"] = p.State, p.Merged, len(p.Files)
	head := pr["head"].(map[string]any)
	head["ref"], head["sha"], head["label"] = p.HeadRef, p.HeadSHA, "octo:"+p.HeadRef
	head["repo"].(map[string]any)["full_name"] = p.HeadRepo
	return s.run(name, payload)
}

// stalePREvent runs a pull_request event whose payload names an old head
// SHA, as a re-run of an old job does.
func (s *scenario) stalePREvent(n int, staleSHA string) result {
	s.t.Helper()
	payload := loadPayload(s.t, "pull_request.json")
	pr := payload["pull_request"].(map[string]any)
	payload["number"], pr["number"] = n, n
	head := pr["head"].(map[string]any)
	head["ref"], head["sha"] = s.gh.PullState(n).HeadRef, staleSHA
	return s.run("pull_request", payload)
}

func (s *scenario) pushEvent(ref string) result {
	s.t.Helper()
	payload := loadPayload(s.t, "push.json")
	payload["ref"] = ref
	return s.run("push", payload)
}

// dispatchEvent runs a workflow_dispatch on main: a full re-evaluation.
func (s *scenario) dispatchEvent() result {
	s.t.Helper()
	return s.run("workflow_dispatch", map[string]any{"ref": "refs/heads/main", "inputs": map[string]any{}})
}

func loadPayload(t testing.TB, name string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// run runs the built binary with the environment a runner sets.
func (s *scenario) run(eventName string, payload map[string]any) result {
	s.t.Helper()
	dir := s.t.TempDir()
	eventPath := filepath.Join(dir, "event.json")
	data, _ := json.Marshal(payload)
	os.WriteFile(eventPath, data, 0o644)
	outputPath, summaryPath := filepath.Join(dir, "output"), filepath.Join(dir, "summary")
	os.WriteFile(outputPath, nil, 0o644)
	os.WriteFile(summaryPath, nil, 0o644)
	env := []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + dir,
		"GITHUB_ACTIONS=true", "CI=true",
		"GITHUB_EVENT_NAME=" + eventName, "GITHUB_EVENT_PATH=" + eventPath,
		"GITHUB_REPOSITORY=octo/repo", "GITHUB_REF_NAME=main",
		"GITHUB_API_URL=" + s.gh.APIURL(), "GITHUB_GRAPHQL_URL=" + s.gh.GraphQLURL(), "GITHUB_SERVER_URL=https://github.example", "GITHUB_RUN_ID=4242",
		"GITHUB_OUTPUT=" + outputPath, "GITHUB_STEP_SUMMARY=" + summaryPath,
		"INPUT_TOKEN=" + token, coverEnv(), raceEnv,
	}
	for k, v := range s.inputs {
		env = append(env, "INPUT_"+strings.ToUpper(k)+"="+v)
	}
	for k, v := range s.env {
		env = append(env, k+"="+v)
	}
	s.gh.Requests() // forget what setting up the scenario did
	cmd := exec.Command(binary)
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		s.t.Fatal(err)
	}
	out := stdout.String() + stderr.String()
	if strings.Contains(out, "panic:") || strings.Contains(out, "goroutine ") || strings.Contains(out, "DATA RACE") {
		s.t.Fatalf("ps-action crashed:\n%s", out)
	}
	if strings.Contains(strings.ReplaceAll(out, "::add-mask::"+token, ""), token) {
		s.t.Fatalf("the token is printed:\n%s", out)
	}
	outputs, _ := os.ReadFile(outputPath)
	summary, _ := os.ReadFile(summaryPath)
	r := result{code: code, stdout: out, outputs: parseOutputs(s.t, string(outputs)), summary: string(summary), reqs: s.gh.Requests()}
	for _, q := range r.reqs {
		if !strings.HasPrefix(q.Path, "/repos/octo/repo/") && !strings.HasPrefix(q.Path, "/app/installations/") && q.Path != "/user" && q.Path != "/app" && q.Path != fakegithub.GraphQLPath {
			s.t.Errorf("request outside the repository or API prefix: %s %s", q.Method, q.Path)
		}
	}
	return r
}

// parseOutputs reads a GITHUB_OUTPUT file: "name<<DELIM\nvalue\nDELIM".
func parseOutputs(t testing.TB, data string) map[string]string {
	out := map[string]string{}
	lines := strings.Split(data, "\n")
	for i := 0; i < len(lines); i++ {
		name, delim, ok := strings.Cut(lines[i], "<<")
		if !ok {
			if name, value, ok := strings.Cut(lines[i], "="); ok {
				out[name] = value
			}
			continue
		}
		var value []string
		for i++; i < len(lines) && lines[i] != delim; i++ {
			value = append(value, lines[i])
		}
		out[name] = strings.Join(value, "\n")
	}
	return out
}

func wantCode(t *testing.T, r result, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit code %d, want %d\n%s", r.code, code, r.stdout)
	}
}

// status returns "state: description" of the latest status of context.
func (s *scenario) status(sha, context string) string {
	st, ok := s.gh.LatestStatus(sha, context)
	if !ok {
		return "none"
	}
	return st.State + ": " + st.Description
}

func (s *scenario) wantStatus(sha, context, want string) {
	s.t.Helper()
	if got := s.status(sha, context); !strings.HasPrefix(got, want) {
		s.t.Errorf("%s on %s: %q, want prefix %q", context, sha, got, want)
	}
}

func (s *scenario) botComment(n int) string {
	s.t.Helper()
	var found []string
	for _, c := range s.gh.Comments(n) {
		if strings.Contains(c.Body, "<!-- parallel-sessions:thread -->") {
			found = append(found, c.Body)
		}
	}
	if len(found) != 1 {
		s.t.Fatalf("#%d has %d bot comments, want exactly 1", n, len(found))
	}
	return found[0]
}

func fmtReqs(reqs []fakegithub.Request) string {
	var b strings.Builder
	for _, r := range reqs {
		fmt.Fprintf(&b, "%s %s?%s\n", r.Method, r.Path, r.Query)
	}
	return b.String()
}
