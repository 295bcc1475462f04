package plan

// Claim is a pattern of a thread that matches a path.
type Claim struct {
	Thread  *Thread
	Pattern Pattern
}

// Explanation says who may touch one path: the active threads that own it,
// the shared patterns that match it, and the threads that forbid it. In a
// valid plan at most one thread owns a path, and never a shared one.
type Explanation struct {
	Path      string
	Owners    []Claim
	Shared    []Pattern
	Forbidden []Claim
}

// Explain applies the plan's patterns to one repository-relative path.
// Dropped threads own nothing; their forbids are not reported either.
func (p *Plan) Explain(path string) Explanation {
	e := Explanation{Path: path}
	for _, s := range p.Shared {
		if s.Match(path) {
			e.Shared = append(e.Shared, s)
		}
	}
	for i := range p.Threads {
		t := &p.Threads[i]
		if !t.Active() {
			continue
		}
		for _, o := range t.Owns {
			if o.Match(path) {
				e.Owners = append(e.Owners, Claim{t, o})
				break
			}
		}
		for _, f := range t.Forbids {
			if f.Match(path) {
				e.Forbidden = append(e.Forbidden, Claim{t, f})
				break
			}
		}
	}
	return e
}

// Holders are the owners whose territory holds the path: those that own it
// and do not forbid it (forbids carves out of owns). In a valid plan there
// is at most one, and then no shared pattern matches the path.
func (e Explanation) Holders() []Claim {
	var hs []Claim
	for _, o := range e.Owners {
		if !e.forbiddenFor(o.Thread) {
			hs = append(hs, o)
		}
	}
	return hs
}

func (e Explanation) forbiddenFor(t *Thread) bool {
	for _, f := range e.Forbidden {
		if f.Thread == t {
			return true
		}
	}
	return false
}
