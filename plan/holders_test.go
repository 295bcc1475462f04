package plan

import "testing"

// TestHoldersHonourCarveOuts: a thread that owns a folder and forbids its
// tests does not hold those tests; the thread that owns the tests does.
// Explain still lists both owners, for ps-local explain to say why.
func TestHoldersHonourCarveOuts(t *testing.T) {
	p, fs := Parse("plan.toml", []byte(`
[[threads]]
id = 1
branch = "auth"
goal = "auth"
owns = ["services/auth/"]
forbids = ["**/*_test.go"]
merge_order = 1

[[threads]]
id = 2
branch = "tests"
goal = "tests"
owns = ["**/*_test.go"]
merge_order = 2
`))
	if len(fs) > 0 {
		t.Fatalf("findings: %v", fs)
	}
	cases := map[string][]int{
		"services/auth/login_test.go": {2},
		"services/auth/login.go":      {1},
		"other/x_test.go":             {2},
		"README.md":                   nil,
	}
	for path, want := range cases {
		e := p.Explain(path)
		var got []int
		for _, h := range e.Holders() {
			got = append(got, h.Thread.ID)
		}
		if len(got) != len(want) || (len(want) == 1 && got[0] != want[0]) {
			t.Errorf("Holders(%s) = %v, want %v", path, got, want)
		}
	}
	if e := p.Explain("services/auth/login_test.go"); len(e.Owners) != 2 {
		t.Errorf("Explain lists %d owners of a carved-out test, want both (2)", len(e.Owners))
	}
}
