package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRefFilesMatchGit: differential test of readRefFiles against `git
// rev-parse`: loose refs, packed refs, both (the loose one wins),
// symbolic refs to either, a folder where a ref would be, remote-tracking
// refs, a linked worktree's view, and refs that do not exist. Whatever
// readRefFiles answers for sure is what git says.
func TestRefFilesMatchGit(t *testing.T) {
	repo := gitRepo(t)
	write(t, filepath.Join(repo, "a"), "1\n")
	commitAll(t, repo, "one")
	first := gitIn(t, repo, "rev-parse", "HEAD")
	write(t, filepath.Join(repo, "a"), "2\n")
	commitAll(t, repo, "two")
	gitIn(t, repo, "branch", "packed-only", first)
	gitIn(t, repo, "branch", "feature/x")
	gitIn(t, repo, "update-ref", "refs/remotes/origin/main", first)
	gitIn(t, repo, "tag", "-a", "-m", "annotated", "v1", first)
	gitIn(t, repo, "pack-refs", "--all")
	gitIn(t, repo, "branch", "loose-only")
	gitIn(t, repo, "branch", "-f", "packed-only-moved", first)
	gitIn(t, repo, "pack-refs", "--all")
	gitIn(t, repo, "branch", "-f", "packed-only-moved", "main") // loose, over the packed one
	gitIn(t, repo, "symbolic-ref", "refs/heads/alias", "refs/heads/packed-only")
	gitIn(t, repo, "symbolic-ref", "refs/heads/alias2", "refs/heads/alias")
	gitIn(t, repo, "symbolic-ref", "refs/heads/dangling", "refs/heads/nowhere")
	gitIn(t, repo, "worktree", "add", "-q", "-b", "thread", filepath.Join(repo, "wt"))

	names := []string{"main", "packed-only", "packed-only-moved", "loose-only", "feature/x", "feature", "alias", "alias2", "dangling", "nowhere", "thread"}
	for _, dir := range []string{repo, filepath.Join(repo, "wt")} {
		_, commonDir, err := (&command{dir: dir}).gitDirs()
		if err != nil {
			t.Fatal(err)
		}
		refs := []string{"refs/remotes/origin/main", "refs/remotes/origin/nowhere", "refs/tags/v1"}
		for _, n := range names {
			refs = append(refs, "refs/heads/"+n)
		}
		found := 0
		for _, ref := range refs {
			oid, answer := readRefFiles(commonDir, ref)
			want, err := gitCmd{dir: dir}.line("rev-parse", "--verify", "--quiet", "--end-of-options", ref)
			switch {
			case answer == refUnknown:
				t.Errorf("%s: the files did not say, for a plain files repository", ref)
			case answer == refFound && (err != nil || oid != want):
				t.Errorf("%s: files say %s, git says %q (%v)", ref, oid, want, err)
			case answer == refAbsent && err == nil:
				t.Errorf("%s: files say absent, git says %s", ref, want)
			}
			if answer == refFound {
				found++
			}
		}
		if found != 10 {
			t.Errorf("%s: %d refs found, want 10", dir, found)
		}
	}
}

