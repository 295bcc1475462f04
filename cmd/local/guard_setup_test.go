package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// guardEntries returns the PreToolUse entries of a settings file.
func guardEntries(t *testing.T, path string) (top map[string]any, entries []any) {
	t.Helper()
	if err := json.Unmarshal([]byte(readFile(t, path)), &top); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	hooks, _ := top["hooks"].(map[string]any)
	entries, _ = hooks["PreToolUse"].([]any)
	return top, entries
}

func TestFanoutWritesGuardSettings(t *testing.T) {
	repo := guardFanout(t)
	wt1 := filepath.Join(repo, "worktrees", "thread-1")
	path := filepath.Join(wt1, settingsFile)
	_, entries := guardEntries(t, path)
	if len(entries) != 1 {
		t.Fatalf("PreToolUse entries: %v", entries)
	}
	e := entries[0].(map[string]any)
	hook := e["hooks"].([]any)[0].(map[string]any)
	if e["matcher"] != guardMatcher || hook["type"] != "command" || hook["command"] != shellQuote(binary)+" guard" {
		t.Errorf("entry %v", e)
	}
	if st := gitIn(t, wt1, "status", "--porcelain"); st != "" {
		t.Errorf("the settings are not excluded from git:\n%s", st)
	}
	// The installed command, run by a shell as Claude Code runs it, denies.
	cmd := exec.Command("sh", "-c", hook["command"].(string))
	cmd.Dir = wt1
	cmd.Env = gitEnv(wt1)
	cmd.Stdin = strings.NewReader(hookJSON(t, "edit.json", wt1, filepath.Join(wt1, "services/api/handler.go")))
	out, err := cmd.Output()
	if err != nil || !strings.Contains(string(out), `"permissionDecision":"deny"`) {
		t.Errorf("the installed hook command: %v, %s", err, out)
	}
}

func TestFanoutMergesGuardSettings(t *testing.T) {
	repo := guardFanout(t)
	wt1 := filepath.Join(repo, "worktrees", "thread-1")
	path := filepath.Join(wt1, settingsFile)
	write(t, path, `{
  "permissions": {"allow": ["Bash(npm test)"]},
  "hooks": {
    "PreToolUse": [
      {"matcher": "Bash", "hooks": [{"type": "command", "command": "echo mine"}]},
      {"matcher": "Write|Edit|NotebookEdit", "hooks": [{"type": "command", "command": "'/old/place/ps-local' guard"}]}
    ],
    "PostToolUse": [{"matcher": "Write", "hooks": [{"type": "command", "command": "gofmt -l ."}]}]
  }
}
`)
	wantCode(t, runIn(t, repo, "fanout"), exitOK)
	first := readFile(t, path)
	wantCode(t, runIn(t, repo, "fanout"), exitOK)
	if again := readFile(t, path); again != first {
		t.Errorf("a second fanout changed the settings:\n%s\nthen:\n%s", first, again)
	}
	top, entries := guardEntries(t, path)
	if perms, _ := json.Marshal(top["permissions"]); string(perms) != `{"allow":["Bash(npm test)"]}` {
		t.Errorf("permissions lost: %s", perms)
	}
	if post, _ := json.Marshal(top["hooks"].(map[string]any)["PostToolUse"]); !strings.Contains(string(post), "gofmt -l .") {
		t.Errorf("PostToolUse lost: %s", post)
	}
	if len(entries) != 2 {
		t.Fatalf("want the Bash entry and one guard entry, got %v", entries)
	}
	if s, _ := json.Marshal(entries); !strings.Contains(string(s), "echo mine") || !strings.Contains(string(s), shellQuote(binary)+" guard") || strings.Contains(string(s), "/old/place") {
		t.Errorf("entries: %s", s)
	}
}

func TestFanoutGuardSettingsRefusals(t *testing.T) {
	t.Run("no-guard", func(t *testing.T) {
		repo := guardFanout(t, "--no-guard")
		if _, err := os.Stat(filepath.Join(repo, "worktrees", "thread-1", settingsFile)); err == nil {
			t.Error("--no-guard wrote the settings")
		}
	})
	t.Run("tracked", func(t *testing.T) {
		repo := fanoutRepo(t)
		tracked := `{"hooks": {}}` + "\n"
		write(t, filepath.Join(repo, settingsFile), tracked)
		commitAll(t, repo, "track the settings")
		r := runIn(t, repo, "fanout")
		wantCode(t, r, exitOK)
		if !strings.Contains(r.stderr, settingsFile+" is tracked by git, so fanout leaves it alone") {
			t.Errorf("stderr: %s", r.stderr)
		}
		if got := readFile(t, filepath.Join(repo, "worktrees", "thread-1", settingsFile)); got != tracked {
			t.Errorf("a tracked settings file was changed: %q", got)
		}
	})
	t.Run("not JSON", func(t *testing.T) {
		repo := guardFanout(t)
		path := filepath.Join(repo, "worktrees", "thread-2", settingsFile)
		write(t, path, "{ not json")
		r := runIn(t, repo, "fanout")
		wantCode(t, r, exitError)
		if !strings.Contains(r.stderr, "it is not a JSON object") || !strings.Contains(r.stderr, "--no-guard") {
			t.Errorf("stderr: %s", r.stderr)
		}
		if got := readFile(t, path); got != "{ not json" {
			t.Errorf("a broken settings file was overwritten: %q", got)
		}
	})
}

