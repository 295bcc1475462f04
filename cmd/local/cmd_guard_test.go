package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// hookJSON fills a fixture of testdata/guard, written from Claude Code's
// documented PreToolUse input, with a working directory and a path.
func hookJSON(t *testing.T, fixture, cwd, path string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "guard", fixture))
	if err != nil {
		t.Fatal(err)
	}
	esc := func(s string) string {
		b, _ := json.Marshal(s)
		return string(b[1 : len(b)-1])
	}
	s := strings.ReplaceAll(string(data), "CWD", esc(cwd))
	return strings.ReplaceAll(s, "PATH", esc(path))
}

// guardVerdict runs ps-local guard in dir and returns "" for allow, or the
// deny reason; anything else fails the test.
func guardVerdict(t *testing.T, dir, input string) string {
	t.Helper()
	r := runStdin(t, dir, input, "guard")
	wantCode(t, r, exitOK)
	if r.stdout == "" {
		return ""
	}
	var d hookDecision
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("guard printed %q, not a decision: %v", r.stdout, err)
	}
	h := d.HookSpecificOutput
	if h.HookEventName != "PreToolUse" || h.PermissionDecision != "deny" || h.PermissionDecisionReason == "" {
		t.Fatalf("guard printed %q: want a PreToolUse deny with a reason", r.stdout)
	}
	return h.PermissionDecisionReason
}

// guardRepo makes the fanout repository and its thread worktrees.
func guardFanout(t *testing.T, args ...string) string {
	t.Helper()
	repo := fanoutRepo(t)
	wantCode(t, runIn(t, repo, append([]string{"fanout"}, args...)...), exitOK)
	return repo
}

