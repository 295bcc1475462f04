package main

import (
	"os"
	"path/filepath"
)

// maxLinkHops bounds the symbolic links guard follows, as the kernel does.
const maxLinkHops = 40

// resolveEditPath is where an edit of p, given relative to cwd or
// absolute, writes: symbolic links of the part that exists are followed
// (a dangling link too, to where it points), so a link into another
// thread's area is judged by its target.
func resolveEditPath(cwd, p string) string {
	if !filepath.IsAbs(p) {
		p = filepath.Join(cwd, p)
	}
	return resolveExisting(filepath.Clean(p), 0)
}

func resolveExisting(p string, hops int) string {
	rest, cur := "", p
	for {
		if r, err := filepath.EvalSymlinks(cur); err == nil {
			return filepath.Join(r, rest)
		}
		if info, err := os.Lstat(cur); err == nil && info.Mode()&os.ModeSymlink != 0 && hops < maxLinkHops {
			if target, err := os.Readlink(cur); err == nil {
				if !filepath.IsAbs(target) {
					target = filepath.Join(filepath.Dir(cur), target)
				}
				return resolveExisting(filepath.Join(target, rest), hops+1)
			}
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			return p
		}
		rest = filepath.Join(filepath.Base(cur), rest)
		cur = parent
	}
}

// realPath is p with its symbolic links resolved, or p when it cannot be.
func realPath(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return filepath.Clean(p)
}
