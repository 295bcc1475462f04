package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
)

// gitEnvVars change where git finds a repository, its work tree or its
// refs, or add config (-c) that could; with any of them set, ps-local
// asks git rather than reading its files. The global and system config
// files (GIT_CONFIG_GLOBAL, GIT_CONFIG_NOSYSTEM) do not count: git reads
// core.worktree and core.bare from the repository's own config, and
// safe.directory only matters for a repository someone else owns, which
// is left to git.
var gitEnvVars = []string{"GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_CEILING_DIRECTORIES",
	"GIT_DISCOVERY_ACROSS_FILESYSTEM", "GIT_NAMESPACE", "GIT_CONFIG", "GIT_CONFIG_PARAMETERS",
	"GIT_CONFIG_COUNT", "GIT_OBJECT_DIRECTORY"}

// gitRepoFiles is the repository containing a folder, found in the files
// git keeps: the worktree's root, its own git directory and the git
// directory its worktrees share.
type gitRepoFiles struct {
	top, gitDir, commonDir string
}

// repoMemo is findGitFiles of a command's working directory, read once
// per command: a check reads it for the plan and for the branch.
type repoMemo struct {
	done  bool
	files gitRepoFiles
	ok    bool
}

// repoFiles is findGitFiles(c.dir), read once per command.
func (c *command) repoFiles() (gitRepoFiles, bool) {
	if !c.repo.done {
		c.repo = repoMemo{done: true}
		c.repo.files, c.repo.ok = findGitFiles(c.dir)
	}
	return c.repo.files, c.repo.ok
}

// findGitFiles finds the repository containing dir as git does, without
// running git, for the plain case: a work tree with a .git folder, or a
// .git file naming a linked worktree's git directory, owned by the current
// user, on one file system, with no environment variable or config that
// moves the work tree (core.worktree, includes, a bare repository). ok is
// false for anything else, and the caller asks git (README "`check`: the
// scope check", "Speed").
func findGitFiles(dir string) (repo gitRepoFiles, ok bool) {
	for _, v := range gitEnvVars {
		if _, set := os.LookupEnv(v); set {
			return repo, false
		}
	}
	real, err := filepath.EvalSymlinks(dir)
	if err != nil || !filepath.IsAbs(real) {
		return repo, false
	}
	start, err := os.Stat(real)
	if err != nil {
		return repo, false
	}
	for d := real; ; d = filepath.Dir(d) {
		info, err := os.Stat(d)
		if err != nil || !sameDevice(info, start) || filepath.Base(d) == ".git" || isGitDir(d) {
			return repo, false // another file system, or inside a git directory
		}
		dotGit := filepath.Join(d, ".git")
		if fi, err := os.Lstat(dotGit); err == nil {
			switch {
			case fi.IsDir():
				repo.gitDir = dotGit
			case fi.Mode().IsRegular():
				data, err := readRegular(dotGit, maxRefFile)
				line, found := bytes.CutPrefix(data, []byte("gitdir: "))
				if err != nil || !found {
					return repo, false
				}
				target := strings.TrimSuffix(string(line), "\n")
				if !filepath.IsAbs(target) {
					target = filepath.Join(d, target)
				}
				repo.gitDir = filepath.Clean(target)
			default:
				return repo, false
			}
			repo.top = d
			break
		} else if !errors.Is(err, os.ErrNotExist) {
			return repo, false
		}
		if d == filepath.Dir(d) {
			return repo, false // no repository: git says why
		}
	}
	repo.commonDir = repo.gitDir
	if data, err := readRegular(filepath.Join(repo.gitDir, "commondir"), maxRefFile); err == nil {
		common, ok := strings.CutSuffix(string(data), "\n")
		if !ok {
			return repo, false
		}
		if !filepath.IsAbs(common) {
			common = filepath.Join(repo.gitDir, common)
		}
		repo.commonDir = filepath.Clean(common)
	} else if !errors.Is(err, os.ErrNotExist) {
		return repo, false
	}
	if !isGitDir(repo.gitDir) || !ownedByMe(repo.top) || !ownedByMe(repo.commonDir) {
		return repo, false
	}
	for _, config := range []string{filepath.Join(repo.commonDir, "config"), filepath.Join(repo.gitDir, "config.worktree")} {
		data, err := readRegular(config, maxRefFile)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return repo, false
		}
		lower := bytes.ToLower(data)
		for _, word := range []string{"worktree", "include", "bare = true", "bare=true"} {
			if bytes.Contains(lower, []byte(word)) {
				return repo, false
			}
		}
	}
	return repo, true
}

// isGitDir reports whether d holds a HEAD file and an objects folder or a
// commondir file: a git directory.
func isGitDir(d string) bool {
	if fi, err := os.Stat(filepath.Join(d, "HEAD")); err != nil || !fi.Mode().IsRegular() {
		return false
	}
	if fi, err := os.Stat(filepath.Join(d, "objects")); err == nil && fi.IsDir() {
		return true
	}
	_, err := os.Stat(filepath.Join(d, "commondir"))
	return err == nil
}

// headBranchFiles is the branch checked out in the worktree whose git
// directory is gitDir, from its HEAD file; ok is false when HEAD is not a
// symbolic ref to a branch (detached, or unreadable), and git decides.
func headBranchFiles(gitDir string) (string, bool) {
	data, err := readRegular(filepath.Join(gitDir, "HEAD"), maxRefFile)
	if err != nil {
		return "", false
	}
	line, ok := bytes.CutSuffix(data, []byte("\n"))
	if !ok {
		return "", false
	}
	branch, ok := bytes.CutPrefix(line, []byte("ref: refs/heads/"))
	if !ok || len(branch) == 0 {
		return "", false
	}
	return string(branch), true
}
