//go:build unix

package main

import (
	"os"
	"syscall"
)

// sameDevice reports whether a and b are on one file system: git does not
// look for a repository across one.
func sameDevice(a, b os.FileInfo) bool {
	sa, okA := a.Sys().(*syscall.Stat_t)
	sb, okB := b.Sys().(*syscall.Stat_t)
	return okA && okB && sa.Dev == sb.Dev
}

// ownedByMe reports whether the current user owns path, as git's
// safe.directory check wants; git decides otherwise.
func ownedByMe(path string) bool {
	fi, err := os.Stat(path)
	if err != nil {
		return false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Geteuid()
}
