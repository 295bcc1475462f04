package main

import (
	"cmp"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/parallel-sessions/parallel-sessions/plan"
)

// planCache keeps the verdict on each committed plan in the git directory
// (README, "`check`: the scope check", "The plan cache"): one small file
// per plan blob and base tree, since the literal-file rule and the
// overlap proof depend on both. A blob's and a tree's content never change,
// so an entry is never stale; it spares every later command the overlap
// proof, and check and guard the decoding too.
type planCache struct {
	dir string
}

func newPlanCache(commonDir string) planCache {
	return planCache{dir: filepath.Join(commonDir, "parallel-sessions", "plans")}
}

// Bounds of the cache: an entry holds a plan's patterns, so a few times
// the plan's own bound; the folder keeps the newest entries.
const (
	cacheFormat     = 6
	cacheSuffix     = ".v6"
	maxCacheFile    = 4 * maxPlanSize
	maxCacheEntries = 32
)

// cacheFile is an entry as stored: its own key and a checksum of its
// content, so a damaged entry, or one copied from another key, is
// recomputed instead of trusted. The file is one line of text, the magic
// word, the format, the glob language its patterns were rendered in
// (plan.GlobVersion: an entry of another is never restored), the key and
// the checksum, then the entry (encodeEntry).
type cacheFile struct {
	Format int
	Globs  int
	Blob   string
	Tree   string
	Sum    string // checksum(Entry)
	Entry  string
}

const cacheMagic = "ps-local-plan-cache"

// encode is f as stored.
func (f cacheFile) encode() []byte {
	return fmt.Appendf(nil, "%s %d %d %s %s %s\n%s", cacheMagic, f.Format, f.Globs, f.Blob, f.Tree, f.Sum, f.Entry)
}

// decodeCacheFile splits a stored entry into its header and entry; ok is
// false when it is not one.
func decodeCacheFile(data string) (f cacheFile, ok bool) {
	header, entry, found := strings.Cut(data, "\n")
	fields := strings.Split(header, " ")
	if !found || len(fields) != 6 || fields[0] != cacheMagic {
		return cacheFile{}, false
	}
	format, err1 := strconv.Atoi(fields[1])
	globs, err2 := strconv.Atoi(fields[2])
	if err1 != nil || err2 != nil {
		return cacheFile{}, false
	}
	return cacheFile{Format: format, Globs: globs, Blob: fields[3], Tree: fields[4], Sum: fields[5], Entry: entry}, true
}

// cachedPlan is the verdict on a plan and, for a valid one, the plan
// reduced to what the scope check needs.
type cachedPlan struct {
	Base  string
	Valid bool
	// Findings are the errors (File left empty: each command names the
	// plan its own way); warnings are validate's advice and not kept.
	Findings []plan.Finding
	Shared   []cachedPattern
	Threads  []cachedThread
}

type cachedThread struct {
	ID         int
	Branch     string
	Status     string
	MergeOrder int
	Owns       []cachedPattern
	Forbids    []cachedPattern
}

// cachedPattern is what plan.RestorePattern needs of a pattern: its text,
// its glob, and whether it is a literal that names a file on the base
// branch, so it covers that file only (README, "Path patterns").
type cachedPattern struct {
	Text string
	Glob string
	File bool
}

// folders is the set of the folders paths are in, and the paths
// themselves: a pattern whose literal folder (Dir) is not in it matches
// none of them. It is held as the paths, sorted, and asked by binary
// search: building a set of every folder cost more than the check of a
// short list. every is the set of every folder.
type folders struct {
	every bool
	paths []string
}

// everyFolder holds every folder.
var everyFolder = folders{every: true}

// foldersOf is the folders of paths, or every folder when there are more
// than maxFolderPaths: then every pattern is compiled, since sorting them
// out costs more than it saves.
func foldersOf(paths ...string) folders {
	if len(paths) > maxFolderPaths {
		return everyFolder
	}
	if !slices.IsSorted(paths) {
		paths = slices.Clone(paths)
		slices.Sort(paths)
	}
	return folders{paths: paths}
}

const maxFolderPaths = 20_000

// comparePathToFolder orders path against the paths below dir, which sort
// together: 0 for a path below dir, else the sign of path - dir+"/".
func comparePathToFolder(path, dir string) int {
	n := min(len(path), len(dir))
	if c := strings.Compare(path[:n], dir[:n]); c != 0 {
		return c
	}
	if len(path) <= len(dir) {
		return -1
	}
	return cmp.Compare(path[len(dir)], '/')
}

