package main

import (
	"errors"
	"io"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/iotest"
	"time"
)

func TestReadBounded(t *testing.T) {
	for _, c := range []struct {
		name    string
		text    string
		size    int64
		limit   int64
		wantErr error
	}{
		{"as stated", "abcdef", 6, 10, nil},
		{"grew since", "abcdef", 2, 10, nil},
		{"shrank since", "abc", 6, 10, nil},
		{"no size", "abcdef", -1, 10, nil},
		{"empty", "", 0, 10, nil},
		{"at the limit", "abcdefghij", 10, 10, nil},
		{"over the limit", "abcdefghijk", 11, 10, errTooLarge},
		{"over the limit, said small", "abcdefghijk", 3, 10, errTooLarge},
	} {
		for _, r := range []io.Reader{strings.NewReader(c.text), iotest.OneByteReader(strings.NewReader(c.text))} {
			got, err := readBounded(r, c.size, c.limit)
			if !errors.Is(err, c.wantErr) || (err == nil && string(got) != c.text) {
				t.Errorf("%s: readBounded = %q, %v; want %q, %v", c.name, got, err, c.text, c.wantErr)
			}
		}
	}
	broken := errors.New("disk gone")
	if _, err := readBounded(iotest.ErrReader(broken), 5, 10); !errors.Is(err, broken) {
		t.Errorf("a failing read: %v, want %v", err, broken)
	}
}

// TestReadersNeverBlockOnAFIFO: the readers of git's files and of the
// plan cache refuse a FIFO at once instead of waiting for a writer.
func TestReadersNeverBlockOnAFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 2)
	go func() { _, err := readRegular(fifo, maxRefFile); done <- err }()
	go func() { _, err := readRegularText(fifo, 1<<20); done <- err }()
	for range 2 {
		select {
		case err := <-done:
			if err == nil {
				t.Error("a FIFO was read as a file")
			}
		case <-time.After(10 * time.Second):
			t.Fatal("a reader blocked on a FIFO")
		}
	}
}
