package check

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/parallel-sessions/parallel-sessions/plan"
)

const testPlan = `
shared = ["go.sum", "docs/shared/"]

[[threads]]
id = 1
branch = "extract-auth"
goal = "move auth"
owns = ["services/auth/", "tests/auth/", "lib/**/*_auth.go"]
forbids = ["services/auth/secrets/", "docs/shared/frozen.md"]
merge_order = 1

[[threads]]
id = 2
branch = "api-cleanup"
goal = "clean the api"
owns = ["services/api/", "docs/api/*.md"]
merge_order = 2

[[threads]]
id = 3
branch = "old-idea"
goal = "abandoned"
owns = ["services/legacy/"]
merge_order = 3
status = "dropped"
`

func parse(t testing.TB, text string) *plan.Plan {
	t.Helper()
	p, fs := plan.Parse("plan.toml", []byte(text))
	if len(fs) > 0 {
		t.Fatalf("test plan has findings: %v", fs)
	}
	return p
}

func thread(t testing.TB, p *plan.Plan, id int) *plan.Thread {
	t.Helper()
	for i := range p.Threads {
		if p.Threads[i].ID == id {
			return &p.Threads[i]
		}
	}
	t.Fatalf("no thread %d", id)
	return nil
}

func TestCheckReasons(t *testing.T) {
	p := parse(t, testPlan)
	c := New(p, "plan.toml")
	tests := []struct {
		name   string
		thread int
		change Change
		want   []string // "path reason [owner-id] [pattern]", one per violation
	}{
		{"owned file", 1, Change{Status: Modified, Path: "services/auth/login.go"}, nil},
		{"owned by glob", 1, Change{Status: Added, Path: "lib/v1/token_auth.go"}, nil},
		{"shared file", 2, Change{Status: Modified, Path: "go.sum"}, nil},
		{"shared folder", 1, Change{Status: Removed, Path: "docs/shared/intro.md"}, nil},
		{"mode change in scope", 1, Change{Status: ModeChanged, Path: "tests/auth/run.sh"}, nil},
		{"copy from elsewhere into scope", 1, Change{Status: Copied, PreviousPath: "services/api/util.go", Path: "services/auth/util.go"}, nil},
		{"rename inside scope", 2, Change{Status: Renamed, PreviousPath: "services/api/a.go", Path: "services/api/b.go"}, nil},
		{"not owned", 1, Change{Status: Modified, Path: "README.md"}, []string{"README.md not-owned"}},
		{"owned by another", 1, Change{Status: Modified, Path: "services/api/handler.go"}, []string{"services/api/handler.go owned-by 2 services/api/"}},
		{"delete in another thread's area", 2, Change{Status: Removed, Path: "services/auth/old.go"}, []string{"services/auth/old.go owned-by 1 services/auth/"}},
		{"forbidden though owned", 1, Change{Status: Modified, Path: "services/auth/secrets/key.go"}, []string{"services/auth/secrets/key.go forbidden services/auth/secrets/"}},
		{"forbidden though shared", 1, Change{Status: Modified, Path: "docs/shared/frozen.md"}, []string{"docs/shared/frozen.md forbidden docs/shared/frozen.md"}},
		{"another thread's forbids do not apply", 2, Change{Status: Modified, Path: "docs/shared/frozen.md"}, nil},
		{"plan file", 1, Change{Status: Modified, Path: "plan.toml"}, []string{"plan.toml plan-file"}},
		{"rename out of scope", 1, Change{Status: Renamed, PreviousPath: "services/auth/x.go", Path: "services/api/x.go"}, []string{"services/api/x.go owned-by 2 services/api/"}},
		{"rename into scope", 1, Change{Status: Renamed, PreviousPath: "services/api/x.go", Path: "services/auth/x.go"}, []string{"services/api/x.go owned-by 2 services/api/"}},
		{"rename of the plan", 1, Change{Status: Renamed, PreviousPath: "plan.toml", Path: "services/auth/plan.toml"}, []string{"plan.toml plan-file"}},
		{"copy outside scope", 1, Change{Status: Copied, PreviousPath: "services/auth/a.go", Path: "lib/a.go"}, []string{"lib/a.go not-owned"}},
		{"dropped thread, even in its old area", 3, Change{Status: Modified, Path: "services/legacy/x.go"}, []string{"services/legacy/x.go thread-dropped"}},
		{"dropped thread's area is unowned for others", 1, Change{Status: Modified, Path: "services/legacy/x.go"}, []string{"services/legacy/x.go not-owned"}},
		{"prefix is not a folder", 1, Change{Status: Added, Path: "services/authz/x.go"}, []string{"services/authz/x.go not-owned"}},
		{"file named like an owned folder", 1, Change{Status: Added, Path: "services/auth"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			th := thread(t, p, tt.thread)
			r, err := c.Check(th, []Change{tt.change}, 1)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, v := range r.Violations {
				s := v.Path + " " + string(v.Reason)
				if v.Owner != nil {
					s += " " + strconv.Itoa(v.Owner.ID)
				}
				if v.Pattern != nil {
					s += " " + v.Pattern.Text
				}
				got = append(got, s)
				if v.Change != tt.change || r.Message(v) == "" {
					t.Errorf("violation does not carry its change and message: %+v", v)
				}
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("violations:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if r.InScope() != (len(tt.want) == 0) {
				t.Errorf("InScope = %v with %d violations", r.InScope(), len(tt.want))
			}
		})
	}
}

func TestCheckMessages(t *testing.T) {
	p := parse(t, testPlan)
	c := New(p, "config/plan.toml")
	r, err := c.Check(thread(t, p, 1), []Change{
		{Status: Renamed, PreviousPath: "services/auth/x.go", Path: "services/api/x.go"},
		{Status: Modified, Path: "services/auth/secrets/k"},
		{Status: Added, Path: "README.md"},
		{Status: Modified, Path: "config/plan.toml"},
		{Status: Renamed, PreviousPath: "services/api/y.go", Path: "services/auth/y.go"},
	}, 5)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range r.Violations {
		got = append(got, r.Finding(v))
	}
	want := []string{
		`README.md: not owned by thread 1 (extract-auth) and not shared; revert this change, or add the path to the thread's owns in config/plan.toml on the base branch [not-owned]`,
		`config/plan.toml: config/plan.toml is the plan; no thread may change it: change the plan in its own pull request into the base branch [plan-file]`,
		`services/api/x.go: renamed from "services/auth/x.go": owned by thread 2 (api-cleanup) via "services/api/", not by thread 1 (extract-auth); leave this change to that thread [owned-by]`,
		`services/api/y.go: renamed to "services/auth/y.go": owned by thread 2 (api-cleanup) via "services/api/", not by thread 1 (extract-auth); leave this change to that thread [owned-by]`,
		`services/auth/secrets/k: forbidden for thread 1 (extract-auth) by "services/auth/secrets/"; revert this change [forbidden]`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if r.Paths != 7 {
		t.Errorf("Paths = %d, want 7 (both sides of two renames)", r.Paths)
	}

	r, _ = c.Check(thread(t, p, 3), []Change{{Status: Added, Path: "a"}}, 1)
	if want := `a: thread 3 (old-idea) is dropped in config/plan.toml and may change nothing; set its status to "active" or move the work to an active thread [thread-dropped]`; len(r.Violations) != 1 || r.Finding(r.Violations[0]) != want {
		t.Errorf("dropped thread: %v", r.Violations)
	}
}

func TestCheckIncompleteListIsNeverAPass(t *testing.T) {
	p := parse(t, testPlan)
	c := New(p, "plan.toml")
	inScope := []Change{{Status: Modified, Path: "services/auth/a.go"}}
	for _, total := range []int{0, 2, 3000} {
		r, err := c.Check(thread(t, p, 1), inScope, total)
		var inc *IncompleteError
		if !errors.As(err, &inc) || inc.Listed != 1 || inc.Total != total {
			t.Errorf("total %d: err = %v, want *IncompleteError", total, err)
		}
		if r.InScope() && err == nil {
			t.Errorf("total %d: an incomplete list passed", total)
		}
	}
	if _, err := c.Check(thread(t, p, 1), nil, 0); err != nil {
		t.Errorf("an empty, complete list: %v", err)
	}
}

func TestCheckRejectsMalformedChanges(t *testing.T) {
	p := parse(t, testPlan)
	c := New(p, "plan.toml")
	for _, ch := range []Change{
		{Status: Modified, Path: ""},
		{Status: Modified, Path: "/etc/passwd"},
		{Status: Modified, Path: "services/auth/../api/x.go"},
		{Status: Modified, Path: "a//b"},
		{Status: Modified, Path: "a/"},
		{Status: Modified, Path: "a\x00b"},
		{Status: Renamed, Path: "services/auth/x"},
		{Status: "exploded", Path: "x"},
	} {
		if _, err := c.Check(thread(t, p, 1), []Change{ch}, 1); err == nil {
			t.Errorf("%+v: no error", ch)
		}
	}
}

func TestCheckDeduplicatesPaths(t *testing.T) {
	p := parse(t, testPlan)
	c := New(p, "plan.toml")
	r, err := c.Check(thread(t, p, 1), []Change{
		{Status: Removed, Path: "lib/x"},
		{Status: Renamed, PreviousPath: "lib/x", Path: "lib/y"},
	}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Violations) != 2 || r.Violations[0].Path != "lib/x" || r.Violations[1].Path != "lib/y" || r.Paths != 3 {
		t.Errorf("violations: %v (paths %d)", r.Violations, r.Paths)
	}
}
