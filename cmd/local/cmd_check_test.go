package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// checkJSON runs check --json in dir and decodes the report.
func checkJSON(t *testing.T, dir string, code int, args ...string) checkReport {
	t.Helper()
	r := runIn(t, dir, append([]string{"check", "--json"}, args...)...)
	wantCode(t, r, code)
	var report checkReport
	if err := json.Unmarshal([]byte(r.stdout), &report); err != nil {
		t.Fatalf("not JSON: %v\n%s\nstderr: %s", err, r.stdout, r.stderr)
	}
	return report
}

// violationsOf lists "path reason status" for each violation.
func violationsOf(r checkReport) []string {
	var out []string
	for _, v := range r.Violations {
		out = append(out, v.Path+" "+v.Reason+" "+v.Status)
	}
	return out
}

func wantViolations(t *testing.T, r checkReport, want ...string) {
	t.Helper()
	got := violationsOf(r)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("violations:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestCheckInScope(t *testing.T) {
	repo := checkRepo(t)
	write(t, filepath.Join(repo, "services/auth/login.go"), "package auth\n\nfunc Login() {}\n")
	write(t, filepath.Join(repo, "go.sum"), "example.com/x v1.0.0 h1:abc=\n")
	commitAll(t, repo, "auth work")
	r := runIn(t, repo, "check")
	wantCode(t, r, exitOK)
	if want := "thread 1 (extract-auth): in scope: 2 paths checked, changes since main"; !strings.HasPrefix(r.stdout, want) {
		t.Errorf("stdout %q, want prefix %q", r.stdout, want)
	}
	report := checkJSON(t, repo, exitOK)
	if !report.InScope || report.Thread.ID != 1 || report.Source != "worktree" || report.Base != "main" || len(report.MergeBase) != 40 || report.Changes != 2 || report.Violations == nil {
		t.Errorf("report: %+v", report)
	}
}

func TestCheckRenameAcrossOwnershipBoundary(t *testing.T) {
	repo := checkRepo(t)
	gitIn(t, repo, "mv", "services/api/old.go", "services/auth/old.go")
	commitAll(t, repo, "move old code into auth")
	report := checkJSON(t, repo, exitFindings, "--committed")
	wantViolations(t, report, "services/api/old.go owned-by renamed")
	v := report.Violations[0]
	if v.PreviousPath != "services/api/old.go" || v.Owner == nil || v.Owner.ID != 2 || v.Pattern != "services/api/" ||
		!strings.HasPrefix(v.Message, `renamed to "services/auth/old.go": owned by thread 2 (api-cleanup)`) {
		t.Errorf("violation: %+v", v)
	}

	r := runIn(t, repo, "check")
	wantCode(t, r, exitFindings)
	want := `services/api/old.go: renamed to "services/auth/old.go": owned by thread 2 (api-cleanup) via "services/api/", not by thread 1 (extract-auth); leave this change to that thread [owned-by]` + "\n"
	if r.stdout != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", r.stdout, want)
	}
	if !strings.Contains(r.stderr, "thread 1 (extract-auth): 1 of 2 paths out of scope") {
		t.Errorf("stderr: %q", r.stderr)
	}
}