// has reports whether a pattern filed under dir may match one of the
// paths: dir is "" (the root holds every path), one of the paths, or a
// folder above one. One binary search answers, except when the first
// path after dir is a sibling that sorts before dir's own paths ("dir-x"
// before "dir/x", since '-' < '/'): a second one looks past the siblings.
func (f folders) has(dir string) bool {
	if f.every || (dir == "" && len(f.paths) > 0) {
		return true
	}
	i, found := slices.BinarySearch(f.paths, dir)
	if found {
		return true
	}
	if i == len(f.paths) || !strings.HasPrefix(f.paths[i], dir) {
		return false // nothing from i on starts with dir
	}
	switch next := f.paths[i][len(dir)]; {
	case next == '/':
		return true
	case next > '/':
		return false // past every path below dir, which would sort before it
	}
	_, in := slices.BinarySearchFunc(f.paths[i:], dir, comparePathToFolder)
	return in
}

// verdict returns the entry of cp's blob judged in cp's tree, parsing and
// proving the plan on a miss. A cache that cannot be read or written only
// costs time.
func (pc planCache) verdict(cp *committedPlan) (cachedPlan, error) {
	path := filepath.Join(pc.dir, cp.blob+"-"+cp.tree+cacheSuffix)
	if e, ok := pc.read(path, cp.blob, cp.tree); ok {
		return e, nil
	}
	data, err := cp.content()
	if err != nil {
		return cachedPlan{}, err
	}
	files, err := cp.files()
	if err != nil {
		return cachedPlan{}, err
	}
	e := reducePlan(data, files)
	pc.write(path, cp.blob, cp.tree, e)
	return e, nil
}

// read returns the entry at path if it is whole and is the entry of oid
// and tree.
func (pc planCache) read(path, oid, tree string) (cachedPlan, bool) {
	data, err := readRegularText(path, maxCacheFile)
	if err != nil {
		return cachedPlan{}, false
	}
	f, ok := decodeCacheFile(data)
	if !ok || f.Format != cacheFormat || f.Globs != plan.GlobVersion || f.Blob != oid || f.Tree != tree || f.Sum != checksum(f.Entry) {
		return cachedPlan{}, false
	}
	return decodeEntry(f.Entry)
}

// write stores e atomically (a reader sees the old file or the new one,
// never half of one), then keeps the newest maxCacheEntries entries.
func (pc planCache) write(path, oid, tree string, e cachedPlan) {
	entry, err := encodeEntry(e)
	if err != nil {
		return
	}
	data := cacheFile{Format: cacheFormat, Globs: plan.GlobVersion, Blob: oid, Tree: tree, Sum: checksum(entry), Entry: entry}.encode()
	if len(data) > maxCacheFile || os.MkdirAll(pc.dir, 0o755) != nil || writeFileAtomic(path, data) != nil {
		return
	}
	pc.prune()
	os.RemoveAll(filepath.Join(filepath.Dir(pc.dir), "guard")) // guard's own cache, before this one
}

// prune removes the oldest files of the cache folder beyond
// maxCacheEntries: other formats' entries and stray temporary files go
// first when they are older.
func (pc planCache) prune() {
	entries, err := os.ReadDir(pc.dir)
	if err != nil || len(entries) <= maxCacheEntries {
		return
	}
	type aged struct {
		name string
		mod  int64
	}
	var files []aged
	for _, de := range entries {
		if info, err := de.Info(); err == nil && info.Mode().IsRegular() {
			files = append(files, aged{de.Name(), info.ModTime().UnixNano()})
		}
	}
	slices.SortFunc(files, func(a, b aged) int { return int(max(-1, min(1, b.mod-a.mod))) })
	for _, f := range files[min(len(files), maxCacheEntries):] {
		os.Remove(filepath.Join(pc.dir, f.name))
	}
}

// checksum is the CRC-32 (IEEE) of data in hex: it finds a damaged
// entry, the one thing a checksum can find here, since whoever can write
// the cache can write any checksum. (A SHA-256 cost every check 50 µs for
// nothing more; CRC-32C spent 0.1 ms building its tables at its first
// use.) It hashes data through a small buffer, not a copy of all of it.
func checksum(data string) string {
	var sum uint32
	var chunk [1024]byte
	for len(data) > 0 {
		n := copy(chunk[:], data)
		sum = crc32.Update(sum, crc32.IEEETable, chunk[:n])
		data = data[n:]
	}
	return fmt.Sprintf("%08x", sum)
}

