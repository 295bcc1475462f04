package plan_test

import (
	"fmt"

	"github.com/parallel-sessions/parallel-sessions/plan"
)

const examplePlan = `shared = ["go.sum"]

[[threads]]
id = 1
branch = "extract-auth"
goal = "move auth into its own package"
owns = ["services/auth/"]
forbids = ["**/*_test.go"]
merge_order = 1

[[threads]]
id = 2
branch = "tests"
goal = "tests for every package"
owns = ["**/*_test.go", "**/testdata/"]
merge_order = 2

[[threads]]
id = 3
branch = "code"
goal = "the rest of the Go code"
owns = ["cmd/**/*.go"]
forbids = ["**/*_test.go", "**/testdata/"]
merge_order = 3
`

// Parse a plan against the base branch's files: go.sum is a file there, so
// it is not a folder cmd/**/*.go could reach; thread 1's forbids leave the
// tests to thread 2, but not the testdata folder, which both threads claim.
func ExampleParseInTree() {
	tree := plan.NewTree([]string{"go.sum", "services/auth/login.go", "services/auth/testdata/token.json", "cmd/tool/main.go", "cmd/tool/main_test.go"})
	p, findings := plan.ParseInTree("plan.toml", []byte(examplePlan), tree)
	for _, f := range findings {
		fmt.Println(f)
	}
	fmt.Println(plan.Errors(findings), "error(s)")
	e := p.Explain("services/auth/login_test.go")
	for _, o := range e.Owners {
		fmt.Println(e.Path, "matches the owns of", o.Thread.Label())
	}
	for _, f := range e.Forbidden {
		fmt.Println(e.Path, "is forbidden for", f.Thread.Label())
	}
	// Output:
	// plan.toml:15:25: thread 2 (tests) owns "**/testdata/", which overlaps "services/auth/" owned by thread 1 (extract-auth) at line 7: both match "services/auth/testdata/token.json"; give each path one owning thread, or move the common paths to shared [overlap]
	// 1 error(s)
	// services/auth/login_test.go matches the owns of thread 1 (extract-auth)
	// services/auth/login_test.go matches the owns of thread 2 (tests)
	// services/auth/login_test.go is forbidden for thread 1 (extract-auth)
	// services/auth/login_test.go is forbidden for thread 3 (code)
}

// Parse without a tree: a literal pattern may then be a folder too.
func ExampleParse() {
	_, findings := plan.Parse("plan.toml", []byte(`shared = ["go.sum"]
[[threads]]
id = 1
branch = "code"
goal = "the Go code"
owns = ["**/*.go"]
merge_order = 1
`))
	for _, f := range findings {
		fmt.Println(f)
	}
	// Output:
	// plan.toml:6:9: thread 1 (code) owns "**/*.go", which overlaps shared pattern "go.sum" at line 1: both match "go.sum/.go"; a shared path cannot be owned; remove it from one of the two [overlap]
}
