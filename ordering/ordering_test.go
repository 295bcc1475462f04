package ordering

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/parallel-sessions/parallel-sessions/plan"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const fourThreads = `
[[threads]]
id = 1
branch = "extract-auth"
goal = "g"
owns = ["a/"]
merge_order = 1

[[threads]]
id = 2
branch = "api-cleanup"
goal = "g"
owns = ["b/"]
merge_order = 2

[[threads]]
id = 4
branch = "parallel-with-2"
goal = "g"
owns = ["d/"]
merge_order = 2

[[threads]]
id = 3
branch = "docs"
goal = "g"
owns = ["c/"]
merge_order = 3

[[threads]]
id = 5
branch = "abandoned"
goal = "g"
owns = ["e/"]
merge_order = 1
status = "dropped"
`

func parse(t *testing.T) *plan.Plan {
	t.Helper()
	p, fs := plan.Parse("plan.toml", []byte(fourThreads))
	if len(fs) > 0 {
		t.Fatal(fs)
	}
	return p
}

// summary is "id:ready:waits" per decision, waits as "id/state": those
// that of picks from the decision (allWaits or nearestWaits).
func summary(ds []Decision, of func(Decision) []Wait) string {
	var parts []string
	for _, d := range ds {
		s := strings.Builder{}
		s.WriteString(strconv.Itoa(d.Thread.ID))
		if d.Ready {
			s.WriteString(":ready")
		}
		for _, w := range of(d) {
			s.WriteString(" " + strconv.Itoa(w.Thread.ID) + "/" + string(w.Status.State))
		}
		parts = append(parts, s.String())
	}
	return strings.Join(parts, "; ")
}

func allWaits(d Decision) []Wait     { return d.Waits }
func nearestWaits(d Decision) []Wait { return d.Nearest }

func TestDecide(t *testing.T) {
	p := parse(t)
	tests := []struct {
		name     string
		statuses map[int]Status
		want     string
	}{
		{"nothing opened yet", nil, "1:ready; 2 1/missing; 4 1/missing; 3 1/missing 2/missing 4/missing"},
		{"first open", map[int]Status{1: {Open, 11}, 2: {Open, 12}}, "1:ready; 2 1/open; 4 1/open; 3 1/open 2/open 4/missing"},
		{"first landed: equal orders both ready", map[int]Status{1: {Landed, 11}, 2: {Open, 12}, 4: {Open, 14}}, "1:ready; 2:ready; 4:ready; 3 2/open 4/open"},
		{"one of the equal orders landed", map[int]Status{1: {Landed, 11}, 2: {Landed, 12}, 4: {Open, 14}, 3: {Open, 13}}, "1:ready; 2:ready; 4:ready; 3 4/open"},
		{"closed without merge blocks", map[int]Status{1: {Closed, 11}, 2: {Open, 12}}, "1:ready; 2 1/closed; 4 1/closed; 3 1/closed 2/open 4/missing"},
		{"all landed", map[int]Status{1: {Landed, 1}, 2: {Landed, 2}, 3: {Landed, 3}, 4: {Landed, 4}}, "1:ready; 2:ready; 4:ready; 3:ready"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := summary(Decide(p, tt.statuses), allWaits); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestUnblockHints(t *testing.T) {
	p := parse(t)
	ds := Decide(p, map[int]Status{1: {Closed, 11}, 2: {Open, 12}})
	d, _ := Find(ds, 3)
	var got []string
	for _, w := range d.Waits {
		got = append(got, w.String()+": "+w.Unblock())
	}
	want := []string{
		"thread 1 (extract-auth), #11 closed: reopen #11 or mark thread 1 dropped in plan.toml",
		"thread 2 (api-cleanup), #12 open: merge #12",
		"thread 4 (parallel-with-2), no pull request yet: open a pull request for branch parallel-with-2",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, ok := Find(ds, 5); ok {
		t.Error("a dropped thread got a decision")
	}
}

func TestNext(t *testing.T) {
	p := parse(t)
	ds := Decide(p, map[int]Status{1: {Landed, 11}, 2: {Open, 12}, 3: {Open, 13}})
	var ids []int
	for _, d := range Next(ds) {
		ids = append(ids, d.Thread.ID)
	}
	if len(ids) != 1 || ids[0] != 2 {
		t.Errorf("next = %v, want [2] (4 is ready but has no pull request, 3 waits)", ids)
	}
}

// TestDecideProperty checks the rule itself over every combination of states
// for the four active threads: ready exactly when every active thread of a
// smaller merge order has landed, and the output order is stable.
func TestDecideProperty(t *testing.T) {
	p := parse(t)
	states := []State{Landed, Open, Closed, Missing}
	for mask := 0; mask < 256; mask++ {
		statuses := map[int]Status{}
		for i, id := range []int{1, 2, 3, 4} {
			statuses[id] = Status{states[(mask>>(2*i))&3], 10 + id}
		}
		ds := Decide(p, statuses)
		if summary(ds, allWaits) != summary(Decide(p, statuses), allWaits) {
			t.Fatal("not deterministic")
		}
		for _, d := range ds {
			want := true
			for _, e := range p.Threads {
				if e.Active() && e.MergeOrder < d.Thread.MergeOrder && statuses[e.ID].State != Landed {
					want = false
				}
			}
			if d.Ready != want || d.Ready != (len(d.Waits) == 0) {
				t.Fatalf("mask %d: thread %d ready=%v waits=%v, want ready=%v", mask, d.Thread.ID, d.Ready, d.Waits, want)
			}
		}
	}
}

func TestTableGolden(t *testing.T) {
	p := parse(t)
	got := Table(p, Decide(p, map[int]Status{1: {Landed, 11}, 2: {Open, 12}, 3: {Closed, 13}}), 12)
	golden := filepath.Join("testdata", "table.md")
	if *update {
		os.WriteFile(golden, []byte(got), 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("table:\n%s\nwant:\n%s", got, want)
	}
}

// TestActive checks Active against a slow obvious oracle (pick the active
// thread with the smallest merge order, then id, again and again) for every
// order of the plan's threads, and ByMergeOrder against its definition.
func TestActive(t *testing.T) {
	p := parse(t)
	oracle := func(p *plan.Plan) string {
		taken := map[int]bool{}
		var ids []string
		for {
			var best *plan.Thread
			for i := range p.Threads {
				e := &p.Threads[i]
				if !e.Active() || taken[e.ID] {
					continue
				}
				if best == nil || e.MergeOrder < best.MergeOrder || e.MergeOrder == best.MergeOrder && e.ID < best.ID {
					best = e
				}
			}
			if best == nil {
				return strings.Join(ids, " ")
			}
			taken[best.ID] = true
			ids = append(ids, strconv.Itoa(best.ID))
		}
	}
	var permute func(k int)
	permute = func(k int) {
		if k == len(p.Threads) {
			var ids []string
			for _, th := range Active(p) {
				ids = append(ids, strconv.Itoa(th.ID))
			}
			if got, want := strings.Join(ids, " "), oracle(p); got != want || want != "1 2 4 3" {
				t.Fatalf("Active = %s, oracle %s, want 1 2 4 3", got, want)
			}
			return
		}
		for i := k; i < len(p.Threads); i++ {
			p.Threads[k], p.Threads[i] = p.Threads[i], p.Threads[k]
			permute(k + 1)
			p.Threads[k], p.Threads[i] = p.Threads[i], p.Threads[k]
		}
	}
	permute(0)
	for _, a := range p.Threads {
		for _, b := range p.Threads {
			want := 0
			switch {
			case a.MergeOrder < b.MergeOrder, a.MergeOrder == b.MergeOrder && a.ID < b.ID:
				want = -1
			case a.MergeOrder > b.MergeOrder, a.MergeOrder == b.MergeOrder && a.ID > b.ID:
				want = 1
			}
			if got := ByMergeOrder(&a, &b); got != want {
				t.Errorf("ByMergeOrder(thread %d, thread %d) = %d, want %d", a.ID, b.ID, got, want)
			}
		}
	}
}

func TestNearest(t *testing.T) {
	p := parse(t)
	tests := []struct {
		name     string
		statuses map[int]Status
		want     string
	}{
		{"nothing opened yet: equal orders are both nearest", nil, "1:ready; 2 1/missing; 4 1/missing; 3 2/missing 4/missing"},
		{"first open", map[int]Status{1: {Open, 11}, 2: {Open, 12}}, "1:ready; 2 1/open; 4 1/open; 3 2/open 4/missing"},
		{"first landed", map[int]Status{1: {Landed, 11}, 2: {Open, 12}, 4: {Open, 14}}, "1:ready; 2:ready; 4:ready; 3 2/open 4/open"},
		{"one of the equal orders landed", map[int]Status{1: {Landed, 11}, 2: {Landed, 12}, 4: {Open, 14}}, "1:ready; 2:ready; 4:ready; 3 4/open"},
		{"both equal orders landed, the first closed: nearest is the first", map[int]Status{1: {Closed, 11}, 2: {Landed, 12}, 4: {Landed, 14}}, "1:ready; 2 1/closed; 4 1/closed; 3 1/closed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := summary(Decide(p, tt.statuses), nearestWaits); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestChanged(t *testing.T) {
	p := parse(t)
	tests := []struct {
		name          string
		before, after map[int]Status
		want          []int
	}{
		{"nothing changed", map[int]Status{1: {Open, 11}}, map[int]Status{1: {Open, 11}}, nil},
		{"the first lands: the equal orders' turn comes, thread 3's nearest does not change", map[int]Status{1: {Open, 11}, 2: {Open, 12}, 4: {Open, 14}}, map[int]Status{1: {Landed, 11}, 2: {Open, 12}, 4: {Open, 14}}, []int{2, 4}},
		{"one of the equal orders lands: thread 3 waits on the other only", map[int]Status{1: {Landed, 11}, 2: {Open, 12}, 4: {Open, 14}}, map[int]Status{1: {Landed, 11}, 2: {Landed, 12}, 4: {Open, 14}}, []int{3}},
		{"a pull request is opened for a thread others wait on", map[int]Status{}, map[int]Status{1: {Open, 11}}, []int{2, 4}},
		{"the last lands: nobody waits on it", map[int]Status{3: {Open, 13}}, map[int]Status{3: {Landed, 13}}, nil},
		{"closed without merge: the text changes", map[int]Status{1: {Open, 11}}, map[int]Status{1: {Closed, 11}}, []int{2, 4}},
		{"a newer pull request of the same branch", map[int]Status{1: {Open, 11}}, map[int]Status{1: {Open, 21}}, []int{2, 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Changed(Decide(p, tt.before), Decide(p, tt.after))
			if !slices.Equal(got, tt.want) {
				t.Errorf("changed %v, want %v", got, tt.want)
			}
		})
	}
}

// TestChangedChain is the case the gate's cost rests on: in a chain of 50
// threads with open pull requests, thread k landing changes thread k+1's
// decision only.
func TestChangedChain(t *testing.T) {
	var b strings.Builder
	for i := 1; i <= 50; i++ {
		fmt.Fprintf(&b, "[[threads]]\nid = %d\nbranch = \"t%d\"\ngoal = \"g\"\nowns = [\"a%d/\"]\nmerge_order = %d\n\n", i, i, i, i)
	}
	p, fs := plan.Parse("plan.toml", []byte(b.String()))
	if len(fs) > 0 {
		t.Fatal(fs)
	}
	statuses := map[int]Status{}
	for i := 1; i <= 50; i++ {
		statuses[i] = Status{Open, 100 + i}
	}
	for k := 1; k < 50; k++ {
		before := Decide(p, statuses)
		statuses[k] = Status{Landed, 100 + k}
		if got := Changed(before, Decide(p, statuses)); !slices.Equal(got, []int{k + 1}) {
			t.Fatalf("thread %d landed: changed %v, want [%d]", k, got, k+1)
		}
	}
}

// TestChangedProperty holds Changed to the oracle over every pair of
// worlds of the four active threads that differ in one thread's status:
// a thread whose readiness or nearest waits differ is always listed, and
// one listed always differs in them. Nearest is never empty while waiting,
// and holds the waits of the greatest merge order.
func TestChangedProperty(t *testing.T) {
	p := parse(t)
	states := []State{Landed, Open, Closed, Missing}
	world := func(mask int) map[int]Status {
		statuses := map[int]Status{}
		for i, id := range []int{1, 2, 3, 4} {
			statuses[id] = Status{states[(mask>>(2*i))&3], 10 + id}
		}
		return statuses
	}
	for m1 := 0; m1 < 256; m1++ {
		before := Decide(p, world(m1))
		for _, d := range before {
			if d.Ready != (len(d.Nearest) == 0) {
				t.Fatalf("mask %d: thread %d ready=%v with nearest %v", m1, d.Thread.ID, d.Ready, d.Nearest)
			}
			for _, w := range d.Waits {
				inNearest := slices.ContainsFunc(d.Nearest, func(n Wait) bool { return n.Thread.ID == w.Thread.ID })
				if inNearest != (w.Thread.MergeOrder == d.Waits[len(d.Waits)-1].Thread.MergeOrder) {
					t.Fatalf("mask %d: thread %d: nearest %v of waits %v", m1, d.Thread.ID, d.Nearest, d.Waits)
				}
			}
		}
		for i := range 4 {
			for s := range 4 {
				m2 := m1&^(3<<(2*i)) | s<<(2*i)
				after := Decide(p, world(m2))
				changed := Changed(before, after)
				for _, a := range after {
					b, _ := Find(before, a.Thread.ID)
					differs := a.Ready != b.Ready || fmt.Sprint(a.Nearest) != fmt.Sprint(b.Nearest)
					if differs != slices.Contains(changed, a.Thread.ID) {
						t.Fatalf("masks %d → %d: thread %d differs=%v, changed %v", m1, m2, a.Thread.ID, differs, changed)
					}
				}
			}
		}
	}
}

func TestOpenFirst(t *testing.T) {
	tests := []struct {
		pulls []PullRequest
		want  Status
	}{
		{nil, Status{State: Missing}},
		{[]PullRequest{{Number: 3}}, Status{Closed, 3}},
		{[]PullRequest{{Number: 3}, {Number: 9}}, Status{Closed, 9}},
		{[]PullRequest{{Number: 3}, {Number: 5, Open: true}}, Status{Open, 5}},
		{[]PullRequest{{Number: 3, Merged: true}}, Status{Landed, 3}},
		{[]PullRequest{{Number: 3, Merged: true}, {Number: 5, Open: true}}, Status{Open, 5}},
		{[]PullRequest{{Number: 7, Open: true}, {Number: 5, Open: true}}, Status{Open, 7}},
		{[]PullRequest{{Number: 3, Merged: true}, {Number: 9}}, Status{Landed, 3}},
	}
	for _, tt := range tests {
		if got := OpenFirst(tt.pulls); got != tt.want {
			t.Errorf("OpenFirst(%+v) = %+v, want %+v", tt.pulls, got, tt.want)
		}
	}
}

// TestOpenFirstOracle checks OpenFirst against its rule read literally,
// for every list of up to three pull requests numbered 1 to 3 in any
// order and any state: the newest open one that did not merge; else the
// newest merged; else the newest; else missing.
func TestOpenFirstOracle(t *testing.T) {
	kinds := []PullRequest{{}, {Open: true}, {Merged: true}, {Open: true, Merged: true}}
	newest := func(pulls []PullRequest, keep func(PullRequest) bool) int {
		n := 0
		for _, pr := range pulls {
			if keep(pr) {
				n = max(n, pr.Number)
			}
		}
		return n
	}
	oracle := func(pulls []PullRequest) Status {
		if n := newest(pulls, func(pr PullRequest) bool { return pr.Open && !pr.Merged }); n > 0 {
			return Status{Open, n}
		}
		if n := newest(pulls, func(pr PullRequest) bool { return pr.Merged }); n > 0 {
			return Status{Landed, n}
		}
		if n := newest(pulls, func(PullRequest) bool { return true }); n > 0 {
			return Status{Closed, n}
		}
		return Status{State: Missing}
	}
	var walk func(pulls []PullRequest)
	walk = func(pulls []PullRequest) {
		if got, want := OpenFirst(pulls), oracle(pulls); got != want {
			t.Fatalf("OpenFirst(%+v) = %+v, want %+v", pulls, got, want)
		}
		if len(pulls) == 3 {
			return
		}
		for n := 1; n <= 3; n++ {
			for _, k := range kinds {
				k.Number = n
				walk(append(slices.Clone(pulls), k))
			}
		}
	}
	walk(nil)
}
