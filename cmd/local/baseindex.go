package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
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

const baseIndexSuffix = ".v1.json"

// baseEntry is an entry as stored: its own key and a checksum of the
// rest, so a damaged entry, or one copied from another key, is ignored.
type baseEntry struct {
	Ref    string `json:"ref"`  // the id the base ref holds (the key)
	File   string `json:"file"` // the plan's repository-relative path (the key)
	Commit string `json:"commit"`
	Tree   string `json:"tree"`
	Blob   string `json:"blob"`
	SHA256 string `json:"sha256"`
}

func (e baseEntry) sum() string {
	h := sha256.Sum256([]byte(strings.Join([]string{e.Ref, e.File, e.Commit, e.Tree, e.Blob}, "\x00")))
	return hex.EncodeToString(h[:])
}

func (bi baseIndex) path(ref, file string) string {
	h := sha256.Sum256([]byte(file))
	return filepath.Join(bi.dir, ref+"-"+hex.EncodeToString(h[:8])+baseIndexSuffix)
}

// read returns the entry of ref and file when it is whole and is theirs.
func (bi baseIndex) read(ref, file string) (baseEntry, bool) {
	var e baseEntry
	data, err := readSmall(bi.path(ref, file))
	if err != nil || len(data) > 4096 || json.Unmarshal(data, &e) != nil {
		return baseEntry{}, false
	}
	if e.Ref != ref || e.File != file || !isOID(e.Commit) || !isOID(e.Tree) || !isOID(e.Blob) || e.SHA256 != e.sum() {
		return baseEntry{}, false
	}
	return e, true
}

// write stores e atomically, then keeps the newest maxCacheEntries
// entries. An index that cannot be written only costs time.
func (bi baseIndex) write(e baseEntry) {
	e.SHA256 = e.sum()
	data, err := json.Marshal(e)
	if err != nil || os.MkdirAll(bi.dir, 0o755) != nil || writeFileAtomic(bi.path(e.Ref, e.File), data) != nil {
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
