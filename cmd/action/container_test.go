package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// podman runs podman with the flags that work on machines without a
// container engine: vfs storage, runc, cgroupfs.
func podman(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("podman", append([]string{"--storage-driver=vfs", "--runtime=runc", "--cgroup-manager=cgroupfs"}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

var limits = []string{"--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"}

// TestContainerImage builds the Dockerfile with podman from locally made
// base images, checks the image's size, and runs it as a runner runs a
// Docker action: the runner's environment, the workspace and file-command
// folders mounted, the fake GitHub on the host's loopback.
func TestContainerImage(t *testing.T) {
	skip := t.Skip
	if os.Getenv("PS_CONTAINER_TEST") == "require" {
		skip = t.Fatal // .ci/run installs everything the test needs
	}
	if testing.Short() {
		skip("the container test builds an image; skipped with -short")
	}
	if _, err := exec.LookPath("podman"); err != nil {
		skip("podman is not installed, so the image is not built here; .ci/run installs it")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	baseImages := exec.Command(filepath.Join(root, ".ci", "base-images"))
	if out, err := baseImages.CombinedOutput(); err != nil {
		if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 3 {
			skip("the base images cannot be made here: " + string(out))
		}
		t.Fatalf(".ci/base-images: %v\n%s", err, out)
	}

	// The test removes only what it made: its own image, by ID (with its
	// tag).
	// --layers=false leaves no cached intermediate images behind, so
	// nothing needs a prune (which would remove others' dangling images).
	image := "localhost/ps-action:container-test-" + strconv.Itoa(os.Getpid())
	iidFile := filepath.Join(t.TempDir(), "iid")
	build := append([]string{"build", "--network=host", "--quiet", "--layers=false", "--iidfile", iidFile}, limits...)
	build = append(build,
		"--build-arg", "GO_IMAGE=localhost/ps-go-builder:local",
		"--build-arg", "RUNTIME_IMAGE=localhost/ps-static-runtime:local",
		"--build-arg", "VERSION=v0.0.0-container",
		"-t", image, root)
	if out, err := podman(t, build...); err != nil {
		t.Fatalf("podman build: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		if id, err := os.ReadFile(iidFile); err == nil && len(bytes.TrimSpace(id)) > 0 {
			podman(t, "rmi", "-f", string(bytes.TrimSpace(id)))
		}
	})
	out, err := podman(t, "image", "inspect", "--format", "{{.Size}}", image)
	if err != nil {
		t.Fatalf("podman image inspect: %v\n%s", err, out)
	}
	size, err := strconv.ParseInt(strings.TrimSpace(out), 10, 64)
	if err != nil {
		t.Fatalf("image size %q: %v", out, err)
	}
	if size > 20<<20 {
		t.Errorf("the image is %.1f MB; it must stay well under 20 MB", float64(size)/(1<<20))
	}
	t.Logf("image size: %.1f MB", float64(size)/(1<<20))

	run := func(extra ...string) (string, error) {
		return podman(t, append(append(append([]string{"run", "--rm", "--network=host"}, limits...), extra...), image)...)
	}
	if out, err := run(); err == nil || !strings.Contains(out, "GITHUB_EVENT_NAME is not set") {
		t.Errorf("the image run bare: %v\n%s", err, out)
	}
	out, err = podman(t, append(append([]string{"run", "--rm"}, limits...), image, "--version")...)
	if err != nil || strings.TrimSpace(out) != "ps-action v0.0.0-container" {
		t.Errorf("--version: %v %q", err, out)
	}

	s := newScenario(t)
	s.pull(11, "extract-auth", "a1", "services/auth/login.go")
	s.pull(12, "api-cleanup", "b1", "services/api/handler.go")
	runner := t.TempDir()
	for _, dir := range []string{"workspace", "workflow", "file_commands", "home"} {
		os.MkdirAll(filepath.Join(runner, dir), 0o755)
	}
	payload := loadPayload(t, "pull_request.json")
	pr := payload["pull_request"].(map[string]any)
	payload["action"], payload["number"], pr["number"] = "opened", 12, 12
	head := pr["head"].(map[string]any)
	head["ref"], head["sha"] = "api-cleanup", "b1"
	data, _ := json.Marshal(payload)
	os.WriteFile(filepath.Join(runner, "workflow", "event.json"), data, 0o644)
	os.WriteFile(filepath.Join(runner, "file_commands", "output"), nil, 0o644)
	os.WriteFile(filepath.Join(runner, "file_commands", "summary"), nil, 0o644)
	env := map[string]string{
		"GITHUB_ACTIONS": "true", "CI": "true", "HOME": "/github/home",
		"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": "/github/workflow/event.json",
		"GITHUB_REPOSITORY": "octo/repo", "GITHUB_REF_NAME": "12/merge", "GITHUB_WORKSPACE": "/github/workspace",
		"GITHUB_API_URL": s.gh.APIURL(), "GITHUB_GRAPHQL_URL": s.gh.GraphQLURL(), "GITHUB_SERVER_URL": "https://github.example", "GITHUB_RUN_ID": "77",
		"GITHUB_OUTPUT": "/github/file_commands/output", "GITHUB_STEP_SUMMARY": "/github/file_commands/summary",
		"INPUT_TOKEN": token, "INPUT_PLAN-PATH": "plan.toml", "INPUT_UNTRACKED-PRS": "allow", "INPUT_COMMENT": "true", "INPUT_RETRY-BUDGET": "5",
	}
	args := []string{"--workdir", "/github/workspace"}
	for _, dir := range []string{"workspace", "workflow", "file_commands", "home"} {
		args = append(args, "-v", filepath.Join(runner, dir)+":/github/"+dir)
	}
	for k, v := range env {
		args = append(args, "-e", k+"="+v)
	}
	s.gh.Requests()
	out, err = run(args...)
	if err != nil {
		t.Fatalf("the action's container: %v\n%s", err, out)
	}
	if strings.Contains(strings.ReplaceAll(out, "::add-mask::"+token, ""), token) {
		t.Fatalf("the token is printed:\n%s", out)
	}
	s.wantStatus("b1", scope, "success: in scope: 1 path of thread 2 (api-cleanup)")
	s.wantStatus("b1", order, "pending: waiting on thread 1 (extract-auth), #11 open; merge #11")
	if got := s.gh.PullState(12).Labels; len(got) != 1 || got[0] != "merge-order:2" {
		t.Errorf("labels of #12: %v", got)
	}
	s.botComment(12)
	outputs, _ := os.ReadFile(filepath.Join(runner, "file_commands", "output"))
	got := parseOutputs(t, string(outputs))
	for k, v := range map[string]string{"thread": "2", "merge-order": "2", "scope": "success", "ready": "false"} {
		if got[k] != v {
			t.Errorf("output %s = %q, want %q (outputs %v)", k, got[k], v, got)
		}
	}
	summary, _ := os.ReadFile(filepath.Join(runner, "file_commands", "summary"))
	if !strings.Contains(string(summary), "thread 2 `api-cleanup`") {
		t.Errorf("step summary:\n%s", summary)
	}
}
