package plan

import (
	"strconv"
	"strings"
	"testing"

	"github.com/bmatcuk/doublestar/v4"
)

// globProbes are patterns of every kind, with paths to match them on.
var globProbes = []string{
	"go.mod", "./go.mod", "docs/", "a/b", "**", "*", "**/*.go", "services/**/*_test.go",
	"docs/{api,guide}/**/page2.md", "tests/[a-m]*3/", "x/[!a-c]?.md", "x/[^a]y", "a/{b,c/d}/*",
	"{a,b}{c,d}/e", "é/ü*.txt", "a,b/c}d", "a/**/b/**/c", "[]a]/x", "a/[x/y]z", "p*/{q,q/r}",
}

var globPaths = []string{"go.mod", "a/b", "a/b/c", "x.go", "services/a/b_test.go", "docs/api/v1/page2.md",
	"tests/ab3/x", "x/dq.md", "x/by", "a/c/d/e", "ac/e", "é/üx.txt", "a,b/c}d", "a/x/b/y/c", "]/x", "a/z", "pq/r"}

// TestGlobsAsRendered pins Pattern.Glob and doublestar's reading of it for
// globProbes (testdata/globs.golden, rewritten with -update): a store of
// restorable patterns holds globs, so a change here must come with a new
// GlobVersion, which makes every store recompute its entries.
func TestGlobsAsRendered(t *testing.T) {
	var b strings.Builder
	b.WriteString("# GlobVersion " + strconv.Itoa(GlobVersion) + ": pattern, its glob, the probe paths it matches\n")
	for _, text := range globProbes {
		p, err := ParsePattern(text)
		if err != nil {
			b.WriteString(text + "\t(error)\n")
			continue
		}
		var matched []string
		for _, path := range globPaths {
			if ok, _ := doublestar.Match(p.Glob, path); ok {
				matched = append(matched, path)
			}
		}
		b.WriteString(text + "\t" + p.Glob + "\t" + strings.Join(matched, " ") + "\n")
	}
	matchGolden(t, "testdata/globs.golden", b.String(), "globs differ (bump GlobVersion, then rewrite with -update)")
}
