package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/parallel-sessions/parallel-sessions/plan"
)

// guardPlanState says what guardPlan found.
type guardPlanState int

const (
	planMissing guardPlanState = iota // no plan.toml on the base (nor on HEAD)
	planInvalid                       // a plan with findings: guard fails closed
	planValid
)

// guardPlanResult is the plan guard decides with, as committed on the base.
type guardPlanResult struct {
	state    guardPlanState
	plan     *plan.Plan // planValid only
	base     string     // the base ref the plan was read from
	findings []string   // planInvalid only
}

// guardPlan reads the plan as committed on the base branch of the
// repository whose git directory is commonDir, for the worktree at root,
// reduced to the patterns that can match the repository path path (see
// cachedPlan.plan); "" keeps every pattern.
// The base is the one the plan at HEAD names (plan.DefaultBase without
// one); the plan guard decides with is always the base's, so a thread
// cannot widen its own scope by editing its copy.
//
// This is the seam to the shared "plan from the base branch" loader: guard
// calls nothing else to find its plan. It talks to one `git cat-file
// --batch-command` process, and keeps each plan it has proved valid (by its
// blob id) in the cache of guardCache, so the hot path neither decodes the
// TOML nor runs the overlap proof again (README, "The edit-time guard").
func guardPlan(root, commonDir, path string) (guardPlanResult, error) {
	cat, err := startCatFile(root)
	if err != nil {
		return guardPlanResult{}, err
	}
	defer cat.close()
	cache := guardCache{dir: filepath.Join(commonDir, "parallel-sessions", "guard")}

	base, headPlan, err := headBase(cat, cache)
	if err != nil {
		return guardPlanResult{}, err
	}
	for _, ref := range []string{"refs/heads/" + base, "refs/remotes/origin/" + base} {
		oid, ok, err := cat.info(ref+":"+plan.FileName, "blob")
		if err != nil {
			return guardPlanResult{}, err
		}
		if !ok {
			continue
		}
		treeOID, ok, err := cat.info(ref+"^{tree}", "tree")
		if err != nil {
			return guardPlanResult{}, err
		}
		if !ok {
			return guardPlanResult{}, fmt.Errorf("read the tree of %s: git cat-file found none", ref)
		}
		entry, err := cache.load(cat, oid, baseFiles{root: root, tree: treeOID})
		if err != nil {
			return guardPlanResult{}, err
		}
		res := guardPlanResult{base: strings.TrimPrefix(strings.TrimPrefix(ref, "refs/heads/"), "refs/remotes/")}
		if !entry.Valid {
			res.state, res.findings = planInvalid, entry.Findings
			return res, nil
		}
		p, err := entry.plan(path)
		if err != nil { // a cache entry that does not compile is not trusted
			res.state, res.findings = planInvalid, []string{err.Error()}
			return res, nil
		}
		res.state, res.plan = planValid, p
		return res, nil
	}
	if headPlan { // a branch with a plan whose base has none: fail closed
		return guardPlanResult{state: planInvalid, base: base, findings: []string{
			fmt.Sprintf("%s at HEAD names the base %q, which has no %s (neither as a local branch nor as origin/%s)", plan.FileName, base, plan.FileName, base)}}, nil
	}
	return guardPlanResult{state: planMissing, base: base}, nil
}

// headBase is the base the plan at HEAD names (plan.DefaultBase when it
// names none, or when HEAD has no plan: found is false then).
func headBase(cat *catFile, cache guardCache) (base string, found bool, err error) {
	oid, ok, err := cat.info("HEAD:"+plan.FileName, "blob")
	if err != nil || !ok {
		return plan.DefaultBase, false, err
	}
	entry, err := cache.load(cat, oid, baseFiles{})
	if err != nil {
		return "", false, err
	}
	if entry.Base == "" {
		return plan.DefaultBase, true, nil
	}
	return entry.Base, true, nil
}

// guardCache keeps what guard learned about each plan blob in the git
// directory, one small JSON file per blob id. A blob's content never
// changes, so an entry is never stale.
type guardCache struct {
	dir string
}

// cacheSuffix names the cache format; a new format takes a new suffix.
const cacheSuffix = ".v2.json"

