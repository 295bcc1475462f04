package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// includeFile is the file at the main checkout's root that lists, in
// gitignore syntax, the ignored files fanout copies into each new worktree
// (README "Worktree setup").
const includeFile = ".worktreeinclude"

// includedFiles lists the files of the main checkout that .worktreeinclude
// names and git ignores: untracked, matched by the include patterns and by
// the repository's own ignore rules, outside the worktrees folder. Nil when
// there is no .worktreeinclude; an error when it is a FIFO or another
// non-regular file, which git would wait on for a writer.
func includedFiles(git gitCmd, root, worktrees string) ([]string, error) {
	if _, err := os.Lstat(filepath.Join(root, includeFile)); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if info, err := os.Stat(filepath.Join(root, includeFile)); err == nil && !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file (%s); make it a file of patterns, or remove it", includeFile, fileKind(info.Mode()))
	}
	listed, err := git.output("ls-files", "-z", "--others", "--ignored", "--exclude-from="+includeFile)
	if err != nil {
		return nil, fmt.Errorf("list the files %s names: %w", includeFile, err)
	}
	ignored, err := git.output("ls-files", "-z", "--others", "--ignored", "--exclude-standard")
	if err != nil {
		return nil, fmt.Errorf("list the files git ignores: %w", err)
	}
	isIgnored := map[string]bool{}
	for _, n := range parseNULNames(ignored) {
		isIgnored[n] = true
	}
	folder := strings.Trim(worktrees, "/") + "/"
	var out []string
	for _, n := range parseNULNames(listed) {
		if isIgnored[n] && !strings.HasPrefix(n, folder) {
			out = append(out, n)
		}
	}
	return out, nil
}

// copyIncluded copies the named files from root into the worktree dir. It
// copies regular files only (a symlink is skipped: it could point out of the
// repository), never writes over an existing file and never writes through
// a symlinked folder of the worktree. It returns how many it copied and
// what it skipped, and why.
func copyIncluded(root, dir string, names []string) (copied int, skipped []string, err error) {
	for _, name := range names {
		src := filepath.Join(root, filepath.FromSlash(name))
		info, err := os.Lstat(src)
		if err != nil {
			return copied, skipped, fmt.Errorf("read %s: %w", name, err)
		}
		if !info.Mode().IsRegular() {
			skipped = append(skipped, name+" (not a regular file)")
			continue
		}
		dst := filepath.Join(dir, filepath.FromSlash(name))
		if linked := symlinkedParent(dir, dst); linked != "" {
			skipped = append(skipped, name+" (its folder "+linked+" is a symlink in the worktree)")
			continue
		}
		done, err := copyNew(src, dst, info.Mode().Perm())
		if errors.Is(err, errNotRegular) || errors.Is(err, errIsDir) {
			skipped = append(skipped, name+" (not a regular file)")
			continue
		}
		if err != nil {
			return copied, skipped, fmt.Errorf("copy %s: %w", name, err)
		}
		if !done {
			skipped = append(skipped, name+" (already in the worktree)")
			continue
		}
		if err := recordWritten(dir, name); err != nil {
			return copied, skipped, err
		}
		copied++
	}
	return copied, skipped, nil
}

// symlinkedParent returns the first folder between dir and path that is a
// symlink, relative to dir, or "".
func symlinkedParent(dir, path string) string {
	rel, err := filepath.Rel(dir, filepath.Dir(path))
	if err != nil || rel == "." {
		return ""
	}
	cur := dir
	for _, part := range strings.Split(rel, string(filepath.Separator)) {
		cur = filepath.Join(cur, part)
		if info, err := os.Lstat(cur); err == nil && info.Mode()&fs.ModeSymlink != 0 {
			r, _ := filepath.Rel(dir, cur)
			return filepath.ToSlash(r)
		}
	}
	return ""
}

// copyNew copies the regular file src to a new file dst; false when dst
// exists. A src that is no longer a regular file (a FIFO since it was
// listed) is errNotRegular, never read, and makes no dst (see openRegular).
func copyNew(src, dst string, perm fs.FileMode) (bool, error) {
	in, _, err := openRegular(src)
	if err != nil {
		return false, err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return false, err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if errors.Is(err, fs.ErrExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return false, err
	}
	return true, out.Close()
}

// quotedList joins names with spaces, each shell-quoted where needed.
func quotedList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quoteIfNeeded(n)
	}
	return strings.Join(q, " ")
}
