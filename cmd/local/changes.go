package main

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/parallel-sessions/parallel-sessions/check"
)

// parseRawDiff reads `git diff --raw -z` output: for each entry a header
// ":srcmode dstmode srcsha dstsha STATUS" and one path, or two for renames
// and copies, each NUL-terminated. A change of mode alone (same content) is
// check.ModeChanged, like git's type changes.
func parseRawDiff(out []byte) ([]check.Change, error) {
	fields := bytes.Split(out, []byte{0})
	if n := len(fields); n > 0 && len(fields[n-1]) == 0 {
		fields = fields[:n-1]
	}
	var changes []check.Change
	for i := 0; i < len(fields); {
		header := string(fields[i])
		parts := strings.Fields(strings.TrimPrefix(header, ":"))
		if !strings.HasPrefix(header, ":") || len(parts) != 5 {
			return nil, fmt.Errorf("unexpected git diff --raw entry %q", header)
		}
		srcMode, dstMode, srcSHA, dstSHA, status := parts[0], parts[1], parts[2], parts[3], parts[4]
		paths := 1
		if status[0] == 'R' || status[0] == 'C' {
			paths = 2
		}
		if i+paths >= len(fields) {
			return nil, fmt.Errorf("git diff --raw entry %q lacks its path", header)
		}
		ch := check.Change{Path: string(fields[i+paths])}
		if paths == 2 {
			ch.PreviousPath = string(fields[i+1])
		}
		switch status[0] {
		case 'A':
			ch.Status = check.Added
		case 'D':
			ch.Status = check.Removed
		case 'M', 'U':
			ch.Status = check.Modified
			if srcMode != dstMode && srcSHA == dstSHA && !isZeroSHA(srcSHA) {
				ch.Status = check.ModeChanged
			}
		case 'T':
			ch.Status = check.ModeChanged
		case 'R':
			ch.Status = check.Renamed
		case 'C':
			ch.Status = check.Copied
		default:
			return nil, fmt.Errorf("git diff reports status %q for %q, which ps-local does not know", status, ch.Path)
		}
		changes = append(changes, ch)
		i += 1 + paths
	}
	return changes, nil
}

func isZeroSHA(s string) bool { return strings.Trim(s, "0") == "" }

// parseNULList reads NUL-terminated paths (git ls-files -z) as additions.
func parseNULList(out []byte) []check.Change {
	var changes []check.Change
	for _, p := range bytes.Split(out, []byte{0}) {
		if len(p) > 0 {
			changes = append(changes, check.Change{Status: check.Added, Path: string(p)})
		}
	}
	return changes
}

// parseFileList reads the --files input: one path per line, or lines of
// `git diff --name-status` ("M\tpath", "R087\told\tnew"). Paths are
// repository-relative; git's C-style quoting ("caf\303\251.txt") and a
// leading "./" are undone. name labels the input in errors.
func parseFileList(name, text string) ([]check.Change, error) {
	// Every path is a part of text: no string of its own.
	changes := make([]check.Change, 0, strings.Count(text, "\n")+1)
	for n := 1; text != ""; n++ {
		line, rest, _ := strings.Cut(text, "\n")
		text = rest
		if len(line) > maxListLine {
			return nil, fmt.Errorf("%s:%d: line longer than %d KiB", name, n, maxListLine>>10)
		}
		line = strings.TrimSuffix(strings.TrimSuffix(line, "\r"), "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		ch, err := parseFileLine(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, n, err)
		}
		changes = append(changes, ch)
	}
	return changes, nil
}

// Bounds of the --files input: far above any real change list.
const (
	maxFileList = 256 << 20
	maxListLine = 1 << 20
)

func parseFileLine(line string) (check.Change, error) {
	if !strings.Contains(line, "\t") { // the common case: a path alone
		p, err := listedPath(line)
		return check.Change{Status: check.Modified, Path: p}, err
	}
	fields := strings.Split(line, "\t")
	status, ok := nameStatus(fields[0])
	if !ok {
		p, err := listedPath(line)
		return check.Change{Status: check.Modified, Path: p}, err
	}
	want := 2
	if status == check.Renamed || status == check.Copied {
		want = 3
	}
	if status == "" || len(fields) != want {
		return check.Change{}, fmt.Errorf("%q is neither a path nor a `git diff --name-status` line (status %s takes %d tab-separated fields)", line, fields[0], want)
	}
	var ch check.Change
	var err error
	ch.Status = status
	if ch.Path, err = listedPath(fields[want-1]); err != nil {
		return ch, err
	}
	if want == 3 {
		ch.PreviousPath, err = listedPath(fields[1])
	}
	return ch, err
}

// nameStatus reads the status field of a `git diff --name-status` line:
// one of git's status letters, then at most three digits (the score of a
// rename or a copy). ok is false for anything else, which makes the line a
// path; status is "" for a letter ps-local does not take (X, unknown).
func nameStatus(field string) (status check.Status, ok bool) {
	if len(field) == 0 || len(field) > 4 || strings.Trim(field[1:], "0123456789") != "" {
		return "", false
	}
	switch field[0] {
	case 'A':
		return check.Added, true
	case 'C':
		return check.Copied, true
	case 'D':
		return check.Removed, true
	case 'M', 'U':
		return check.Modified, true
	case 'R':
		return check.Renamed, true
	case 'T':
		return check.ModeChanged, true
	case 'X':
		return "", true
	}
	return "", false
}

// listedPath undoes git's quoting of unusual names and a leading "./".
func listedPath(p string) (string, error) {
	if len(p) >= 2 && p[0] == '"' && p[len(p)-1] == '"' {
		unq, err := strconv.Unquote(p)
		if err != nil {
			return "", fmt.Errorf("bad quoted path %s: %v", p, err)
		}
		p = unq
	}
	for strings.HasPrefix(p, "./") {
		p = p[2:]
	}
	return p, nil
}
