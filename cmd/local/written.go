package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// writtenFile is the record, in a worktree's own git admin folder (never in
// the work tree, never tracked), of the files fanout wrote into that
// worktree: one "sha256 path" entry per file, NUL-terminated, the last
// entry of a path winning. cleanup compares it with the files git ignores,
// so a file fanout wrote and nobody changed since is not taken for work
// (README "cleanup").
const writtenFile = "ps-local-written"

// writeRecorded writes data to the repository-relative name in worktree dir
// and records it as fanout's.
func writeRecorded(dir, name string, data []byte) error {
	if err := writeFileAtomic(filepath.Join(dir, filepath.FromSlash(name)), data); err != nil {
		return err
	}
	return recordWritten(dir, name)
}

// writeMerged is writeRecorded for a file fanout merges its part into
// (old: the file before, nil when there was none): the result is fanout's
// only when old was absent or as fanout wrote it; else it holds the
// operator's content and stays their work.
func writeMerged(dir, name string, old, data []byte) error {
	if old != nil {
		sums, err := readWritten(dir)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(old)
		if sums[name] != hex.EncodeToString(sum[:]) {
			return writeFileAtomic(filepath.Join(dir, filepath.FromSlash(name)), data)
		}
	}
	return writeRecorded(dir, name, data)
}

// handEdited reports whether the file name of worktree dir holds something
// other than data that fanout did not write there: a file fanout wrote and
// someone changed since, or one it never wrote. Writing data over it would
// lose that edit. sums is readWritten's record. A FIFO, a socket or a
// device there is errNotRegular, never opened (README "The local
// workflow").
func handEdited(dir, name string, data []byte, sums map[string]string) (bool, error) {
	have, err := fileSum(filepath.Join(dir, filepath.FromSlash(name)))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case errors.Is(err, errNotRegular):
		return false, err
	case err != nil:
		return false, fmt.Errorf("read %s: %w", name, unwrapPath(err))
	}
	want := sha256.Sum256(data)
	return have != hex.EncodeToString(want[:]) && sums[name] != have, nil
}

// recordWritten records the files names (repository-relative) of worktree
// dir, as they are now, as written by fanout.
func recordWritten(dir string, names ...string) error {
	if len(names) == 0 {
		return nil
	}
	path, err := writtenPath(dir)
	if err != nil {
		return err
	}
	have, err := readRegular(path, maxWrittenRecord)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("read %s, the record of fanout's files: %w; remove it and run fanout again", path, unwrapPath(err))
	}
	text := string(have)
	for _, name := range names {
		sum, err := fileSum(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			return fmt.Errorf("record %s as fanout's: %w", name, err)
		}
		text += sum + " " + name + "\x00"
	}
	if err := writeFileAtomic(path, []byte(text)); err != nil {
		return fmt.Errorf("write the record of fanout's files: %w", err)
	}
	return nil
}

// readWritten reads what fanout recorded in worktree dir: path to sha256.
// Empty when it recorded nothing.
func readWritten(dir string) (map[string]string, error) {
	path, err := writtenPath(dir)
	if err != nil {
		return nil, err
	}
	have, err := readRegular(path, maxWrittenRecord)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s, the record of fanout's files: %w; remove it and run fanout again", path, unwrapPath(err))
	}
	sums := map[string]string{}
	for _, entry := range parseNULNames(have) {
		if sum, name, ok := strings.Cut(entry, " "); ok {
			sums[name] = sum
		}
	}
	return sums, nil
}

// writtenPath is the record's path in worktree dir's git admin folder:
// the folder a linked worktree's .git file names ("gitdir: PATH", so
// cleanup runs no git process for it), else what git rev-parse --git-dir
// says. A .git that is neither a file nor a folder is an error (see
// checkGitLink).
func writtenPath(dir string) (string, error) {
	link, err := readRegular(filepath.Join(dir, ".git"), maxGitFile)
	if err == nil {
		if gitDir, ok := strings.CutPrefix(strings.TrimRight(string(link), "\r\n"), "gitdir: "); ok && !strings.ContainsAny(gitDir, "\r\n") {
			if !filepath.IsAbs(gitDir) {
				gitDir = filepath.Join(dir, gitDir)
			}
			return filepath.Join(gitDir, writtenFile), nil
		}
	} else if err := checkGitLink(dir); err != nil {
		return "", err
	}
	gitDir, err := gitCmd{dir: dir}.line("rev-parse", "--path-format=absolute", "--git-dir")
	if err != nil {
		return "", fmt.Errorf("find the git folder of %s: %w", dir, err)
	}
	return filepath.Join(gitDir, writtenFile), nil
}

// fileSum is the SHA-256 of the regular file at path; a FIFO, a socket or
// a device is errNotRegular, unread (see openRegular).
func fileSum(path string) (string, error) {
	f, _, err := openRegular(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// ignoredWork returns, of the ignored paths git status listed in worktree
// dir (a folder ends in "/"), the files that are not fanout's own
// unchanged since it wrote them: the work git worktree remove would delete
// without a word. A FIFO, a socket or a device where fanout wrote a file,
// which git status never lists, is not fanout's file either. It stops
// after limit+1, so a big ignored folder costs little once it has shown it
// holds work.
func ignoredWork(dir string, ignored []string, limit int) ([]string, error) {
	sums, err := readWritten(dir)
	if err != nil {
		return nil, err
	}
	var work []string
	isWork := func(name string, d fs.DirEntry) {
		if !d.Type().IsRegular() {
			work = append(work, name)
			return
		}
		want, ok := sums[name]
		if !ok {
			work = append(work, name)
			return
		}
		if sum, err := fileSum(filepath.Join(dir, filepath.FromSlash(name))); err != nil || sum != want {
			work = append(work, name)
		}
	}
	for _, name := range ignored {
		if len(work) > limit {
			break
		}
		if !strings.HasSuffix(name, "/") {
			info, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(name)))
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", name, unwrapPath(err))
			}
			isWork(name, fs.FileInfoToDirEntry(info))
			continue
		}
		root := filepath.Join(dir, filepath.FromSlash(name))
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if len(work) > limit {
				return fs.SkipAll
			}
			if d.IsDir() {
				return nil
			}
			rel, err := filepath.Rel(dir, path)
			if err != nil {
				return err
			}
			isWork(filepath.ToSlash(rel), d)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, unwrapPath(err))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(sums)) {
		if len(work) > limit {
			break
		}
		info, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(name)))
		if err == nil && info.Mode().Type()&(fs.ModeNamedPipe|fs.ModeSocket|fs.ModeDevice|fs.ModeIrregular) != 0 {
			work = append(work, name)
		}
	}
	slices.Sort(work)
	return work, nil
}