// cachedPlan is a plan reduced to what the scope check needs, written only
// after plan.Parse accepted it (Valid) or with its findings.
type cachedPlan struct {
	Base     string          `json:"base"`
	Valid    bool            `json:"valid"`
	Findings []string        `json:"findings,omitempty"`
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

// canMatch reports whether the pattern may match path; "" is every path.
func (c cachedPattern) canMatch(path string) bool {
	return path == "" || c.Dir == "" || path == c.Dir || strings.HasPrefix(path, c.Dir+"/")
}

// baseFiles is the base branch's tree a plan is judged in: the literal-file
// rule and the overlap proof depend on it. The zero value is no tree.
type baseFiles struct {
	root string // the repository, for git ls-tree
	tree string // the tree's object id
}

// list reads the tree's files, or nil for no tree.
func (b baseFiles) list() (*plan.Tree, error) {
	if b.tree == "" {
		return nil, nil
	}
	tree, err := treeAt(gitCmd{dir: b.root}, b.tree)
	if err != nil {
		return nil, fmt.Errorf("list the files of the base: %w", err)
	}
	return tree, nil
}

// load returns the entry of blob oid judged in the tree of base, parsing
// the blob on a miss. The entry is keyed by both ids: a plan valid in one
// tree may not be in another.
func (g guardCache) load(cat *catFile, oid string, base baseFiles) (cachedPlan, error) {
	key := oid
	if base.tree != "" {
		key += "-" + base.tree
	}
	path := filepath.Join(g.dir, key+cacheSuffix)
	if data, err := os.ReadFile(path); err == nil {
		var e cachedPlan
		if json.Unmarshal(data, &e) == nil {
			return e, nil
		}
	}
	data, err := cat.contents(oid)
	if err != nil {
		return cachedPlan{}, err
	}
	tree, err := base.list()
	if err != nil {
		return cachedPlan{}, err
	}
	e := reducePlan(data, tree)
	if enc, err := json.Marshal(e); err == nil && os.MkdirAll(g.dir, 0o755) == nil {
		writeFileAtomic(path, enc) // a cache that cannot be written only costs time
	}
	return e, nil
}

// reducePlan parses and validates a plan blob in tree (nil: unknown) into
// a cache entry.
func reducePlan(data []byte, tree *plan.Tree) cachedPlan {
	p, findings := plan.ParseInTree(plan.FileName, data, tree)
	var e cachedPlan
	if p != nil {
		e.Base = p.Base
	}
	if p == nil || plan.Errors(findings) > 0 {
		for _, f := range findings {
			if f.Severity == plan.Error {
				e.Findings = append(e.Findings, f.String())
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

func patternTexts(ps []plan.Pattern) []cachedPattern {
	var out []cachedPattern
	for _, p := range ps {
		out = append(out, cachedPattern{Text: p.Text, Dir: p.Dir(), File: p.IsFile()})
	}
	return out
}

// plan rebuilds the plan of a valid entry with only the patterns that can
// match path: every thread is kept, so the scope check of path decides as
// it would with the whole plan, but compiles a few patterns, not all of a
// large plan's (README, "The edit-time guard").
func (e cachedPlan) plan(path string) (*plan.Plan, error) {
	p := &plan.Plan{Base: e.Base}
	var err error
	if p.Shared, err = compilePatterns(e.Shared, path); err != nil {
		return nil, err
	}
	for _, ct := range e.Threads {
		t := plan.Thread{ID: ct.ID, Branch: ct.Branch, Status: plan.Status(ct.Status), MergeOrder: ct.MergeOrder}
		if t.Owns, err = compilePatterns(ct.Owns, path); err != nil {
			return nil, err
		}
		if t.Forbids, err = compilePatterns(ct.Forbids, path); err != nil {
			return nil, err
		}
		p.Threads = append(p.Threads, t)
	}
	return p, nil
}

func compilePatterns(cps []cachedPattern, path string) ([]plan.Pattern, error) {
	var out []plan.Pattern
	for _, cp := range cps {
		if !cp.canMatch(path) {
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

// catFile is one `git cat-file --batch-command` process: every object
// guard needs, from a single process start.
type catFile struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
}

func startCatFile(dir string) (*catFile, error) {
	cmd := exec.Command("git", "cat-file", "--batch-command")
	cmd.Dir = dir
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("run git cat-file: %w", err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("run git cat-file: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("run git cat-file: %w", err)
	}
	return &catFile{cmd: cmd, in: in, out: bufio.NewReader(out)}, nil
}

// info returns the object id of name; ok is false when it does not exist.
func (c *catFile) info(name, kind string) (oid string, ok bool, err error) {
	if strings.ContainsAny(name, "\n\x00") {
		return "", false, fmt.Errorf("object name %q has a line break", name)
	}
	header, err := c.ask("info " + name)
	if err != nil {
		return "", false, err
	}
	if strings.HasSuffix(header, " missing") || strings.HasSuffix(header, " ambiguous") {
		return "", false, nil
	}
	fields := strings.Fields(header)
	if len(fields) != 3 || fields[1] != kind {
		return "", false, nil // a folder named plan.toml is no plan
	}
	return fields[0], true, nil
}

// maxGuardPlan bounds a plan blob read by guard, as maxPlanSize does files.
const maxGuardPlan = maxPlanSize

// contents returns blob oid's content.
func (c *catFile) contents(oid string) ([]byte, error) {
	header, err := c.ask("contents " + oid)
	if err != nil {
		return nil, err
	}
	fields := strings.Fields(header)
	if len(fields) != 3 {
		return nil, fmt.Errorf("git cat-file: unexpected answer %q", header)
	}
	size, err := strconv.Atoi(fields[2])
	if err != nil || size < 0 || size > maxGuardPlan {
		return nil, fmt.Errorf("the plan blob %s is %s bytes; a plan is a small text file", oid, fields[2])
	}
	data := make([]byte, size+1) // the content, then a line feed
	if _, err := io.ReadFull(c.out, data); err != nil {
		return nil, fmt.Errorf("read git cat-file: %w", err)
	}
	return data[:size], nil
}

func (c *catFile) ask(command string) (string, error) {
	if _, err := io.WriteString(c.in, command+"\n"); err != nil {
		return "", fmt.Errorf("write to git cat-file: %w", err)
	}
	line, err := c.out.ReadString('\n')
	if err != nil {
		if errors.Is(err, io.EOF) {
			return "", errors.New("git cat-file exited early; is this a git repository?")
		}
		return "", fmt.Errorf("read git cat-file: %w", err)
	}
	return strings.TrimSuffix(line, "\n"), nil
}

func (c *catFile) close() {
	c.in.Close()
	c.cmd.Wait()
}
