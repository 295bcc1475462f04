package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parallel-sessions/parallel-sessions/check"
	"github.com/parallel-sessions/parallel-sessions/plan"
)

// TestReducedPlanAgrees is the differential test of the guard's hot path:
// the plan reduced to the patterns that can match a path decides that path
// exactly as the whole plan does, for every thread.
func TestReducedPlanAgrees(t *testing.T) {
	fanoutPlan, err := os.ReadFile(filepath.Join("testdata", "fanout-plan.toml"))
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{"go.sum", "go.mod", "plan.toml", "README.md", "x", "vendor/a.go", "old/x",
		"services/auth/login.go", "services/api/handler.go", "services/api/v1/x.go", "services/api", "docs/a.md", "docs",
		"services/svc3/part0/x.go", "services/svc3/deep/a_1.go", "services/svc3/a_5.go", "docs/svc4/api/page2.md",
		"docs/svc4/guide/page6.md", "docs/svc4/other/page2.md", "tests/svc5/abc3/x", "tests/svc5/zzz3/x", "tests/svc5/abc3",
		"services/svc50/part16/y", "services/svc5", "services/svc1/part0/vendor/x",
		"a/b.proto", "services/auth/x.proto", "yarn.lock", "web/yarn.lock", "services/auth/generated/x.go", "{a,b}/x", "b/x"}
	globs := `shared = ["**/*.lock"]

[[threads]]
id = 1
branch = "protos"
goal = "protos everywhere"
owns = ["**/*.proto", "{a,b}/x"]
merge_order = 1

[[threads]]
id = 2
branch = "auth"
goal = "auth without generated code"
owns = ["services/auth/**/*.go"]
forbids = ["**/generated/**"]
merge_order = 2
`
	for _, src := range []string{string(fanoutPlan), guardBenchPlan(), globs} {
		full, findings := plan.Parse(plan.FileName, []byte(src))
		if len(findings) > 0 {
			t.Fatalf("plan invalid: %v", findings)
		}
		entry := reducePlan([]byte(src), nil)
		whole := check.New(full, plan.FileName)
		for _, path := range paths {
			reduced, err := entry.plan(foldersOf(path))
			if err != nil {
				t.Fatal(err)
			}
			part := check.New(reduced, plan.FileName)
			for i := range full.Threads {
				ch := []check.Change{{Status: check.Modified, Path: path}}
				want, err1 := whole.Check(&full.Threads[i], ch, 1)
				got, err2 := part.Check(&reduced.Threads[i], ch, 1)
				if err1 != nil || err2 != nil {
					t.Fatal(err1, err2)
				}
				if w, g := verdictKey(want), verdictKey(got); w != g {
					t.Errorf("%s, %s: whole plan %s, reduced %s", path, full.Threads[i].Label(), w, g)
				}
			}
		}
	}
}

func verdictKey(r check.Report) string {
	if r.InScope() {
		return "in scope"
	}
	v := r.Violations[0]
	key := string(v.Reason)
	if v.Owner != nil {
		key += fmt.Sprintf(" owner %d", v.Owner.ID)
	}
	if v.Pattern != nil {
		key += " pattern " + v.Pattern.Text
	}
	return key
}

// TestReducedPlanAgreesOnLists: check's plan reduced to the folders of a
// whole change list (patterns restored), and the whole plan compiled from
// the cache, give the report the plan gives, on the check benchmark's plan
// (its shared go.mod and go.sum files in the tree) and lists of several
// sizes.
func TestReducedPlanAgreesOnLists(t *testing.T) {
	src := []byte(checkBenchPlan())
	tree := plan.NewTree([]string{"go.mod", "go.sum", "README.md"})
	full, findings := plan.ParseInTree(plan.FileName, src, tree)
	if plan.Errors(findings) > 0 {
		t.Fatalf("plan invalid: %v", findings)
	}
	entry := reducePlan(src, tree)
	for _, n := range []int{1, 37, 1000} {
		paths := append(checkBenchPaths(n), "go.sum", "go.sum/x", "go.mod/y", "vendor/x.go", "plan.toml", "docs")
		var changes []check.Change
		for _, p := range paths {
			changes = append(changes, check.Change{Status: check.Modified, Path: p})
		}
		changes = append(changes, check.Change{Status: check.Renamed, PreviousPath: "tests/svc2/a2/x", Path: "services/svc1/part0/x"})
		keep := foldersOf(append(paths, "tests/svc2/a2/x", "services/svc1/part0/x")...)
		reduced, err := entry.plan(keep)
		if err != nil {
			t.Fatal(err)
		}
		compiled := 0
		for _, th := range reduced.Threads {
			compiled += len(th.Owns)
		}
		all, err := entry.plan(everyFolder) // every pattern, compiled
		if err != nil {
			t.Fatal(err)
		}
		report := func(p *plan.Plan, i int) string {
			r, err := check.New(p, plan.FileName).Check(&p.Threads[i], changes, len(changes))
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			r.WriteFindings(&b)
			return b.String()
		}
		for _, i := range []int{0, 1, 36} {
			want := report(full, i)
			if got := report(reduced, i); got != want {
				t.Errorf("%d paths, thread %d: the reduced plan (%d owns patterns) reports differently:\n%.400s\nwant\n%.400s", n, i+1, compiled, got, want)
			}
			if got := report(all, i); got != want {
				t.Errorf("%d paths, thread %d: the compiled plan reports differently:\n%.400s\nwant\n%.400s", n, i+1, got, want)
			}
		}
		if n == 1 && compiled > 20 { // 11: services/svc1 and tests/svc2
			t.Errorf("a list of seven paths compiled %d owns patterns of 1,000", compiled)
		}
	}
}
