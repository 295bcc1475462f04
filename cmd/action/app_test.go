package main

import (
	"strings"
	"testing"

	"github.com/parallel-sessions/parallel-sessions/cmd/internal/fakegithub"
)

// TestActsAsGitHubApp runs the Action with app-id and app-private-key: it
// finds the App's installation, writes every status, label and comment
// with the installation token (the fake refuses the workflow token once
// the App is installed), and masks the key and the token.
func TestActsAsGitHubApp(t *testing.T) {
	s := newScenario(t)
	key, pemKey := fakegithub.NewAppKey(t)
	s.gh.InstallApp(314, 2718, &key.PublicKey)
	s.inputs["app-id"] = "314"
	s.inputs["app-private-key"] = string(pemKey)
	s.pull(11, "extract-auth", "a1", "services/auth/login.go")

	r := s.prEvent("pull_request", "opened", 11)
	wantCode(t, r, exitOK)
	s.wantStatus("a1", scope, "success")
	s.wantStatus("a1", order, "success")
	if len(r.writes()) == 0 {
		t.Fatal("nothing written")
	}
	for _, q := range fakegithub.Writes(r.reqs) {
		if strings.HasPrefix(q.Path, "/repos/") && q.Auth != "token ghs_fake1" {
			t.Errorf("%s %s with %q, want the installation token", q.Method, q.Path, q.Auth)
		}
	}
	if !strings.Contains(r.stdout, "::add-mask::ghs_fake1") {
		t.Errorf("the installation token is not masked:\n%s", r.stdout)
	}
	// The App's bot wrote them, and knows them for its own: a re-run
	// writes nothing.
	if st, _ := s.gh.LatestStatus("a1", scope); st.Creator != fakegithub.AppSlug+"[bot]" {
		t.Errorf("scope status created by %q", st.Creator)
	}
	for _, w := range s.prEvent("pull_request", "opened", 11).writes() {
		if strings.HasPrefix(w, "POST /repos/") || strings.HasPrefix(w, "PATCH /repos/") {
			t.Errorf("a re-run as the App wrote %s", w)
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(string(pemKey)), "\n") {
		if strings.HasPrefix(line, "-----") {
			continue
		}
		if !strings.Contains(r.stdout, "::add-mask::"+line) {
			t.Fatalf("key line %q is not masked", line)
		}
		if strings.Count(r.stdout, line) != 1 {
			t.Fatalf("key line %q is printed beyond its mask", line)
		}
	}
}

func TestAppInputErrors(t *testing.T) {
	key, pemKey := fakegithub.NewAppKey(t)
	for _, tc := range []struct {
		name        string
		id, pem     string
		install     bool
		wantMessage string
	}{
		{"id without key", "314", "", true, "app-id is set but app-private-key is empty"},
		{"key without id", "", string(pemKey), true, "app-private-key is set but app-id is empty"},
		{"id not a number", "my-app", string(pemKey), true, `input app-id is "my-app"`},
		{"key not PEM", "314", "not a key", true, "private key of GitHub App 314"},
		{"App not installed", "314", string(pemKey), false, "is the App installed there?"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newScenario(t)
			if tc.install {
				s.gh.InstallApp(314, 2718, &key.PublicKey)
			}
			s.inputs["app-id"], s.inputs["app-private-key"] = tc.id, tc.pem
			s.pull(11, "extract-auth", "a1", "services/auth/login.go")
			r := s.prEvent("pull_request", "opened", 11)
			wantCode(t, r, exitError)
			if !strings.Contains(r.stdout, tc.wantMessage) {
				t.Errorf("output lacks %q:\n%s", tc.wantMessage, r.stdout)
			}
			if len(r.writes()) != 0 {
				t.Errorf("writes %v", r.writes())
			}
		})
	}
}
