package check

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/parallel-sessions/parallel-sessions/plan"
)

// benchPlan is a valid plan of 50 threads with 20 owns patterns each, in
// the shapes real plans use (folders, "**" globs, braces, classes).
func benchPlan(tb testing.TB) *plan.Plan {
	var b strings.Builder
	b.WriteString("shared = [\"go.sum\", \"go.mod\"]\n")
	for t := 1; t <= 50; t++ {
		fmt.Fprintf(&b, "\n[[threads]]\nid = %d\nbranch = \"thread-%d\"\ngoal = \"benchmark\"\nmerge_order = %d\nowns = [\n", t, t, t)
		for p := 0; p < 20; p++ {
			switch p % 4 {
			case 0:
				fmt.Fprintf(&b, "  \"services/svc%d/part%d/\",\n", t, p)
			case 1:
				fmt.Fprintf(&b, "  \"services/svc%d/**/*_%d.go\",\n", t, p)
			case 2:
				fmt.Fprintf(&b, "  \"docs/svc%d/{api,guide}/**/page%d.md\",\n", t, p)
			default:
				fmt.Fprintf(&b, "  \"tests/svc%d/[a-m]*%d/\",\n", t, p)
			}
		}
		b.WriteString("]\nforbids = [\"vendor/\"]\n")
	}
	return parse(tb, b.String())
}

// benchChanges is n distinct changed paths spread over every thread's area
// (thread t's paths name "svc<t>"), and a fifth that no thread owns.
func benchChanges(n int) []Change {
	changes := make([]Change, n)
	for i := range changes {
		t, p := 1+i%50, (i/50)%20
		var path string
		switch i % 5 {
		case 0:
			path = fmt.Sprintf("services/svc%d/part%d/pkg%d/file%d.go", t, p-p%4, i%7, i)
		case 1:
			path = fmt.Sprintf("services/svc%d/deep/er/x%d_%d.go", t, i, p-p%4+1)
		case 2:
			path = fmt.Sprintf("docs/svc%d/guide/v%d/page%d.md", t, i, p-p%4+2)
		case 3:
			path = fmt.Sprintf("tests/svc%d/case%d/t%d_test.go", t, p-p%4+3, i)
		default:
			path = fmt.Sprintf("unowned/dir%d/file%d.txt", i%100, i)
		}
		changes[i] = Change{Status: Modified, Path: path}
	}
	return changes
}

// BenchmarkCheck100kPaths is the target: 100,000 changed paths
// against a 50-thread plan, checked for thread 1 (so almost every path is
// a violation that names its owner, the most work per path). The list is
// sorted by path, as git diff and GitHub's pull request files list it.
func BenchmarkCheck100kPaths(b *testing.B) {
	changes := benchChanges(100_000)
	slices.SortFunc(changes, func(x, y Change) int { return strings.Compare(x.Path, y.Path) })
	benchmarkCheck(b, changes)
}

// BenchmarkCheck100kPathsUnsorted is the same list in generation order,
// which interleaves the threads: the violations must be sorted.
func BenchmarkCheck100kPathsUnsorted(b *testing.B) {
	benchmarkCheck(b, benchChanges(100_000))
}

func benchmarkCheck(b *testing.B, changes []Change) {
	p := benchPlan(b)
	c := New(p, "plan.toml")
	b.ResetTimer()
	for b.Loop() {
		if _, err := c.Check(&p.Threads[0], changes, len(changes)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNaive100kPaths is the baseline: a loop calling doublestar.Match
// for every path and every pattern of the plan, finding no more than which
// patterns match.
func BenchmarkNaive100kPaths(b *testing.B) {
	p := benchPlan(b)
	changes := benchChanges(100_000)
	var globs []string
	for _, s := range p.Shared {
		globs = append(globs, s.Glob)
	}
	for _, t := range p.Threads {
		for _, o := range t.Owns {
			globs = append(globs, o.Glob)
		}
		for _, f := range t.Forbids {
			globs = append(globs, f.Glob)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		matched := 0
		for _, ch := range changes {
			for _, g := range globs {
				if ok, _ := doublestar.Match(g, ch.Path); ok {
					matched++
				}
			}
		}
		if matched == 0 {
			b.Fatal("nothing matched")
		}
	}
}

// TestBenchChangesMatchTheirThreads keeps the benchmark honest: every path
// is distinct and owned as intended, so the check does the full work.
func TestBenchChangesMatchTheirThreads(t *testing.T) {
	p := benchPlan(t)
	changes := benchChanges(1000)
	r, err := New(p, "plan.toml").Check(&p.Threads[0], changes, len(changes))
	if err != nil {
		t.Fatal(err)
	}
	distinct := map[string]bool{}
	for _, ch := range changes {
		distinct[ch.Path] = true
	}
	if len(distinct) != len(changes) {
		t.Fatalf("%d distinct paths, want %d", len(distinct), len(changes))
	}
	failed := map[string]Violation{}
	for _, v := range r.Violations {
		failed[v.Path] = v
	}
	for _, ch := range changes {
		v, bad := failed[ch.Path]
		var owner int
		fmt.Sscanf(ch.Path[strings.Index(ch.Path, "/svc")+1:], "svc%d", &owner)
		switch {
		case strings.HasPrefix(ch.Path, "unowned/"):
			if v.Reason != NotOwned {
				t.Errorf("%s: %+v, want not-owned", ch.Path, v)
			}
		case owner == 1:
			if bad {
				t.Errorf("%s: %+v, want in scope", ch.Path, v)
			}
		case v.Reason != OwnedBy || v.Owner.ID != owner:
			t.Errorf("%s: %+v, want owned by thread %d", ch.Path, v, owner)
		}
	}
}
