package main

import (
	"encoding/json"
	"fmt"

	"github.com/parallel-sessions/parallel-sessions/plan"
)

// validateReport is the --json output of validate: a stable schema that is
// documented in the README.
type validateReport struct {
	Plan  string `json:"plan"`
	Valid bool   `json:"valid"`
	// Tree is how many files the base branch has, or null when it could
	// not be read (then literal patterns may be folders and coverage is
	// not checked).
	Tree     *int            `json:"tree_files"`
	Threads  threadCounts    `json:"threads"`
	Findings []findingReport `json:"findings"`
}

type threadCounts struct {
	Active  int `json:"active"`
	Dropped int `json:"dropped"`
}

type findingReport struct {
	File     string        `json:"file"`
	Line     int           `json:"line"`
	Column   int           `json:"column"`
	Severity plan.Severity `json:"severity"`
	Rule     string        `json:"rule"`
	Message  string        `json:"message"`
}

func (c *command) runValidate(args []string) error {
	fs := c.flags("validate", "[--json]")
	asJSON := fs.Bool("json", false, "print a JSON report instead of findings")
	if err := c.parseNoArgs(fs, args); err != nil {
		return err
	}
	loc, p, findings, tree, treeErr, err := c.planInTree(plan.ParseInTree)
	if err != nil {
		return err
	}
	counts := countThreads(p)
	errs := plan.Errors(findings)
	if *asJSON {
		report := validateReport{Plan: loc.display, Valid: errs == 0, Threads: counts, Findings: []findingReport{}}
		if tree != nil {
			n := tree.Len()
			report.Tree = &n
		}
		for _, f := range findings {
			report.Findings = append(report.Findings, findingReport{f.File, f.Pos.Line, f.Pos.Col, f.Severity, f.Rule, f.Message})
		}
		out, err := json.MarshalIndent(report, "", "  ")
		if err != nil {
			return fmt.Errorf("encode report: %w", err)
		}
		fmt.Fprintf(c.stdout, "%s\n", out)
	} else {
		if treeErr != nil {
			fmt.Fprintf(c.stderr, "note: base branch files unknown (%v): literal patterns may name folders, and coverage is not checked\n", treeErr)
		}
		c.printFindings(findings)
		if errs == 0 {
			fmt.Fprintf(c.stdout, "%s: valid: %d active %s, %d dropped; no two threads own a common path\n", loc.display, counts.Active, plural(counts.Active, "thread", "threads"), counts.Dropped)
		} else {
			fmt.Fprintf(c.stderr, "%s: %d %s\n", loc.display, errs, plural(errs, "problem", "problems"))
		}
	}
	if errs > 0 {
		return errFindings
	}
	return nil
}

func countThreads(p *plan.Plan) threadCounts {
	var n threadCounts
	if p == nil {
		return n
	}
	for i := range p.Threads {
		if p.Threads[i].Active() {
			n.Active++
		} else {
			n.Dropped++
		}
	}
	return n
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// maxFindingLines caps the findings validate prints for people; --json
// lists every one.
const maxFindingLines = 50

// printFindings prints findings for people: the overlaps of one pattern are
// grouped on one line (the first, with a count of the others), and at most
// maxFindingLines lines are printed, then a count of the rest.
func (c *command) printFindings(findings []plan.Finding) {
	lines, hidden := 0, 0
	for i := 0; i < len(findings); {
		f := findings[i]
		j := i + 1
		if f.Rule == "overlap" {
			for j < len(findings) && findings[j].Rule == "overlap" && findings[j].Pos == f.Pos {
				j++
			}
		}
		if lines == maxFindingLines {
			hidden += j - i
			i = j
			continue
		}
		if more := j - i - 1; more > 0 {
			f.Message += fmt.Sprintf(" (and %d more %s of this pattern)", more, plural(more, "overlap", "overlaps"))
		}
		fmt.Fprintln(c.stdout, f)
		lines++
		i = j
	}
	if hidden > 0 {
		fmt.Fprintf(c.stdout, "... and %d more %s not shown; ps-local validate --json lists them all\n", hidden, plural(hidden, "finding", "findings"))
	}
}
