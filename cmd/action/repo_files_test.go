package main

import (
	"fmt"
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
// newer run of another and leaves its head without statuses. Nor may a
// pending run be replaced by one that does not redo its work: a push's run
// compares the plan at its own before commit with the tip, so a replaced
// push that changed the plan would never be re-evaluated in full, and a
// synchronize run does not re-gate the threads an opening, a reopening or
// a retargeting holds back (README, "The Action"). The group expression is
// evaluated for pairs of events that must never share a group.
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
	pr := func(n int, action string, changes map[string]any) map[string]any {
		ev := map[string]any{"action": action, "number": n, "pull_request": map[string]any{"number": n}}
		if changes != nil {
			ev["changes"] = changes
		}
		return map[string]any{"event": ev, "ref": "refs/pull/" + fmt.Sprint(n) + "/merge", "sha": "base1"}
	}
	push := func(sha string) map[string]any {
		return map[string]any{"event": map[string]any{"ref": "refs/heads/main", "before": "b", "after": sha}, "ref": "refs/heads/main", "sha": sha}
	}
	group1 := func(sha string) map[string]any {
		return map[string]any{"event": map[string]any{"action": "checks_requested", "merge_group": map[string]any{"head_ref": "refs/heads/gh-readonly-queue/main/pr-11-" + sha}}, "ref": "refs/heads/gh-readonly-queue/main/pr-11-" + sha, "sha": sha}
	}
	retarget := map[string]any{"base": map[string]any{"ref": map[string]any{"from": "dev"}}}
	apart := []struct {
		name string
		a, b map[string]any
	}{
		{"two pull requests", pr(11, "synchronize", nil), pr(12, "synchronize", nil)},
		{"two pushes (the first may change the plan)", push("c1"), push("c2")},
		{"an opening and a synchronize", pr(11, "opened", nil), pr(11, "synchronize", nil)},
		{"a reopening and a synchronize", pr(11, "reopened", nil), pr(11, "synchronize", nil)},
		{"a close and a synchronize", pr(11, "closed", nil), pr(11, "synchronize", nil)},
		{"a retargeting and a title edit", pr(11, "edited", retarget), pr(11, "edited", nil)},
		{"two merge groups", group1("a1"), group1("a2")},
	}
	for _, c := range apart {
		ga, gb := evalExpression(t, group[1], c.a), evalExpression(t, group[1], c.b)
		if ga == gb {
			t.Errorf("%s share the concurrency group %q: GitHub cancels the pending one", c.name, ga)
		}
	}
	// Runs that redo each other's work may share one: that is what keeps a
	// burst of pushes to one pull request to one run or two.
	if a, b := evalExpression(t, group[1], pr(11, "synchronize", nil)), evalExpression(t, group[1], pr(11, "synchronize", nil)); a != b {
		t.Errorf("two synchronize runs of one pull request are in groups %q and %q", a, b)
	}
}

// evalExpression evaluates text with ${{ a || b.c || ... }} placeholders
// as GitHub Actions does, for the github context ctx: each placeholder is
// its first operand that is set and not empty.
func evalExpression(t *testing.T, text string, ctx map[string]any) string {
	t.Helper()
	var b strings.Builder
	for {
		before, rest, ok := strings.Cut(text, "${{")
		b.WriteString(before)
		if !ok {
			return b.String()
		}
		expr, after, ok := strings.Cut(rest, "}}")
		if !ok {
			t.Fatalf("unterminated expression in %q", text)
		}
		for _, operand := range strings.Split(expr, "||") {
			path := strings.Split(strings.TrimSpace(operand), ".")
			if path[0] != "github" {
				t.Fatalf("the evaluator knows only the github context, not %q", operand)
			}
			var v any = ctx
			for _, key := range path[1:] {
				m, _ := v.(map[string]any)
				v = m[key]
			}
			if v != nil && v != "" && v != 0 {
				b.WriteString(fmt.Sprint(v))
				break
			}
		}
		text = after
	}
}
