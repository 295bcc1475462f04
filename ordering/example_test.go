package ordering_test

import (
	"fmt"

	"github.com/parallel-sessions/parallel-sessions/ordering"
	"github.com/parallel-sessions/parallel-sessions/plan"
)

// Decide which threads may land now: threads 1 and 3 share merge_order 1
// and are ready; thread 2 waits for both, one with an open pull request and
// one with none yet.
func ExampleDecide() {
	p, _ := plan.Parse("plan.toml", []byte(`[[threads]]
id = 1
branch = "schema"
goal = "the new schema"
owns = ["db/"]
merge_order = 1

[[threads]]
id = 2
branch = "api"
goal = "the API on the new schema"
owns = ["api/"]
merge_order = 2

[[threads]]
id = 3
branch = "docs"
goal = "the docs"
owns = ["docs/"]
merge_order = 1
`))
	statuses := map[int]ordering.Status{
		1: {State: ordering.Open, PR: 11},
		2: {State: ordering.Open, PR: 12},
	}
	for _, d := range ordering.Decide(p, statuses) {
		fmt.Printf("%s ready=%v", d.Thread.Label(), d.Ready)
		for _, w := range d.Waits {
			fmt.Printf(" (waits for %s: %s)", w.Thread.Label(), w.Unblock())
		}
		fmt.Println()
	}
	// Output:
	// thread 1 (schema) ready=true
	// thread 3 (docs) ready=true
	// thread 2 (api) ready=false (waits for thread 1 (schema): merge #11) (waits for thread 3 (docs): open a pull request for branch docs)
}
