package main

import (
	"strconv"
	"strings"
	"unicode"
)

// logSafe makes text a pull request or a plan controls safe for one line
// of the job log or the step summary: every character that is not
// printable (newlines, carriage returns, other controls, Unicode line
// separators) and the backslash become Go escapes, so the text can never
// start a line of its own, and with it a workflow command such as
// ::add-mask:: (README, "Security model").
func logSafe(s string) string {
	clean := true
	for _, r := range s {
		if r == '\\' || (r != ' ' && !unicode.IsPrint(r)) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r != ' ' && !unicode.IsPrint(r):
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// codeSpan puts text in a Markdown code span it cannot break out of: the
// fence is one backtick longer than the longest run of backticks in it,
// with a space inside when the text starts or ends with a backtick, is
// empty, or has spaces on both ends (which Markdown would strip), and the
// text is made one line first.
func codeSpan(s string) string {
	s = logSafe(s)
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	spaced := strings.HasPrefix(s, " ") && strings.HasSuffix(s, " ") && strings.Trim(s, " ") != ""
	if s == "" || spaced || strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}
