package main

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// logSafe makes text a pull request or a plan controls safe for one line
// of the job log or the step summary: every character that is not
// printable (newlines, carriage returns, other controls, Unicode line
// separators), every byte that is not UTF-8 and the backslash become Go
// escapes, so the text can never
// start a line of its own, and with it a workflow command such as
// ::add-mask:: (README, "Security model").
func logSafe(s string) string {
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\\':
			b.WriteString(`\\`)
		case r != ' ' && !unicode.IsPrint(r):
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

// needsEscape reports whether logSafe changes s.
func needsEscape(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		if r == '\\' || (r != ' ' && !unicode.IsPrint(r)) {
			return true
		}
	}
	return false
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

// mdSpecial are the characters mdText escapes; the backslash first.
const mdSpecial = "\\`*_[]<>|!~&"

// mentionBreak follows every "@" mdText writes: a zero-width space, which
// GitHub shows as nothing and which ends the mention an "@" would start
// (GitHub notifies whoever a comment mentions, a whole team for
// "@org/team"). logSafe escapes any zero-width space of the text itself.
const mentionBreak = "\u200b"

// mdText makes text safe as Markdown prose: one line, with every character
// that could start a link, image, emphasis, code span, HTML, an entity or
// a table cell escaped by a backslash, and no "@" that mentions anyone, so
// a file name quoted in a message renders as the text it is.
func mdText(s string) string {
	s = logSafe(s)
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(mdSpecial, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
		if r == '@' {
			b.WriteString(mentionBreak)
		}
	}
	return b.String()
}
