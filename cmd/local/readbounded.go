package main

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"syscall"
	"unsafe"
)

// errTooLarge is a file longer than the bound it was read with.
var errTooLarge = errors.New("larger than its bound")

// errNotRegular is a FIFO, a device or a socket where a file belongs:
// reading it could wait forever for a writer.
var errNotRegular = errors.New("not a regular file")

// readBounded reads r to its end into one buffer of the size the file's
// Stat gave (size), growing it only for a file that grew since: a plan or
// a ref read with io.ReadAll took five copies. More than limit bytes is
// errTooLarge, whatever size said.
func readBounded(r io.Reader, size, limit int64) ([]byte, error) {
	buf := make([]byte, 0, min(max(size, 0), limit)+1)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return nil, errTooLarge
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// readText reads r to its end as one string, failing with errTooLarge
// beyond limit bytes. size is what the input is expected to hold (0 when
// unknown), so that a file is read into one allocation of its size, with
// neither a copy buffer nor a copy into a string: at ps-local's start every
// fresh page of memory costs a page fault (BENCHMARKS.md).
func readText(r io.Reader, size int64, limit int) (string, error) {
	if size <= 0 {
		size = 32 << 10 // a pipe: read in pieces of the size io.Copy reads
	}
	buf, err := readBounded(r, size, int64(limit))
	return sharedString(buf), err
}

// sharedString is buf as a string without a copy. buf must never be
// written again nor kept anywhere else, as with strings.Builder's.
func sharedString(buf []byte) string {
	if len(buf) == 0 {
		return ""
	}
	return unsafe.String(&buf[0], len(buf))
}

// readFileText is readText of the file at name, which may be a FIFO or a
// device: a list may come through a pipe. A file that must be a regular one
// is read with readRegularText.
func readFileText(name string, limit int) (string, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return "", err
	}
	return readText(f, info.Size(), limit)
}

// openNonblocking opens name for reading without waiting: opening a FIFO
// blocks until a writer comes, so a file to be checked for being regular
// is opened this way, then checked.
func openNonblocking(name string) (*os.File, error) {
	return os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}

// fileKind names the type of a file that is not a regular one, for an
// error message.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m.IsDir():
		return "a directory"
	default:
		return "not a regular file"
	}
}
