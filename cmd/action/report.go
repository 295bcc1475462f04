package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/parallel-sessions/parallel-sessions/ordering"

	"github.com/sethvargo/go-githubactions"
)

// report turns an outcome into the runner's outputs, step summary and
// annotations, and returns the exit code: the job fails when the plan is
// invalid or the event's own pull request is out of scope.
func report(action *githubactions.Action, getenv func(string) string, out *outcome) int {
	var summary strings.Builder
	code := exitOK
	for _, o := range out.bases() {
		if reportBase(action, &summary, o, out.ownPR) {
			code = exitFail
		}
	}
	if g := out.ownGated; g != nil {
		annotate(action, g)
		setOutputs(action, getenv, g)
		if g.scope != passed {
			code = exitFail
		}
	}
	if getenv("GITHUB_STEP_SUMMARY") != "" && summary.Len() > 0 {
		action.AddStepSummary(summary.String())
	}
	return code
}

// reportBase reports the outcome of one base into the log and summary; it
// reports whether the base's plan is invalid.
func reportBase(action *githubactions.Action, summary *strings.Builder, out *outcome, own int) (invalid bool) {
	if out.notice != "" {
		action.Noticef("ps-action: %s", out.notice)
		fmt.Fprintf(summary, "### parallel-sessions\n\n%s\n", mdText(out.notice))
	}
	if ps := out.plan; ps != nil && ps.note != "" {
		action.Noticef("ps-action: %s", logSafe(ps.note))
	}
	if ps := out.plan; ps != nil && len(ps.findings) > 0 {
		for i, f := range ps.findings {
			if i == maxAnnotations {
				action.Errorf("%s on %s has %d more problems; run ps-local validate", ps.path, ps.base, len(ps.findings)-i)
				break
			}
			action.WithFieldsMap(map[string]string{"file": f.File, "line": strconv.Itoa(f.Pos.Line), "col": strconv.Itoa(f.Pos.Col), "title": "invalid plan [" + f.Rule + "]"}).Errorf("%s", f.Message)
		}
		fmt.Fprintf(summary, "### parallel-sessions\n\n%s on %s is invalid; nothing is gated until it is fixed:\n\n", codeSpan(ps.path), codeSpan(ps.base))
		for _, f := range ps.findings {
			fmt.Fprintf(summary, "- %s\n", codeSpan(f.String()))
		}
		invalid = true
	}
	for _, m := range out.moved {
		action.Warningf("ps-action: %s", m)
		fmt.Fprintf(summary, "- %s\n", mdText(m))
	}
	for i := range out.gated {
		g := &out.gated[i]
		line := logSafe(gatedLine(g))
		action.Infof("%s", line)
		if g.comment != "" && g.pr.Number == own {
			summary.WriteString(strings.Replace(g.comment, marker+"\n", "", 1))
		} else {
			// Branch names and paths of pull requests are Markdown's text.
			fmt.Fprintf(summary, "- %s\n", mdText(gatedLine(g)))
		}
	}
	if out.decisions != nil {
		fmt.Fprintf(summary, "\n#### The merge order of %s\n\n%s", codeSpan(out.plan.base), orderTable(out))
	}
	return invalid
}

// gatedLine is one line on a gated pull request for the log.
func gatedLine(g *gated) string {
	if g.thread == nil {
		return fmt.Sprintf("#%d: not a thread (%s): scope %s", g.pr.Number, g.why, g.scope)
	}
	turn := "waiting"
	if g.ready {
		turn = "ready"
	}
	return fmt.Sprintf("#%d: %s, merge order %d: scope %s (%s), order %s", g.pr.Number, g.thread.Label(), g.thread.MergeOrder, g.scope, g.scopeNote, turn)
}

// annotate marks out-of-scope files, at most maxAnnotations of them.
func annotate(action *githubactions.Action, g *gated) {
	switch {
	case len(g.guarded) > 0:
		for i, gd := range g.guarded {
			if i == maxAnnotations {
				action.Errorf("and %d more paths of threads that have not landed", len(g.guarded)-i)
				break
			}
			action.WithFieldsMap(map[string]string{"file": gd.path, "title": "owned by a thread [untracked-guard]"}).Errorf("pull request #%d is not a thread (%s); %s: %s", g.pr.Number, g.why, gd, gd.hint())
		}
	case g.thread == nil && g.scope != passed:
		action.Errorf("pull request #%d is not a thread: %s", g.pr.Number, g.why)
	case g.scope == errored:
		action.Errorf("scope of #%d not verified: %s", g.pr.Number, g.scopeNote)
	case g.report != nil:
		for i, v := range g.report.Violations {
			if i == maxAnnotations {
				action.Errorf("and %d more paths out of scope; the pull request comment lists them", len(g.report.Violations)-i)
				break
			}
			action.WithFieldsMap(map[string]string{"file": v.Path, "title": "out of scope [" + string(v.Reason) + "]"}).Errorf("%s", g.report.Message(v))
		}
	}
}

// setOutputs writes the step outputs; go-githubactions panics without
// GITHUB_OUTPUT, so a run outside a runner writes none.
func setOutputs(action *githubactions.Action, getenv func(string) string, g *gated) {
	if getenv("GITHUB_OUTPUT") == "" {
		return
	}
	violations := 0
	if g.report != nil {
		violations = len(g.report.Violations)
	}
	thread, order := "", ""
	if g.thread != nil {
		thread, order = strconv.Itoa(g.thread.ID), strconv.Itoa(g.thread.MergeOrder)
	}
	action.SetOutput("thread", thread)
	action.SetOutput("merge-order", order)
	action.SetOutput("scope", string(g.scope))
	action.SetOutput("ready", strconv.FormatBool(g.ready))
	action.SetOutput("violations", strconv.Itoa(violations))
}

// orderTable is the whole merge order of the outcome's base, which the
// comments no longer hold (README, "API cost"): for the job summary and
// the bot's log.
func orderTable(out *outcome) string {
	return ordering.Table(out.plan.plan, out.decisions, out.ownPR)
}
