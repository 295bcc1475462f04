package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Where fanout installs the guard (README, "The edit-time guard").
const (
	settingsFile = ".claude/settings.local.json"
	guardMatcher = "Write|Edit|NotebookEdit"
)

// guardCommand is the hook command: ps-local found the way the pre-push
// hook finds it (the running binary), quoted for the shell Claude Code
// runs hook commands with.
func guardCommand(self string) string {
	return shellQuote(self) + " guard"
}

// mergeGuardSettings returns settings (the existing file, nil when there
// is none) with the guard hook added: other keys and other hooks are kept
// as they are, and an earlier guard entry (same matcher, a command ending
// in " guard") is updated in place instead of added twice.
func mergeGuardSettings(settings []byte, command string) ([]byte, error) {
	top := map[string]json.RawMessage{}
	if len(bytes.TrimSpace(settings)) > 0 {
		if err := json.Unmarshal(settings, &top); err != nil || top == nil {
			return nil, fmt.Errorf("it is not a JSON object; fix it or pass --no-guard")
		}
	}
	hooks := map[string]json.RawMessage{}
	if raw, ok := top["hooks"]; ok {
		if err := json.Unmarshal(raw, &hooks); err != nil {
			return nil, fmt.Errorf("its \"hooks\" is not an object; fix it or pass --no-guard")
		}
		if hooks == nil { // "hooks": null
			hooks = map[string]json.RawMessage{}
		}
	}
	var entries []map[string]any
	if raw, ok := hooks["PreToolUse"]; ok {
		if err := json.Unmarshal(raw, &entries); err != nil {
			return nil, fmt.Errorf("its \"hooks.PreToolUse\" is not a list; fix it or pass --no-guard")
		}
	}
	ours := map[string]any{"matcher": guardMatcher, "hooks": []any{map[string]any{"type": "command", "command": command}}}
	replaced := false
	for i, e := range entries {
		if isGuardEntry(e) {
			entries[i], replaced = ours, true
			break
		}
	}
	if !replaced {
		entries = append(entries, ours)
	}
	var err error
	if hooks["PreToolUse"], err = json.Marshal(entries); err != nil {
		return nil, fmt.Errorf("encode hooks: %w", err)
	}
	if top["hooks"], err = json.Marshal(hooks); err != nil {
		return nil, fmt.Errorf("encode hooks: %w", err)
	}
	out, err := json.MarshalIndent(top, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode settings: %w", err)
	}
	return append(out, '\n'), nil
}

func isGuardEntry(e map[string]any) bool {
	if e["matcher"] != guardMatcher {
		return false
	}
	hs, _ := e["hooks"].([]any)
	for _, h := range hs {
		m, _ := h.(map[string]any)
		if cmd, _ := m["command"].(string); strings.HasSuffix(cmd, " guard") {
			return true
		}
	}
	return false
}

// writeGuardSettings installs the guard hook in worktree dir. skipped is
// a message when the settings file is tracked, which makes it leave the
// file alone.
func writeGuardSettings(dir, command string, tracked bool) (skipped string, err error) {
	if tracked {
		return fmt.Sprintf("%s is tracked by git, so fanout leaves it alone: add the guard hook to it yourself (matcher %q, command %s)", settingsFile, guardMatcher, command), nil
	}
	path := filepath.Join(dir, filepath.FromSlash(settingsFile))
	have, err := readRegular(path, maxSmallFile)
	if why := refusal(err, maxSmallFile); why != "" {
		return fmt.Sprintf("%s is %s, so fanout leaves it alone: add the guard hook to it yourself (matcher %q, command %s)", settingsFile, why, guardMatcher, command), nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("read %s: %w", settingsFile, unwrapPath(err))
	}
	merged, err := mergeGuardSettings(have, command)
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	if bytes.Equal(merged, have) {
		return "", nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", fmt.Errorf("write %s: %w", settingsFile, unwrapPath(err))
	}
	if err := writeMerged(dir, settingsFile, have, merged); err != nil {
		return "", fmt.Errorf("write %s: %w", settingsFile, err)
	}
	return "", nil
}
