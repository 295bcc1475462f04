package main

import (
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/parallel-sessions/parallel-sessions/plan"
)

// cacheRepo is the fanout repository on thread 1's branch, with main at
// a commit whose plan overlaps (invalid) and a list of one path thread 1
// owns. It returns the repository, the list, and the valid plan's commit.
func cacheRepo(t *testing.T) (repo, list, valid string) {
	t.Helper()
	repo = fanoutRepo(t)
	valid = gitIn(t, repo, "rev-parse", "HEAD")
	plan := filepath.Join(repo, "plan.toml")
	write(t, plan, strings.Replace(readFile(t, plan), `owns = ["services/api/"]`, `owns = ["services/"]`, 1))
	commitAll(t, repo, "an overlapping plan")
	gitIn(t, repo, "checkout", "-q", "-b", "extract-auth", valid)
	list = filepath.Join(t.TempDir(), "list")
	write(t, list, "services/auth/login.go\n")
	return repo, list, valid
}

// cacheEntryPath is the cache file of the plan on main.
func cacheEntryPath(t *testing.T, repo string) string {
	return filepath.Join(repo, ".git", "parallel-sessions", "plans", gitIn(t, repo, "rev-parse", "main:plan.toml")+"-"+gitIn(t, repo, "rev-parse", "main^{tree}")+cacheSuffix)
}

// checkRecomputes writes damaged at path, runs check --files list in repo
// and wants first's findings again and the entry written back as want:
// the damaged file was not trusted but recomputed.
func checkRecomputes(t *testing.T, name, repo, list, path string, damaged []byte, first result, want []byte) {
	t.Helper()
	os.WriteFile(path, damaged, 0o644)
	r := runIn(t, repo, "check", "--files", list)
	wantCode(t, r, exitFindings)
	if r.stdout != first.stdout {
		t.Errorf("%s: check printed\n%s\nwant\n%s", name, r.stdout, first.stdout)
	}
	if got, _ := os.ReadFile(path); string(got) != string(want) {
		t.Errorf("%s: the entry was not recomputed:\n%s", name, got)
	}
}

// TestPlanCacheDistrustsBadEntries: an entry that is damaged, written for
// another plan, or edited without its checksum is recomputed, never
// trusted, by check and by guard, whichever way it would flip the verdict;
// the recomputed entry replaces it.
func TestPlanCacheDistrustsBadEntries(t *testing.T) {
	repo, list, valid := cacheRepo(t)
	invalid := gitIn(t, repo, "rev-parse", "main")
	first := runIn(t, repo, "check", "--files", list)
	wantCode(t, first, exitFindings)
	badPath := cacheEntryPath(t, repo)
	badEntry, err := os.ReadFile(badPath)
	if err != nil || !strings.Contains(first.stdout, "[overlap]") {
		t.Fatalf("no entry for the invalid plan (%v), or no overlap finding:\n%s", err, first.stdout)
	}
	gitIn(t, repo, "branch", "-f", "main", valid)
	wantCode(t, runIn(t, repo, "check", "--files", list), exitOK)
	goodPath := cacheEntryPath(t, repo)
	goodEntry, err := os.ReadFile(goodPath)
	if err != nil {
		t.Fatal(err)
	}

	// forged is good's content under bad's key and checksum: a verdict
	// edited by hand.
	f, okF := decodeCacheFile(string(badEntry))
	g, okG := decodeCacheFile(string(goodEntry))
	if !okF || !okG {
		t.Fatal("the entries do not decode")
	}
	f.Entry = g.Entry
	forged := f.encode()
	// otherGlobs is the valid plan's entry under bad's key, whole and
	// checksummed, but rendered in another glob language.
	f.Sum, f.Globs = checksum(f.Entry), plan.GlobVersion+1
	otherGlobs := f.encode()
	damages := map[string]func(own, other []byte) []byte{
		"the other plan's entry": func(own, other []byte) []byte { return other },
		"forged verdict":         func(own, other []byte) []byte { return forged },
		"another glob language":  func(own, other []byte) []byte { return otherGlobs },
		"truncated":              func(own, other []byte) []byte { return own[:len(own)/2] },
		"not an entry":           func(own, other []byte) []byte { return []byte("{nope") },
		"empty":                  func(own, other []byte) []byte { return nil },
	}
	guardInput := hookJSON(t, "edit.json", repo, filepath.Join(repo, "services/auth/login.go"))
	for name, damage := range damages {
		// The invalid plan on main, its entry damaged toward "valid".
		gitIn(t, repo, "branch", "-f", "main", invalid)
		checkRecomputes(t, name, repo, list, badPath, damage(badEntry, goodEntry), first, badEntry)
		os.WriteFile(badPath, damage(badEntry, goodEntry), 0o644)
		if reason := guardVerdict(t, repo, guardInput); !strings.Contains(reason, "is invalid") {
			t.Errorf("%s: guard allowed an edit under an invalid plan (%q)", name, reason)
		}

		// The valid plan on main, its entry damaged toward "invalid".
		if name == "forged verdict" || name == "another glob language" {
			continue // these are valid; the other damages hold both ways
		}
		gitIn(t, repo, "branch", "-f", "main", valid)
		os.WriteFile(goodPath, damage(goodEntry, badEntry), 0o644)
		wantCode(t, runIn(t, repo, "check", "--files", list), exitOK)
		os.WriteFile(goodPath, damage(goodEntry, badEntry), 0o644)
		if reason := guardVerdict(t, repo, guardInput); reason != "" {
			t.Errorf("%s: guard denied an edit the valid plan allows: %s", name, reason)
		}
	}
}