// TestRefFilesLeaveTheUnknownToGit: a reftable repository, a config that
// names a ref storage, and files git would not write are refUnknown, never
// a guess.
func TestRefFilesLeaveTheUnknownToGit(t *testing.T) {
	repo := gitRepo(t)
	write(t, filepath.Join(repo, "a"), "1\n")
	commitAll(t, repo, "one")
	_, commonDir, err := (&command{dir: repo}).gitDirs()
	if err != nil {
		t.Fatal(err)
	}
	if _, answer := readRefFiles(commonDir, "refs/heads/main"); answer != refFound {
		t.Fatalf("main not found: %v", answer)
	}
	loose := filepath.Join(commonDir, "refs", "heads", "main")
	oid := strings.TrimSpace(readFile(t, loose))
	for name, damage := range map[string]func(){
		"reftable folder": func() { os.Mkdir(filepath.Join(commonDir, "reftable"), 0o755) },
		"refStorage config": func() {
			f, _ := os.OpenFile(filepath.Join(commonDir, "config"), os.O_APPEND|os.O_WRONLY, 0)
			f.WriteString("[extensions]\n\trefStorage = files\n")
			f.Close()
		},
		"no line end":  func() { os.WriteFile(loose, []byte(oid), 0o644) },
		"short id":     func() { os.WriteFile(loose, []byte(oid[:12]+"\n"), 0o644) },
		"upper case":   func() { os.WriteFile(loose, []byte(strings.ToUpper(oid)+"\n"), 0o644) },
		"symref cycle": func() { os.WriteFile(loose, []byte("ref: refs/heads/main\n"), 0o644) },
		"symref out":   func() { os.WriteFile(loose, []byte("ref: ../../config\n"), 0o644) },
		"symlink ref":  func() { os.Remove(loose); os.Symlink("refs/heads/other", loose) },
		"bad packed": func() {
			os.Remove(loose)
			os.WriteFile(filepath.Join(commonDir, "packed-refs"), []byte("nonsense\n"), 0o644)
		},
		"packed no eol": func() {
			os.Remove(loose)
			os.WriteFile(filepath.Join(commonDir, "packed-refs"), []byte(oid+" refs/heads/main"), 0o644)
		},
	} {
		t.Run(name, func(t *testing.T) {
			config := readFile(t, filepath.Join(commonDir, "config"))
			defer func() {
				os.RemoveAll(filepath.Join(commonDir, "reftable"))
				os.Remove(filepath.Join(commonDir, "packed-refs"))
				os.Remove(loose)
				write(t, loose, oid+"\n")
				write(t, filepath.Join(commonDir, "config"), config)
			}()
			damage()
			if got, answer := readRefFiles(commonDir, "refs/heads/main"); answer != refUnknown {
				t.Errorf("answered %v %q; want refUnknown", answer, got)
			}
		})
	}
}

// TestGitFilesMatchGit: differential test of findGitFiles and
// headBranchFiles against `git rev-parse` and `git symbolic-ref`: from a
// repository's root, a subfolder, a linked worktree and its subfolder, a
// path through a symbolic link, a detached HEAD, and places git's files
// leave to git (inside .git, a core.worktree config, a bare repository).
func TestGitFilesMatchGit(t *testing.T) {
	repo := gitRepo(t)
	write(t, filepath.Join(repo, "sub/deep/a"), "1\n")
	commitAll(t, repo, "one")
	wt := filepath.Join(repo, "wt")
	gitIn(t, repo, "worktree", "add", "-q", "-b", "thread", wt)
	os.MkdirAll(filepath.Join(wt, "sub", "deep"), 0o755)
	detached := filepath.Join(t.TempDir(), "detached")
	gitIn(t, repo, "worktree", "add", "-q", "--detach", detached)
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(filepath.Join(repo, "sub"), link); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{repo, filepath.Join(repo, "sub", "deep"), wt, filepath.Join(wt, "sub", "deep"), link, detached} {
		got, ok := findGitFiles(dir)
		if !ok {
			t.Errorf("%s: the files did not say", dir)
			continue
		}
		out := gitIn(t, dir, "rev-parse", "--path-format=absolute", "--show-toplevel", "--absolute-git-dir", "--git-common-dir")
		want := strings.Split(out, "\n")
		if len(want) != 3 || got.top != want[0] || realPath(got.gitDir) != realPath(want[1]) || realPath(got.commonDir) != realPath(want[2]) {
			t.Errorf("%s: files say %+v, git says %q", dir, got, want)
		}
		branch, ok := headBranchFiles(got.gitDir)
		gitBranch, err := gitCmd{dir: dir}.line("symbolic-ref", "--quiet", "--short", "HEAD")
		if ok != (err == nil) || branch != gitBranch {
			t.Errorf("%s: HEAD file says %q (%v), git says %q (%v)", dir, branch, ok, gitBranch, err)
		}
	}
	if _, ok := findGitFiles(filepath.Join(repo, ".git", "refs")); ok {
		t.Error("inside .git: the files answered")
	}
	bare := filepath.Join(t.TempDir(), "bare.git")
	gitIn(t, repo, "clone", "-q", "--bare", repo, bare)
	if _, ok := findGitFiles(bare); ok {
		t.Error("a bare repository: the files answered")
	}
	gitIn(t, repo, "config", "core.worktree", repo)
	if _, ok := findGitFiles(repo); ok {
		t.Error("core.worktree set: the files answered")
	}
}
