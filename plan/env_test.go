package plan

import (
	"regexp"
	"slices"
	"testing"
)

// The grammar the env checks implement, as regular expressions: the
// oracle of the tests below.
var (
	placeholderGrammar = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)\}`)
	envNameGrammar     = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

func placeholdersByGrammar(template string) []string {
	var names []string
	for _, m := range placeholderGrammar.FindAllStringSubmatch(template, -1) {
		names = append(names, m[1])
	}
	return names
}

// checkEnvAgainstGrammar fails t where validEnvName or placeholders
// disagree with their grammar on s.
func checkEnvAgainstGrammar(t *testing.T, s string) {
	t.Helper()
	if got, want := validEnvName(s), envNameGrammar.MatchString(s); got != want {
		t.Errorf("validEnvName(%q) = %v, want %v", s, got, want)
	}
	if got, want := placeholders(s), placeholdersByGrammar(s); !slices.Equal(got, want) {
		t.Errorf("placeholders(%q) = %q, want %q", s, got, want)
	}
}

// TestEnvAgainstGrammar tries every string of up to six characters over
// an alphabet with each class the grammar tells apart.
func TestEnvAgainstGrammar(t *testing.T) {
	const alphabet = "{}a_0-"
	var walk func(s string)
	walk = func(s string) {
		checkEnvAgainstGrammar(t, s)
		if len(s) < 6 {
			for i := range len(alphabet) {
				walk(s + alphabet[i:i+1])
			}
		}
	}
	walk("")
}

func FuzzEnvAgainstGrammar(f *testing.F) {
	for _, s := range []string{"{port}", "http://localhost:{port}/{slug}", "{{id}}", "{a{b}", "{1}{x}", "{}", "é{é}", "PATH"} {
		f.Add(s)
	}
	f.Fuzz(checkEnvAgainstGrammar)
}
