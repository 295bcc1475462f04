package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestStatusConflictsColumn: threads 1 and 2 change the same line of the
// shared go.sum (2 conflicts with 1); thread 3 adds a file main added
// differently since (3 conflicts with main); thread 4 has no work, thread
// 5 has landed and thread 6 is dropped: none of those is checked.
func TestStatusConflictsColumn(t *testing.T) {
	repo := gitRepo(t)
	var plan strings.Builder
	plan.WriteString("shared = [\"go.sum\"]\n\n")
	for i, b := range []string{"first", "second", "third", "fourth", "fifth", "sixth"} {
		status := "active"
		if i == 5 {
			status = "dropped"
		}
		fmt.Fprintf(&plan, "[[threads]]\nid = %d\nbranch = %q\ngoal = \"g\"\nowns = [\"d%d/\"]\nmerge_order = %d\nstatus = %q\n\n", i+1, b, i+1, i+1, status)
	}
	write(t, filepath.Join(repo, "plan.toml"), plan.String())
	write(t, filepath.Join(repo, "go.sum"), "example.com/x v1.0.0 h1:aaa\n")
	commitAll(t, repo, "base")
	for _, b := range []struct{ branch, file, content string }{
		{"first", "go.sum", "example.com/x v1.1.0 h1:bbb\n"},
		{"second", "go.sum", "example.com/x v1.2.0 h1:ccc\n"},
		{"third", "d3/x.go", "package third\n"},
		{"fourth", "", ""},
		{"fifth", "d5/x.go", "package fifth\n"},
		{"sixth", "go.sum", "example.com/x v1.6.0 h1:fff\n"},
	} {
		gitIn(t, repo, "checkout", "-q", "-b", b.branch, "main")
		if b.file != "" {
			write(t, filepath.Join(repo, b.file), b.content)
			commitAll(t, repo, b.branch)
		}
	}
	gitIn(t, repo, "checkout", "-q", "main")
	gitIn(t, repo, "merge", "-q", "--no-ff", "-m", "land fifth", "fifth")
	write(t, filepath.Join(repo, "d3/x.go"), "package main3\n")
	commitAll(t, repo, "main adds d3/x.go its own way")

	r := runIn(t, repo, "status")
	wantCode(t, r, exitOK)
	lines := strings.Split(r.stdout, "\n")
	if !strings.Contains(lines[0], "CONFLICTS") {
		t.Fatalf("no CONFLICTS column:\n%s", r.stdout)
	}
	for i, w := range []string{"clean", "with 1", "with main", "-", "-", "-"} {
		if got := cellAt(lines[0], lines[1+i], "CONFLICTS"); got != w {
			t.Errorf("thread %d: CONFLICTS %q, want %q\n%s", i+1, got, w, r.stdout)
		}
	}
	if !strings.Contains(r.stdout, "\nconflicts predicted: run ps-local conflicts for the files and what to do\n") {
		t.Errorf("no hint after the table:\n%s", r.stdout)
	}

	r = runIn(t, repo, "status", "--json")
	wantCode(t, r, exitOK)
	var rows []statusRow
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
		t.Fatalf("status --json: %v\n%s", err, r.stdout)
	}
	wantJSON := []struct {
		conflicts string
		with      []statusConflict
	}{
		{conflictsClean, nil},
		{conflictsFound, []statusConflict{{With: "thread", Other: &threadRef{1, "first"}, Files: []string{"go.sum"}}}},
		{conflictsFound, []statusConflict{{With: "base", Files: []string{"d3/x.go"}}}},
		{"", nil}, {"", nil}, {"", nil},
	}
	for i, w := range wantJSON {
		if rows[i].Conflicts != w.conflicts || !reflect.DeepEqual(rows[i].ConflictsWith, w.with) {
			t.Errorf("thread %d: conflicts %q %+v, want %q %+v", i+1, rows[i].Conflicts, rows[i].ConflictsWith, w.conflicts, w.with)
		}
	}
	if strings.Count(r.stdout, `"conflicts"`) != 3 {
		t.Errorf("threads that were not checked carry a conflicts key:\n%s", r.stdout)
	}
}

// cellAt is the cell of a tabwriter row under the header's column name.
func cellAt(header, row, name string) string {
	start := strings.Index(header, name)
	if start < 0 || start >= len(row) {
		return ""
	}
	cell, _, _ := strings.Cut(row[start:], "  ")
	return strings.TrimSpace(cell)
}