func TestMergeGuardSettings(t *testing.T) {
	const cmd = "'/bin/ps-local' guard"
	tests := []struct{ name, in, want string }{
		{"empty", "", `{"hooks":{"PreToolUse":[{"hooks":[{"command":"'/bin/ps-local' guard","type":"command"}],"matcher":"Write|Edit|NotebookEdit"}]}}`},
		{"other keys", `{"model":"opus","hooks":{"Stop":[]}}`, `{"hooks":{"PreToolUse":[{"hooks":[{"command":"'/bin/ps-local' guard","type":"command"}],"matcher":"Write|Edit|NotebookEdit"}],"Stop":[]},"model":"opus"}`},
		{"null hooks", `{"hooks":null,"a":1}`, `{"a":1,"hooks":{"PreToolUse":[{"hooks":[{"command":"'/bin/ps-local' guard","type":"command"}],"matcher":"Write|Edit|NotebookEdit"}]}}`},
		{"same matcher, another command", `{"hooks":{"PreToolUse":[{"matcher":"Write|Edit|NotebookEdit","hooks":[{"type":"command","command":"lint"}]}]}}`,
			`{"hooks":{"PreToolUse":[{"hooks":[{"command":"lint","type":"command"}],"matcher":"Write|Edit|NotebookEdit"},{"hooks":[{"command":"'/bin/ps-local' guard","type":"command"}],"matcher":"Write|Edit|NotebookEdit"}]}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := mergeGuardSettings([]byte(tt.in), cmd)
			if err != nil {
				t.Fatal(err)
			}
			var v any
			json.Unmarshal(got, &v)
			compact, _ := json.Marshal(v)
			if string(compact) != tt.want {
				t.Errorf("got  %s\nwant %s", compact, tt.want)
			}
			again, err := mergeGuardSettings(got, cmd)
			if err != nil || string(again) != string(got) {
				t.Errorf("not idempotent: %s", again)
			}
		})
	}
	for _, bad := range []string{"[]", `{"hooks":[]}`, `{"hooks":{"PreToolUse":{}}}`, "nul", "null"} {
		if _, err := mergeGuardSettings([]byte(bad), cmd); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

func TestFanoutPreCommitHook(t *testing.T) {
	repo := guardFanout(t, "--hooks")
	wt := filepath.Join(repo, "worktrees", "thread-1")
	write(t, filepath.Join(wt, "services/api/stray.go"), "package api\n")
	gitIn(t, wt, "add", "-A")
	if err := gitCommit(t, wt, "stray"); err == nil {
		t.Fatal("the pre-commit hook let an out-of-scope commit through")
	} else if !strings.Contains(err.Error(), "owned by thread 2 (api-cleanup)") {
		t.Errorf("commit refused without the finding: %v", err)
	}
	gitIn(t, wt, "reset", "-q", "--hard")
	os.Remove(filepath.Join(wt, "services/api/stray.go"))
	write(t, filepath.Join(wt, "services/auth/new.go"), "package auth\n")
	commitAll(t, wt, "in scope")
	// An unstaged stray file is not part of the commit and does not block it.
	write(t, filepath.Join(wt, "docs/later.md"), "x\n")
	write(t, filepath.Join(wt, "services/auth/more.go"), "package auth\n")
	gitIn(t, wt, "add", "services/auth/more.go")
	gitIn(t, wt, "commit", "-q", "-m", "more")
	// Elsewhere the hook does nothing.
	write(t, filepath.Join(repo, "README.md"), "x\n")
	commitAll(t, repo, "on main")
}

func TestFanoutAgentsOverride(t *testing.T) {
	repo := fanoutRepo(t)
	write(t, filepath.Join(repo, agentsBase), "Project rule: run go test.\n")
	commitAll(t, repo, "agents")
	wantCode(t, runIn(t, repo, "fanout"), exitOK)
	wt1 := filepath.Join(repo, "worktrees", "thread-1")
	got := readFile(t, filepath.Join(wt1, agentsFile))
	for _, want := range []string{"Project rule: run go test.", "# Thread 1: extract-auth", "- `services/auth/`"} {
		if !strings.Contains(got, want) {
			t.Errorf("%s lacks %q:\n%s", agentsFile, want, got)
		}
	}
	if st := gitIn(t, wt1, "status", "--porcelain"); st != "" {
		t.Errorf("not excluded:\n%s", st)
	}
	if got := readFile(t, filepath.Join(wt1, agentsBase)); got != "Project rule: run go test.\n" {
		t.Errorf("the tracked AGENTS.md changed: %q", got)
	}

	repo = fanoutRepo(t)
	write(t, filepath.Join(repo, agentsFile), "tracked override\n")
	commitAll(t, repo, "override")
	r := runIn(t, repo, "fanout")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stderr, agentsFile+" is tracked by git") {
		t.Errorf("stderr: %s", r.stderr)
	}
	if got := readFile(t, filepath.Join(repo, "worktrees", "thread-1", agentsFile)); got != "tracked override\n" {
		t.Errorf("a tracked file was changed: %q", got)
	}
}
