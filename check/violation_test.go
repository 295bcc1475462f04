package check

import (
	"fmt"
	"strings"
	"testing"

	"github.com/parallel-sessions/parallel-sessions/plan"
)

// sprintfFinding is the obvious formatting of a violation, with fmt: the
// oracle AppendFinding is held to.
func sprintfFinding(r Report, v Violation) string {
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
	return fmt.Sprintf("%s: %s [%s]", v.Path, msg, v.Reason)
}

// TestFindingMatchesSprintf checks every reason, renames both ways, quoted
// names with odd characters and threads without an id or a branch.
func TestFindingMatchesSprintf(t *testing.T) {
	p := parse(t, testPlan)
	odd := plan.Pattern{Text: "a \"b\"/\tc\u00e9/**"}
	threads := []*plan.Thread{&p.Threads[0], &p.Threads[2], {Branch: "no-id"}, {ID: 7}, {Pos: plan.Position{Line: 9}}}
	changes := []Change{
		{Status: Modified, Path: "x/y.go"},
		{Status: Renamed, PreviousPath: "old \"q\".go", Path: "x/y.go"},
		{Status: Renamed, PreviousPath: "x/y.go", Path: "new\n.go"},
	}
	for _, th := range threads {
		r := Report{Thread: th, PlanFile: "conf/plan.toml"}
		for _, ch := range changes {
			for _, reason := range []Reason{NotOwned, OwnedBy, Forbidden, PlanFile, ThreadDropped} {
				v := Violation{Path: "x/y.go", Change: ch, Reason: reason, Owner: &p.Threads[1], Pattern: &odd}
				want := sprintfFinding(r, v)
				if got := r.Finding(v); got != want {
					t.Errorf("Finding:\n got %s\nwant %s", got, want)
				}
				if got := string(r.AppendFinding([]byte("prefix|"), v)); got != "prefix|"+want {
					t.Errorf("AppendFinding:\n got %s\nwant prefix|%s", got, want)
				}
			}
		}
	}
}

// TestWriteFindingsMatchesFinding: the lines WriteFindings writes are the
// violations' Finding lines, in order, for a list with every reason,
// renames both ways and repeated patterns.
func TestWriteFindingsMatchesFinding(t *testing.T) {
	p := benchPlan(t)
	changes := benchChanges(3000)
	changes = append(changes,
		Change{Status: Renamed, PreviousPath: "services/svc2/part0/a.go", Path: "unowned/b.go"},
		Change{Status: Modified, Path: "vendor/x.go"},
		Change{Status: Added, Path: "plan.toml"},
	)
	for _, th := range []*plan.Thread{&p.Threads[0], {ID: 9, Branch: "gone", Status: plan.StatusDropped}} {
		r, err := New(p, "plan.toml").Check(th, changes, len(changes))
		if err != nil {
			t.Fatal(err)
		}
		var want strings.Builder
		for _, v := range r.Violations {
			want.WriteString(r.Finding(v) + "\n")
		}
		var got strings.Builder
		if err := r.WriteFindings(&got); err != nil {
			t.Fatal(err)
		}
		if len(r.Violations) < 2000 || got.String() != want.String() {
			t.Errorf("thread %d: %d violations; WriteFindings differs from Finding:\n%.500s\nwant\n%.500s", th.ID, len(r.Violations), got.String(), want.String())
		}
	}
}
