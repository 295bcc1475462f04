//go:build unix

package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fifoWait bounds each run of ps-local in these tests: a command that
// opens a FIFO for reading waits for a writer forever, and must fail its
// test here rather than hang the suite.
const fifoWait = 20 * time.Second

func runPrompt(t *testing.T, dir string, args ...string) result {
	t.Helper()
	return runCmdWithin(t, fifoWait, dir, nil, "", nil, args...)
}

// plantFIFO puts a FIFO at path, in place of what was there.
func plantFIFO(t *testing.T, path string) {
	t.Helper()
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Fatal(err)
	}
}

// wantFIFO fails the test unless path is still a FIFO: nothing wrote over
// it or removed it.
func wantFIFO(t *testing.T, path string) {
	t.Helper()
	info, err := os.Lstat(path)
	if err != nil || info.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("%s is no longer the FIFO planted there (%v, %v)", path, info, err)
	}
}

func wantIn(t *testing.T, what, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, text)
		}
	}
}

// TestFanoutLeavesFIFOsWhereItsFilesGo: a FIFO where fanout writes the
// brief or AGENTS.override.md, or reads AGENTS.md, is never opened: the
// FIFO is left alone with a note, and the rest is written.
func TestFanoutLeavesFIFOsWhereItsFilesGo(t *testing.T) {
	repo := fanoutRepo(t)
	wantCode(t, runPrompt(t, repo, "fanout"), exitOK)
	wt := func(id string) string { return filepath.Join(repo, "worktrees", "thread-"+id) }
	plantFIFO(t, filepath.Join(wt("1"), briefFile))
	plantFIFO(t, filepath.Join(wt("1"), claudeFile))
	plantFIFO(t, filepath.Join(wt("2"), agentsFile))
	plantFIFO(t, filepath.Join(wt("3"), agentsBase))

	r := runPrompt(t, repo, "fanout")
	wantCode(t, r, exitOK)
	wantIn(t, "stderr", r.stderr,
		"thread 1 (extract-auth): CLAUDE.local.md is not a regular file (a FIFO), so fanout leaves it alone: remove it and run fanout again for the plan's version\n"+
			"thread 1 (extract-auth): THREAD_BRIEF.md is not a regular file (a FIFO), so fanout leaves it alone: remove it and run fanout again for the plan's version\n",
		"thread 2 (api-cleanup): AGENTS.override.md is not a regular file (a FIFO), so fanout leaves it alone",
		"thread 3 (docs): AGENTS.md is not a regular file (a FIFO), so AGENTS.override.md does not carry it",
	)
	wantFIFO(t, filepath.Join(wt("1"), briefFile))
	wantFIFO(t, filepath.Join(wt("1"), claudeFile))
	wantFIFO(t, filepath.Join(wt("2"), agentsFile))
	wantFIFO(t, filepath.Join(wt("3"), agentsBase))
	if !strings.Contains(readFile(t, filepath.Join(wt("3"), agentsFile)), "Document the new layout") {
		t.Error("thread 3's AGENTS.override.md lacks its brief")
	}
}

// TestFanoutHooksLeavesAFIFOSettingsFile: the guard hook is merged into
// .claude/settings.local.json; a FIFO there is left alone with a note.
func TestFanoutHooksLeavesAFIFOSettingsFile(t *testing.T) {
	repo := fanoutRepo(t)
	settings := filepath.Join(repo, "worktrees", "thread-1", filepath.FromSlash(settingsFile))
	wantCode(t, runPrompt(t, repo, "fanout"), exitOK)
	plantFIFO(t, settings)

	r := runPrompt(t, repo, "fanout", "--hooks")
	wantCode(t, r, exitOK)
	wantIn(t, "stderr", r.stderr, "thread 1 (extract-auth): .claude/settings.local.json is not a regular file (a FIFO), so fanout leaves it alone: add the guard hook to it yourself")
	wantFIFO(t, settings)
	if !strings.Contains(readFile(t, filepath.Join(repo, "worktrees", "thread-2", filepath.FromSlash(settingsFile))), " guard") {
		t.Error("thread 2 did not get the guard hook")
	}
}

