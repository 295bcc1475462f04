package main

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// refAnswer is what reading a ref from git's files says.
type refAnswer int

const (
	refUnknown refAnswer = iota // the files do not say for sure: ask git
	refFound
	refAbsent
)

// maxRefFile bounds a loose ref or packed-refs file read without git; a
// larger packed-refs is left to git.
const maxRefFile = 4 << 20

// readRefFiles resolves the full ref name (refs/heads/main) from the files
// git keeps in the shared git directory commonDir, without running git:
// a loose ref wins over packed-refs, and a symbolic ref is followed. It
// answers refUnknown for anything it does not know to read as git does (a
// reftable repository or one whose config names a ref storage, a ref that
// is a symbolic link, a file it cannot parse, a read error, a chain of
// symbolic refs over five long),
// and the caller then asks git (README "`check`: the scope check",
// "Speed").
func readRefFiles(commonDir, name string) (string, refAnswer) {
	if commonDir == "" || !filesRefBackend(commonDir) {
		return "", refUnknown
	}
	for range 5 {
		if !strings.HasPrefix(name, "refs/") || strings.Contains(name, "..") || strings.ContainsAny(name, "\\\x00") {
			return "", refUnknown
		}
		file := filepath.Join(commonDir, filepath.FromSlash(name))
		if fi, err := os.Lstat(file); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return "", refUnknown // a symbolic link git reads its own way
		}
		data, err := readRegular(file, maxRefFile)
		switch {
		case err == nil:
			line, ok := bytes.CutSuffix(data, []byte("\n"))
			if !ok {
				return "", refUnknown
			}
			if target, ok := bytes.CutPrefix(line, []byte("ref: ")); ok {
				name = string(target)
				continue
			}
			if !isOID(string(line)) {
				return "", refUnknown
			}
			return string(line), refFound
		case errors.Is(err, fs.ErrNotExist) || isDirErr(err):
			return packedRef(commonDir, name)
		default:
			return "", refUnknown
		}
	}
	return "", refUnknown
}

// filesRefBackend reports whether commonDir keeps its refs as files: no
// reftable folder, and no ref storage named in its config.
func filesRefBackend(commonDir string) bool {
	if _, err := os.Lstat(filepath.Join(commonDir, "reftable")); !errors.Is(err, fs.ErrNotExist) {
		return false
	}
	config, err := readRegular(filepath.Join(commonDir, "config"), maxRefFile)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false
	}
	return !bytes.Contains(bytes.ToLower(config), []byte("refstorage"))
}

// packedRef finds name in commonDir's packed-refs file.
func packedRef(commonDir, name string) (string, refAnswer) {
	data, err := readRegular(filepath.Join(commonDir, "packed-refs"), maxRefFile)
	if errors.Is(err, fs.ErrNotExist) {
		return "", refAbsent
	}
	if err != nil {
		return "", refUnknown
	}
	for line := range strings.Lines(string(data)) {
		line, ok := strings.CutSuffix(line, "\n")
		if !ok {
			return "", refUnknown
		}
		if strings.HasPrefix(line, "#") || strings.HasPrefix(line, "^") {
			continue // the header, and the peeled object of the ref above
		}
		oid, ref, ok := strings.Cut(line, " ")
		if !ok || !isOID(oid) {
			return "", refUnknown
		}
		if ref == name {
			return oid, refFound
		}
	}
	return "", refAbsent
}

var errIsDir = errors.New("is a directory")

// isDirErr reports a path that is a folder, or is below a file (ENOTDIR):
// no loose ref there.
func isDirErr(err error) bool {
	return errors.Is(err, errIsDir) || errors.Is(err, syscall.ENOTDIR)
}

// isOID reports a full SHA-1 or SHA-256 object id in lower-case hex.
func isOID(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
