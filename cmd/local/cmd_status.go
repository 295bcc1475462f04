package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"text/tabwriter"

	"github.com/parallel-sessions/parallel-sessions/check"
	"github.com/parallel-sessions/parallel-sessions/cmd/internal/ghapi"
	"github.com/parallel-sessions/parallel-sessions/ordering"
	"github.com/parallel-sessions/parallel-sessions/plan"
)

// statusRow is one thread in `status --json`: a stable schema documented in
// the README.
type statusRow struct {
	Thread      threadRef `json:"thread"`
	MergeOrder  int       `json:"merge_order"`
	Status      string    `json:"status"`
	Worktree    string    `json:"worktree"`
	Branch      bool      `json:"branch_exists"`
	Ahead       int       `json:"ahead"`
	Behind      int       `json:"behind"`
	Uncommitted int       `json:"uncommitted"`
	Scope       string    `json:"scope"`
	Violations  int       `json:"violations"`
	Unpushed    int       `json:"unpushed"`
	PR          int       `json:"pr,omitempty"`
	PRState     string    `json:"pr_state,omitempty"`
	Turn        string    `json:"turn,omitempty"`
	Landed      string    `json:"landed,omitempty"`
	// Conflicts and ConflictsWith: see addConflicts.
	Conflicts     string           `json:"conflicts,omitempty"`
	ConflictsWith []statusConflict `json:"conflicts_with,omitempty"`
}

// prUnknown marks the GitHub columns when GitHub could not be asked.
const prUnknown = "unknown"

// Scope verdicts in status.
const (
	scopeIn      = "in-scope"
	scopeOut     = "out-of-scope"
	scopeNothing = "no-changes"
)

