package plan

import (
	"fmt"
	"strings"
)

var (
	planKeys   = []string{"version", "base", "worktrees", "shared", "env", "setup", "teardown", "threads"}
	threadKeys = []string{"id", "branch", "goal", "owns", "forbids", "merge_order", "status"}
)

// Parse decodes and validates a plan without knowing the base branch's
// files: ParseInTree(file, data, nil).
func Parse(file string, data []byte) (*Plan, []Finding) {
	return ParseInTree(file, data, nil)
}

// ParseInTree decodes and validates a plan against the base branch's tree
// (nil when unknown). file names the plan in findings. The plan is nil only
// when data is not TOML at all; otherwise it holds every value that could be
// decoded, and the findings say what is wrong. A plan is valid when no
// finding is an error (Errors is zero): every rule holds and no two active
// threads' territories (owns minus forbids) meet. Warnings (an owns pattern
// matching no file of the tree) do not make it invalid.
//
// With a tree, every pattern of the plan follows the literal-file rule (see
// Pattern.InTree) in Match, Explain, Overlaps and the check package.
func ParseInTree(file string, data []byte, tree *Tree) (*Plan, []Finding) {
	p, fs := decode(file, data, tree)
	if p != nil {
		checkOverlaps(p, fs)
		checkCoverage(p, fs)
		SortFindings(fs.list)
	}
	return p, fs.list
}

// Decode decodes a plan and applies every rule except the pairwise overlap
// proof, whose cost grows with the plan: for answering questions about a few
// paths (ps-local explain) without paying for the whole proof. A plan with
// no Decode findings may still have overlaps; ParseInTree says.
func Decode(file string, data []byte, tree *Tree) (*Plan, []Finding) {
	p, fs := decode(file, data, tree)
	return p, fs.list
}

func decode(file string, data []byte, tree *Tree) (*Plan, *findings) {
	fs := &findings{file: file}
	root, serr := parseTree(data)
	if serr != nil {
		fs.add(serr.pos, "syntax", "%s", serr.msg)
		return nil, fs
	}
	d := decoder{fs: fs, tree: tree}
	p := d.plan(root)
	p.Tree = tree
	validate(p, fs)
	SortFindings(fs.list)
	return p, fs
}

type decoder struct {
	fs   *findings
	tree *Tree
}

func (d *decoder) plan(root *value) *Plan {
	p := &Plan{Version: 1, Base: DefaultBase, Worktrees: DefaultWorktrees}
	d.checkKeys(root, planKeys, "plan")
	if v := root.lookup("version"); v != nil {
		if d.want(v, kindInteger, "version") {
			if v.num != 1 {
				d.fs.add(v.pos, "version", "unsupported plan version %d; this ps-local reads version 1", v.num)
			}
			p.Version = int(v.num)
		}
	}
	if v := root.lookup("base"); v != nil && d.want(v, kindString, "base") {
		p.Base = v.str
		if err := checkBranchName(v.str); err != nil {
			d.fs.add(v.pos, "base", "base branch %q: %v", v.str, err)
		}
	}
	worktreesPos := Position{1, 1} // the file's top when the key is absent
	if v := root.lookup("worktrees"); v != nil && d.want(v, kindString, "worktrees") {
		p.Worktrees, worktreesPos = v.str, v.pos
		if err := checkFolder(v.str); err != nil {
			d.fs.add(v.pos, "worktrees", "worktrees folder %q: %v", v.str, err)
		}
	}
	checkWorktreesInTree(p.Worktrees, p.Base, d.tree, worktreesPos, d.fs)
	if v := root.lookup("shared"); v != nil {
		p.Shared = d.patterns(v, "shared", "shared")
	}
	if v := root.lookup("env"); v != nil && d.want(v, kindTable, "env") {
		p.Env = d.env(v)
	}
	if v := root.lookup("setup"); v != nil {
		p.Setup = d.commands(v, "setup")
	}
	if v := root.lookup("teardown"); v != nil {
		p.Teardown = d.commands(v, "teardown")
	}
	v := root.lookup("threads")
	if v == nil {
		d.fs.add(Position{1, 1}, "threads", "plan declares no threads; add a [[threads]] table for each work thread (ps-local init writes a template)")
		return p
	}
	if v.kind != kindArray || !allTables(v) {
		d.fs.add(v.pos, "type", "threads must be an array of tables, written [[threads]]; got %s", describe(v))
		return p
	}
	if len(v.items) == 0 {
		d.fs.add(v.pos, "threads", "plan declares no threads; add a [[threads]] table for each work thread")
	}
	for _, item := range v.items {
		p.Threads = append(p.Threads, d.thread(item))
	}
	d.checkPorts(p)
	return p
}

func allTables(v *value) bool {
	for _, it := range v.items {
		if it.kind != kindTable {
			return false
		}
	}
	return true
}

