package check

import (
	"fmt"
	"strings"
)

// Status is how a change touches its path.
type Status string

// Change statuses. GitHub's "changed" and git's type change (T) are
// ModeChanged: the content may be the same, but the path is still touched.
const (
	Added       Status = "added"
	Modified    Status = "modified"
	Removed     Status = "removed"
	Renamed     Status = "renamed"
	Copied      Status = "copied"
	ModeChanged Status = "mode-changed"
)

// Change is one entry of a change list: a repository-relative,
// '/'-separated path, and for renames and copies the path it came from.
type Change struct {
	Status       Status
	Path         string
	PreviousPath string
}

// TouchesPrevious reports whether the change also writes PreviousPath: a
// rename removes it; a copy only reads it.
func (c Change) TouchesPrevious() bool {
	return c.Status == Renamed && c.PreviousPath != c.Path
}

func (c Change) validate() error {
	switch c.Status {
	case Added, Modified, Removed, ModeChanged:
	case Renamed, Copied:
		if err := validPath(c.PreviousPath); err != nil {
			return fmt.Errorf("%s %q: previous path: %w", c.Status, c.Path, err)
		}
	default:
		return fmt.Errorf("%q: unknown change status %q", c.Path, c.Status)
	}
	if err := validPath(c.Path); err != nil {
		return fmt.Errorf("%s change: %w", c.Status, err)
	}
	return nil
}

// validPath accepts what git and GitHub produce: a relative path without
// NUL bytes or empty, "." or ".." segments. Other bytes, invalid UTF-8
// included, are allowed, as git allows them.
func validPath(p string) error {
	if p == "" {
		return fmt.Errorf("empty path")
	}
	if strings.IndexByte(p, 0) >= 0 {
		return fmt.Errorf("%q holds a NUL byte, which no git path can", p)
	}
	if strings.HasPrefix(p, "/") {
		return fmt.Errorf("%q is absolute; paths are relative to the repository root", p)
	}
	for rest := p; ; {
		seg, after, more := strings.Cut(rest, "/")
		if seg == "" || seg == "." || seg == ".." {
			return fmt.Errorf("%q has an empty, \".\" or \"..\" segment", p)
		}
		if !more {
			return nil
		}
		rest = after
	}
}
