package check

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"

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
	return string(r.appendMessage(nil, v))
}

// Finding is v's line for people: "PATH: message [reason]", PATH quoted
// by QuotePath when it needs to be, so a finding is always one line. A
// scope finding is about a whole file, so it has no line or column.
func (r Report) Finding(v Violation) string {
	return string(r.AppendFinding(nil, v))
}

// WriteFindings writes the Finding of every violation to w, one a line,
// in order. Violations of one reason and pattern outside a rename share
// their message, which is formatted once: a long list out of scope costs
// little more than its paths.
func (r Report) WriteFindings(w io.Writer) error {
	out := bufio.NewWriterSize(w, 64<<10)
	type claimKey struct {
		reason  Reason
		pattern *plan.Pattern
		owner   *plan.Thread
	}
	tails := map[claimKey][]byte{}
	line := make([]byte, 0, 512)
	var lastKey claimKey
	var tail []byte
	for _, v := range r.Violations {
		if v.Change.Status == Renamed {
			line = append(r.AppendFinding(line[:0], v), '\n')
			out.Write(line)
			continue
		}
		// A sorted list holds runs of one claim: the last tail first.
		if k := (claimKey{v.Reason, v.Pattern, v.Owner}); tail == nil || k != lastKey {
			var ok bool
			if tail, ok = tails[k]; !ok {
				line = append(r.AppendFinding(line[:0], Violation{Path: "", Change: v.Change, Reason: v.Reason, Owner: v.Owner, Pattern: v.Pattern}), '\n')
				tail = slices.Clone(line)
				tails[k] = tail
			}
			lastKey = k
		}
		line = AppendQuotedPath(line[:0], v.Path)
		out.Write(line)
		out.Write(tail)
	}
	return out.Flush()
}

// AppendFinding appends Finding(v) to dst: for printing many violations
// without a string each.
func (r Report) AppendFinding(dst []byte, v Violation) []byte {
	dst = AppendQuotedPath(dst, v.Path)
	dst = append(dst, ": "...)
	dst = r.appendMessage(dst, v)
	dst = append(dst, " ["...)
	dst = append(dst, v.Reason...)
	return append(dst, ']')
}

func (r Report) appendMessage(dst []byte, v Violation) []byte {
	switch {
	case v.Change.Status == Renamed && v.Path == v.Change.PreviousPath:
		dst = append(dst, "renamed to "...)
		dst = strconv.AppendQuote(dst, v.Change.Path)
		dst = append(dst, ": "...)
	case v.Change.Status == Renamed:
		dst = append(dst, "renamed from "...)
		dst = strconv.AppendQuote(dst, v.Change.PreviousPath)
		dst = append(dst, ": "...)
	}
	t := r.Thread
	switch v.Reason {
	case PlanFile:
		return fmt.Appendf(dst, "%s is the plan; no thread may change it: change the plan in its own pull request into the base branch", r.PlanFile)
	case ThreadDropped:
		return fmt.Appendf(dst, "%s is dropped in %s and may change nothing; set its status to \"active\" or move the work to an active thread", t.Label(), r.PlanFile)
	case Forbidden:
		dst = append(dst, "forbidden for "...)
		dst = appendLabel(dst, t)
		dst = append(dst, " by "...)
		dst = strconv.AppendQuote(dst, v.Pattern.Text)
		return append(dst, "; revert this change"...)
	case OwnedBy:
		dst = append(dst, "owned by "...)
		dst = appendLabel(dst, v.Owner)
		dst = append(dst, " via "...)
		dst = strconv.AppendQuote(dst, v.Pattern.Text)
		dst = append(dst, ", not by "...)
		dst = appendLabel(dst, t)
		return append(dst, "; leave this change to that thread"...)
	default:
		dst = append(dst, "not owned by "...)
		dst = appendLabel(dst, t)
		dst = append(dst, " and not shared; revert this change, or add the path to the thread's owns in "...)
		dst = append(dst, r.PlanFile...)
		return append(dst, " on the base branch"...)
	}
}

// appendLabel appends t.Label(), without its allocations in the common
// case of a thread with an id and a branch.
func appendLabel(dst []byte, t *plan.Thread) []byte {
	if t.ID <= 0 || t.Branch == "" {
		return append(dst, t.Label()...)
	}
	dst = append(dst, "thread "...)
	dst = strconv.AppendInt(dst, int64(t.ID), 10)
	dst = append(dst, " ("...)
	dst = append(dst, t.Branch...)
	return append(dst, ')')
}
