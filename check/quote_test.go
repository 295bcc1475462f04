package check

import (
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/parallel-sessions/parallel-sessions/plan"
)

// TestQuotePath: plain paths print as they are; a path with a control
// character, a quote, a backslash, a byte that is not UTF-8 or a character
// that does not print is quoted as git quotes it; so is one that would be
// a workflow command.
func TestQuotePath(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"a/b.go", "a/b.go"},
		{"dir with spaces/é.go", "dir with spaces/é.go"},
		{"a:b/c::d", "a:b/c::d"},
		{"tab\there", `"tab\there"`},
		{"x\n::error::all good", `"x\n::error::all good"`},
		{"cr\rlf\n", `"cr\rlf\n"`},
		{`say "hi"`, `"say \"hi\""`},
		{`back\slash`, `"back\\slash"`},
		{"bell\a\b\v\f", `"bell\a\b\v\f"`},
		{"del\x7f", `"del\177"`},
		{"esc\x1b[31m", `"esc\033[31m"`},
		{"bad\xffutf8", `"bad\377utf8"`},
		{"nel\u0085", `"nel\302\205"`},
		{"ls\u2028ps\u2029", `"ls\342\200\250ps\342\200\251"`},
		{"rtl\u202egnp.exe", `"rtl\342\200\256gnp.exe"`},
		{"::error::x", `"::error::x"`},
		{"  ::add-mask::x", `"  ::add-mask::x"`},
		{"\u00a0::x", `"\302\240::x"`},
		{"##[error]x", `"##[error]x"`},
		{":x", `":x"`},
		{":", `":"`},
		{"a:", "a:"},
	} {
		if got := QuotePath(c.in); got != c.want {
			t.Errorf("QuotePath(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}

// unquoteGit decodes git's C-style quoting: the obvious inverse that
// QuotePath is held to.
func unquoteGit(t *testing.T, q string) string {
	t.Helper()
	if len(q) < 2 || q[0] != '"' || q[len(q)-1] != '"' {
		return q
	}
	var b strings.Builder
	s := q[1 : len(q)-1]
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		i++
		if i == len(s) {
			t.Fatalf("%s ends in a lone backslash", q)
		}
		if s[i] >= '0' && s[i] <= '7' {
			n, err := strconv.ParseUint(s[i:i+3], 8, 8)
			if err != nil {
				t.Fatalf("%s: bad octal escape: %v", q, err)
			}
			b.WriteByte(byte(n))
			i += 2
			continue
		}
		c, ok := map[byte]byte{'a': '\a', 'b': '\b', 't': '\t', 'n': '\n', 'v': '\v', 'f': '\f', 'r': '\r', '"': '"', '\\': '\\'}[s[i]]
		if !ok {
			t.Fatalf("%s: unknown escape \\%c", q, s[i])
		}
		b.WriteByte(c)
	}
	return b.String()
}

// FuzzFindingLine: whatever a path holds, its finding is one line that
// does not start a workflow command, and the path can be read back from
// it.
func FuzzFindingLine(f *testing.F) {
	for _, s := range []string{"a/b.go", "x\n::error::all good", "::warning::x", "  ##[group]x", "a\"b\\c", "\xff\xfe", "\u2028x", "é/ü.go"} {
		f.Add(s)
	}
	r := Report{Thread: &plan.Thread{ID: 1, Branch: "extract-auth"}, PlanFile: "plan.toml"}
	f.Fuzz(func(t *testing.T, path string) {
		for _, v := range []Violation{
			{Path: path, Change: Change{Status: Added, Path: path}, Reason: NotOwned},
			{Path: path, Change: Change{Status: Renamed, Path: path, PreviousPath: path + "\n::x"}, Reason: NotOwned},
		} {
			var out strings.Builder
			if err := (Report{Thread: r.Thread, PlanFile: r.PlanFile, Violations: []Violation{v}}).WriteFindings(&out); err != nil {
				t.Fatal(err)
			}
			line := out.String()
			if strings.Count(line, "\n") != 1 || !strings.HasSuffix(line, "\n") || strings.ContainsAny(line, "\r\u2028\u2029\u0085") {
				t.Fatalf("path %q: finding is not one line: %q", path, line)
			}
			start := strings.TrimLeftFunc(line, unicode.IsSpace)
			if strings.HasPrefix(start, "::") || strings.HasPrefix(start, "##[") {
				t.Fatalf("path %q: finding starts a workflow command: %q", path, line)
			}
			if line != r.Finding(v)+"\n" {
				t.Fatalf("path %q: WriteFindings %q, Finding %q", path, line, r.Finding(v))
			}
		}
		q := QuotePath(path)
		if got := unquoteGit(t, q); got != path {
			t.Fatalf("QuotePath(%q) = %s reads back as %q", path, q, got)
		}
		if (q == path) == needsQuote(path) {
			t.Fatalf("QuotePath(%q) = %s, but needsQuote says %v", path, q, needsQuote(path))
		}
	})
}
