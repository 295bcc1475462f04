package main

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
)

// agentsFile carries the brief to Codex, which reads AGENTS.override.md
// before AGENTS.md in each folder and takes one of them (README, "The
// edit-time guard"). Fanout writes it with the tracked AGENTS.md copied in
// first, so the project's own instructions stay loaded.
const (
	agentsFile   = "AGENTS.override.md"
	agentsBase   = "AGENTS.md"
	agentsMarker = "<!-- written by ps-local fanout: rerun it after AGENTS.md or the plan changes -->"
)

// setupAgents writes what keeps an agent in its lane in worktree dir: the
// guard hook for Claude Code (unless noGuard) and AGENTS.override.md for
// Codex, which carries brief. Files someone else made or git tracks (in
// tracked) are left alone, with a note for the operator.
func setupAgents(dir, brief, self string, noGuard bool, tracked map[string]bool) (notes []string, err error) {
	if !noGuard {
		note, err := writeGuardSettings(dir, guardCommand(self), tracked[settingsFile])
		if err != nil {
			return nil, err
		}
		if note != "" {
			notes = append(notes, note)
		}
	}
	note, err := writeAgentsOverride(dir, brief, tracked[agentsFile])
	if note != "" {
		notes = append(notes, note)
	}
	return notes, err
}

func writeAgentsOverride(dir, brief string, tracked bool) (note string, err error) {
	path := filepath.Join(dir, agentsFile)
	if tracked {
		return fmt.Sprintf("%s is tracked by git, so fanout leaves it alone: Codex reads it, not the brief", agentsFile), nil
	}
	have, err := readRegular(path, maxSmallFile)
	switch why := refusal(err, maxSmallFile); {
	case err == nil && !strings.Contains(string(have), agentsMarker):
		return fmt.Sprintf("%s exists and was not written by ps-local, so Codex does not get the brief: add %s to it yourself", agentsFile, briefFile), nil
	case why != "":
		return fmt.Sprintf("%s is %s, so fanout leaves it alone and Codex does not get the brief: replace it with a file that names %s", agentsFile, why, briefFile), nil
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return "", fmt.Errorf("read %s: %w", agentsFile, unwrapPath(err))
	}
	var b strings.Builder
	b.WriteString(agentsMarker + "\n\n")
	base, err := readRegular(filepath.Join(dir, agentsBase), maxSmallFile)
	switch why := refusal(err, maxSmallFile); {
	case err == nil:
		b.Write(base)
		b.WriteString("\n\n")
	case why != "":
		note = fmt.Sprintf("%s is %s, so %s does not carry it and Codex reads only the brief: replace it with a regular file and run fanout again", agentsBase, why, agentsFile)
	}
	b.WriteString(brief)
	if err := writeRecorded(dir, agentsFile, []byte(b.String())); err != nil {
		return "", fmt.Errorf("write %s: %w", agentsFile, err)
	}
	return note, nil
}
