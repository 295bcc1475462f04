package check

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestCheckInPartsAgrees: a long list checked by several goroutines gives
// the report one goroutine gives, with duplicates across parts, renames,
// the list unsorted, and sorted with a path on both sides of a part's end.
func TestCheckInPartsAgrees(t *testing.T) {
	p := benchPlan(t)
	changes := benchChanges(5 * minPart)
	for i := 0; i < len(changes); i += 997 { // the same path again, far away
		changes[len(changes)-1-i] = changes[i]
	}
	for i := 500; i < len(changes); i += 1999 {
		changes[i] = Change{Status: Renamed, PreviousPath: changes[i].Path, Path: "services/svc1/part0/moved" + changes[i].Path}
	}
	sorted := slices.Clone(changes)
	slices.SortStableFunc(sorted, func(a, b Change) int { return strings.Compare(a.Path, b.Path) })
	for _, parts := range []int{2, 3, 7} { // a path on both sides of each part's end
		size := (len(sorted) + parts - 1) / parts
		for k := size; k < len(sorted); k += size {
			sorted[k] = sorted[k-1]
		}
	}
	one := New(p, "plan.toml")
	one.workers = 1
	for _, workers := range []int{2, 3, 7} {
		many := New(p, "plan.toml")
		many.workers = workers
		for _, changes := range [][]Change{changes, sorted} {
			for _, th := range []int{0, 1, 49} {
				want, err1 := one.Check(&p.Threads[th], changes, len(changes))
				got, err2 := many.Check(&p.Threads[th], changes, len(changes))
				if err1 != nil || err2 != nil {
					t.Fatal(err1, err2)
				}
				if len(want.Violations) == 0 || !reflect.DeepEqual(got, want) {
					t.Errorf("%d workers, thread %d: %d violations, %d paths; want %d, %d", workers, th+1, len(got.Violations), got.Paths, len(want.Violations), want.Paths)
				}
			}
		}
	}
}

// TestCheckInPartsFirstError: with bad changes in two parts, the error is
// the first one's in list order.
func TestCheckInPartsFirstError(t *testing.T) {
	p := benchPlan(t)
	changes := benchChanges(4 * minPart)
	changes[len(changes)-10].Path = "/abs/late.go"
	changes[minPart+5].Path = "early/../x.go"
	c := New(p, "plan.toml")
	c.workers = 4
	_, err := c.Check(&p.Threads[0], changes, len(changes))
	var ie *IncompleteError
	if err == nil || errors.As(err, &ie) || !strings.Contains(err.Error(), "early/../x.go") {
		t.Errorf("error %v, want the one about early/../x.go", err)
	}
}
