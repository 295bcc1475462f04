package main

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseEvent(t *testing.T) {
	pr := `{"action":"%s","number":7,"pull_request":{"number":7,"base":{"ref":"main"}}}`
	tests := []struct {
		name, payload, ref string
		want               event
		todo               string
	}{
		{"pull_request", strings.Replace(pr, "%s", "synchronize", 1), "", event{name: "pull_request", pr: 7, action: "synchronize", base: "main"}, doGatePR},
		{"pull_request_target", strings.Replace(pr, "%s", "closed", 1), "", event{name: "pull_request_target", pr: 7, action: "closed", base: "main"}, doReevaluate},
		{"push", `{"ref":"refs/heads/main"}`, "", event{name: "push", base: "main"}, doReevaluate},
		{"push", `{"ref":"refs/tags/v1"}`, "", event{name: "push"}, doNothing},
		{"workflow_dispatch", `{"ref":"refs/heads/trunk","inputs":{}}`, "other", event{name: "workflow_dispatch", base: "trunk"}, doReevaluate},
		{"schedule", `{"schedule":"*/15 * * * *"}`, "main", event{name: "schedule", base: "main"}, doReevaluate},
		{"issues", `{"action":"opened"}`, "main", event{name: "issues"}, doNothing},
		// No delivery is the bot's reconcile, whatever it is named.
		{reconcileEvent, `{"ref":"refs/heads/main"}`, "main", event{name: reconcileEvent}, doNothing},
		{"pull_request_target", `{"action":"closed","pull_request":{"number":7,"base":{"ref":"main"},"head":{"ref":"extract-auth","repo":{"full_name":"octo/repo"}}}}`, "", event{name: "pull_request_target", pr: 7, action: "closed", base: "main", head: "extract-auth", headRepo: "octo/repo"}, doReevaluate},
		{"pull_request", `{"action":"opened","pull_request":{"number":7,"base":{"ref":"main"},"head":{"ref":"x","repo":null}}}`, "", event{name: "pull_request", pr: 7, action: "opened", base: "main", head: "x"}, doGatePR},
		{"push", `{"ref":"refs/heads/main","before":"1111111111111111111111111111111111111111"}`, "", event{name: "push", base: "main", before: "1111111111111111111111111111111111111111"}, doReevaluate},
		{"pull_request", `{"action":"edited","changes":{"base":{"ref":{"from":"develop"}}},"pull_request":{"number":7,"base":{"ref":"main"},"head":{"ref":"x"}}}`, "", event{name: "pull_request", pr: 7, action: "edited", base: "main", head: "x", retargeted: true}, doGatePR},
		{"pull_request", `{"action":"edited","changes":{"title":{"from":"t"}},"pull_request":{"number":7,"base":{"ref":"main"},"head":{"ref":"x"}}}`, "", event{name: "pull_request", pr: 7, action: "edited", base: "main", head: "x"}, doGatePR},
	}
	for _, tt := range tests {
		got, err := parseEvent(tt.name, []byte(tt.payload), tt.ref)
		if err != nil || got != tt.want || got.todo() != tt.todo {
			t.Errorf("%s %s: %+v (%s), %v; want %+v (%s)", tt.name, tt.payload, got, got.todo(), err, tt.want, tt.todo)
		}
	}
	for _, bad := range []struct{ name, payload string }{
		{"pull_request", `{"action":"opened"}`},
		{"pull_request", `not json`},
	} {
		if _, err := parseEvent(bad.name, []byte(bad.payload), ""); err == nil {
			t.Errorf("%s %q: no error", bad.name, bad.payload)
		}
	}
}

// Only an opening, a closing or a reopening changes what other threads
// wait on, and says what the pull request was before.
func TestStateChange(t *testing.T) {
	for _, tt := range []struct {
		action, was string
		changed     bool
	}{
		{"opened", "", true}, {"closed", "open", true}, {"reopened", "closed", true},
		{"synchronize", "", false}, {"edited", "", false}, {"ready_for_review", "", false},
	} {
		was, changed := event{action: tt.action}.stateChange()
		if was != tt.was || changed != tt.changed {
			t.Errorf("%s: %q %v, want %q %v", tt.action, was, changed, tt.was, tt.changed)
		}
	}
	if was, changed := (event{action: "edited", retargeted: true}).stateChange(); was != "" || !changed {
		t.Errorf("a retargeting: %q %v, want an opening into its new base", was, changed)
	}
}

func TestTruncate(t *testing.T) {
	if got := truncate("short", 140); got != "short" {
		t.Errorf("truncate changed a short text: %q", got)
	}
	long := strings.Repeat("é", 100) // 200 bytes
	got := truncate(long, 140)
	if len(got) > 140 || !utf8.ValidString(got) || !strings.HasSuffix(got, "…") {
		t.Errorf("truncate: %d bytes, valid %v: %q", len(got), utf8.ValidString(got), got)
	}
}

func TestChangeStatus(t *testing.T) {
	for gh, want := range map[string]string{"added": "added", "removed": "removed", "modified": "modified", "renamed": "renamed", "copied": "copied", "changed": "mode-changed", "unchanged": "modified"} {
		if got := string(changeStatus(gh)); got != want {
			t.Errorf("changeStatus(%q) = %q, want %q", gh, got, want)
		}
	}
}

// The comment's links take only an absolute http(s) address, and escape
// the base and the plan path, so no link can break out of its Markdown.
func TestWebAddressAndLinks(t *testing.T) {
	for in, want := range map[string]string{
		"https://github.com/octo/repo":  "https://github.com/octo/repo",
		"https://ghe.example/octo/repo": "https://ghe.example/octo/repo",
		"":                              "",
		"/octo/repo":                    "",
		"javascript:alert(1)":           "",
		"https://github.com/octo/repo) [x](https:/": "",
		"https://github.com/octo/repo\n":            "",
	} {
		if got := webAddress(in); got != want {
			t.Errorf("webAddress(%q) = %q, want %q", in, got, want)
		}
	}
	ps := &planState{base: "release/1.x", path: "ops/plan (v2).toml"}
	if got, want := planLink("https://g/o/r", ps), "https://g/o/r/blob/release/1.x/ops/plan%20%28v2%29.toml"; got != want {
		t.Errorf("planLink = %q, want %q", got, want)
	}
	if got, want := pullsLink("https://g/o/r", "release/1.x"), "https://g/o/r/pulls?q=is%3Apr+is%3Aopen+base%3Arelease%2F1.x"; got != want {
		t.Errorf("pullsLink = %q, want %q", got, want)
	}
}
