package check

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// QuotePath makes a path a branch controls safe to print as the first
// thing on a line of human output (README "check", "Paths in the
// output"). A path of printable UTF-8 without a double quote or a
// backslash is printed as it is. Any other path is quoted as git quotes
// it: in double quotes, with \" \\ \a \b \t \n \v \f \r and every other
// byte of a character that is not printable (control characters, Unicode
// line separators, invalid UTF-8) as a three-digit octal escape. A path
// whose first non-space character is ':' (the path ":" makes a line
// start "::") or whose first non-space characters are "##[" is quoted
// too, since such a line would be a GitHub Actions workflow command. So a
// file name never starts a line of its own, nor a workflow command.
func QuotePath(p string) string {
	if !needsQuote(p) {
		return p
	}
	return string(AppendQuotedPath(make([]byte, 0, len(p)+8), p))
}

// AppendQuotedPath appends QuotePath(p) to dst.
func AppendQuotedPath(dst []byte, p string) []byte {
	if !needsQuote(p) {
		return append(dst, p...)
	}
	dst = append(dst, '"')
	for i := 0; i < len(p); {
		r, size := utf8.DecodeRuneInString(p[i:])
		switch {
		case r == '"' || r == '\\':
			dst = append(dst, '\\', byte(r))
		case r == '\a':
			dst = append(dst, `\a`...)
		case r == '\b':
			dst = append(dst, `\b`...)
		case r == '\t':
			dst = append(dst, `\t`...)
		case r == '\n':
			dst = append(dst, `\n`...)
		case r == '\v':
			dst = append(dst, `\v`...)
		case r == '\f':
			dst = append(dst, `\f`...)
		case r == '\r':
			dst = append(dst, `\r`...)
		case printable(r, size):
			dst = append(dst, p[i:i+size]...)
		default:
			for _, c := range []byte(p[i : i+size]) {
				dst = append(dst, '\\', '0'+c>>6, '0'+c>>3&7, '0'+c&7)
			}
		}
		i += size
	}
	return append(dst, '"')
}

// needsQuote reports whether QuotePath changes p.
func needsQuote(p string) bool {
	for i := 0; i < len(p); {
		c := p[i]
		if c < utf8.RuneSelf {
			if c < ' ' || c == 0x7f || c == '"' || c == '\\' {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(p[i:])
		if !printable(r, size) {
			return true
		}
		i += size
	}
	rest := strings.TrimLeftFunc(p, unicode.IsSpace)
	return strings.HasPrefix(rest, ":") || strings.HasPrefix(rest, "##[")
}

// printable reports whether the decoded rune r (size bytes) is a valid,
// printable character: a letter, mark, number, punctuation, symbol or
// the ASCII space.
func printable(r rune, size int) bool {
	return !(r == utf8.RuneError && size == 1) && unicode.IsPrint(r)
}