func (d *decoder) thread(tv *value) Thread {
	t := Thread{Status: StatusActive, Pos: tv.pos}
	t.IDPos, t.BranchPos = tv.pos, tv.pos
	d.checkKeys(tv, threadKeys, "thread")
	if v := tv.lookup("id"); v != nil && d.want(v, kindInteger, "id") {
		t.ID, t.IDPos = clampInt(v.num), v.pos
		if t.ID <= 0 {
			d.fs.add(v.pos, "id", "thread id %d must be a positive integer", v.num)
		}
	}
	if v := tv.lookup("branch"); v != nil && d.want(v, kindString, "branch") {
		t.Branch, t.BranchPos = v.str, v.pos
		if err := checkBranchName(v.str); err != nil {
			d.fs.add(v.pos, "branch", "%s: branch %q: %v", t.Label(), v.str, err)
		}
	}
	if v := tv.lookup("goal"); v != nil && d.want(v, kindString, "goal") {
		t.Goal = v.str
		if strings.TrimSpace(v.str) == "" {
			d.fs.add(v.pos, "goal", "%s: goal is empty; say in one line what the thread delivers", t.Label())
		}
	}
	if v := tv.lookup("merge_order"); v != nil && d.want(v, kindInteger, "merge_order") {
		t.MergeOrder = clampInt(v.num)
		if t.MergeOrder <= 0 {
			d.fs.add(v.pos, "merge-order", "%s: merge_order %d must be a positive integer", t.Label(), v.num)
		}
	}
	if v := tv.lookup("status"); v != nil && d.want(v, kindString, "status") {
		t.Status = Status(v.str)
		if t.Status != StatusActive && t.Status != StatusDropped {
			d.fs.add(v.pos, "status", "%s: status %q is not \"active\" or \"dropped\"", t.Label(), v.str)
		}
	}
	// Required keys are reported once each, at the thread's header, after
	// the keys that are present: the label can then name the thread.
	for _, key := range []string{"id", "branch", "goal", "owns", "merge_order"} {
		if tv.lookup(key) == nil {
			d.fs.add(tv.pos, "missing-key", "%s has no %q", t.Label(), key)
		}
	}
	if v := tv.lookup("owns"); v != nil {
		t.Owns = d.patterns(v, "owns", t.Label()+" owns")
		if v.kind == kindArray && len(v.items) == 0 {
			d.fs.add(v.pos, "owns", "%s owns nothing; list at least one path pattern", t.Label())
		}
	}
	if v := tv.lookup("forbids"); v != nil {
		t.Forbids = d.patterns(v, "forbids", t.Label()+" forbids")
	}
	return t
}

// clampInt keeps an out-of-range integer out of range, for the rules that
// reject it, instead of letting it wrap into a valid-looking one.
func clampInt(n int64) int {
	const maxInt = int64(^uint(0) >> 1)
	if n > maxInt {
		return int(maxInt)
	}
	if n < -maxInt {
		return int(-maxInt)
	}
	return int(n)
}

// patterns decodes an array of pattern strings; invalid ones are reported
// and left out.
func (d *decoder) patterns(v *value, key, owner string) []Pattern {
	if !d.want(v, kindArray, key) {
		return nil
	}
	var out []Pattern
	for _, it := range v.items {
		if it.kind != kindString {
			d.fs.add(it.pos, "type", "%s must be an array of strings; got %s", key, describe(it))
			continue
		}
		p, err := ParsePattern(it.str)
		if err != nil {
			d.fs.add(it.pos, "pattern", "%s %q: %v", owner, it.str, err)
			continue
		}
		p = p.InTree(d.tree)
		p.Pos = it.pos
		out = append(out, p)
	}
	return out
}

func (d *decoder) env(v *value) []EnvVar {
	var out []EnvVar
	for _, e := range v.keys {
		if !validEnvName(e.name) {
			d.fs.add(e.pos, "env", "env variable name %q is not valid; use letters, digits and '_', not starting with a digit", e.name)
		}
		if e.val.kind != kindString {
			d.fs.add(e.val.pos, "type", "env.%s must be a string; got %s", e.name, describe(e.val))
			continue
		}
		for _, ph := range placeholders(e.val.str) {
			if !knownPlaceholder(ph) {
				d.fs.add(e.val.pos, "env", "env.%s uses unknown placeholder {%s}; known placeholders are {id}, {branch}, {slug} and {port}", e.name, ph)
			}
		}
		out = append(out, EnvVar{Name: e.name, Template: e.val.str})
	}
	return out
}

// want reports whether v has kind k, and reports a finding when not.
func (d *decoder) want(v *value, k valueKind, key string) bool {
	if v.kind == k {
		return true
	}
	d.fs.add(v.pos, "type", "%s must be %s %s; got %s", key, article(k), k, describe(v))
	return false
}

func article(k valueKind) string {
	if k == kindArray || k == kindInteger {
		return "an"
	}
	return "a"
}

func describe(v *value) string {
	switch v.kind {
	case kindString:
		return fmt.Sprintf("string %q", v.str)
	case kindInteger:
		return fmt.Sprintf("integer %d", v.num)
	default:
		return article(v.kind) + " " + v.kind.String()
	}
}

// checkKeys reports keys of tbl that are not in known, with a suggestion
// when one is a near miss (keys are case-sensitive; go-toml alone would
// accept "Branch" for "branch").
func (d *decoder) checkKeys(tbl *value, known []string, where string) {
	for _, e := range tbl.keys {
		if contains(known, e.name) {
			continue
		}
		msg := fmt.Sprintf("unknown %s key %q", where, e.name)
		if s := suggest(e.name, known); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		} else {
			msg += fmt.Sprintf("; known keys are %s", strings.Join(known, ", "))
		}
		d.fs.add(e.pos, "unknown-key", "%s", msg)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// suggest returns the known key closest to name: the same up to case and
// '-' for '_', or within two edits.
func suggest(name string, known []string) string {
	fold := func(s string) string { return strings.ReplaceAll(strings.ToLower(s), "-", "_") }
	for _, k := range known {
		if fold(k) == fold(name) {
			return k
		}
	}
	best, bestDist := "", 3
	for _, k := range known {
		if dist := editDistance(fold(name), k); dist < bestDist {
			best, bestDist = k, dist
		}
	}
	return best
}

// editDistance is the Levenshtein distance between two short strings.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