func TestCheckDeleteModeChangeAndOddNames(t *testing.T) {
	repo := checkRepo(t)
	gitIn(t, repo, "rm", "-q", "services/api/handler.go")
	if err := os.Chmod(filepath.Join(repo, "tools/run.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	odd := "-lead é space.txt"
	write(t, filepath.Join(repo, odd), "x\n")
	write(t, filepath.Join(repo, "services/auth/-dash é.go"), "package auth\n")
	commitAll(t, repo, "odd changes")
	report := checkJSON(t, repo, exitFindings)
	wantViolations(t, report,
		odd+" not-owned added",
		"services/api/handler.go owned-by removed",
		"tools/run.sh not-owned mode-changed",
	)
	if report.Paths != 4 {
		t.Errorf("paths = %d, want 4 (the owned odd name is checked too)", report.Paths)
	}
	r := runIn(t, repo, "check")
	if !strings.Contains(r.stdout, odd+": not owned by thread 1 (extract-auth)") {
		t.Errorf("the odd name is not printed as it is:\n%s", r.stdout)
	}
}

func TestCheckModeChangeInScope(t *testing.T) {
	repo := checkRepo(t)
	os.Chmod(filepath.Join(repo, "services/auth/login.go"), 0o755)
	commitAll(t, repo, "chmod")
	report := checkJSON(t, repo, exitOK)
	if report.Paths != 1 {
		t.Errorf("a mode-only change was not listed: %+v", report)
	}
}

func TestCheckSubmodulePointer(t *testing.T) {
	repo := checkRepo(t)
	gitIn(t, repo, "checkout", "-q", "main")
	first := gitIn(t, repo, "rev-parse", "HEAD")
	gitIn(t, repo, "update-index", "--add", "--cacheinfo", "160000,"+first+",libs/vendored")
	gitIn(t, repo, "commit", "-q", "-m", "add submodule")
	second := gitIn(t, repo, "rev-parse", "HEAD")
	gitIn(t, repo, "branch", "-q", "-f", "extract-auth", "main")
	gitIn(t, repo, "checkout", "-q", "extract-auth")
	gitIn(t, repo, "update-index", "--cacheinfo", "160000,"+second+",libs/vendored")
	gitIn(t, repo, "commit", "-q", "-m", "bump submodule")
	report := checkJSON(t, repo, exitFindings, "--committed")
	wantViolations(t, report, "libs/vendored owned-by modified")
}

func TestCheckWorktreeChanges(t *testing.T) {
	repo := checkRepo(t)
	write(t, filepath.Join(repo, "services/auth/new.go"), "package auth\n")
	commitAll(t, repo, "in scope")
	write(t, filepath.Join(repo, "services/api/staged.go"), "package api\n")
	gitIn(t, repo, "add", "services/api/staged.go")
	write(t, filepath.Join(repo, "services/api/handler.go"), "package api // unstaged\n")
	write(t, filepath.Join(repo, "notes/untracked.txt"), "x\n")
	write(t, filepath.Join(repo, "debug.log"), "ignored\n")
	write(t, filepath.Join(repo, "plan.toml"), readFile(t, filepath.Join(repo, "plan.toml"))+"\n# widened\n")

	report := checkJSON(t, repo, exitFindings)
	wantViolations(t, report,
		"notes/untracked.txt not-owned added",
		"plan.toml plan-file modified",
		"services/api/handler.go owned-by modified",
		"services/api/staged.go owned-by added",
	)
	// From a subdirectory, the same list: git's paths are repository-relative.
	sub := filepath.Join(repo, "services", "auth")
	if got := checkJSON(t, sub, exitFindings); len(got.Violations) != 4 {
		t.Errorf("from a subdirectory: %v", violationsOf(got))
	}
	committed := checkJSON(t, repo, exitOK, "--committed")
	if committed.Source != "committed" || committed.Paths != 1 {
		t.Errorf("--committed: %+v", committed)
	}
}

func TestCheckThreadSelection(t *testing.T) {
	repo := checkRepo(t)
	write(t, filepath.Join(repo, "services/api/x.go"), "package api\n")
	commitAll(t, repo, "api change on the auth branch")

	// --thread names a thread, not the current HEAD: thread 2 has no work
	// yet, so there is nothing of its to check.
	r := runIn(t, repo, "check", "--thread", "2")
	wantCode(t, r, exitError)
	if !strings.Contains(r.stderr, "thread 2 (api-cleanup) has no branch api-cleanup yet") {
		t.Errorf("--thread 2 without a branch: %q", r.stderr)
	}
	// The dropped thread may change nothing.
	r = runStdin(t, repo, "services/api/x.go\n", "check", "--json", "--thread", "3", "--files", "-")
	wantCode(t, r, exitFindings)
	if !strings.Contains(r.stdout, `"reason": "thread-dropped"`) {
		t.Errorf("dropped thread: %s", r.stdout)
	}

	r = runIn(t, repo, "check", "--thread", "9")
	wantCode(t, r, exitError)
	if !strings.Contains(r.stderr, "plan.toml has no thread 9; its threads are 1 (extract-auth), 2 (api-cleanup), 3 (old-docs)") {
		t.Errorf("unknown thread: %q", r.stderr)
	}

	gitIn(t, repo, "checkout", "-q", "--detach")
	r = runIn(t, repo, "check")
	wantCode(t, r, exitError)
	if !strings.Contains(r.stderr, "HEAD is detached, so the thread is unknown; pass --thread ID") {
		t.Errorf("detached HEAD: %q", r.stderr)
	}
	wantViolations(t, checkJSON(t, repo, exitFindings, "--thread", "1"), "services/api/x.go owned-by added")

	gitIn(t, repo, "checkout", "-q", "main")
	r = runIn(t, repo, "check")
	wantCode(t, r, exitError)
	if !strings.Contains(r.stderr, `branch "main" is not a thread branch in plan.toml`) {
		t.Errorf("base branch: %q", r.stderr)
	}
}

func TestCheckBaseOnlyOnOrigin(t *testing.T) {
	repo := checkRepo(t)
	write(t, filepath.Join(repo, "services/api/x.go"), "package api\n")
	commitAll(t, repo, "out of scope")
	remote := filepath.Join(t.TempDir(), "remote.git")
	gitIn(t, repo, "clone", "-q", "--bare", repo, remote)
	clone := filepath.Join(t.TempDir(), "clone")
	gitIn(t, filepath.Dir(clone), "clone", "-q", "--branch", "extract-auth", remote, clone)
	if out := gitIn(t, clone, "branch", "--list", "main"); out != "" {
		t.Fatalf("the clone has a local main: %q", out)
	}
	report := checkJSON(t, clone, exitFindings)
	if report.Base != "origin/main" {
		t.Errorf("base = %q, want origin/main", report.Base)
	}
	wantViolations(t, report, "services/api/x.go owned-by added")
}

func TestCheckShallowClone(t *testing.T) {
	repo := checkRepo(t)
	write(t, filepath.Join(repo, "services/auth/a.go"), "package auth\n")
	commitAll(t, repo, "thread work")
	gitIn(t, repo, "checkout", "-q", "main")
	write(t, filepath.Join(repo, "README.md"), "main moved on\n")
	commitAll(t, repo, "main moves on")
	remote := filepath.Join(t.TempDir(), "remote.git")
	gitIn(t, repo, "clone", "-q", "--bare", repo, remote)

	clone := filepath.Join(t.TempDir(), "clone")
	gitIn(t, filepath.Dir(clone), "clone", "-q", "--depth", "1", "--branch", "extract-auth", "file://"+remote, clone)
	gitIn(t, clone, "fetch", "-q", "--depth", "1", "origin", "main:refs/remotes/origin/main")
	r := runIn(t, clone, "check")
	wantCode(t, r, exitError)
	if !strings.Contains(r.stderr, "this is a shallow clone and the merge base of origin/main and HEAD is not in it") || !strings.Contains(r.stderr, "git fetch --unshallow") {
		t.Errorf("shallow clone: %q", r.stderr)
	}
	gitIn(t, clone, "fetch", "-q", "--unshallow", "origin")
	report := checkJSON(t, clone, exitOK)
	if report.Paths != 1 {
		t.Errorf("after unshallow: %+v", report)
	}
}

func TestCheckOperationalErrors(t *testing.T) {
	repo := checkRepo(t)
	plan := filepath.Join(repo, "plan.toml")
	write(t, plan, "base = \"develop\"\n"+readFile(t, plan))
	r := runIn(t, repo, "check")
	wantCode(t, r, exitError)
	if !strings.Contains(r.stderr, `base branch "develop" not found, neither as a local branch nor as origin/develop; run `+"`git fetch origin develop`") {
		t.Errorf("missing base: %q", r.stderr)
	}
	gitIn(t, repo, "checkout", "--", "plan.toml")
	r = runIn(t, repo, "check", "--base", "no-such-ref")
	wantCode(t, r, exitError)
	if !strings.Contains(r.stderr, "--base no-such-ref is not a commit") {
		t.Errorf("bad --base: %q", r.stderr)
	}
	wantCode(t, runIn(t, repo, "check", "--base", "main", "--committed"), exitOK)

	outside := t.TempDir()
	copyTestdata(t, "check-plan.toml", filepath.Join(outside, "plan.toml"))
	r = runIn(t, outside, "--plan", "plan.toml", "check")
	wantCode(t, r, exitError)
	if !strings.Contains(r.stderr, "is not inside a git repository; check asks git") {
		t.Errorf("outside git: %q", r.stderr)
	}
	// With --thread and --files, no git is needed.
	r = runStdin(t, outside, "services/api/x.go\n", "--plan", "plan.toml", "check", "--thread", "1", "--files", "-")
	wantCode(t, r, exitFindings)

	// An invalid plan on the base stops check, seen from the thread branch.
	gitIn(t, repo, "checkout", "-q", "main")
	write(t, plan, readFile(t, filepath.Join("testdata", "overlapping.toml")))
	commitAll(t, repo, "a plan with an overlap")
	gitIn(t, repo, "checkout", "-q", "extract-auth")
	r = runIn(t, repo, "check")
	wantCode(t, r, exitFindings)
	if !strings.Contains(r.stderr, "plan.toml as committed on main has 2 problems; check needs a valid plan") || !strings.Contains(r.stdout, "[overlap]") {
		t.Errorf("invalid plan: %q / %q", r.stdout, r.stderr)
	}
	wantCode(t, runIn(t, repo, "check", "--files", "-", "--committed"), exitError)
}

func TestCheckFilesList(t *testing.T) {
	repo := checkRepo(t)
	list := strings.Join([]string{
		"services/auth/a.go",
		"./services/auth/b.go",
		"M\tservices/api/handler.go",
		"R087\tservices/auth/x.go\tservices/api/x.go",
		"C100\tservices/api/handler.go\tservices/auth/copy.go",
		"D\ttests/auth/old_test.go",
		`A	"caf\303\251 menu.txt"`,
		"",
		"-leading dash.txt\r",
	}, "\n")
	write(t, filepath.Join(repo, "changes.txt"), list)
	sub := filepath.Join(repo, "services")
	report := checkJSON(t, sub, exitFindings, "--files", "../changes.txt")
	wantViolations(t, report,
		"-leading dash.txt not-owned modified",
		"café menu.txt not-owned added",
		"services/api/handler.go owned-by modified",
		"services/api/x.go owned-by renamed",
	)
	if report.Source != "files" || report.Changes != 8 || report.Paths != 9 {
		t.Errorf("report: %+v", report)
	}
	stdin := checkJSONStdin(t, repo, "services/auth/a.go\n")
	if !stdin.InScope {
		t.Errorf("stdin list: %+v", stdin)
	}

	for _, bad := range []string{"R100\tonly-one-path\n", "/etc/passwd\n", "a/../../b\n"} {
		r := runStdin(t, repo, bad, "check", "--files", "-")
		wantCode(t, r, exitError)
		if strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 || r.stdout != "" {
			t.Errorf("%q: want one error line, got %q / %q", bad, r.stdout, r.stderr)
		}
	}
	r := runIn(t, repo, "check", "--files", "missing.txt")
	wantCode(t, r, exitError)
	if !strings.Contains(r.stderr, "read --files missing.txt: no such file or directory") {
		t.Errorf("missing list: %q", r.stderr)
	}
}

func checkJSONStdin(t *testing.T, dir, stdin string) checkReport {
	t.Helper()
	r := runStdin(t, dir, stdin, "check", "--json", "--files", "-")
	var report checkReport
	if err := json.Unmarshal([]byte(r.stdout), &report); err != nil {
		t.Fatalf("not JSON: %v\n%s\n%s", err, r.stdout, r.stderr)
	}
	return report
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestCheckQuotesPathsThatForgeLines: a file named with newlines cannot
// write lines of its own into check's output (a forged "in scope" summary,
// or a workflow command such as ::error:: when check runs in a workflow):
// its path is quoted as git quotes it, one finding per line, and --json
// still reports it raw.
func TestCheckQuotesPathsThatForgeLines(t *testing.T) {
	repo := checkRepo(t)
	name := "tools/x\n::error::all good\nthread 1 (extract-auth): in scope"
	write(t, filepath.Join(repo, name), "x\n")

	r := runIn(t, repo, "check")
	wantCode(t, r, exitFindings)
	lines := strings.Split(strings.TrimRight(r.stdout, "\n"), "\n")
	if len(lines) != 1 {
		t.Errorf("one violation, %d lines of output:\n%s", len(lines), r.stdout)
	}
	for _, l := range lines {
		if strings.HasPrefix(l, "::") || strings.Contains(l, "in scope\n") {
			t.Errorf("a file name wrote its own line: %q", l)
		}
	}
	if want := `"tools/x\n::error::all good\nthread 1 (extract-auth): in scope": `; !strings.HasPrefix(r.stdout, want) {
		t.Errorf("the path is not quoted as git quotes it:\n got %s\nwant %s...", r.stdout, want)
	}
	report := checkJSON(t, repo, exitFindings)
	if len(report.Violations) != 1 || report.Violations[0].Path != name {
		t.Errorf("--json should give the path raw: %+v", report.Violations)
	}
}

// TestCheckQuotesPathsAsGitDoes: differential against git itself. For
// file names of ASCII with every control character, quotes and
// backslashes, the path of check's finding is what `git ls-files` prints
// (with core.quotePath off, which leaves other bytes alone as check does
// for printable UTF-8).
func TestCheckQuotesPathsAsGitDoes(t *testing.T) {
	repo := checkRepo(t)
	names := []string{"tools/plain.txt", `tools/q"uote`, `tools/back\slash`, "tools/sp ace", "tools/del\x7f"}
	for c := byte(1); c < ' '; c++ {
		names = append(names, "tools/c"+string(rune(c))+"x")
	}
	for _, n := range names {
		write(t, filepath.Join(repo, n), "x\n")
	}
	out := gitIn(t, repo, "-c", "core.quotePath=false", "ls-files", "--others", "--exclude-standard", "tools/")
	want := map[string]bool{}
	for _, l := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		want[l] = true
	}
	r := runIn(t, repo, "check")
	wantCode(t, r, exitFindings)
	got := map[string]bool{}
	for _, l := range strings.Split(strings.TrimRight(r.stdout, "\n"), "\n") {
		path, _, ok := strings.Cut(l, ": not owned by ")
		if !ok {
			t.Fatalf("not a not-owned finding: %q", l)
		}
		got[path] = true
	}
	if len(want) != len(names) || len(got) != len(want) {
		t.Fatalf("%d names, git lists %d, check finds %d:\n%s", len(names), len(want), len(got), r.stdout)
	}
	for w := range want {
		if !got[w] {
			t.Errorf("git prints %s, check does not:\n%s", w, r.stdout)
		}
	}
}

// A thread that points a submodule (a gitlink) at another commit changes
// that path; git's diff.ignoreSubmodules = all hides such changes from a
// plain git diff, so check must not let the user's config decide what it
// sees.
func TestCheckSeesSubmoduleChangesWhateverTheConfig(t *testing.T) {
	repo := checkRepo(t)
	commit := gitIn(t, repo, "rev-parse", "HEAD")
	gitIn(t, repo, "update-index", "--add", "--cacheinfo", "160000,"+commit+",tools/vendored")
	gitIn(t, repo, "commit", "-q", "-m", "a submodule in tools/")
	gitIn(t, repo, "config", "diff.ignoreSubmodules", "all")
	r := runIn(t, repo, "check", "--committed")
	wantCode(t, r, exitFindings)
	if !strings.Contains(r.stdout, "tools/vendored") {
		t.Errorf("check did not see the submodule change:\n%s\n%s", r.stdout, r.stderr)
	}
}
