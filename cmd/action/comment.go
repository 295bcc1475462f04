package main

import (
	"fmt"
	"strings"

	"github.com/parallel-sessions/parallel-sessions/ordering"
)

// Bounds of the bot comment, which GitHub refuses over 65,536 characters:
// at most maxListedViolations out-of-scope paths, listed while the comment
// is under listBudget bytes, and the whole comment cut at maxCommentBytes.
const (
	maxListedViolations = 20
	listBudget          = 40000
	maxCommentBytes     = 60000
)

// renderComment writes the one bot comment of a thread pull request: what
// the thread is, whether it is in scope, whether its turn has come, what to
// merge next, and the order table. It holds no time or run id, so it only
// changes when something a reviewer needs changed.
func renderComment(ps *planState, g *gated, decisions []ordering.Decision) string {
	var b strings.Builder
	t := g.thread
	fmt.Fprintf(&b, "%s\n### parallel-sessions: thread %d %s\n\n", marker, t.ID, codeSpan(t.Branch))
	fmt.Fprintf(&b, "**Goal:** %s\n\n", oneLine(t.Goal))

	switch g.scope {
	case passed:
		fmt.Fprintf(&b, "**Scope:** ✅ %s in this thread's scope.\n\n", plural(g.report.Paths, "the changed path is", fmt.Sprintf("all %d changed paths are", g.report.Paths)))
	case failed:
		r := g.report
		fmt.Fprintf(&b, "**Scope:** ❌ %d of %d changed paths are out of this thread's scope:\n\n", len(r.Violations), r.Paths)
		for i, v := range r.Violations {
			line := fmt.Sprintf("- %s: %s `[%s]`\n", codeSpan(v.Path), mdText(r.Message(v)), v.Reason)
			if i == maxListedViolations || b.Len()+len(line) > listBudget {
				fmt.Fprintf(&b, "- and %d more (run `ps-local check` in the thread's worktree for the full list)\n", len(r.Violations)-i)
				break
			}
			b.WriteString(line)
		}
		b.WriteString("\n")
	default:
		fmt.Fprintf(&b, "**Scope:** ⚠️ not verified: %s\n\n", mdText(g.scopeNote))
	}

	d, active := ordering.Find(decisions, t.ID)
	switch {
	case !active:
		fmt.Fprintf(&b, "**Merge order:** %s is dropped in %s; it cannot land.\n\n", t.Label(), codeSpan(ps.path))
	case d.Ready:
		fmt.Fprintf(&b, "**Merge order:** %d. ✅ This thread's turn has come: every earlier thread has landed.\n\n", t.MergeOrder)
		fmt.Fprintf(&b, "%s\n\n", mergeLine(g))
	default:
		fmt.Fprintf(&b, "**Merge order:** %d. ⏳ Waiting on:\n\n", t.MergeOrder)
		for _, w := range d.Waits {
			fmt.Fprintf(&b, "- %s: %s\n", w, w.Unblock())
		}
		b.WriteString("\n")
	}

	if next := ordering.Next(decisions); len(next) > 0 {
		var parts []string
		for _, n := range next {
			parts = append(parts, fmt.Sprintf("#%d (%s)", n.Status.PR, n.Thread.Label()))
		}
		fmt.Fprintf(&b, "**Merge next:** %s\n\n", strings.Join(parts, ", "))
	} else {
		b.WriteString("**Merge next:** nothing is ready to merge.\n\n")
	}
	b.WriteString(ordering.Table(ps.plan, decisions, g.pr.Number))
	fmt.Fprintf(&b, "\n<sub>From %s on %s. Updated by ps-action when this pull request or another thread changes.</sub>\n", codeSpan(ps.path), codeSpan(ps.base))
	if b.Len() > maxCommentBytes {
		return truncate(b.String(), maxCommentBytes-200) + "\n\n(cut here: the comment would be over GitHub's size limit; the job's summary and `ps-local check` have the rest)\n"
	}
	return b.String()
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
