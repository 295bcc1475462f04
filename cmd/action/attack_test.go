package main

import (
	"strings"
	"testing"

	"github.com/parallel-sessions/parallel-sessions/cmd/internal/fakegithub"
)

// TestHeadMovesBetweenReadAndFileList: the run reads the pull request at a
// stray head, then a clean push lands before GitHub lists the files. The
// clean list must not turn into success on the stray commit.
func TestHeadMovesBetweenReadAndFileList(t *testing.T) {
	s := newScenario(t)
	s.pull(12, "api-cleanup", "stray", "services/auth/steal.go")
	s.gh.AddHook(&fakegithub.Hook{Method: "GET", Path: "/pulls/12", Times: 1, Fn: func() {
		s.gh.Update(12, func(p *fakegithub.Pull) {
			p.HeadSHA = "clean"
			p.Files = []fakegithub.File{{Status: "modified", Filename: "services/api/handler.go"}}
		})
	}})
	r := s.prEvent("pull_request", "synchronize", 12)
	if got := s.status("stray", scope); got != "none" {
		t.Errorf("a status was written on a head whose files were not the ones checked: %s", got)
	}
	if got := s.status("stray", order); got != "none" {
		t.Errorf("an order status was written on an unchecked head: %s", got)
	}
	if r.code == exitOK || !strings.Contains(r.stdout, "moved from stray to clean") {
		t.Errorf("the run does not say the head moved (exit %d):\n%s", r.code, r.stdout)
	}
	// The next run, on the new head, gates it.
	wantCode(t, s.prEvent("pull_request", "synchronize", 12), exitOK)
	s.wantStatus("clean", scope, "success")
}
