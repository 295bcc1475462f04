package plan

// proofBudget is how many automaton states the overlap proof of one plan
// may explore (see README, "Path patterns"). Ordinary plans of hundreds of
// threads stay far below it; a plan over it is invalid, with a finding
// naming the costly patterns, rather than a validation that never ends.
const proofBudget = 2_000_000

// budget counts the states the overlap proof explores. A nil budget is
// unlimited.
type budget struct {
	left int
}

// spend takes n states from the budget and reports whether it still had
// them.
func (b *budget) spend(n int) bool {
	if b == nil {
		return true
	}
	if b.left < n {
		b.left = 0
		return false
	}
	b.left -= n
	return true
}
