package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzReadHookInput: any input is read or refused, never a panic, and an
// accepted edit always has its path.
func FuzzReadHookInput(f *testing.F) {
	for _, s := range []string{
		`{"tool_name":"Write","tool_input":{"file_path":"/a"}}`,
		`{"tool_name":"NotebookEdit","tool_input":{"notebook_path":"x.ipynb"},"cwd":"/w"}`,
		`{"tool_name":"Bash","tool_input":{"command":"ls"}}`,
		`{"tool_name":"Edit","tool_input":{"file_path":""}}`, `[]`, `null`, ``, `{"tool_name":"Write"`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		in, err := readHookInput(strings.NewReader(s))
		if err != nil {
			return
		}
		if _, edit := editTools[in.ToolName]; edit && in.path() == "" {
			t.Fatalf("accepted %s %q without its path", in.ToolName, s)
		}
	})
}

// FuzzMergeGuardSettings: a merge keeps every top-level key, adds exactly
// one guard entry, and merging again changes nothing.
func FuzzMergeGuardSettings(f *testing.F) {
	for _, s := range []string{``, `{}`, `{"model":"x","hooks":{"Stop":[]}}`,
		`{"hooks":{"PreToolUse":[{"matcher":"Bash","hooks":[]},{"matcher":"Write|Edit|NotebookEdit","hooks":[{"type":"command","command":"x guard"}]}]}}`,
		`{"hooks":{"PreToolUse":[1,"a",null]}}`, `[1]`, `null`, `{"hooks":null}`, `{"hooks":{"PreToolUse":null}}`} {
		f.Add(s)
	}
	const cmd = "'/bin/ps-local' guard"
	f.Fuzz(func(t *testing.T, s string) {
		out, err := mergeGuardSettings([]byte(s), cmd)
		if err != nil {
			return
		}
		var before, after map[string]json.RawMessage
		json.Unmarshal([]byte(s), &before)
		if err := json.Unmarshal(out, &after); err != nil {
			t.Fatalf("merged settings are not JSON: %v", err)
		}
		for k := range before {
			if _, ok := after[k]; !ok {
				t.Fatalf("key %q lost", k)
			}
		}
		var parsed struct {
			Hooks struct {
				PreToolUse []map[string]any
			}
		}
		if err := json.Unmarshal(out, &parsed); err != nil {
			t.Fatalf("hooks unreadable: %v", err)
		}
		n := 0
		for _, e := range parsed.Hooks.PreToolUse {
			if isGuardEntry(e) {
				n++
			}
		}
		if n < 1 {
			t.Fatalf("no guard entry in %s", out)
		}
		again, err := mergeGuardSettings(out, cmd)
		if err != nil || string(again) != string(out) {
			t.Fatalf("merging again changed %s into %s (%v)", out, again, err)
		}
	})
}