// TestPlanCacheNeverReadsAFIFO: a FIFO where the plan's entry belongs is
// never opened for reading (that would hang check), but proved again and
// replaced by a file.
func TestPlanCacheNeverReadsAFIFO(t *testing.T) {
	repo, list, _ := cacheRepo(t)
	first := runIn(t, repo, "check", "--files", list)
	entry := cacheEntryPath(t, repo)
	want, err := os.ReadFile(entry)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(entry)
	if err := syscall.Mkfifo(entry, 0o644); err != nil {
		t.Fatal(err)
	}
	again := runIn(t, repo, "check", "--files", list)
	if again.stdout != first.stdout || again.code != first.code {
		t.Errorf("check with a FIFO for its entry: exit %d\n%s\nwant exit %d\n%s", again.code, again.stdout, first.code, first.stdout)
	}
	if got, err := os.ReadFile(entry); err != nil || string(got) != string(want) {
		t.Errorf("the FIFO was not replaced by the entry (%v)", err)
	}
}

// TestPlanCacheWritesAtomicallyAndBounded: entries are written whole
// through a temporary file (none left behind), read back equal, and the
// folder keeps the newest maxCacheEntries files, stray ones included;
// guard's old cache folder goes.
func TestPlanCacheWritesAtomicallyAndBounded(t *testing.T) {
	pc := planCache{dir: filepath.Join(t.TempDir(), "plans")}
	entry := reducePlan([]byte(guardBenchPlan()), nil)
	os.MkdirAll(pc.dir, 0o755)
	legacy := filepath.Join(filepath.Dir(pc.dir), "guard")
	write(t, filepath.Join(legacy, "x.v2.json"), "{}")
	stray := filepath.Join(pc.dir, ".ps-local-123.tmp")
	os.WriteFile(stray, []byte("half"), 0o644)
	old := time.Now().Add(-time.Hour)
	os.Chtimes(stray, old, old)
	key := func(i int) (string, string) { return fmt.Sprintf("%040x", i), fmt.Sprintf("%040x", 1000+i) }
	path := func(i int) string {
		blob, tree := key(i)
		return filepath.Join(pc.dir, blob+"-"+tree+cacheSuffix)
	}
	for i := range maxCacheEntries + 8 {
		blob, tree := key(i)
		pc.write(path(i), blob, tree, entry)
		at := old.Add(time.Duration(i) * time.Second)
		os.Chtimes(path(i), at, at) // a clock with a coarse grain still orders them
	}
	names, _ := filepath.Glob(filepath.Join(pc.dir, "*"))
	hidden, _ := filepath.Glob(filepath.Join(pc.dir, ".*"))
	if len(names)+len(hidden) > maxCacheEntries+1 { // the last write prunes before its Chtimes
		t.Errorf("%d files in the cache, want at most %d", len(names)+len(hidden), maxCacheEntries+1)
	}
	if _, err := os.Stat(stray); err == nil {
		t.Error("a stray temporary file was kept")
	}
	if _, err := os.Stat(legacy); err == nil {
		t.Error("guard's old cache folder was kept")
	}
	for i := range maxCacheEntries + 8 {
		blob, tree := key(i)
		got, ok := pc.read(path(i), blob, tree)
		switch {
		case i < 8 && ok:
			t.Errorf("entry %d of the oldest kept", i)
		case i >= 9 && (!ok || !got.Valid || len(got.Threads) != 50):
			t.Errorf("entry %d: %v, %+v", i, ok, got.Threads)
		}
		if other, _ := key(i + 1); ok {
			if _, ok := pc.read(path(i), other, tree); ok {
				t.Errorf("entry %d read as another blob's", i)
			}
		}
	}
}

// gitTraced runs the built binary in dir with GIT_TRACE and returns the
// git processes it started, one "git SUBCOMMAND" each.
func gitTraced(t *testing.T, dir string, args ...string) (result, []string) {
	t.Helper()
	trace := filepath.Join(t.TempDir(), "trace")
	r := runEnv(t, dir, []string{"GIT_TRACE=" + trace}, args...)
	data, err := os.ReadFile(trace)
	if err != nil && !errors.Is(err, fs.ErrNotExist) { // no git, no trace
		t.Fatal(err)
	}
	var procs []string
	for _, line := range strings.Split(string(data), "\n") {
		if _, cmd, ok := strings.Cut(line, "trace: built-in: "); ok {
			procs = append(procs, strings.Join(strings.Fields(cmd)[:2], " "))
		}
	}
	return r, procs
}

