package main

import (
	"fmt"
	"net/url"
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
// the thread is, whether it is in scope, its merge order and what it waits
// on directly, or that its turn has come. It holds no global state (no
// other thread's turn, no order table: the job summary has the table) and
// no time or run id, so it changes only when something of this pull
// request changed (README, "API cost"). web is the repository's web
// address, for the links to the whole order ("" leaves them out).
func renderComment(ps *planState, g *gated, decisions []ordering.Decision, web string) string {
	var b strings.Builder
	t := g.thread
	fmt.Fprintf(&b, "%s\n### parallel-sessions: thread %d %s\n\n", marker, t.ID, codeSpan(t.Branch))
	fmt.Fprintf(&b, "**Goal:** %s\n\n", oneLine(t.Goal))

	switch g.scope {
	case passed:
		fmt.Fprintf(&b, "**Scope:** ✅ %s in this thread's scope.\n\n", plural(g.scopePaths, "the changed path is", fmt.Sprintf("all %d changed paths are", g.scopePaths)))
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
		fmt.Fprintf(&b, "**Merge order:** %d. ⏳ Waiting on the thread directly before it in the merge order:\n\n", t.MergeOrder)
		for _, w := range d.Nearest {
			fmt.Fprintf(&b, "- %s: %s\n", w, w.Unblock())
		}
		b.WriteString("\n")
	}

	if web != "" {
		fmt.Fprintf(&b, "The whole merge order: [%s on %s](%s) and [the open pull requests into %s](%s), each labelled `merge-order:N`.\n\n",
			codeSpan(ps.path), codeSpan(ps.base), planLink(web, ps), codeSpan(ps.base), pullsLink(web, ps.base))
	}
	fmt.Fprintf(&b, "<sub>From %s on %s. Updated by ps-action when this pull request changes or an earlier thread's change reaches it.</sub>\n", codeSpan(ps.path), codeSpan(ps.base))
	if b.Len() > maxCommentBytes {
		return truncate(b.String(), maxCommentBytes-200) + "\n\n(cut here: the comment would be over GitHub's size limit; the job's summary and `ps-local check` have the rest)\n"
	}
	return b.String()
}

// webAddress returns address, a repository's web address from the runner
// or GitHub's payload, when it is an absolute http(s) address safe in a
// Markdown link, else "".
func webAddress(address string) string {
	u, err := url.Parse(address)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || strings.ContainsAny(address, " ()<>[]\"\\`") {
		return ""
	}
	return address
}

// planLink is the web address of the plan file on the base branch.
func planLink(web string, ps *planState) string {
	var segs []string
	for _, s := range strings.Split(ps.base+"/"+ps.path, "/") {
		segs = append(segs, url.PathEscape(s))
	}
	return web + "/blob/" + strings.Join(segs, "/")
}

// pullsLink is the web address of the list of open pull requests into
// base, whose merge-order labels show the whole order.
func pullsLink(web, base string) string {
	return web + "/pulls?q=" + url.QueryEscape("is:pr is:open base:"+base)
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