// reducePlan parses and validates a plan blob in tree into a cache entry.
func reducePlan(data []byte, tree *plan.Tree) cachedPlan {
	p, findings := plan.ParseInTree(plan.FileName, data, tree)
	var e cachedPlan
	if p != nil {
		e.Base = p.Base
	}
	if p == nil || plan.Errors(findings) > 0 {
		for _, f := range findings {
			if f.Severity == plan.Error {
				f.File = ""
				e.Findings = append(e.Findings, f)
			}
		}
		return e
	}
	e.Valid = true
	e.Shared = patternTexts(p.Shared)
	for _, t := range p.Threads {
		e.Threads = append(e.Threads, cachedThread{ID: t.ID, Branch: t.Branch, Status: string(t.Status), MergeOrder: t.MergeOrder, Owns: patternTexts(t.Owns), Forbids: patternTexts(t.Forbids)})
	}
	return e
}

// findings are the entry's findings, naming the plan file.
func (e cachedPlan) findings(file string) []plan.Finding {
	out := slices.Clone(e.Findings)
	for i := range out {
		out[i].File = file
	}
	return out
}

func patternTexts(ps []plan.Pattern) []cachedPattern {
	var out []cachedPattern
	for _, p := range ps {
		out = append(out, cachedPattern{Text: p.Text, Glob: p.Glob, File: p.IsFile()})
	}
	return out
}

// plan rebuilds the plan of a valid entry with only the patterns that can
// match a path in keep: every thread is kept, so the scope check of those
// paths decides as it would with the whole plan. Those patterns are
// restored (plan.RestorePattern), which costs next to nothing but matches
// slower than a compiled pattern; everyFolder, for a long list, keeps every
// pattern and compiles them, the threads concurrently (README, "The
// edit-time guard").
func (e cachedPlan) plan(keep folders) (*plan.Plan, error) {
	p := &plan.Plan{Base: e.Base, Threads: make([]plan.Thread, len(e.Threads))}
	var err error
	if p.Shared, err = makePatterns(e.Shared, keep); err != nil {
		return nil, err
	}
	errs := make([]error, len(e.Threads))
	make1 := func(i int) {
		ct := e.Threads[i]
		t := plan.Thread{ID: ct.ID, Branch: ct.Branch, Status: plan.Status(ct.Status), MergeOrder: ct.MergeOrder}
		if t.Owns, errs[i] = makePatterns(ct.Owns, keep); errs[i] == nil {
			t.Forbids, errs[i] = makePatterns(ct.Forbids, keep)
		}
		p.Threads[i] = t
	}
	if !keep.every {
		for i := range e.Threads {
			make1(i)
		}
	} else {
		var next atomic.Int64
		var wg sync.WaitGroup
		for range min(runtime.GOMAXPROCS(0), len(e.Threads)) {
			wg.Go(func() {
				for i := int(next.Add(1)) - 1; i < len(e.Threads); i = int(next.Add(1)) - 1 {
					make1(i)
				}
			})
		}
		wg.Wait()
	}
	for _, err := range errs { // the first in plan order, as one pass finds it
		if err != nil {
			return nil, err
		}
	}
	return p, nil
}

// makePatterns restores the patterns of cps that may match a path of keep,
// or compiles every one of them when keep holds every folder.
func makePatterns(cps []cachedPattern, keep folders) ([]plan.Pattern, error) {
	if !keep.every && len(keep.paths) == 0 {
		return nil, nil // no path: no pattern can match one
	}
	kept := make([]bool, len(cps))
	n := 0
	for i, cp := range cps {
		if kept[i] = keep.has(plan.TextDir(cp.Text)); kept[i] {
			n++
		}
	}
	if n == 0 {
		return nil, nil
	}
	out := make([]plan.Pattern, 0, n) // a Pattern is large: no slice grows
	for i, cp := range cps {
		if !kept[i] {
			continue
		}
		restore := plan.RestorePattern
		if keep.every {
			restore = compilePattern
		}
		p, err := restore(cp.Text, cp.Glob, cp.File)
		if err != nil {
			return nil, fmt.Errorf("cached pattern: %w", err)
		}
		out = append(out, p)
	}
	return out, nil
}

// compilePattern compiles a cached pattern as the plan compiled it, and
// checks that it renders the glob and file-ness the cache kept.
func compilePattern(text, glob string, file bool) (plan.Pattern, error) {
	p, err := plan.ParsePattern(text)
	if err != nil {
		return p, err
	}
	if file {
		// The base's tree said the literal is a file; a tree of that one
		// file says so again.
		p = p.InTree(plan.NewTree([]string{plan.TextDir(text)}))
	}
	if p.Glob != glob || p.IsFile() != file {
		return p, fmt.Errorf("pattern %q compiles as %q, not %q", text, p.Glob, glob)
	}
	return p, nil
}
