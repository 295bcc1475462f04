package main

import "github.com/parallel-sessions/parallel-sessions/cmd/internal/ghapi"

// state is what a scope or order status says, in GitHub's words for commit
// statuses. The engine decides in these values; ghapi carries them as text.
type state string

// The states a status of the gate can take.
const (
	passed  state = "success" // in scope, or its turn has come
	failed  state = "failure" // out of scope, or out of order in a merge queue
	waiting state = "pending" // an earlier thread has not landed, or the thread is dropped
	errored state = "error"   // not verified: the plan is invalid or the file list incomplete
)

// status is the commit status of context in state s.
func status(context string, s state, description string) ghapi.Status {
	return ghapi.Status{Context: context, State: string(s), Description: description}
}