// TestFanoutHooksRefusesAFIFOHook: a FIFO where a git hook goes is not
// ps-local's hook, and fanout says so instead of waiting on it.
func TestFanoutHooksRefusesAFIFOHook(t *testing.T) {
	repo := fanoutRepo(t)
	hook := filepath.Join(repo, ".git", "hooks", "pre-commit")
	plantFIFO(t, hook)

	r := runPrompt(t, repo, "fanout", "--hooks")
	wantCode(t, r, exitError)
	wantIn(t, "stderr", r.stderr, hook+" is not a regular file (a FIFO): remove it, or add `")
	wantFIFO(t, hook)
}

// TestAddExcludesRefusesAFIFO: fanout and skill install append their
// lines to git's info/exclude; a FIFO there is an error that names it.
// (git itself waits on such a FIFO in any command that reads ignore
// rules, so this is a unit test: fanout runs git before it gets here.)
func TestAddExcludesRefusesAFIFO(t *testing.T) {
	repo := gitRepo(t)
	exclude := filepath.Join(repo, ".git", "info", "exclude")
	plantFIFO(t, exclude)
	done := make(chan error, 1)
	go func() { done <- addExcludes(gitCmd{dir: repo}, []string{"/x/"}, "# x") }()
	select {
	case err := <-done:
		if !errors.Is(err, errNotRegular) || !strings.Contains(err.Error(), "read "+exclude+": not a regular file (a FIFO)") {
			t.Errorf("addExcludes = %v, want an error naming %s", err, exclude)
		}
	case <-time.After(fifoWait):
		t.Fatal("addExcludes waits on a FIFO")
	}
	wantFIFO(t, exclude)
}

// TestCleanupKeepsAWorktreeWithAFIFOForAFanoutFile: a FIFO where fanout
// wrote the brief is not the brief fanout wrote (and git status does not
// list it), so cleanup keeps that landed worktree unless --force, and
// removes the other landed one.
func TestCleanupKeepsAWorktreeWithAFIFOForAFanoutFile(t *testing.T) {
	repo := fanoutRepo(t)
	wantCode(t, runPrompt(t, repo, "fanout"), exitOK)
	landThread(t, repo, "1", "extract-auth", "services/auth/new.go")
	landThread(t, repo, "2", "api-cleanup", "services/api/new.go")
	wt1 := filepath.Join(repo, "worktrees", "thread-1")
	plantFIFO(t, filepath.Join(wt1, briefFile))

	r := runPrompt(t, repo, "cleanup")
	wantCode(t, r, exitOK)
	want := briefNotFanouts
	if !strings.HasPrefix(r.stdout, want) {
		t.Errorf("stdout:\n%s\nwant:\n%s", r.stdout, want)
	}
	wantFIFO(t, filepath.Join(wt1, briefFile))

	r = runPrompt(t, repo, "cleanup", "--force")
	wantCode(t, r, exitOK)
	wantIn(t, "stdout", r.stdout, "thread 1 (extract-auth) worktrees/thread-1: removed (landed in main)")
}

// TestFIFOsInAWorktreesGitFiles: a FIFO as a worktree's .git file or as
// the record of fanout's files (in the worktree's git folder, where an
// agent can write too) stops cleanup and fanout with an error naming it;
// for .git status and cleanup --force too (git would read the repository
// around the worktree instead), while cleanup --force, which removes
// ignored files anyway, needs no record. The worktree stays.
func TestFIFOsInAWorktreesGitFiles(t *testing.T) {
	for _, c := range []struct {
		name  string
		path  func(wt string) string
		error string
		fails [][]string // exit 2 with error
		works [][]string // exit 0
	}{
		{"record", func(wt string) string {
			return filepath.Join(gitIn(t, wt, "rev-parse", "--path-format=absolute", "--git-dir"), writtenFile)
		}, ", the record of fanout's files: not a regular file (a FIFO); remove it", [][]string{{"cleanup"}, {"fanout"}}, [][]string{{"status"}}},
		{".git", func(wt string) string { return filepath.Join(wt, ".git") }, "/.git is not a regular file (a FIFO), so git would read the repository around the worktree", [][]string{{"cleanup"}, {"cleanup", "--force"}, {"fanout"}, {"status"}}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			// Thread 1 landed (cleanup would remove it), thread 2 did
			// not (fanout fills it again).
			repo := fanoutRepo(t)
			wantCode(t, runPrompt(t, repo, "fanout"), exitOK)
			landThread(t, repo, "1", "extract-auth", "services/auth/new.go")
			wt1 := filepath.Join(repo, "worktrees", "thread-1")
			fifos := []string{c.path(wt1), c.path(filepath.Join(repo, "worktrees", "thread-2"))}
			for _, fifo := range fifos {
				plantFIFO(t, fifo)
			}

			for _, args := range c.fails {
				r := runPrompt(t, repo, args...)
				wantCode(t, r, exitError)
				wantIn(t, strings.Join(args, " ")+" stderr", r.stderr, c.error)
				if _, err := os.Stat(filepath.Join(wt1, "services/auth/new.go")); err != nil {
					t.Fatalf("%s removed the worktree: %v", args, err)
				}
				for _, fifo := range fifos {
					wantFIFO(t, fifo)
				}
			}
			for _, args := range c.works {
				wantCode(t, runPrompt(t, repo, args...), exitOK)
			}
		})
	}
}

