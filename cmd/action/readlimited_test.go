package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sparseFile is a file of size bytes that takes no room on disk.
func sparseFile(t *testing.T, size int64) string {
	t.Helper()
	name := filepath.Join(t.TempDir(), "big")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestReadLimited(t *testing.T) {
	for _, c := range []struct {
		size    int64
		wantErr bool
	}{{0, false}, {9, false}, {10, false}, {11, true}, {1 << 20, true}} {
		data, err := readLimited(sparseFile(t, c.size), 10)
		if (err != nil) != c.wantErr || (err == nil && int64(len(data)) != c.size) {
			t.Errorf("a file of %d bytes, limit 10: %d bytes, %v", c.size, len(data), err)
		}
	}
	if _, err := readLimited(filepath.Join(t.TempDir(), "gone"), 10); !os.IsNotExist(err) {
		t.Errorf("a missing file: %v", err)
	}
}

// TestOperatorFilesAreBounded: the event payload and the App's key file
// are read up to their bound, not whole whatever their size.
func TestOperatorFilesAreBounded(t *testing.T) {
	_, err := readEvent(config{eventName: "pull_request", eventPath: sparseFile(t, maxEventFile+1)})
	if err == nil || !strings.Contains(err.Error(), "read GITHUB_EVENT_PATH") || !strings.Contains(err.Error(), "is larger than") {
		t.Errorf("an event file over %d bytes: %v", maxEventFile, err)
	}

	env := map[string]string{"GITHUB_APP_ID": "314", "GITHUB_APP_PRIVATE_KEY_FILE": sparseFile(t, maxKeyFile+1), "GITHUB_WEBHOOK_SECRET": "s"}
	var stdout, stderr bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	code := run(ctx, []string{"serve"}, func(k string) string { return env[k] }, &stdout, &stderr)
	if code != exitError || !strings.Contains(stderr.String(), "read GITHUB_APP_PRIVATE_KEY_FILE") || !strings.Contains(stderr.String(), "is larger than") {
		t.Errorf("a key file over %d bytes: exit %d\n%s", maxKeyFile, code, stderr.String())
	}
}