// TestCheckGitProcesses: check --files starts the fewest git processes it
// can while still reading the plan from the base: the repository, the
// current branch and the base commit come from git's files, one cat-file
// for every object runs only when the base commit is new to the base
// index, and ls-tree of the base only when the plan's verdict is not
// cached. A base that moves, or whose refs get packed, is read again as
// it is.
func TestCheckGitProcesses(t *testing.T) {
	repo, list, _ := cacheRepo(t)
	gitIn(t, repo, "branch", "-f", "main", "HEAD")
	type step struct {
		args []string
		want string
	}
	first := []step{
		{[]string{"check", "--files", list}, "git cat-file, git ls-tree"},
		{[]string{"check", "--files", list}, ""},
		{[]string{"check", "--thread", "1", "--files", list}, ""},
	}
	// main moves to another commit with the same plan and tree: its
	// commit is new to the index, the plan's verdict is not.
	moved := []step{
		{[]string{"check", "--files", list}, "git cat-file"},
		{[]string{"check", "--files", list}, ""},
	}
	run := func(cases []step) {
		t.Helper()
		for _, c := range cases {
			r, procs := gitTraced(t, repo, c.args...)
			wantCode(t, r, exitOK)
			slices.Sort(procs) // symbolic-ref runs while the plan loads
			if got := strings.Join(procs, ", "); got != c.want {
				t.Errorf("%v started %s; want %s", c.args, got, c.want)
			}
		}
	}
	run(first)
	gitIn(t, repo, "commit", "-q", "--allow-empty", "-m", "moved")
	gitIn(t, repo, "branch", "-f", "main", "HEAD")
	run(moved)
	gitIn(t, repo, "pack-refs", "--all")
	run(moved[1:])
}

// TestBaseIndexDistrustsBadEntries: a base index entry that is damaged,
// copied from another base commit, or edited without its checksum (here:
// the invalid plan's base commit pointed at the valid plan's blob and
// tree) is ignored and rewritten from git, never trusted.
func TestBaseIndexDistrustsBadEntries(t *testing.T) {
	repo, list, valid := cacheRepo(t)
	invalid := gitIn(t, repo, "rev-parse", "main")
	index := newBaseIndex(filepath.Join(repo, ".git"))
	first := runIn(t, repo, "check", "--files", list)
	wantCode(t, first, exitFindings)
	badPath := index.path(invalid, "plan.toml")
	badEntry, err := os.ReadFile(badPath)
	if err != nil {
		t.Fatalf("no base index entry for main: %v", err)
	}
	gitIn(t, repo, "branch", "-f", "main", valid)
	wantCode(t, runIn(t, repo, "check", "--files", list), exitOK)
	goodEntry, err := os.ReadFile(index.path(valid, "plan.toml"))
	if err != nil {
		t.Fatal(err)
	}
	bad, okBad := decodeBaseEntry(string(badEntry))
	good, okGood := decodeBaseEntry(string(goodEntry))
	if !okBad || !okGood {
		t.Fatalf("entries as written do not decode: %q, %q", badEntry, goodEntry)
	}
	forged := bad
	forged.Commit, forged.Tree, forged.Blob = good.Commit, good.Tree, good.Blob
	for name, data := range map[string][]byte{
		"the other commit's entry": goodEntry,
		"forged":                   []byte(forged.encode()),
		"truncated":                badEntry[:len(badEntry)/2],
		"a field more":             append(slices.Clone(badEntry), "x\x00"...),
		"another format":           []byte(`{"ref":"` + invalid + `"}`),
		"empty":                    nil,
	} {
		gitIn(t, repo, "branch", "-f", "main", invalid)
		checkRecomputes(t, name, repo, list, badPath, data, first, badEntry)
	}
}

// TestBaseEntryRoundTrip: an entry decodes as it was encoded, and a
// damaged one does not decode.
func TestBaseEntryRoundTrip(t *testing.T) {
	e := baseEntry{Ref: strings.Repeat("a", 40), File: "dir/plan file.toml", Commit: strings.Repeat("b", 40), Tree: strings.Repeat("c", 40), Blob: strings.Repeat("d", 40)}
	e.Sum = e.sum()
	data := e.encode()
	if got, ok := decodeBaseEntry(data); !ok || got != e {
		t.Fatalf("decodeBaseEntry(encode(e)) = %+v, %v; want %+v", got, ok, e)
	}
	for i := range len(data) {
		if _, ok := decodeBaseEntry(data[:i]); ok {
			t.Errorf("the first %d bytes of an entry decode", i)
		}
	}
}

// TestChecksumIsCRC32: hashing through a buffer gives the CRC-32 of the
// whole, whatever the length against the buffer's.
func TestChecksumIsCRC32(t *testing.T) {
	for _, n := range []int{0, 1, 1023, 1024, 1025, 2048, 70_001} {
		data := strings.Repeat("plan\x00", n/5+1)[:n]
		want := crc32.ChecksumIEEE([]byte(data))
		if got := checksum(data); got != fmt.Sprintf("%08x", want) {
			t.Errorf("checksum of %d bytes = %s, want %08x", n, got, want)
		}
	}
}
