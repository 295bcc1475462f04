package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// maxHookInput bounds what guard reads from Claude Code: a Write carries the
// whole new file in tool_input.content, so the bound is generous, and
// anything beyond it is read as unreadable input.
const maxHookInput = 32 << 20

// hookInput is the part of Claude Code's PreToolUse hook input guard reads
// (README, "The edit-time guard").
type hookInput struct {
	SessionID      string `json:"session_id"`
	TranscriptPath string `json:"transcript_path"`
	CWD            string `json:"cwd"`
	PermissionMode string `json:"permission_mode"`
	HookEventName  string `json:"hook_event_name"`
	ToolName       string `json:"tool_name"`
	ToolInput      struct {
		FilePath     string `json:"file_path"`
		NotebookPath string `json:"notebook_path"`
	} `json:"tool_input"`
}

// editTools are the tools guard judges, with the input key holding the
// path each one writes.
var editTools = map[string]string{"Write": "file_path", "Edit": "file_path", "MultiEdit": "file_path", "NotebookEdit": "notebook_path"}

// readHookInput decodes the hook input. The error is for input guard
// cannot read: not JSON, too large, or an edit tool without its path.
func readHookInput(r io.Reader) (hookInput, error) {
	var in hookInput
	data, err := io.ReadAll(io.LimitReader(r, maxHookInput+1))
	if err != nil {
		return in, fmt.Errorf("read the hook input: %w", err)
	}
	if len(data) > maxHookInput {
		return in, fmt.Errorf("the hook input is larger than %d MiB", maxHookInput>>20)
	}
	if err := json.Unmarshal(data, &in); err != nil {
		return in, fmt.Errorf("the hook input is not the JSON Claude Code sends: %w", err)
	}
	if key, ok := editTools[in.ToolName]; ok && in.path() == "" {
		return in, fmt.Errorf("the hook input has no tool_input.%s for %s", key, in.ToolName)
	}
	if in.ToolName == "" {
		return in, errors.New("the hook input has no tool_name")
	}
	return in, nil
}

// path is the file the tool writes, "" for tools guard does not judge.
func (in hookInput) path() string {
	switch editTools[in.ToolName] {
	case "file_path":
		return in.ToolInput.FilePath
	case "notebook_path":
		return in.ToolInput.NotebookPath
	}
	return ""
}
