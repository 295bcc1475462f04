package main

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func FuzzLogSafe(f *testing.F) {
	for _, s := range []string{"", "plain/path.go", "a\n::add-mask::x", "x\r::warning::y", "a\u2028::error::b", "a\u0085b", `back\slash`, "tab\there", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := logSafe(s)
		for _, r := range got {
			if r != ' ' && !unicode.IsPrint(r) {
				t.Fatalf("logSafe(%q) = %q holds %U", s, got, r)
			}
		}
		plain := utf8.ValidString(s)
		for _, r := range s {
			plain = plain && r != '\\' && (r == ' ' || unicode.IsPrint(r))
		}
		if !utf8.ValidString(got) {
			t.Fatalf("logSafe(%q) = %q is not UTF-8", s, got)
		}
		if plain && got != s {
			t.Fatalf("logSafe changed printable text %q to %q", s, got)
		}
	})
}

func FuzzCodeSpan(f *testing.F) {
	for _, s := range []string{"", "a", "`", "``", "a`b", "``a``", "a\nb", " ", "`a` **b** <!-- c -->", "x````y`"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := codeSpan(s)
		k := len(got) - len(strings.TrimLeft(got, "`"))
		if k == 0 || len(got) < 2*k || !strings.HasSuffix(got, strings.Repeat("`", k)) {
			t.Fatalf("codeSpan(%q) = %q is not fenced", s, got)
		}
		inner := got[k : len(got)-k]
		if strings.ContainsAny(inner, "\n\r") {
			t.Fatalf("codeSpan(%q) = %q holds a line break", s, got)
		}
		for _, run := range strings.FieldsFunc(inner, func(r rune) bool { return r != '`' }) {
			if len(run) == k {
				t.Fatalf("codeSpan(%q) = %q: a run of %d backticks inside closes the span", s, got, k)
			}
		}
		// CommonMark strips one space on each side when both are there and
		// the content is not all spaces.
		if len(inner) >= 2 && inner[0] == ' ' && inner[len(inner)-1] == ' ' && strings.Trim(inner, " ") != "" {
			inner = inner[1 : len(inner)-1]
		}
		if want := logSafe(s); inner != want && !(strings.Trim(want, " ") == "" && strings.TrimSpace(inner) == strings.TrimSpace(want)) {
			t.Fatalf("codeSpan(%q) shows %q, want %q", s, inner, want)
		}
	})
}

func FuzzMDText(f *testing.F) {
	for _, s := range []string{"", "renamed from \"a\"", "[x](https://evil)", "![i](u)", "<img src=x>", "a|b", "`code`", "a\\b", "*bold*", "@octo-org/everyone", "a@b\u200bc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := mdText(s)
		if strings.ContainsAny(got, "\n\r") {
			t.Fatalf("mdText(%q) = %q holds a line break", s, got)
		}
		// Every special character is escaped: removing the escapes gives
		// logSafe(s) back, and none is left bare.
		if strings.Contains(strings.ReplaceAll(got, "@"+mentionBreak, ""), "@") {
			t.Fatalf("mdText(%q) = %q: an @ may mention someone", s, got)
		}
		got = strings.ReplaceAll(got, "@"+mentionBreak, "@")
		var plain strings.Builder
		for i := 0; i < len(got); i++ {
			if got[i] == '\\' {
				i++
				if i == len(got) || !strings.ContainsRune(mdSpecial, rune(got[i])) {
					t.Fatalf("mdText(%q) = %q: a backslash escapes nothing special", s, got)
				}
			} else if strings.ContainsRune(mdSpecial[1:], rune(got[i])) {
				t.Fatalf("mdText(%q) = %q: %q is bare", s, got, got[i])
			}
			plain.WriteByte(got[i])
		}
		if plain.String() != logSafe(s) {
			t.Fatalf("mdText(%q) = %q does not show %q", s, got, logSafe(s))
		}
	})
}
