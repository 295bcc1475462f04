package plan

import (
	"errors"
	"strings"
)

// checkBranchName applies the rules of `git check-ref-format --branch`: the
// name must be usable as refs/heads/<name>.
func checkBranchName(name string) error {
	switch {
	case name == "":
		return errors.New("empty branch name")
	case name == "HEAD":
		return errors.New(`"HEAD" is not a branch name`)
	case strings.HasPrefix(name, "-"):
		return errors.New("a branch name cannot start with '-'")
	case strings.HasPrefix(name, "/") || strings.HasSuffix(name, "/"):
		return errors.New("a branch name cannot start or end with '/'")
	case strings.HasSuffix(name, "."):
		return errors.New("a branch name cannot end with '.'")
	case strings.Contains(name, "//"):
		return errors.New("a branch name cannot contain \"//\"")
	case strings.Contains(name, ".."):
		return errors.New("a branch name cannot contain \"..\"")
	case strings.Contains(name, "@{"):
		return errors.New("a branch name cannot contain \"@{\"")
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(" ~^:?*[\\", r) {
			return errors.New("a branch name cannot contain spaces, control characters or any of ~ ^ : ? * [ \\")
		}
	}
	for _, part := range strings.Split(name, "/") {
		if strings.HasPrefix(part, ".") {
			return errors.New("no part of a branch name can start with '.'")
		}
		if strings.HasSuffix(part, ".lock") {
			return errors.New("no part of a branch name can end with \".lock\"")
		}
	}
	return nil
}

// checkFolder checks the worktrees folder: a relative path inside the
// repository, other than the repository root.
func checkFolder(dir string) error {
	dir = strings.TrimSuffix(dir, "/")
	switch {
	case dir == "" || dir == ".":
		return errors.New("must be a folder inside the repository, not its root")
	case strings.ContainsRune(dir, '\\'):
		return errors.New("use '/' to separate folders")
	case strings.HasPrefix(dir, "/"):
		return errors.New("must be relative to the repository root")
	}
	for _, part := range strings.Split(dir, "/") {
		switch part {
		case "":
			return errors.New("empty folder name")
		case "..":
			return errors.New("must stay inside the repository (no \"..\")")
		case ".git":
			return errors.New("must not be inside .git")
		}
	}
	return nil
}