func TestGuardDecisions(t *testing.T) {
	repo := guardFanout(t)
	wt1 := filepath.Join(repo, "worktrees", "thread-1")
	wt2 := filepath.Join(repo, "worktrees", "thread-2")
	outside := t.TempDir()
	if err := os.Symlink(filepath.Join(wt2, "services", "api"), filepath.Join(wt1, "services", "auth", "api-link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../../docs", filepath.Join(wt1, "services", "auth", "docs-link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../api/new.go", filepath.Join(wt1, "services", "auth", "dangling.go")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(wt1, "services", "auth", "out-link")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, fixture, cwd, path string
		deny                     []string // substrings of the reason; nil: allow
	}{
		{"own file, absolute", "write.json", wt1, filepath.Join(wt1, "services/auth/new.go"), nil},
		{"own file, relative", "edit.json", wt1, "services/auth/login.go", nil},
		{"own file, relative from a subfolder", "write.json", filepath.Join(wt1, "services"), "auth/x.go", nil},
		{"own file through ..", "write.json", wt1, filepath.Join(wt1, "services/api/../auth/x.go"), nil},
		{"shared file", "edit.json", wt1, filepath.Join(wt1, "go.sum"), nil},
		{"notebook in scope", "notebookedit.json", wt1, filepath.Join(wt1, "services/auth/a.ipynb"), nil},
		{"another thread's area", "edit.json", wt1, filepath.Join(wt1, "services/api/handler.go"),
			[]string{"services/api/handler.go", "thread 1 (extract-auth)", "thread 2 (api-cleanup)", `"services/api/"`, "leave it to thread 2", "plan.toml on main"}},
		{"another thread's area through ..", "write.json", wt1, filepath.Join(wt1, "services/auth/../api/x.go"), []string{"thread 2 (api-cleanup)"}},
		{"notebook out of scope", "notebookedit.json", wt1, filepath.Join(wt1, "docs/a.ipynb"), []string{"thread 3 (docs)"}},
		{"forbidden", "write.json", wt2, filepath.Join(wt2, "services/api/v1/x.go"), []string{"forbids", `"services/api/v1/"`, "thread 2 (api-cleanup)"}},
		{"not owned", "write.json", wt1, filepath.Join(wt1, "README.md"), []string{"no thread owns it", "ask the operator"}},
		{"the plan", "edit.json", wt1, filepath.Join(wt1, "plan.toml"), []string{"it is the plan"}},
		{"another worktree", "write.json", wt1, filepath.Join(wt2, "services/api/x.go"), []string{"the worktree of thread 2 (api-cleanup)", wt2}},
		{"another worktree, relative", "write.json", wt1, "../thread-2/services/api/x.go", []string{"the worktree of thread 2 (api-cleanup)"}},
		{"the main checkout", "write.json", wt1, filepath.Join(repo, "services/auth/login.go"), []string{"the main checkout"}},
		{"git's files", "write.json", wt1, filepath.Join(repo, ".git/hooks/pre-commit"), []string{"in git's own files"}},
		{"symlink into another worktree", "write.json", wt1, filepath.Join(wt1, "services/auth/api-link/x.go"), []string{"the worktree of thread 2 (api-cleanup)"}},
		{"symlink into another thread's area", "write.json", wt1, filepath.Join(wt1, "services/auth/docs-link/x.md"), []string{"thread 3 (docs)"}},
		{"dangling symlink", "write.json", wt1, filepath.Join(wt1, "services/auth/dangling.go"), []string{"services/api/new.go", "thread 2 (api-cleanup)"}},
		{"outside the repository", "write.json", wt1, filepath.Join(outside, "notes.md"), nil},
		{"symlink to outside the repository", "write.json", wt1, filepath.Join(wt1, "services/auth/out-link/notes.md"), nil},
		{"a tool guard does not judge", "bash.json", wt1, filepath.Join(wt2, "x"), nil},
		{"the main checkout is no thread", "write.json", repo, filepath.Join(repo, "services/api/handler.go"), nil},
		{"unreadable input in a thread", "garbled.json", wt1, "x", []string{"not the JSON Claude Code sends", "thread 1 (extract-auth)"}},
		{"an edit without its path", "write-no-path.json", wt1, "x", []string{"no tool_input.file_path for Write"}},
		{"unreadable input in the main checkout", "garbled.json", repo, "x", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reason := guardVerdict(t, tt.cwd, hookJSON(t, tt.fixture, tt.cwd, tt.path))
			switch {
			case tt.deny == nil && reason != "":
				t.Fatalf("denied, want allow: %s", reason)
			case tt.deny != nil && reason == "":
				t.Fatal("allowed, want deny")
			}
			for _, want := range tt.deny {
				if !strings.Contains(reason, want) {
					t.Errorf("reason %q lacks %q", reason, want)
				}
			}
		})
	}
}

// TestGuardUsesCWDFromInput: Claude Code may start the hook anywhere; the
// cwd of the input says which worktree the session is in.
func TestGuardUsesCWDFromInput(t *testing.T) {
	repo := guardFanout(t)
	wt1 := filepath.Join(repo, "worktrees", "thread-1")
	if reason := guardVerdict(t, repo, hookJSON(t, "write.json", wt1, "services/api/x.go")); !strings.Contains(reason, "thread 2 (api-cleanup)") {
		t.Errorf("reason %q: want the thread 1 session judged", reason)
	}
}

// TestGuardReadsPlanFromBase: the plan is the base's as committed; a
// thread's own uncommitted copy widens nothing, and a plan change on the
// base takes effect without a new fanout.
func TestGuardReadsPlanFromBase(t *testing.T) {
	repo := guardFanout(t)
	wt1 := filepath.Join(repo, "worktrees", "thread-1")
	input := hookJSON(t, "write.json", wt1, filepath.Join(wt1, "README.md"))
	planText := readFile(t, filepath.Join(repo, "plan.toml"))
	widened := strings.Replace(planText, `owns = ["services/auth/"]`, `owns = ["services/auth/", "README.md"]`, 1)
	if widened == planText {
		t.Fatal("fixture plan changed; update the test")
	}
	write(t, filepath.Join(wt1, "plan.toml"), widened)
	if guardVerdict(t, wt1, input) == "" {
		t.Fatal("the worktree's own uncommitted plan widened the scope")
	}
	gitIn(t, wt1, "checkout", "-q", "--", "plan.toml")
	write(t, filepath.Join(repo, "plan.toml"), widened)
	commitAll(t, repo, "plan: thread 1 owns README.md")
	if reason := guardVerdict(t, wt1, input); reason != "" {
		t.Fatalf("denied after the base's plan gave README.md to thread 1: %s", reason)
	}
}

// TestGuardBrokenPlanFailsClosed: a thread worktree whose base plan is
// invalid refuses every edit; the base's checkout, where the plan is
// fixed, does not.
func TestGuardBrokenPlanFailsClosed(t *testing.T) {
	repo := guardFanout(t)
	wt1 := filepath.Join(repo, "worktrees", "thread-1")
	write(t, filepath.Join(repo, "plan.toml"), readFile(t, filepath.Join(repo, "plan.toml"))+"\n[[threads]]\nid = 1\n")
	commitAll(t, repo, "break the plan")
	reason := guardVerdict(t, wt1, hookJSON(t, "write.json", wt1, filepath.Join(wt1, "services/auth/x.go")))
	for _, want := range []string{"invalid", "ps-local validate", "plan.toml:"} {
		if !strings.Contains(reason, want) {
			t.Errorf("reason %q lacks %q", reason, want)
		}
	}
	if reason := guardVerdict(t, repo, hookJSON(t, "edit.json", repo, filepath.Join(repo, "plan.toml"))); reason != "" {
		t.Errorf("the base checkout cannot fix its plan: %s", reason)
	}
}

// TestGuardBaseWithoutPlan: a thread branch whose plan names a base that
// has no plan (a plan change committed on the thread) fails closed.
func TestGuardBaseWithoutPlan(t *testing.T) {
	repo := guardFanout(t)
	wt1 := filepath.Join(repo, "worktrees", "thread-1")
	write(t, filepath.Join(wt1, "plan.toml"), "base = \"nowhere\"\n"+readFile(t, filepath.Join(wt1, "plan.toml")))
	gitIn(t, wt1, "add", "plan.toml")
	gitIn(t, wt1, "commit", "-q", "--no-verify", "-m", "point the plan elsewhere")
	reason := guardVerdict(t, wt1, hookJSON(t, "write.json", wt1, filepath.Join(wt1, "services/api/x.go")))
	if !strings.Contains(reason, `names the base "nowhere", which has no plan.toml`) {
		t.Errorf("reason %q", reason)
	}
}

// TestGuardNoPlan: where the repository has no plan, or there is no
// repository, guard has nothing to keep and allows.
func TestGuardNoPlan(t *testing.T) {
	repo := gitRepo(t)
	write(t, filepath.Join(repo, "a.go"), "package a\n")
	commitAll(t, repo, "no plan")
	gitIn(t, repo, "checkout", "-q", "-b", "extract-auth")
	if reason := guardVerdict(t, repo, hookJSON(t, "write.json", repo, "a.go")); reason != "" {
		t.Errorf("no plan, denied: %s", reason)
	}
	dir := t.TempDir()
	if reason := guardVerdict(t, dir, hookJSON(t, "write.json", dir, "a.go")); reason != "" {
		t.Errorf("no repository, denied: %s", reason)
	}
}

// TestGuardCache: the first call records the proved plan by blob id in
// the git directory, and later calls decide the same from it.
func TestGuardCache(t *testing.T) {
	repo := guardFanout(t)
	wt1 := filepath.Join(repo, "worktrees", "thread-1")
	input := hookJSON(t, "edit.json", wt1, filepath.Join(wt1, "services/api/handler.go"))
	first := guardVerdict(t, wt1, input)
	blob := gitIn(t, repo, "rev-parse", "main:plan.toml")
	if _, err := os.Stat(filepath.Join(repo, ".git", "parallel-sessions", "plans", blob+"-"+gitIn(t, repo, "rev-parse", "main^{tree}")+cacheSuffix)); err != nil {
		t.Fatalf("no cache entry for the plan: %v", err)
	}
	if second := guardVerdict(t, wt1, input); second != first || first == "" {
		t.Errorf("first %q, second %q", first, second)
	}
}
