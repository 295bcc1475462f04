package main

import (
	"fmt"
	"io"
	"os"
)

// Bounds of the operator's files ps-action reads whole (README "Limits and
// faults"). Either may come through a pipe (a key from a secret store), so
// neither needs to be a regular file.
const (
	// maxEventFile bounds GITHUB_EVENT_PATH: GitHub caps a payload at
	// 25 MB.
	maxEventFile = 32 << 20
	// maxKeyFile bounds GITHUB_APP_PRIVATE_KEY_FILE: a PEM RSA key of
	// 4096 bits is about 3 KiB.
	maxKeyFile = 64 << 10
)

// readLimited reads the file at name whole, failing beyond limit bytes
// without reading further.
func readLimited(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes", name, limit)
	}
	return data, nil
}
