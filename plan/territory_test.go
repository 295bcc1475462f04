package plan

import (
	"math/rand/v2"
	"testing"
)

// TestTerritoryDifferential compares territoryOverlap with brute force over
// a small universe: some path matches a and b and no forbid pattern exactly
// when the search finds one, and its witness is such a path, no longer than
// the shortest one. Half the cases place the patterns in a tree, so literal
// files take part.
func TestTerritoryDifferential(t *testing.T) {
	paths := universe("abc.", 2, 3)
	tree := NewTree([]string{"a", "b/c", "ab", "c.a/b"})
	r := rand.New(rand.NewPCG(5, 6))
	literals := []string{"a", "b", "ab", "b/c", "c.a", "c"}
	random := func() Pattern {
		for {
			text := randomPattern(r)
			if r.IntN(4) == 0 {
				text = literals[r.IntN(len(literals))]
			}
			if p, err := ParsePattern(text); err == nil {
				if r.IntN(2) == 0 {
					p = p.InTree(tree)
				}
				return p
			}
		}
	}
	found, empty := 0, 0
	for range 400 {
		a, b := random(), random()
		var forbid []Pattern
		for range r.IntN(3) {
			forbid = append(forbid, random())
		}
		shortest := ""
		for _, path := range paths {
			if !a.Match(path) || !b.Match(path) || matchesAny(forbid, path) {
				continue
			}
			if shortest == "" || len(path) < len(shortest) {
				shortest = path
			}
		}
		w, ok, decided := territoryOverlap(a, b, forbid, nil)
		if !decided {
			t.Fatalf("unlimited search undecided for %q, %q minus %v", a.Text, b.Text, texts(forbid))
		}
		if ok {
			found++
			if !a.Match(w) || !b.Match(w) || matchesAny(forbid, w) {
				t.Fatalf("territoryOverlap(%q, %q, %v) witness %q is not in both territories", a.Text, b.Text, texts(forbid), w)
			}
		} else {
			empty++
		}
		switch {
		case shortest != "" && !ok:
			t.Fatalf("territoryOverlap(%q, %q, %v) = false, but %q is in both", a.Text, b.Text, texts(forbid), shortest)
		case shortest != "" && len(w) > len(shortest):
			t.Fatalf("territoryOverlap(%q, %q, %v) witness %q is longer than %q", a.Text, b.Text, texts(forbid), w, shortest)
		}
	}
	if found == 0 || empty == 0 {
		t.Fatalf("%d found, %d empty: the generator no longer exercises both outcomes", found, empty)
	}
}

func texts(ps []Pattern) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Text)
	}
	return out
}
