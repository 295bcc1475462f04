package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestWorkflowsPinActionsBySHA: every action a workflow of this
// repository uses is pinned to a full commit SHA, and every workflow
// declares its token permissions.
func TestWorkflowsPinActionsBySHA(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", ".github", "workflows", "*.yml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no workflows: %v", err)
	}
	uses := regexp.MustCompile(`(?m)^\s*(?:-\s*)?uses:\s*(\S+)`)
	pinned := regexp.MustCompile(`^[\w.-]+/[\w./-]+@[0-9a-f]{40}$`)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range uses.FindAllStringSubmatch(string(data), -1) {
			if !pinned.MatchString(m[1]) {
				t.Errorf("%s: %s is not pinned to a commit SHA", filepath.Base(f), m[1])
			}
		}
		if !strings.Contains(string(data), "\npermissions:") {
			t.Errorf("%s declares no top-level permissions", filepath.Base(f))
		}
	}
}

// TestActionYAML: on main, action.yml builds the Dockerfile, and declares
// exactly the inputs ps-action reads.
func TestActionYAML(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^  image: Dockerfile$`).Match(data) {
		t.Error("action.yml on main must run `image: Dockerfile` (the release workflow pins it)")
	}
	inputs := map[string]bool{}
	section := string(data[strings.Index(string(data), "\ninputs:"):strings.Index(string(data), "\noutputs:")])
	for _, m := range regexp.MustCompile(`(?m)^  ([a-z-]+):$`).FindAllStringSubmatch(section, -1) {
		inputs[m[1]] = true
	}
	if len(inputs) < 5 {
		t.Fatalf("read only %d inputs from action.yml: %v", len(inputs), inputs)
	}
	src := ""
	for _, f := range []string{"run.go", "auth.go"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src += string(b)
	}
	read := map[string]bool{}
	for _, m := range regexp.MustCompile(`GetInput\("([a-z-]+)"\)`).FindAllStringSubmatch(src, -1) {
		read[m[1]] = true
	}
	for name := range inputs {
		if !read[name] {
			t.Errorf("action.yml declares input %s, which ps-action never reads", name)
		}
	}
	for name := range read {
		if !inputs[name] {
			t.Errorf("ps-action reads input %s, which action.yml does not declare", name)
		}
	}
}

// TestReadmeWorkflowConcurrencyIsPerPullRequest: the README's example
// workflow must not put every run of the repository in one concurrency
// group, where GitHub cancels the pending run of one pull request for a
// newer run of another and leaves its head without statuses.
func TestReadmeWorkflowConcurrencyIsPerPullRequest(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, after, _ := strings.Cut(string(data), "## The Action")
	workflow, _, _ := strings.Cut(after, "\n```\n")
	group := regexp.MustCompile(`(?m)^\s+group:\s*(.+)$`).FindStringSubmatch(workflow)
	if group == nil {
		t.Fatalf("the README's workflow has no concurrency group:\n%s", workflow)
	}
	for _, key := range []string{"github.event.pull_request.number", "github.event.merge_group.head_ref", "github.ref"} {
		if !strings.Contains(group[1], key) {
			t.Errorf("the concurrency group %q is not keyed by %s", group[1], key)
		}
	}
}
