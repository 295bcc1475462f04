package check

import (
	"testing"

	"github.com/parallel-sessions/parallel-sessions/plan"
)

// TestCheckFollowsTheTree: a plan parsed against the base tree checks with
// the same meaning: go.sum is a file, so go.sum/x.go is a Go file of thread
// 1, not shared; thread 1's forbids carve the tests out for thread 2.
func TestCheckFollowsTheTree(t *testing.T) {
	const text = `shared = ["go.sum"]

[[threads]]
id = 1
branch = "code"
goal = "code"
owns = ["**/*.go"]
forbids = ["**/*_test.go"]
merge_order = 1

[[threads]]
id = 2
branch = "tests"
goal = "tests"
owns = ["**/*_test.go"]
merge_order = 2
`
	p, fs := plan.ParseInTree("plan.toml", []byte(text), plan.NewTree([]string{"go.sum", "main.go", "main_test.go"}))
	if plan.Errors(fs) != 0 {
		t.Fatalf("plan has findings: %v", fs)
	}
	c := New(p, "plan.toml")
	tests := []struct {
		thread int
		path   string
		want   Reason // "" for in scope
	}{
		{1, "go.sum", ""},
		{1, "go.sum/x.go", ""},
		{2, "go.sum/x.go", OwnedBy},
		{1, "main.go", ""},
		{1, "main_test.go", Forbidden},
		{2, "main_test.go", ""},
		{2, "pkg/a_test.go", ""},
	}
	for _, tt := range tests {
		changes := []Change{{Status: Modified, Path: tt.path}}
		r, err := c.Check(thread(t, p, tt.thread), changes, 1)
		if err != nil {
			t.Fatal(err)
		}
		got := Reason("")
		if !r.InScope() {
			got = r.Violations[0].Reason
		}
		if got != tt.want {
			t.Errorf("thread %d, %s: %q, want %q", tt.thread, tt.path, got, tt.want)
		}
	}
}
