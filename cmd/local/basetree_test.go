package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// treePlan shares go.sum and gives one thread every Go file: valid only when
// go.sum is known to be a file. Thread 2 owns "docs/*.md" where the
// repository has "doc/".
const treePlan = `shared = ["go.sum"]

[[threads]]
id = 1
branch = "code"
goal = "the code"
owns = ["**/*.go"]
merge_order = 1

[[threads]]
id = 2
branch = "docs"
goal = "the docs"
owns = ["docs/*.md", "README.md"]
merge_order = 2
`

// treeRepo commits treePlan and a few files on main.
func treeRepo(t *testing.T) string {
	t.Helper()
	repo := gitRepo(t)
	write(t, filepath.Join(repo, "plan.toml"), treePlan)
	for _, f := range []string{"go.sum", "main.go", "README.md", "doc/guide.md", "Makefile"} {
		write(t, filepath.Join(repo, f), "x\n")
	}
	commitAll(t, repo, "base")
	return repo
}

func TestValidateReadsBaseTree(t *testing.T) {
	repo := treeRepo(t)
	r := runIn(t, repo, "validate")
	wantCode(t, r, exitOK)
	want := `plan.toml:14:9: warning: thread 2 (docs) owns "docs/*.md", which matches no file on the base branch "main"; check the spelling, or ignore this if the thread creates it [coverage]`
	if !strings.Contains(r.stdout, want) || !strings.Contains(r.stdout, "plan.toml: valid") {
		t.Errorf("validate:\n%s\nwant the coverage warning and a valid plan", r.stdout)
	}

	r = runIn(t, repo, "validate", "--json")
	wantCode(t, r, exitOK)
	var report validateReport
	if err := json.Unmarshal([]byte(r.stdout), &report); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.stdout)
	}
	if !report.Valid || report.Tree == nil || *report.Tree != 6 || len(report.Findings) != 1 || report.Findings[0].Severity.String() != "warning" || report.Findings[0].Rule != "coverage" {
		t.Errorf("validate --json: %s", r.stdout)
	}
}

func TestValidateFallsBackToOriginBase(t *testing.T) {
	repo := treeRepo(t)
	gitIn(t, repo, "update-ref", "refs/remotes/origin/main", "main")
	gitIn(t, repo, "checkout", "-q", "-b", "work")
	gitIn(t, repo, "branch", "-q", "-D", "main")
	r := runIn(t, repo, "validate", "--json")
	wantCode(t, r, exitOK)
	if !strings.Contains(r.stdout, `"tree_files": 6`) {
		t.Errorf("validate with only origin/main: %s", r.stdout)
	}
}

func TestValidateWithoutBaseTreeKeepsFolderRule(t *testing.T) {
	repo := gitRepo(t)
	write(t, filepath.Join(repo, "plan.toml"), treePlan)
	r := runIn(t, repo, "validate")
	wantCode(t, r, exitFindings)
	if !strings.Contains(r.stdout, `both match "go.sum/`) || !strings.Contains(r.stderr, "base branch files unknown") {
		t.Errorf("validate without a base branch:\nstdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	}
}

func TestExplainUnowned(t *testing.T) {
	repo := treeRepo(t)
	r := runIn(t, repo, "explain", "--unowned")
	wantCode(t, r, exitOK)
	want := "Makefile: not owned by any thread\ndoc/guide.md: not owned by any thread\nplan.toml: not owned by any thread\n"
	if r.stdout != want {
		t.Errorf("explain --unowned:\n%s\nwant:\n%s", r.stdout, want)
	}
	r = runIn(t, repo, "explain", "--unowned", "--json", "go.sum/x.go")
	wantCode(t, r, exitOK)
	var report explainReport
	if err := json.Unmarshal([]byte(r.stdout), &report); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.stdout)
	}
	if !slices.Equal(report.Unowned, []string{"Makefile", "doc/guide.md", "plan.toml"}) {
		t.Errorf("unowned = %q", report.Unowned)
	}
	// go.sum is a file, so go.sum/x.go is a Go file of thread 1, not shared.
	if len(report.Paths) != 1 || len(report.Paths[0].Owners) != 1 || report.Paths[0].Owners[0].Thread != 1 || len(report.Paths[0].Shared) != 0 {
		t.Errorf("explain go.sum/x.go: %s", r.stdout)
	}
}

// TestValidateGroupsAndCapsOverlaps: 100 threads that all own the same two
// globs printed 9,901 lines; now one line per pattern, capped, while --json
// keeps every finding.
func TestValidateGroupsAndCapsOverlaps(t *testing.T) {
	repo := gitRepo(t)
	var b strings.Builder
	for id := 1; id <= 100; id++ {
		fmt.Fprintf(&b, "[[threads]]\nid = %d\nbranch = \"t%d\"\ngoal = \"g\"\nowns = [\"**/*.go\", \"**/*.md\"]\nmerge_order = 1\n\n", id, id)
	}
	write(t, filepath.Join(repo, "plan.toml"), b.String())
	r := runIn(t, repo, "validate")
	wantCode(t, r, exitFindings)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != maxFindingLines+1 {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), maxFindingLines+1, r.stdout)
	}
	if !strings.Contains(lines[2], "(and 1 more overlap of this pattern)") || !strings.Contains(lines[maxFindingLines], "not shown; ps-local validate --json lists them all") {
		t.Errorf("grouping or cap missing:\n%s", r.stdout)
	}
	r = runIn(t, repo, "validate", "--json")
	var report validateReport
	if err := json.Unmarshal([]byte(r.stdout), &report); err != nil {
		t.Fatal(err)
	}
	if want := 100 * 99; len(report.Findings) != want { // two patterns per pair of threads
		t.Errorf("--json has %d findings, want %d", len(report.Findings), want)
	}
}

// TestExplainPartlyOwnedFolder: a folder that no pattern names as a whole
// but whose files threads own is not "not owned": explain says whose its
// files are.
func TestExplainPartlyOwnedFolder(t *testing.T) {
	repo := treeRepo(t)
	for _, f := range []string{"pkg/a.go", "pkg/b.go", "pkg/notes.txt"} {
		write(t, filepath.Join(repo, f), "x\n")
	}
	commitAll(t, repo, "pkg")
	r := runIn(t, repo, "explain", "pkg")
	wantCode(t, r, exitOK)
	want := "pkg: a folder of 3 files on the base branch, partly owned: 2 files owned by thread 1 (code), 1 owned by no thread; explain a file in it for its owner\n"
	if r.stdout != want {
		t.Errorf("explain pkg:\n%s\nwant:\n%s", r.stdout, want)
	}
}