func (c *command) runStatus(args []string) error {
	fset := c.flags("status", "[--json] [--fetch]")
	asJSON := fset.Bool("json", false, "print a JSON array, one object per thread")
	fetch := fset.Bool("fetch", false, "fetch the base branch from origin first, so landing on the remote shows")
	if err := c.parseNoArgs(fset, args); err != nil {
		return err
	}
	ws, err := c.openWorkspace("status")
	if err != nil {
		return err
	}
	// The plan may have been read from origin's copy of the base: read it
	// again once that moved.
	if *fetch && c.fetchBase(ws.git, ws.plan.Base) {
		if ws, err = c.openWorkspace("status"); err != nil {
			return err
		}
	}
	loc, p, root, git, baseSHA := ws.loc, ws.plan, ws.root, ws.git, ws.baseSHA
	tips, err := branchTips(git)
	if err != nil {
		return err
	}
	rows, err := c.threadStatuses(git, root, p, check.New(p, planInRepo(loc)), tips, landingBases(git, p.Base, baseSHA), planInRepo(loc))
	if err != nil {
		return err
	}
	if err := addConflicts(git, p, baseSHA, tips, rows); err != nil {
		fmt.Fprintf(c.stderr, "ps-local: note: conflicts not predicted, so CONFLICTS is unknown: %s\n", oneLine(err))
	}
	if err := c.addGitHubStatus(git, p, rows); err != nil {
		fmt.Fprintf(c.stderr, "ps-local: note: GitHub not reached, so PR and TURN are unknown: %s\n", oneLine(err))
		for i := range rows {
			rows[i].PRState, rows[i].Turn = prUnknown, prUnknown
		}
	}
	if *asJSON {
		data, err := json.MarshalIndent(rows, "", "  ")
		if err != nil {
			return fmt.Errorf("encode status: %w", err)
		}
		fmt.Fprintf(c.stdout, "%s\n", data)
		return nil
	}
	tw := tabwriter.NewWriter(c.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tBRANCH\tORDER\tWORKTREE\tAHEAD/BEHIND\tUNCOMMITTED\tSCOPE\tUNPUSHED\tCONFLICTS\tPR\tTURN")
	conflicts := false
	for _, r := range rows {
		wt, pr, turn := r.Worktree, "-", r.Turn
		if wt == "" {
			wt = "-"
		}
		switch {
		case r.PR != 0:
			pr = fmt.Sprintf("#%d %s", r.PR, r.PRState)
		case r.PRState == prUnknown:
			pr = prUnknown
		}
		switch {
		case r.Landed != "" && (r.PRState == "" || turn == ""):
			turn = "landed (" + r.Landed + ")"
		case turn == "":
			turn = "-"
		}
		scope := r.Scope
		if r.Violations > 0 {
			scope = fmt.Sprintf("%s (%d)", scope, r.Violations)
		}
		if r.Status == string(plan.StatusDropped) {
			scope, turn = "dropped", "-"
		}
		conflicts = conflicts || r.Conflicts == conflictsFound
		fmt.Fprintf(tw, "%d\t%s\t%d\t%s\t%d/%d\t%d\t%s\t%d\t%s\t%s\t%s\n", r.Thread.ID, r.Thread.Branch, r.MergeOrder, wt, r.Ahead, r.Behind, r.Uncommitted, scope, r.Unpushed, conflictsCell(r, p.Base), pr, turn)
	}
	tw.Flush()
	if conflicts {
		fmt.Fprintln(c.stdout, "conflicts predicted: run ps-local conflicts for the files and what to do")
	}
	return nil
}

// threadStatuses reads every thread's state, at most runtime.NumCPU threads
// at a time, with the branch tips of branchTips, in the plan's order; the
// first thread's error in that order wins, so the outcome does not depend
// on scheduling.
func (c *command) threadStatuses(git gitCmd, root string, p *plan.Plan, checker *check.Checker, tips map[string]string, bases []string, planFile string) ([]statusRow, error) {
	rows := make([]statusRow, len(p.Threads))
	errs := make([]error, len(p.Threads))
	concurrently(len(p.Threads), func(i int) {
		rows[i], errs[i] = c.threadStatus(git, root, p, &p.Threads[i], tips, bases, planFile, checker)
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return rows, nil
}

// threadStatus reads one thread's state from git: its worktree, commits,
// uncommitted files, and the scope of its current diff.
func (c *command) threadStatus(git gitCmd, root string, p *plan.Plan, t *plan.Thread, tips map[string]string, bases []string, planFile string, checker *check.Checker) (statusRow, error) {
	row := statusRow{Thread: threadRef{t.ID, t.Branch}, MergeOrder: t.MergeOrder, Status: string(t.Status), Scope: scopeNothing}
	if row.Status == "" {
		row.Status = string(plan.StatusActive)
	}
	var st branchState
	if tip, ok := tips[t.Branch]; ok {
		var err error
		if st, err = readBranchStateAt(git, t.Branch, tip, bases, planFile); err != nil {
			return row, err
		}
	}
	row.Branch, row.Ahead, row.Behind, row.Unpushed, row.Landed = st.exists, st.ahead, st.behind, st.unpushed, st.how
	dir := filepath.Join(root, filepath.FromSlash(p.Worktrees), "thread-"+strconv.Itoa(t.ID))
	var set changeSet
	if info, err := os.Stat(dir); err == nil && info.IsDir() {
		row.Worktree = c.display(dir, root)
		if row.Uncommitted, err = dirtyFiles(dir); err != nil {
			return row, err
		}
		if set, err = gitChanges(gitCmd{dir: dir}, p.Base, "", "HEAD", true); err != nil {
			return row, err
		}
	} else if st.ahead > 0 { // a branch the base holds all of has no changes
		if set, err = gitChanges(git, p.Base, "", "refs/heads/"+t.Branch, false); err != nil {
			return row, err
		}
	}
	if len(set.changes) > 0 {
		report, err := checker.Check(t, set.changes, len(set.changes))
		if err != nil {
			return row, err
		}
		row.Scope, row.Violations = scopeIn, len(report.Violations)
		if !report.InScope() {
			row.Scope = scopeOut
		}
	}
	return row, nil
}

// addGitHubStatus fills in each thread's pull request and turn when a token
// and an origin remote on GitHub make that possible; without them the
// columns stay empty.
func (c *command) addGitHubStatus(git gitCmd, p *plan.Plan, rows []statusRow) error {
	repo, onGitHub, err := c.remoteOf(git, "origin")
	if err != nil || !onGitHub {
		return nil
	}
	gh, err := c.githubFor(repo)
	if err != nil || gh == nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), githubTimeout)
	defer cancel()
	branches := make([]string, len(p.Threads))
	for i, t := range p.Threads {
		branches[i] = t.Branch
	}
	pulls, err := gh.PullsOfBranches(ctx, p.Base, branches)
	if err != nil {
		return err
	}
	statuses := map[int]ordering.Status{}
	for _, t := range p.Threads {
		statuses[t.ID] = ordering.OpenFirst(ghapi.OrderingPulls(pulls[t.Branch]))
	}
	decisions := ordering.Decide(p, statuses)
	for i := range rows {
		s := statuses[rows[i].Thread.ID]
		rows[i].PR, rows[i].PRState = s.PR, string(s.State)
		if d, ok := ordering.Find(decisions, rows[i].Thread.ID); ok {
			rows[i].Turn = "waiting"
			if d.Ready {
				rows[i].Turn = "ready"
			}
		}
	}
	return nil
}
