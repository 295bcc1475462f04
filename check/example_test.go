package check_test

import (
	"fmt"

	"github.com/parallel-sessions/parallel-sessions/check"
	"github.com/parallel-sessions/parallel-sessions/plan"
)

// Check a thread's change list against its scope: owned and shared paths
// pass; a path another thread owns, a forbidden one and the plan itself do
// not.
func ExampleChecker_Check() {
	p, _ := plan.Parse("plan.toml", []byte(`shared = ["go.sum"]
[[threads]]
id = 1
branch = "extract-auth"
goal = "move auth into its own package"
owns = ["services/auth/"]
forbids = ["services/auth/secrets/"]
merge_order = 1

[[threads]]
id = 2
branch = "api"
goal = "clean up the API"
owns = ["services/api/"]
merge_order = 2
`))
	c := check.New(p, "plan.toml")
	changes := []check.Change{
		{Status: check.Modified, Path: "services/auth/login.go"},
		{Status: check.Modified, Path: "go.sum"},
		{Status: check.Added, Path: "services/api/v2.go"},
		{Status: check.Modified, Path: "services/auth/secrets/key"},
		{Status: check.Modified, Path: "plan.toml"},
	}
	r, err := c.Check(&p.Threads[0], changes, len(changes))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("in scope:", r.InScope())
	for _, v := range r.Violations {
		fmt.Println(r.Finding(v))
	}
	// Output:
	// in scope: false
	// plan.toml: plan.toml is the plan; no thread may change it: change the plan in its own pull request into the base branch [plan-file]
	// services/api/v2.go: owned by thread 2 (api) via "services/api/", not by thread 1 (extract-auth); leave this change to that thread [owned-by]
	// services/auth/secrets/key: forbidden for thread 1 (extract-auth) by "services/auth/secrets/"; revert this change [forbidden]
}
