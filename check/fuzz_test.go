package check

import (
	"strings"
	"testing"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/parallel-sessions/parallel-sessions/plan"
)

// fuzzPlan builds a plan from lines "R pattern", where R picks the role:
// a/b owns/forbids of thread 1, c/d of thread 2, e owns of dropped thread
// 3, s shared. Lines that are not patterns are skipped: the fuzzer is after
// the check, not the pattern parser.
func fuzzPlan(spec string) *plan.Plan {
	p := &plan.Plan{Threads: []plan.Thread{
		{ID: 1, Branch: "one", Status: plan.StatusActive},
		{ID: 2, Branch: "two", Status: plan.StatusActive},
		{ID: 3, Branch: "three", Status: plan.StatusDropped},
	}}
	for _, line := range strings.Split(spec, "\n") {
		role, text, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		pat, err := plan.ParsePattern(text)
		if err != nil {
			continue
		}
		switch role {
		case "a":
			p.Threads[0].Owns = append(p.Threads[0].Owns, pat)
		case "b":
			p.Threads[0].Forbids = append(p.Threads[0].Forbids, pat)
		case "c":
			p.Threads[1].Owns = append(p.Threads[1].Owns, pat)
		case "d":
			p.Threads[1].Forbids = append(p.Threads[1].Forbids, pat)
		case "e":
			p.Threads[2].Owns = append(p.Threads[2].Owns, pat)
		case "s":
			p.Shared = append(p.Shared, pat)
		}
	}
	return p
}

// slowMatch applies the pattern rules (README, "Path patterns") directly: a folder or a
// plain path matches itself and everything below it, anything else is
// doublestar.Match of the pattern's glob on the whole path.
func slowMatch(p plan.Pattern, path string) bool {
	text := p.Text
	for strings.HasPrefix(text, "./") {
		text = text[2:]
	}
	if !strings.ContainsAny(text, "*?[{") {
		dir := strings.TrimSuffix(text, "/")
		return path == dir || strings.HasPrefix(path, dir+"/")
	}
	ok, _ := doublestar.Match(p.Glob, path)
	return ok
}

// slowVerdict is the scope rule evaluated the obvious way, over every
// pattern of the plan: the reason a path fails, and the threads that could
// be named as its owner.
func slowVerdict(p *plan.Plan, t *plan.Thread, planFile, path string) (Reason, []*plan.Thread) {
	anyMatch := func(pats []plan.Pattern) bool {
		for _, q := range pats {
			if slowMatch(q, path) {
				return true
			}
		}
		return false
	}
	switch {
	case path == planFile:
		return PlanFile, nil
	case !t.Active():
		return ThreadDropped, nil
	case anyMatch(t.Forbids):
		return Forbidden, nil
	case anyMatch(t.Owns) || anyMatch(p.Shared):
		return "", nil
	}
	var owners []*plan.Thread
	for i := range p.Threads {
		o := &p.Threads[i]
		if o != t && o.Active() && anyMatch(o.Owns) {
			owners = append(owners, o)
		}
	}
	if len(owners) > 0 {
		return OwnedBy, owners
	}
	return NotOwned, nil
}

// FuzzCheck compares Check, which looks patterns up in an index, with
// slowVerdict on random plans and change lists. Seeds are in
// testdata/fuzz/FuzzCheck and below.
func FuzzCheck(f *testing.F) {
	f.Add("a services/auth/\nb services/auth/secret/\nc services/**/*.go\ns go.sum", "services/auth/a.go\nservices/api/b.go\ngo.sum\nservices/auth/secret/k\nREADME.md", uint8(0))
	f.Add("a docs/{api,guide}/*.md\nc docs/\ne old/\ns docs/shared", "docs/api/x.md\ndocs/guide\nold/a\nplan.toml\ndocs/shared/a", uint8(1))
	f.Add("a [a-c]*/x\nc b/\nd b/x\ns **/*.lock", "b/x\na/x\nc/y/z.lock\nbx/x", uint8(2))
	f.Fuzz(func(t *testing.T, spec, paths string, pick uint8) {
		p := fuzzPlan(spec)
		th := &p.Threads[int(pick)%len(p.Threads)]
		var changes []Change
		for _, path := range strings.Split(paths, "\n") {
			if validPath(path) == nil {
				changes = append(changes, Change{Status: Modified, Path: path})
			}
		}
		r, err := New(p, "plan.toml").Check(th, changes, len(changes))
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]Violation{}
		for _, v := range r.Violations {
			got[v.Path] = v
		}
		for _, ch := range changes {
			reason, owners := slowVerdict(p, th, "plan.toml", ch.Path)
			v, failed := got[ch.Path]
			if reason == "" {
				if failed {
					t.Fatalf("%q: check says %s, the rules say in scope", ch.Path, r.Finding(v))
				}
				continue
			}
			if !failed || v.Reason != reason {
				t.Fatalf("%q: check says %+v, the rules say %s", ch.Path, v, reason)
			}
			if reason == OwnedBy && !containsThread(owners, v.Owner) {
				t.Fatalf("%q: check names owner %s, the owners are %v", ch.Path, v.Owner.Label(), owners)
			}
		}
	})
}

func containsThread(ts []*plan.Thread, t *plan.Thread) bool {
	for _, x := range ts {
		if x == t {
			return true
		}
	}
	return false
}

// FuzzPatternDir checks the property the index rests on: a path that a
// pattern matches is at or below the pattern's Dir.
func FuzzPatternDir(f *testing.F) {
	f.Add("services/{auth,api}/**/*.go", "services/auth/x/y.go")
	f.Add("docs/api/[a-c]?.md", "docs/api/ab.md")
	f.Add("go.mod", "go.mod/x")
	f.Fuzz(func(t *testing.T, pattern, path string) {
		p, err := plan.ParsePattern(pattern)
		if err != nil || validPath(path) != nil || !p.Match(path) {
			return
		}
		if dir := p.Dir(); dir != "" && path != dir && !strings.HasPrefix(path, dir+"/") {
			t.Fatalf("%q matches %q, which is not at or below Dir %q", pattern, path, dir)
		}
	})
}
