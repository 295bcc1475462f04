package main

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
)

// baseIndex remembers, for a base commit id read from git's ref files
// (readRefFiles), the commit, tree and plan blob git found for it, so a
// command whose base has not moved reads its plan's cache entry without
// starting git at all (README "`check`: the scope check", "Speed"). An
// object id names the same object forever, so an entry is never stale; a
// moved base is another key.
type baseIndex struct {
	dir string
}

func newBaseIndex(commonDir string) baseIndex {
	return baseIndex{dir: filepath.Join(commonDir, "parallel-sessions", "bases")}
}

// baseIndexSuffix names the format of the index's files, which are
// text: baseIndexHeader, then the fields of a baseEntry in their order,
// each ended by a NUL (ids are hex and a path holds no NUL). An entry is
// read at the start of most commands, so it is not JSON, whose decoder
// costs more than the rest of the read (BENCHMARKS.md).
const (
	baseIndexSuffix = ".v2"
	baseIndexHeader = "ps-local-base-index 2\n"
)

// baseEntry is an entry as stored: its own key and a checksum of the
// rest, so a damaged entry, or one copied from another key, is ignored.
type baseEntry struct {
	Ref    string // the id the base ref holds (the key)
	File   string // the plan's repository-relative path (the key)
	Commit string
	Tree   string
	Blob   string
	Sum    string // checksum of the rest
}

func (e baseEntry) encode() string {
	return baseIndexHeader + strings.Join([]string{e.Ref, e.File, e.Commit, e.Tree, e.Blob, e.Sum, ""}, "\x00")
}

// decodeBaseEntry reads what encode wrote; ok is false for anything else.
func decodeBaseEntry(data string) (e baseEntry, ok bool) {
	rest, ok := strings.CutPrefix(data, baseIndexHeader)
	if !ok {
		return e, false
	}
	fields := strings.Split(rest, "\x00")
	if len(fields) != 7 || fields[6] != "" {
		return e, false
	}
	return baseEntry{Ref: fields[0], File: fields[1], Commit: fields[2], Tree: fields[3], Blob: fields[4], Sum: fields[5]}, true
}

func (e baseEntry) sum() string {
	return checksum(strings.Join([]string{e.Ref, e.File, e.Commit, e.Tree, e.Blob}, "\x00"))
}

func (bi baseIndex) path(ref, file string) string {
	h := sha256.Sum256([]byte(file))
	return filepath.Join(bi.dir, ref+"-"+hex.EncodeToString(h[:8])+baseIndexSuffix)
}

// read returns the entry of ref and file when it is whole and is theirs.
func (bi baseIndex) read(ref, file string) (baseEntry, bool) {
	data, err := readRegular(bi.path(ref, file), maxRefFile)
	if err != nil || len(data) > 4096 {
		return baseEntry{}, false
	}
	e, ok := decodeBaseEntry(string(data))
	if !ok {
		return baseEntry{}, false
	}
	if e.Ref != ref || e.File != file || !isOID(e.Commit) || !isOID(e.Tree) || !isOID(e.Blob) || e.Sum != e.sum() {
		return baseEntry{}, false
	}
	return e, true
}

// write stores e atomically, then keeps the newest maxCacheEntries
// entries. An index that cannot be written only costs time.
func (bi baseIndex) write(e baseEntry) {
	e.Sum = e.sum()
	if strings.IndexByte(e.File, 0) >= 0 || os.MkdirAll(bi.dir, 0o755) != nil || writeFileAtomic(bi.path(e.Ref, e.File), []byte(e.encode())) != nil {
		return
	}
	planCache{dir: bi.dir}.prune()
}

// baseFromFiles finds the plan's base branch in git's ref files as
// baseCommit does with git: the local branch, else origin/<base>. ok is
// false when the files do not say for sure; git decides then.
func baseFromFiles(commonDir, base string) (name, oid string, ok bool) {
	oid, answer := readRefFiles(commonDir, "refs/heads/"+base)
	switch answer {
	case refFound:
		return base, oid, true
	case refUnknown:
		return "", "", false
	}
	oid, answer = readRefFiles(commonDir, "refs/remotes/origin/"+base)
	if answer == refFound {
		return "origin/" + base, oid, true
	}
	return "", "", false
}
