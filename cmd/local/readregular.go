package main

import (
	"errors"
	"fmt"
	"os"
)

// Bounds of the files ps-local reads in a worktree, the main checkout or
// the git folder, other than the plan and git's refs (README "The local
// workflow", "FIFOs and other non-regular files").
const (
	// maxSmallFile bounds a file a person or an agent writes by hand and
	// ps-local reads whole: .claude/settings.local.json, AGENTS.md,
	// AGENTS.override.md, a git hook, the skill's SKILL.md, and the files
	// fanout wrote and compares before writing again.
	maxSmallFile = 1 << 20
	// maxExcludeFile bounds git's info/exclude, which fanout appends to.
	maxExcludeFile = 16 << 20
	// maxWrittenRecord bounds the record of the files fanout wrote in one
	// worktree (see writtenFile): an entry of about 100 bytes per file per
	// fanout.
	maxWrittenRecord = 32 << 20
	// maxGitFile bounds a linked worktree's .git file, "gitdir: PATH".
	maxGitFile = 64 << 10
)

// openRegular opens name for reading only when it is a regular file, and
// never waits to find out: a FIFO is opened without waiting for a writer
// (openNonblocking) and is errNotRegular, like a device or a socket; a
// folder is errIsDir. The caller closes the file.
func openRegular(name string) (*os.File, os.FileInfo, error) {
	f, err := openNonblocking(name)
	if err != nil {
		return nil, nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	switch {
	case info.IsDir():
		f.Close()
		return nil, nil, errIsDir
	case !info.Mode().IsRegular():
		f.Close()
		return nil, nil, fmt.Errorf("%w (%s)", errNotRegular, fileKind(info.Mode()))
	}
	return f, info, nil
}

// readRegular reads the regular file name whole, as os.ReadFile does, but
// never waits on a FIFO (see openRegular) and fails with errTooLarge,
// unread, beyond limit bytes.
func readRegular(name string, limit int64) ([]byte, error) {
	f, info, err := openRegular(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if info.Size() > limit {
		return nil, errTooLarge
	}
	return readBounded(f, info.Size(), limit)
}

// readRegularText is readRegular as a string that shares the bytes read.
func readRegularText(name string, limit int64) (string, error) {
	data, err := readRegular(name, limit)
	return sharedString(data), err
}

// refusal says why readRegular refused a file bounded by limit, for a
// message ("is " + refusal): "not a regular file (a FIFO)", "larger than
// 1 MiB"; "" for any other error.
func refusal(err error, limit int64) string {
	switch {
	case errors.Is(err, errNotRegular):
		return err.Error()
	case errors.Is(err, errTooLarge) && limit%(1<<20) == 0:
		return fmt.Sprintf("larger than %d MiB", limit>>20)
	case errors.Is(err, errTooLarge):
		return fmt.Sprintf("larger than %d bytes", limit)
	}
	return ""
}
