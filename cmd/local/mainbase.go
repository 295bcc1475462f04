package main

import (
	"path/filepath"

	"github.com/parallel-sessions/parallel-sessions/plan"
)

// mainCopy is the main worktree's copy of a plan: the user's checkout,
// which the guard keeps agents out of, and so the only copy that names
// the base branch (README "One verdict with the gate"). A thread's
// worktree, where an agent may edit plan.toml, never picks the base: a
// thread pointing it at a branch of its own, whose committed plan gives
// it everything, would get a green check.
type mainCopy struct {
	base  string // the base it names; plan.DefaultBase when none or unread
	found bool   // the main worktree has the file
	path  string // its absolute path, "" when the main worktree is unknown
	data  []byte // its content, nil when not found
}

// readCopy is a copy of the plan a command has read already.
type readCopy struct {
	path string // absolute; "" for none
	data []byte
}

// readMainCopy reads the file rel (repository-relative) in the main
// worktree of the repository whose shared git directory is commonDir;
// dir is any directory in the repository, for git when the main worktree
// is not the folder holding commonDir. When have is that file, it is not
// read again.
func readMainCopy(commonDir, dir, rel string, have readCopy) mainCopy {
	mc := mainCopy{base: plan.DefaultBase}
	main := ""
	if filepath.Base(commonDir) == ".git" {
		main = filepath.Dir(commonDir) // where git puts the main worktree
	} else if m, err := mainWorktree(dir); err == nil {
		main = m // a separate git directory, or a bare repository
	}
	if main == "" {
		return mc
	}
	mc.path = filepath.Join(main, filepath.FromSlash(rel))
	data := have.data
	if have.path != mc.path {
		var err error
		if data, err = readPlanFile(planLocation{path: mc.path, display: mc.path}); err != nil {
			return mc
		}
	}
	mc.found, mc.data, mc.base = true, data, plan.BaseOf(data)
	return mc
}
