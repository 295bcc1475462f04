package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestStatusManyThreadsInPlanOrder runs status on more threads than the
// machine has CPUs, in four states in turn: no branch, a branch at the
// base, a commit in scope, a commit out of scope. Every row must be in the
// plan's order and say what its branch holds, whatever order the
// concurrent reads finish in.
func TestStatusManyThreadsInPlanOrder(t *testing.T) {
	repo := gitRepo(t)
	const n = 16
	var plan strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&plan, "[[threads]]\nid = %d\nbranch = \"t%d\"\ngoal = \"g\"\nowns = [\"pkg%d/\"]\nmerge_order = %d\n\n", i, i, i, i)
	}
	write(t, filepath.Join(repo, "plan.toml"), plan.String())
	commitAll(t, repo, "plan")
	for i := 1; i <= n; i++ {
		switch i % 4 {
		case 1: // no branch
		case 2:
			gitIn(t, repo, "branch", fmt.Sprintf("t%d", i))
		case 3, 0:
			gitIn(t, repo, "checkout", "-q", "-b", fmt.Sprintf("t%d", i), "main")
			dir := fmt.Sprintf("pkg%d", i)
			if i%4 == 0 {
				dir = fmt.Sprintf("pkg%d", i-1) // another thread's folder
			}
			write(t, filepath.Join(repo, dir, fmt.Sprintf("f%d.go", i)), "package x\n")
			commitAll(t, repo, "work")
			gitIn(t, repo, "checkout", "-q", "main")
		}
	}
	r := runIn(t, repo, "status", "--json")
	wantCode(t, r, exitOK)
	var rows []statusRow
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
		t.Fatalf("status --json: %v\n%s", err, r.stdout)
	}
	if len(rows) != n {
		t.Fatalf("got %d rows, want %d", len(rows), n)
	}
	for i, row := range rows {
		id := i + 1
		want := statusRow{Thread: threadRef{id, fmt.Sprintf("t%d", id)}, MergeOrder: id, Status: "active", Scope: scopeNothing}
		switch id % 4 {
		case 2:
			want.Branch = true
		case 3:
			want.Branch, want.Ahead, want.Unpushed, want.Scope, want.Conflicts = true, 1, 1, scopeIn, conflictsClean
		case 0:
			want.Branch, want.Ahead, want.Unpushed, want.Scope, want.Violations, want.Conflicts = true, 1, 1, scopeOut, 1, conflictsClean
		}
		if !reflect.DeepEqual(row, want) {
			t.Errorf("row %d:\n got %+v\nwant %+v", i, row, want)
		}
	}
}
