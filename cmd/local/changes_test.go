package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/parallel-sessions/parallel-sessions/check"
)

func TestParseRawDiff(t *testing.T) {
	z := "0000000000000000000000000000000000000000"
	a := "1111111111111111111111111111111111111111"
	b := "2222222222222222222222222222222222222222"
	out := strings.Join([]string{
		":000000 100644 " + z + " " + a + " A", "new file",
		":100644 100644 " + a + " " + b + " M", "changed",
		":100644 100755 " + a + " " + a + " M", "chmod",
		":100644 100755 " + a + " " + z + " M", "chmod and unstaged edit",
		":100644 120000 " + a + " " + b + " T", "now a link",
		":100644 000000 " + a + " " + z + " D", "gone",
		":100644 100644 " + a + " " + a + " R100", "old name", "new name",
		":100644 100644 " + a + " " + b + " C075", "src", "dst",
		":160000 160000 " + a + " " + b + " M", "libs/sub",
		":100644 100644 " + a + " " + b + " U", "conflicted",
	}, "\x00") + "\x00"
	got, err := parseRawDiff([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	want := []check.Change{
		{Status: check.Added, Path: "new file"},
		{Status: check.Modified, Path: "changed"},
		{Status: check.ModeChanged, Path: "chmod"},
		{Status: check.Modified, Path: "chmod and unstaged edit"},
		{Status: check.ModeChanged, Path: "now a link"},
		{Status: check.Removed, Path: "gone"},
		{Status: check.Renamed, PreviousPath: "old name", Path: "new name"},
		{Status: check.Copied, PreviousPath: "src", Path: "dst"},
		{Status: check.Modified, Path: "libs/sub"},
		{Status: check.Modified, Path: "conflicted"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d changes, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("change %d: %+v, want %+v", i, got[i], want[i])
		}
	}

	for _, bad := range []string{
		"not a header\x00x\x00",
		":100644 100644 " + a + " " + b + " R100\x00only-old\x00",
		":100644 100644 " + a + " " + b + " X\x00weird\x00",
		":100644 100644 " + a + " M\x00short header\x00",
	} {
		if _, err := parseRawDiff([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	if got, err := parseRawDiff(nil); err != nil || len(got) != 0 {
		t.Errorf("empty diff: %v, %v", got, err)
	}
}

func TestParseFileLine(t *testing.T) {
	tests := []struct {
		line string
		want check.Change
	}{
		{"a/b.go", check.Change{Status: check.Modified, Path: "a/b.go"}},
		{"./a b.go", check.Change{Status: check.Modified, Path: "a b.go"}},
		{"M\ta.go", check.Change{Status: check.Modified, Path: "a.go"}},
		{"T\ta.go", check.Change{Status: check.ModeChanged, Path: "a.go"}},
		{"D\t\"tab\\there\"", check.Change{Status: check.Removed, Path: "tab\there"}},
		{"R100\told\tnew", check.Change{Status: check.Renamed, PreviousPath: "old", Path: "new"}},
		{"M", check.Change{Status: check.Modified, Path: "M"}},                 // a file named M
		{"README\tx", check.Change{Status: check.Modified, Path: "README\tx"}}, // not a status
	}
	for _, tt := range tests {
		got, err := parseFileLine(tt.line)
		if err != nil || got != tt.want {
			t.Errorf("parseFileLine(%q) = %+v, %v; want %+v", tt.line, got, err, tt.want)
		}
	}
	for _, bad := range []string{"R100\tonly", "M\ta\tb", `A	"unterminated\"`} {
		if _, err := parseFileLine(bad); err == nil {
			t.Errorf("parseFileLine(%q): no error", bad)
		}
	}
}

// TestParseFileList: line endings, blank lines, a last line without its
// line feed, and the bound on a line, as bufio.Scanner read them before.
func TestParseFileList(t *testing.T) {
	in := "a.go\r\nb.go\r\r\n\n  \nM\tc.go\n\"d\\te.go\"\nlast.go"
	got, err := parseFileList("list", in)
	want := []check.Change{
		{Status: check.Modified, Path: "a.go"}, {Status: check.Modified, Path: "b.go"},
		{Status: check.Modified, Path: "c.go"}, {Status: check.Modified, Path: "d\te.go"},
		{Status: check.Modified, Path: "last.go"},
	}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("parseFileList = %+v, %v; want %+v", got, err, want)
	}
	if got, err := parseFileList("empty", ""); err != nil || len(got) != 0 {
		t.Errorf("empty list: %+v, %v", got, err)
	}
	long := "ok.go\n" + strings.Repeat("x", maxListLine+1) + "\n"
	if _, err := parseFileList("list", long); err == nil || !strings.Contains(err.Error(), "list:2: line longer than") {
		t.Errorf("a line over the bound: %v", err)
	}
	if _, err := parseFileList("list", "ok.go\nR100\tonly\n"); err == nil || !strings.HasPrefix(err.Error(), "list:2: ") {
		t.Errorf("a bad line: %v", err)
	}
}

// TestReadText: a file is read whole, and input over the bound is
// refused, whether its size is known first or not (a pipe).
func TestReadText(t *testing.T) {
	name := filepath.Join(t.TempDir(), "list")
	write(t, name, "0123456789\n")
	if text, err := readFileText(name, 11); err != nil || text != "0123456789\n" {
		t.Errorf("at the bound: %q, %v", text, err)
	}
	if _, err := readFileText(name, 10); err == nil {
		t.Error("over the bound: no error")
	}
	if _, err := readText(strings.NewReader("0123456789\n"), 0, 10); err == nil {
		t.Error("a stream over the bound: no error")
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() { w.WriteString("a.go\nb.go\n"); w.Close() }()
	if text, err := readFileText(fmt.Sprintf("/dev/fd/%d", r.Fd()), 100); err != nil || text != "a.go\nb.go\n" {
		t.Errorf("a pipe: %q, %v", text, err)
	}
	r.Close()
}

// TestNameStatusAgreesWithItsGrammar holds nameStatus to git's status
// field as a regular expression says it, on every string of up to five
// characters over letters, digits and a few others.
func TestNameStatusAgreesWithItsGrammar(t *testing.T) {
	grammar := regexp.MustCompile(`^[ACDMRTUX][0-9]{0,3}$`)
	letters := map[byte]check.Status{'A': check.Added, 'C': check.Copied, 'D': check.Removed, 'M': check.Modified,
		'R': check.Renamed, 'T': check.ModeChanged, 'U': check.Modified, 'X': ""}
	const alphabet = "ACDMRTUXZa09 \t"
	var walk func(s string)
	walk = func(s string) {
		status, ok := nameStatus(s)
		if want := grammar.MatchString(s); ok != want {
			t.Errorf("nameStatus(%q) ok = %v, want %v", s, ok, want)
		} else if ok && status != letters[s[0]] {
			t.Errorf("nameStatus(%q) = %q, want %q", s, status, letters[s[0]])
		}
		if len(s) < 5 {
			for i := range len(alphabet) {
				walk(s + alphabet[i:i+1])
			}
		}
	}
	walk("")
}
