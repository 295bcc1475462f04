package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/parallel-sessions/parallel-sessions/ordering"
	"github.com/parallel-sessions/parallel-sessions/plan"
)

// Values of statusRow.Conflicts; "" (absent from --json) when the thread
// was not checked.
const (
	conflictsClean   = "clean"
	conflictsFound   = "conflict"
	conflictsUnknown = "unknown"
)

// statusConflict is one predicted conflict of a thread in status --json:
// the same pair and files as in conflicts --json.
type statusConflict struct {
	With  string     `json:"with"`            // "base" or "thread"
	Other *threadRef `json:"other,omitempty"` // the earlier thread, when with is "thread"
	Files []string   `json:"files"`
}

// maxConflictNames is how many names the CONFLICTS cell shows before "+N".
const maxConflictNames = 3

// addConflicts predicts, with the code of conflicts (predictConflicts),
// whether each thread with work merges cleanly into the base and into the
// heads of the earlier-ordered threads with work (README "status"). A
// thread has work here when it is active, its branch holds commits that
// are not in the base, and it has not landed; the others cost nothing and
// stay unchecked. rows are in the plan's order, tips are the branch tips.
// On an error the checked rows say unknown.
func addConflicts(git gitCmd, p *plan.Plan, baseSHA string, tips map[string]string, rows []statusRow) error {
	var live []liveThread
	row := map[int]*statusRow{}
	for i := range rows {
		t, r := &p.Threads[i], &rows[i]
		if !t.Active() || r.Ahead == 0 || r.Landed != "" {
			continue
		}
		live = append(live, liveThread{t: t, tip: tips[t.Branch]})
		row[t.ID] = r
		r.Conflicts = conflictsClean
	}
	if len(live) == 0 {
		return nil
	}
	slices.SortStableFunc(live, func(a, b liveThread) int { return ordering.ByMergeOrder(a.t, b.t) })
	report, err := predictConflicts(git, baseSHA, p.Base, live)
	if err != nil {
		for _, r := range row {
			r.Conflicts = conflictsUnknown
		}
		return err
	}
	for _, c := range report.Conflicts {
		r := row[c.Thread.ID]
		r.Conflicts = conflictsFound
		r.ConflictsWith = append(r.ConflictsWith, statusConflict{With: c.With, Other: c.Other, Files: c.Files})
	}
	return nil
}

// conflictsCell is the CONFLICTS column of a row: "-" when not checked,
// "clean", "unknown", or "with " and what it conflicts with: the base's
// name or the earlier threads' ids.
func conflictsCell(r statusRow, base string) string {
	switch r.Conflicts {
	case "":
		return "-"
	case conflictsFound:
	default:
		return r.Conflicts
	}
	var names []string
	for _, c := range r.ConflictsWith {
		if c.Other == nil {
			names = append(names, base)
		} else {
			names = append(names, strconv.Itoa(c.Other.ID))
		}
	}
	if len(names) > maxConflictNames {
		names = append(names[:maxConflictNames], fmt.Sprintf("+%d", len(names)-maxConflictNames))
	}
	return "with " + strings.Join(names, ",")
}
