// Package plan is the model of plan.toml: a strict decoder that reports every
// problem with its position, the validation rules (README, "plan.toml"), the meaning
// of path patterns, and the exact overlap proof between threads.
//
// The package is pure: bytes in, values out. It reads no files, environment
// or clock.
package plan

import "fmt"

// Defaults for optional plan keys.
const (
	DefaultBase      = "main"
	DefaultWorktrees = "worktrees"
	// FileName is the plan's name at the repository root.
	FileName = "plan.toml"
)

// Status is a thread's status: active threads own paths and take part in
// the merge order; dropped ones do neither.
type Status string

// Thread statuses.
const (
	StatusActive  Status = "active"
	StatusDropped Status = "dropped"
)

// Plan is a decoded plan.toml.
type Plan struct {
	Version   int
	Base      string
	Worktrees string
	Shared    []Pattern
	Env       []EnvVar
	// Setup and Teardown are shell commands fanout runs in each new
	// worktree and cleanup runs before removing one (README "Worktree
	// setup").
	Setup, Teardown []string
	Threads         []Thread
	// Tree is the base branch's file list the plan was parsed against, or
	// nil when unknown (see ParseInTree).
	Tree *Tree
}

// EnvVar is one entry of the [env] table, in file order.
type EnvVar struct {
	Name     string
	Template string
}

// Thread is one [[threads]] entry.
type Thread struct {
	ID         int
	Branch     string
	Goal       string
	Owns       []Pattern
	Forbids    []Pattern
	MergeOrder int
	Status     Status

	// Pos is where the thread's table starts; IDPos and BranchPos are where
	// its id and branch are written, or Pos when the key is absent.
	Pos, IDPos, BranchPos Position
}

// Active reports whether the thread takes part in ownership and ordering.
func (t *Thread) Active() bool { return t.Status != StatusDropped }

// Label names the thread in messages: `thread 2 (api-cleanup)`.
func (t *Thread) Label() string {
	switch {
	case t.ID > 0 && t.Branch != "":
		return fmt.Sprintf("thread %d (%s)", t.ID, t.Branch)
	case t.Branch != "":
		return fmt.Sprintf("thread (%s)", t.Branch)
	case t.ID > 0:
		return fmt.Sprintf("thread %d", t.ID)
	default:
		return fmt.Sprintf("thread at line %d", t.Pos.Line)
	}
}
