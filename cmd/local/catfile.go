package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
)

// catFile is one `git cat-file --batch-command --follow-symlinks` process:
// every object a plan loader needs, from a single process start. A
// tree-ish:path name follows symbolic links inside the repository.
type catFile struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
}

func startCatFile(dir string) (*catFile, error) {
	cmd := exec.Command("git", "cat-file", "--batch-command", "--follow-symlinks")
	cmd.Dir = dir
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("run git cat-file: %w", err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("run git cat-file: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("run git cat-file: %w", err)
	}
	return &catFile{cmd: cmd, in: in, out: bufio.NewReader(out)}, nil
}

// linkError is a path that names a symbolic link git would not follow:
// one out of the repository, or a loop.
type linkError struct {
	name, why string
}

func (e *linkError) Error() string { return e.name + ": " + e.why }

// info returns the object id of name; ok is false when it does not exist,
// is not of kind, or is a link to nothing. A link out of the repository or
// a loop of links is a *linkError.
func (c *catFile) info(name, kind string) (oid string, ok bool, err error) {
	if strings.ContainsAny(name, "\n\x00") {
		return "", false, fmt.Errorf("object name %q has a line break", name)
	}
	header, err := c.ask("info " + name)
	if err != nil {
		return "", false, err
	}
	if strings.HasSuffix(header, " missing") || strings.HasSuffix(header, " ambiguous") {
		return "", false, nil
	}
	fields := strings.Fields(header)
	if len(fields) == 2 { // a link git did not follow, then its target
		size, err := strconv.Atoi(fields[1])
		if err != nil || size < 0 || size > maxPlanSize {
			return "", false, fmt.Errorf("git cat-file: unexpected answer %q", header)
		}
		if _, err := io.ReadFull(c.out, make([]byte, size+1)); err != nil {
			return "", false, fmt.Errorf("read git cat-file: %w", err)
		}
		switch fields[0] {
		case "symlink":
			return "", false, &linkError{name, "a symbolic link out of the repository"}
		case "loop":
			return "", false, &linkError{name, "too many symbolic links"}
		}
		return "", false, nil // dangling, notdir: nothing there
	}
	if len(fields) != 3 || fields[1] != kind {
		return "", false, nil // a folder named plan.toml is no plan
	}
	return fields[0], true, nil
}

// contents returns blob oid's content, at most maxPlanSize bytes: only
// plans are read this way.
func (c *catFile) contents(oid string) ([]byte, error) {
	header, err := c.ask("contents " + oid)
	if err != nil {
		return nil, err
	}
	fields := strings.Fields(header)
	if len(fields) != 3 {
		return nil, fmt.Errorf("git cat-file: unexpected answer %q", header)
	}
	size, err := strconv.Atoi(fields[2])
	if err != nil || size < 0 || size > maxPlanSize {
		return nil, fmt.Errorf("the plan blob %s is %s bytes, larger than %d KiB; a plan is a small text file", oid, fields[2], maxPlanSize>>10)
	}
	data := make([]byte, size+1) // the content, then a line feed
	if _, err := io.ReadFull(c.out, data); err != nil {
		return nil, fmt.Errorf("read git cat-file: %w", err)
	}
	return data[:size], nil
}

func (c *catFile) ask(command string) (string, error) {
	if _, err := io.WriteString(c.in, command+"\n"); err != nil {
		return "", fmt.Errorf("write to git cat-file: %w", err)
	}
	line, err := c.out.ReadString('\n')
	if err != nil {
		if errors.Is(err, io.EOF) {
			return "", errors.New("git cat-file exited early; is this a git repository?")
		}
		return "", fmt.Errorf("read git cat-file: %w", err)
	}
	return strings.TrimSuffix(line, "\n"), nil
}

// close ends the process: git exits at the end of its input. It is waited
// for, so that no git outlives the command.
func (c *catFile) close() {
	c.in.Close()
	c.cmd.Wait()
}