// TestStatusRefusesAWorktreeFolderWithNoGit: a thread's folder whose .git
// is gone (git worktree prune then forgets it) is read by git as part of
// the main checkout, which would show its work as nothing uncommitted;
// status says what it is instead, and fanout refuses it as before.
func TestStatusRefusesAWorktreeFolderWithNoGit(t *testing.T) {
	repo := fanoutRepo(t)
	wantCode(t, runPrompt(t, repo, "fanout"), exitOK)
	wt2 := filepath.Join(repo, "worktrees", "thread-2")
	write(t, filepath.Join(wt2, "services/api/wip.go"), "package api\n")
	if err := os.Remove(filepath.Join(wt2, ".git")); err != nil {
		t.Fatal(err)
	}
	gitIn(t, repo, "worktree", "prune")
	r := runPrompt(t, repo, "status")
	wantCode(t, r, exitError)
	wantIn(t, "status stderr", r.stderr, "/worktrees/thread-2 has no .git, so it is no worktree and git would read the repository around it: move it away")
	r = runPrompt(t, repo, "cleanup")
	wantCode(t, r, exitOK)
	wantIn(t, "cleanup stdout", r.stdout, "thread 1 (extract-auth) worktrees/thread-1: kept", "thread 3 (docs) worktrees/thread-3: kept")
	if _, err := os.Stat(filepath.Join(wt2, "services/api/wip.go")); err != nil {
		t.Errorf("the work in the folder is gone: %v", err)
	}
}

// TestSkillInstallRefusesAFIFO: a FIFO where SKILL.md goes is an error
// that names it, not a wait; --force replaces it, as it does a different
// SKILL.md.
func TestSkillInstallRefusesAFIFO(t *testing.T) {
	repo := fanoutRepo(t)
	skill := filepath.Join(repo, filepath.FromSlash(skillDir), "SKILL.md")
	plantFIFO(t, skill)
	r := runPrompt(t, repo, "skill", "install")
	wantCode(t, r, exitError)
	wantIn(t, "stderr", r.stderr, skill+" is not a regular file (a FIFO); pass --force to replace it")
	wantFIFO(t, skill)

	wantCode(t, runPrompt(t, repo, "skill", "install", "--force"), exitOK)
	if readFile(t, skill) != string(skillText) {
		t.Error("--force did not replace the FIFO with the skill")
	}
}

// TestCopyIncludedSkipsAFIFO: a .worktreeinclude file that is, or becomes
// between the listing and the copy, a FIFO is skipped with a note, never
// opened for reading, and leaves no empty copy behind.
func TestCopyIncludedSkipsAFIFO(t *testing.T) {
	root, dir := t.TempDir(), t.TempDir()
	plantFIFO(t, filepath.Join(root, "config.local"))
	write(t, filepath.Join(root, "keys.local"), "k\n")
	gitIn(t, dir, "init", "-q")

	type copyResult struct {
		copied  int
		skipped []string
		err     error
	}
	done := make(chan copyResult, 1)
	go func() {
		copied, skipped, err := copyIncluded(root, dir, []string{"config.local", "keys.local"})
		done <- copyResult{copied, skipped, err}
	}()
	var got copyResult
	select {
	case got = <-done:
	case <-time.After(fifoWait):
		t.Fatal("copyIncluded waits on a FIFO")
	}
	if got.err != nil || got.copied != 1 || len(got.skipped) != 1 || got.skipped[0] != "config.local (not a regular file)" {
		t.Errorf("copyIncluded = %d, %q, %v; want 1, [config.local (not a regular file)], nil", got.copied, got.skipped, got.err)
	}

	// Regular when listed, a FIFO when opened: copyNew itself refuses it.
	fifo := filepath.Join(root, "late.local")
	plantFIFO(t, fifo)
	dst := filepath.Join(dir, "late.local")
	go func() {
		ok, err := copyNew(fifo, dst, 0o644)
		done <- copyResult{copied: map[bool]int{true: 1}[ok], err: err}
	}()
	select {
	case got = <-done:
	case <-time.After(fifoWait):
		t.Fatal("copyNew waits on a FIFO")
	}
	if !errors.Is(got.err, errNotRegular) || got.copied != 0 {
		t.Errorf("copyNew of a FIFO = %d, %v; want 0, %v", got.copied, got.err, errNotRegular)
	}
	if _, err := os.Lstat(dst); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("copyNew of a FIFO left %s behind (%v)", dst, err)
	}
}

