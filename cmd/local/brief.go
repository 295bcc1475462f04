package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/parallel-sessions/parallel-sessions/ordering"
	"github.com/parallel-sessions/parallel-sessions/plan"
)

// Files fanout writes into each worktree, all kept out of git.
const (
	briefFile  = "THREAD_BRIEF.md"
	envFile    = ".env"
	claudeFile = "CLAUDE.local.md" // Claude Code loads it by itself; it imports the brief
)

// claudeLocal makes Claude Code load the brief when it starts in the
// worktree.
const claudeLocal = "# parallel-sessions thread\n\n@" + briefFile + "\n"

// renderBrief writes THREAD_BRIEF.md for thread t: what it is for, what it
// may touch, where it stands in the merge order, what the others own, and
// how to check before pushing.
func renderBrief(p *plan.Plan, t *plan.Thread, planFile string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Thread %d: %s\n\n", t.ID, t.Branch)
	fmt.Fprintf(&b, "Goal: %s\n\n", strings.Join(strings.Fields(t.Goal), " "))
	b.WriteString("This worktree is one of several working on the repository at once. Stay inside your\nscope: the pull request of this branch fails its scope check otherwise.\n\n")

	b.WriteString("## Your scope\n\nYou own, and may change, only these paths:\n\n")
	writePatterns(&b, t.Owns)
	if len(p.Shared) > 0 {
		b.WriteString("\nShared, any thread may change them:\n\n")
		writePatterns(&b, p.Shared)
	}
	if len(t.Forbids) > 0 {
		b.WriteString("\nForbidden, never change them, even where you own them:\n\n")
		writePatterns(&b, t.Forbids)
	}
	fmt.Fprintf(&b, "\nNever change `%s`: plan changes land on their own pull request into `%s`.\n", planFile, p.Base)

	active := ordering.Active(p)
	pos := slices.Index(active, t) + 1
	fmt.Fprintf(&b, "\n## Merge order\n\nmerge_order %d: position %d of %d active threads.", t.MergeOrder, pos, len(active))
	var before []string
	for _, o := range active {
		if o.MergeOrder < t.MergeOrder {
			before = append(before, o.Label())
		}
	}
	if len(before) == 0 {
		b.WriteString(" Nothing has to land before this thread.\n")
	} else {
		fmt.Fprintf(&b, " It lands after %s.\n", strings.Join(before, ", "))
	}

	if len(active) > 1 {
		b.WriteString("\n## The other threads\n\nTheir paths are theirs; do not touch them.\n\n")
		for _, o := range active {
			if o == t {
				continue
			}
			var owns []string
			for _, pat := range o.Owns {
				owns = append(owns, "`"+pat.Text+"`")
			}
			fmt.Fprintf(&b, "- %s, merge order %d: %s. Owns %s\n", o.Label(), o.MergeOrder, strings.Join(strings.Fields(o.Goal), " "), strings.Join(owns, ", "))
		}
	}
	fmt.Fprintf(&b, "\n## Before you push\n\n```sh\nps-local check      # exit 0: every change is in scope\nps-local explain PATH   # who owns a path\n```\n")
	return b.String()
}

func writePatterns(b *strings.Builder, pats []plan.Pattern) {
	for _, p := range pats {
		fmt.Fprintf(b, "- `%s`\n", p.Text)
	}
}

// renderEnv writes the .env of thread t from the plan's [env] templates;
// "" when the plan has none.
func renderEnv(p *plan.Plan, t *plan.Thread) string {
	if len(p.Env) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("# Written by ps-local fanout from plan.toml [env]\n")
	for _, v := range threadEnv(p, t) {
		fmt.Fprintf(&b, "%s=%s\n", v.name, envQuote(v.value))
	}
	return b.String()
}

// envQuote leaves a value of only shell-safe characters as it is and
// single-quotes any other, so a .env that a shell sources runs nothing.
func envQuote(v string) string {
	for _, r := range v {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-/+:@,=%", r)) {
			return shellQuote(v)
		}
	}
	return v
}

// quoteIfNeeded shell-quotes s unless it is made of shell-safe characters
// only, so a printed command can be pasted as it is.
func quoteIfNeeded(s string) string {
	if envQuote(s) == s {
		return s
	}
	return shellQuote(s)
}

// slug is the branch in lower case with everything but [a-z0-9_] replaced
// by '_'.
func slug(branch string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return '_'
	}, branch)
}
