package plan

// validate applies the rules that span threads: unique ids and branches,
// no thread on the base branch. The overlap proof is checkOverlaps.
func validate(p *Plan, fs *findings) {
	ids := map[int]*Thread{}
	branches := map[string]*Thread{}
	for i := range p.Threads {
		t := &p.Threads[i]
		if t.ID > 0 {
			if prev, dup := ids[t.ID]; dup {
				fs.add(t.IDPos, "id", "%s: id %d is already used by %s at line %d; give each thread its own id", t.Label(), t.ID, prev.Label(), prev.IDPos.Line)
			} else {
				ids[t.ID] = t
			}
		}
		if t.Branch == "" || checkBranchName(t.Branch) != nil {
			continue
		}
		if t.Branch == p.Base {
			fs.add(t.BranchPos, "branch", "%s: branch %q is the base branch; a thread needs a branch of its own", t.Label(), t.Branch)
		} else if prev, dup := branches[t.Branch]; dup {
			fs.add(t.BranchPos, "branch", "%s: branch %q is already used by %s at line %d; give each thread its own branch", t.Label(), t.Branch, prev.Label(), prev.BranchPos.Line)
		} else {
			branches[t.Branch] = t
		}
	}
}