// TestGitGivesUpOnAFIFOIgnoreFile: git opens a .gitignore without
// checking that it is a regular file, so a FIFO one in a worktree makes
// git status wait for a writer; every git ps-local runs is bounded
// (gitTimeout, shortened here), and says why it gave up.
func TestGitGivesUpOnAFIFOIgnoreFile(t *testing.T) {
	repo := gitRepo(t)
	plantFIFO(t, filepath.Join(repo, "sub", ".gitignore"))
	done := make(chan error, 1)
	go func() {
		_, err := gitCmd{dir: repo, timeout: 2 * time.Second}.output("status", "--porcelain")
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "git status --porcelain gave no answer within 2s") {
			t.Errorf("git status on a FIFO .gitignore: %v, want it to give up", err)
		}
	case <-time.After(fifoWait):
		t.Fatal("git status waits on a FIFO .gitignore")
	}
}

// TestFanoutRefusesAFIFOWorktreeInclude: git reads .worktreeinclude's
// patterns (--exclude-from) and would wait on a FIFO there; fanout
// refuses it first, and makes nothing.
func TestFanoutRefusesAFIFOWorktreeInclude(t *testing.T) {
	repo := fanoutRepo(t)
	plantFIFO(t, filepath.Join(repo, includeFile))
	r := runPrompt(t, repo, "fanout")
	wantCode(t, r, exitError)
	wantIn(t, "stderr", r.stderr, ".worktreeinclude is not a regular file (a FIFO); make it a file of patterns, or remove it")
	if _, err := os.Stat(filepath.Join(repo, "worktrees")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("fanout made worktrees (%v)", err)
	}
}

// TestReadRegular: readRegular reads a regular file (through a symlink
// too) and refuses, without reading, a FIFO, a device (/dev/zero would
// never end), a folder and a file over its bound.
func TestReadRegular(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "file"), "0123456789")
	plantFIFO(t, filepath.Join(dir, "fifo"))
	for name, target := range map[string]string{"link": "file", "zero": "/dev/zero"} {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		name    string
		limit   int64
		want    string
		wantErr error
	}{
		{"file", 10, "0123456789", nil},
		{"link", 10, "0123456789", nil},
		{"file", 9, "", errTooLarge},
		{"fifo", 10, "", errNotRegular},
		{"zero", 10, "", errNotRegular},
		{".", 10, "", errIsDir},
		{"gone", 10, "", os.ErrNotExist},
	} {
		done := make(chan struct{})
		var got []byte
		var err error
		go func() { got, err = readRegular(filepath.Join(dir, c.name), c.limit); close(done) }()
		select {
		case <-done:
		case <-time.After(fifoWait):
			t.Fatalf("readRegular(%s) waits", c.name)
		}
		if string(got) != c.want || !errors.Is(err, c.wantErr) {
			t.Errorf("readRegular(%s, %d) = %q, %v; want %q, %v", c.name, c.limit, got, err, c.want, c.wantErr)
		}
	}
}

func TestRefusal(t *testing.T) {
	for _, c := range []struct {
		err   error
		limit int64
		want  string
	}{
		{fmt.Errorf("%w (a FIFO)", errNotRegular), maxSmallFile, "not a regular file (a FIFO)"},
		{errTooLarge, maxSmallFile, "larger than 1 MiB"},
		{errTooLarge, maxGitFile, "larger than 65536 bytes"},
		{os.ErrNotExist, maxSmallFile, ""},
		{nil, maxSmallFile, ""},
	} {
		if got := refusal(c.err, c.limit); got != c.want {
			t.Errorf("refusal(%v, %d) = %q, want %q", c.err, c.limit, got, c.want)
		}
	}
}
