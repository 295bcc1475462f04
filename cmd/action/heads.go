package main

import (
	"fmt"
	"strings"

	"github.com/parallel-sessions/parallel-sessions/cmd/internal/ghapi"
)

// noteHeads records which open pull requests into the base have each head
// commit. Commit statuses belong to the commit: two open pull requests with
// one head show the same statuses, so what the gate writes for one would
// pass the other (README, "Security model").
func (e *engine) noteHeads(open []ghapi.PullRequest) {
	e.heads = map[string][]int{}
	for _, pr := range open {
		e.heads[pr.HeadSHA] = append(e.heads[pr.HeadSHA], pr.Number)
	}
}

// twins lists the other open pull requests whose head commit is pr's.
func (e *engine) twins(pr ghapi.PullRequest) []int {
	var out []int
	for _, n := range e.heads[pr.HeadSHA] {
		if n != pr.Number {
			out = append(out, n)
		}
	}
	return out
}

// sharedHeadNote is the error status of a pull request whose head commit
// is also the head of the pull requests others.
func sharedHeadNote(pr ghapi.PullRequest, others []int) string {
	nums := make([]string, len(others))
	for i, n := range others {
		nums[i] = fmt.Sprintf("#%d", n)
	}
	return fmt.Sprintf("its head commit %.12s is also the head of %s, and a commit's statuses show on both, so neither is verified; push a commit of its own to one of them", pr.HeadSHA, strings.Join(nums, ", "))
}
