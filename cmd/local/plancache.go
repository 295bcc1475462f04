package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/parallel-sessions/parallel-sessions/plan"
)

// planCache keeps the verdict on each committed plan in the git directory
// (README, "`check`: the scope check", "The plan cache"): one small JSON
// file per plan blob and base tree, since the literal-file rule and the
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
	cacheFormat     = 3
	cacheSuffix     = ".v3.json"
	maxCacheFile    = 4 * maxPlanSize
	maxCacheEntries = 32
)

// cacheFile is an entry as stored: its own key and a checksum of its
// content, so a damaged entry, or one copied from another key, is
// recomputed instead of trusted.
type cacheFile struct {
	Format int             `json:"format"`
	Blob   string          `json:"blob"`
	Tree   string          `json:"tree"`
	SHA256 string          `json:"sha256"`
	Entry  json.RawMessage `json:"entry"`
}

// cachedPlan is the verdict on a plan and, for a valid one, the plan
// reduced to what the scope check needs.
type cachedPlan struct {
	Base  string `json:"base"`
	Valid bool   `json:"valid"`
	// Findings are the errors (File left empty: each command names the
	// plan its own way); warnings are validate's advice and not kept.
	Findings []plan.Finding  `json:"findings,omitempty"`
	Shared   []cachedPattern `json:"shared,omitempty"`
	Threads  []cachedThread  `json:"threads,omitempty"`
}

type cachedThread struct {
	ID         int             `json:"id"`
	Branch     string          `json:"branch"`
	Status     string          `json:"status"`
	MergeOrder int             `json:"merge_order"`
	Owns       []cachedPattern `json:"owns,omitempty"`
	Forbids    []cachedPattern `json:"forbids,omitempty"`
}

// cachedPattern is a pattern's text and its literal folder (plan.Pattern.Dir):
// no path outside that folder matches it. File says the pattern is a
// literal that names a file on the base branch, so it covers that file
// only (README, "Path patterns").
type cachedPattern struct {
	Text string `json:"text"`
	Dir  string `json:"dir,omitempty"`
	File bool   `json:"file,omitempty"`
}

// folders is the set of the folders paths are in, and the paths
// themselves: a pattern whose literal folder (Dir) is not in it matches
// none of them. A nil set holds every folder.
type folders map[string]bool

// foldersOf is the folders of paths, or nil (every folder) when there are
// more than maxFolderPaths: then every pattern is compiled, since sorting
// them out costs more than it saves.
func foldersOf(paths ...string) folders {
	if len(paths) > maxFolderPaths {
		return nil
	}
	set := folders{"": true}
	for _, p := range paths {
		for dir := p; dir != "" && !set[dir]; dir, _ = splitLast(dir) {
			set[dir] = true
		}
	}
	return set
}

const maxFolderPaths = 20_000

// splitLast cuts the last segment off path.
func splitLast(path string) (dir, name string) {
	i := strings.LastIndexByte(path, '/')
	if i < 0 {
		return "", path
	}
	return path[:i], path[i+1:]
}

// has reports whether a pattern filed under dir may match one of the paths.
func (f folders) has(dir string) bool { return f == nil || f[dir] }

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
	var e cachedPlan
	info, err := os.Stat(path)
	if err != nil || !info.Mode().IsRegular() || info.Size() > maxCacheFile {
		return e, false
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return e, false
	}
	var f cacheFile
	if json.Unmarshal(data, &f) != nil || f.Format != cacheFormat || f.Blob != oid || f.Tree != tree || f.SHA256 != checksum(f.Entry) {
		return e, false
	}
	dec := json.NewDecoder(bytes.NewReader(f.Entry))
	dec.DisallowUnknownFields()
	if dec.Decode(&e) != nil || e.Valid == (len(e.Findings) > 0) {
		return cachedPlan{}, false
	}
	return e, true
}

// write stores e atomically (a reader sees the old file or the new one,
// never half of one), then keeps the newest maxCacheEntries entries.
func (pc planCache) write(path, oid, tree string, e cachedPlan) {
	entry, err := json.Marshal(e)
	if err != nil {
		return
	}
	data, err := json.Marshal(cacheFile{Format: cacheFormat, Blob: oid, Tree: tree, SHA256: checksum(entry), Entry: entry})
	if err != nil || len(data) > maxCacheFile || os.MkdirAll(pc.dir, 0o755) != nil || writeFileAtomic(path, data) != nil {
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

func checksum(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
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
		out = append(out, cachedPattern{Text: p.Text, Dir: p.Dir(), File: p.IsFile()})
	}
	return out
}

// plan rebuilds the plan of a valid entry with only the patterns that can
// match a path in keep (nil keeps every pattern): every thread is kept, so
// the scope check of those paths decides as it would with the whole plan,
// but compiles a few patterns, not all of a large plan's (README, "The
// edit-time guard"). The whole plan's threads are compiled concurrently.
func (e cachedPlan) plan(keep folders) (*plan.Plan, error) {
	p := &plan.Plan{Base: e.Base, Threads: make([]plan.Thread, len(e.Threads))}
	var err error
	if p.Shared, err = compilePatterns(e.Shared, keep); err != nil {
		return nil, err
	}
	errs := make([]error, len(e.Threads))
	compile := func(i int) {
		ct := e.Threads[i]
		t := plan.Thread{ID: ct.ID, Branch: ct.Branch, Status: plan.Status(ct.Status), MergeOrder: ct.MergeOrder}
		if t.Owns, errs[i] = compilePatterns(ct.Owns, keep); errs[i] == nil {
			t.Forbids, errs[i] = compilePatterns(ct.Forbids, keep)
		}
		p.Threads[i] = t
	}
	workers := 1
	if keep == nil {
		workers = min(runtime.GOMAXPROCS(0), len(e.Threads))
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < len(e.Threads); i = int(next.Add(1)) - 1 {
				compile(i)
			}
		})
	}
	wg.Wait()
	for _, err := range errs { // the first in plan order, as one pass finds it
		if err != nil {
			return nil, err
		}
	}
	return p, nil
}

func compilePatterns(cps []cachedPattern, keep folders) ([]plan.Pattern, error) {
	var out []plan.Pattern
	for _, cp := range cps {
		if !keep.has(cp.Dir) {
			continue
		}
		p, err := plan.ParsePattern(cp.Text)
		if err != nil {
			return nil, fmt.Errorf("cached pattern %q: %w", cp.Text, err)
		}
		if p.Dir() != cp.Dir {
			return nil, fmt.Errorf("cached pattern %q: folder %q, not %q", cp.Text, cp.Dir, p.Dir())
		}
		if cp.File {
			// The base's tree said the literal is a file; a tree of that
			// one file says so again.
			p = p.InTree(plan.NewTree([]string{p.Text}))
		}
		out = append(out, p)
	}
	return out, nil
}
