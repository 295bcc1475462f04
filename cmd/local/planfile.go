package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/parallel-sessions/parallel-sessions/plan"
)

// maxPlanSize bounds what ps-local reads as a plan; a real plan is a few
// kilobytes, and anything near this is a wrong file.
const maxPlanSize = 1 << 20

// planLocation is where the plan is and how to name it to the user.
type planLocation struct {
	path    string // absolute
	display string // relative to the working directory when below it
	root    string // repository root (or the plan's folder outside git)
	// commonDir is the repository's git directory shared by its worktrees,
	// "" outside git.
	commonDir string
}

// locatePlan resolves --plan, or plan.toml at the root of the repository
// containing the working directory.
func (c *command) locatePlan() (planLocation, error) {
	root, commonDir, gitErr := c.gitDirs()
	loc := planLocation{commonDir: commonDir}
	switch {
	case c.planFlag != "":
		loc.path = c.abs(c.planFlag)
		loc.root = root
		if gitErr != nil {
			loc.root = filepath.Dir(loc.path)
		}
	case gitErr != nil:
		return loc, fmt.Errorf("%w; run inside a git repository or pass --plan FILE", gitErr)
	default:
		loc.path = filepath.Join(root, plan.FileName)
		loc.root = root
	}
	loc.display = c.display(loc.path, loc.root)
	return loc, nil
}

func (c *command) abs(p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(c.dir, p)
}

// display names a file relative to the working directory when it is inside
// the repository, so findings read "plan.toml:3:1" or "../plan.toml:3:1" and
// editors can jump to them; other files keep their absolute path.
func (c *command) display(p, root string) string {
	if !within(root, p) {
		return p
	}
	if rel, err := filepath.Rel(c.dir, p); err == nil {
		return filepath.ToSlash(rel)
	}
	return p
}

// within reports whether p is root or below it.
func within(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// loadPlan reads and parses the plan. The error is for files that cannot be
// read as a plan at all; problems in a plan are findings.
func (c *command) loadPlan() (planLocation, *plan.Plan, []plan.Finding, error) {
	loc, err := c.locatePlan()
	if err != nil {
		return loc, nil, nil, err
	}
	data, err := readPlanFile(loc)
	if err != nil {
		return loc, nil, nil, err
	}
	p, findings := plan.Parse(loc.display, data)
	return loc, p, findings, nil
}

func readPlanFile(loc planLocation) ([]byte, error) {
	f, info, err := openRegular(loc.path) // a FIFO planted there must not hang the command
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("read plan %s: no such file; run `ps-local init` to write one, or pass --plan FILE", loc.display)
	case errors.Is(err, errIsDir):
		return nil, fmt.Errorf("read plan %s: is a directory, not a plan file", loc.display)
	case errors.Is(err, errNotRegular):
		return nil, fmt.Errorf("read plan %s: %w; a plan is a file, as committed on the base branch", loc.display, err)
	case err != nil:
		return nil, fmt.Errorf("read plan %s: %w", loc.display, unwrapPath(err))
	}
	defer f.Close()
	data, err := readBounded(f, info.Size(), maxPlanSize)
	if errors.Is(err, errTooLarge) {
		return nil, fmt.Errorf("read plan %s: larger than %d KiB; a plan is a small text file, is this the right file?", loc.display, maxPlanSize>>10)
	}
	if err != nil {
		return nil, fmt.Errorf("read plan %s: %w", loc.display, unwrapPath(err))
	}
	return stripBOM(data), nil
}

// stripBOM drops a UTF-8 byte order mark, which some Windows editors
// write and TOML does not allow.
func stripBOM(data []byte) []byte {
	return bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
}

// unwrapPath drops the path an *fs.PathError repeats, since the message
// already names the plan.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// gitDirs returns the root of the work tree containing the working
// directory and the git directory its worktrees share: from git's files in
// the plain case (findGitFiles), else from one git process.
func (c *command) gitDirs() (top, commonDir string, err error) {
	if repo, ok := c.repoFiles(); ok {
		return repo.top, repo.commonDir, nil
	}
	dir := c.dir
	out, err := gitCmd{dir: dir}.output("rev-parse", "--path-format=absolute", "--show-toplevel", "--git-common-dir")
	if err != nil {
		if exitedWith(err, 128) {
			return "", "", fmt.Errorf("%s is not inside a git repository", dir)
		}
		return "", "", err
	}
	top, commonDir, _ = strings.Cut(strings.TrimSpace(string(out)), "\n")
	return top, commonDir, nil
}

// gitTopLevel returns the root of the work tree containing dir.
func gitTopLevel(dir string) (string, error) {
	cmd := exec.Command("git", "rev-parse", "--show-toplevel")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", fmt.Errorf("%s is not inside a git repository", dir)
		}
		return "", fmt.Errorf("run git: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}
