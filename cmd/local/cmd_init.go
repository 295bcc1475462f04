package main

import (
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

//go:embed template.toml
var planTemplate []byte

func (c *command) runInit(args []string) error {
	fs := c.flags("init", "[--force]")
	force := fs.Bool("force", false, "overwrite an existing plan")
	if err := c.parseNoArgs(fs, args); err != nil {
		return err
	}
	loc, err := c.locatePlan()
	if err != nil {
		return err
	}
	if !*force {
		if _, err := os.Lstat(loc.path); err == nil {
			return fmt.Errorf("%s already exists; pass --force to overwrite it", loc.display)
		} else if !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("init %s: %w", loc.display, unwrapPath(err))
		}
	}
	if err := writeFileAtomic(loc.path, planTemplate); err != nil {
		return fmt.Errorf("init %s: %w", loc.display, err)
	}
	fmt.Fprintf(c.stdout, "wrote %s: edit its threads, then run `ps-local validate`\n", loc.display)
	return nil
}

// writeFileAtomic writes data to a temporary file beside path and renames
// it into place, so a failure never leaves a half-written file.
func writeFileAtomic(path string, data []byte) error {
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		return fmt.Errorf("is a directory")
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".ps-local-*.tmp")
	if err != nil {
		return unwrapPath(err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(fs.FileMode(0o644)); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
