package main

import (
	"fmt"
	"path"
	"strings"
)

// planPath normalizes the plan-path input once, by the rules of the plan's
// patterns: leading "./" is dropped, and a path that is absolute, leaves
// the repository, or is not written plainly is refused. The plan fetch and
// the plan-file rule use what it returns (README, "Security model").
func planPath(p string) (string, error) {
	s := p
	for strings.HasPrefix(s, "./") {
		s = s[2:]
	}
	bad := func(why string) (string, error) {
		return "", fmt.Errorf("plan-path is %q: %s; give the plan file's path from the repository root, such as plan.toml", p, why)
	}
	switch {
	case s == "":
		return bad("it names no file")
	case strings.HasPrefix(s, "/"):
		return bad("an absolute path")
	case strings.ContainsRune(s, '\\'):
		return bad("a backslash; paths are separated by '/'")
	case strings.ContainsAny(s, "\x00\n\r"):
		return bad("a control character")
	case strings.HasSuffix(s, "/"):
		return bad("a directory")
	case path.Clean(s) != s || s == ".." || strings.HasPrefix(s, "../"):
		return bad("not a plain path (\".\", \"..\" or \"//\" in it)")
	}
	return s, nil
}
