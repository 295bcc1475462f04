package check

import (
	"fmt"

	"github.com/parallel-sessions/parallel-sessions/plan"
)

// Reason says why a path is out of a thread's scope.
type Reason string

// Reasons, as they appear in findings and JSON.
const (
	// NotOwned: no active thread owns the path and it is not shared.
	NotOwned Reason = "not-owned"
	// OwnedBy: another active thread owns the path (Violation.Owner).
	OwnedBy Reason = "owned-by"
	// Forbidden: one of the thread's forbids patterns matches the path.
	Forbidden Reason = "forbidden"
	// PlanFile: the path is the plan itself, which changes on its own PR.
	PlanFile Reason = "plan-file"
	// ThreadDropped: the thread is dropped in the plan and may change nothing.
	ThreadDropped Reason = "thread-dropped"
)

// Violation is one path out of scope.
type Violation struct {
	Path string
	// Change is the change that touched Path; for a rename Path is either
	// side of it.
	Change Change
	Reason Reason
	// Owner is the thread that owns Path (OwnedBy only).
	Owner *plan.Thread
	// Pattern is the owner's pattern (OwnedBy) or the forbidding pattern
	// (Forbidden), nil for the other reasons.
	Pattern *plan.Pattern
}

// Message explains v, without its path, in words a contributor can act on.
func (r Report) Message(v Violation) string {
	t := r.Thread
	var msg string
	switch v.Reason {
	case PlanFile:
		msg = fmt.Sprintf("%s is the plan; no thread may change it: change the plan in its own pull request into the base branch", r.PlanFile)
	case ThreadDropped:
		msg = fmt.Sprintf("%s is dropped in %s and may change nothing; set its status to \"active\" or move the work to an active thread", t.Label(), r.PlanFile)
	case Forbidden:
		msg = fmt.Sprintf("forbidden for %s by %q; revert this change", t.Label(), v.Pattern.Text)
	case OwnedBy:
		msg = fmt.Sprintf("owned by %s via %q, not by %s; leave this change to that thread", v.Owner.Label(), v.Pattern.Text, t.Label())
	default:
		msg = fmt.Sprintf("not owned by %s and not shared; revert this change, or add the path to the thread's owns in %s on the base branch", t.Label(), r.PlanFile)
	}
	switch {
	case v.Change.Status == Renamed && v.Path == v.Change.PreviousPath:
		msg = fmt.Sprintf("renamed to %q: %s", v.Change.Path, msg)
	case v.Change.Status == Renamed:
		msg = fmt.Sprintf("renamed from %q: %s", v.Change.PreviousPath, msg)
	}
	return msg
}

// Finding is v's line for people: "PATH: message [reason]". A scope finding
// is about a whole file, so it has no line or column.
func (r Report) Finding(v Violation) string {
	return fmt.Sprintf("%s: %s [%s]", v.Path, r.Message(v), v.Reason)
}
