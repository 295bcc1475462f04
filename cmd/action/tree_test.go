package main

import (
	"strings"
	"testing"
)

// literalPlan is the plan shape people write most: one thread owns every Go
// file, go.sum is shared, another thread owns README.md. Under the folder
// rule it overlaps through go.sum/x.go and README.md/x.go; in the base's
// tree, where both are files, it is valid.
const literalPlan = `shared = ["go.sum"]

[[threads]]
id = 1
branch = "code"
goal = "the Go code"
owns = ["**/*.go"]
merge_order = 1

[[threads]]
id = 2
branch = "readme"
goal = "the README"
owns = ["README.md"]
merge_order = 2
`

// TestLiteralFilesAreFilesInTheAction: the Action judges such a plan in the
// base's tree, as ps-local does, instead of failing every pull request with
// an invalid plan; the tree costs one request, only for such plans.
func TestLiteralFilesAreFilesInTheAction(t *testing.T) {
	s := newScenario(t)
	s.gh.SetFile("main", "plan.toml", literalPlan)
	s.gh.SetFile("main", "go.sum", "h1:x\n")
	s.gh.SetFile("main", "README.md", "# x\n")
	s.gh.SetFile("main", "main.go", "package main\n")
	s.pull(7, "code", "c1", "main.go", "go.sum")
	wantCode(t, s.prEvent("pull_request", "opened", 7), exitOK)
	s.wantStatus("c1", scope, "success")
	s.wantStatus("c1", order, "success")

	s.pull(8, "readme", "r1", "README.md")
	wantCode(t, s.prEvent("pull_request", "opened", 8), exitOK)
	s.wantStatus("r1", scope, "success")
}

// TestTruncatedTreeKeepsTheFolderRule: when GitHub cuts the base's file
// list short, the literals keep the folder rule, the plan's overlaps stand
// (error statuses, never success), and the run says why.
func TestTruncatedTreeKeepsTheFolderRule(t *testing.T) {
	s := newScenario(t)
	s.gh.SetFile("main", "plan.toml", literalPlan)
	s.gh.SetFile("main", "go.sum", "h1:x\n")
	s.gh.SetFile("main", "README.md", "# x\n")
	s.gh.SetTreeTruncated(true)
	s.pull(7, "code", "c1", "main.go")
	r := s.prEvent("pull_request", "opened", 7)
	wantCode(t, r, exitFail)
	if got := s.status("c1", scope); !strings.HasPrefix(got, "error") {
		t.Errorf("scope status %q on a plan that overlaps under the folder rule, want error", got)
	}
	if !strings.Contains(r.stdout, "cut the file list of main short") {
		t.Errorf("the run does not say the tree was cut short:\n%s", r.stdout)
	}
}

// A plan judged in the base's tree rests on the tree as well as on the
// file: a push that leaves the file as it was can still change what its
// literals mean, so it re-evaluates everything, files listed.
func TestPushWithAPlanJudgedInTheTreeRegatesEverything(t *testing.T) {
	s := newScenario(t)
	s.gh.SetFile("main", "plan.toml", literalPlan)
	s.gh.SetFile(pushBefore, "plan.toml", literalPlan)
	s.gh.SetFile("main", "go.sum", "h1:x\n")
	s.gh.SetFile("main", "README.md", "# x\n")
	s.pull(7, "code", "c1", "main.go")
	s.pull(8, "readme", "r1", "README.md")
	wantCode(t, s.prEvent("pull_request", "opened", 7), exitOK)
	wantCode(t, s.prEvent("pull_request", "opened", 8), exitOK)
	r := s.pushEvent("refs/heads/main")
	wantCode(t, r, exitOK)
	if files, _ := touched(r); len(files) != 2 {
		t.Errorf("listed the files of %v, want both pull requests'", files)
	}
}
