package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/parallel-sessions/parallel-sessions/cmd/internal/fakegithub"
)

// TestServeUpdateBranch runs the built bot: thread 1's pull request is
// merged, so thread 2's turn comes with its branch behind the base but
// merging cleanly. With --update-branch the bot asks GitHub once to update
// it, for the head it checked (expected_head_sha); without, it asks
// nothing.
func TestServeUpdateBranch(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want int
	}{
		{"flag", []string{"--update-branch"}, 1},
		{"default", nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newScenario(t)
			s.gh.AddPull(fakegithub.Pull{Number: 11, State: "closed", Merged: true, HeadRef: "extract-auth", HeadSHA: "a1", BaseRef: "main"})
			s.pull(12, "api-cleanup", "b1", "services/api/handler.go")
			yes := true
			s.gh.Update(12, func(p *fakegithub.Pull) { p.Mergeable, p.MergeableState = &yes, "behind" })
			bot := startServe(t, s, tc.args...)
			s.gh.Requests() // forget the start
			if code, body := bot.deliver(bot.prDelivery("d-landed", "closed", 11)); code != http.StatusAccepted {
				t.Fatalf("delivery: %d %s", code, body)
			}
			for deadline := time.Now().Add(30 * time.Second); !strings.Contains(bot.logs.String(), `"msg":"job done"`); time.Sleep(20 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("the job did not finish:\n%s", bot.logs)
				}
			}
			if err := bot.stop(t, 20*time.Second); err != nil {
				t.Fatalf("exit: %v\n%s", err, bot.logs)
			}
			var puts []string
			for _, q := range s.gh.Requests() {
				if q.Method == "PUT" && strings.HasSuffix(q.Path, "/pulls/12/update-branch") {
					puts = append(puts, string(q.Body))
				}
			}
			if len(puts) != tc.want || (tc.want == 1 && !strings.Contains(puts[0], `"expected_head_sha":"b1"`)) {
				t.Errorf("update-branch requests %q, want %d with expected_head_sha b1\n%s", puts, tc.want, bot.logs)
			}
			bot.wantStatus("b1", order, "success: ready: every earlier thread has landed")
			if moved := s.gh.PullState(12).HeadSHA != "b1"; moved != (tc.want == 1) {
				t.Errorf("head of #12 is %s", s.gh.PullState(12).HeadSHA)
			}
		})
	}
}
