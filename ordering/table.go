package ordering

import (
	"fmt"
	"strings"

	"github.com/parallel-sessions/parallel-sessions/plan"
)

// Table renders the reviewer-facing merge-order table in GitHub Markdown:
// every thread of the plan by merge order, active ones with their pull
// request, state and turn, dropped ones last. current is the pull request
// the table is shown on (0 for none); its row is marked.
func Table(p *plan.Plan, decisions []Decision, current int) string {
	var b strings.Builder
	b.WriteString("| order | thread | branch | pull request | state | turn |\n")
	b.WriteString("|---:|---|---|---|---|---|\n")
	for _, d := range decisions {
		pr := "none yet"
		if d.Status.PR != 0 {
			pr = fmt.Sprintf("#%d", d.Status.PR)
			if d.Status.PR == current {
				pr += " (this one)"
			}
		}
		fmt.Fprintf(&b, "| %d | %d | `%s` | %s | %s | %s |\n", d.Thread.MergeOrder, d.Thread.ID, d.Thread.Branch, pr, d.Status.State, turn(d))
	}
	for i := range p.Threads {
		if t := &p.Threads[i]; !t.Active() {
			fmt.Fprintf(&b, "| %d | %d | `%s` | | dropped | does not block |\n", t.MergeOrder, t.ID, t.Branch)
		}
	}
	return b.String()
}

func turn(d Decision) string {
	switch {
	case d.Status.State == Landed:
		return "done"
	case d.Ready:
		return "ready"
	}
	ids := make([]string, len(d.Waits))
	for i, w := range d.Waits {
		ids[i] = fmt.Sprint(w.Thread.ID)
	}
	return "waits on " + strings.Join(ids, ", ")
}
