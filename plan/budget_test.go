package plan

import (
	"fmt"
	"strings"
	"testing"
)

// braceHeavyPlan is the plan of issue 11 item 15: about 15 KB of owns
// patterns that each start with "**/" and expand to many alternatives, so
// that every pair of patterns from different threads needs the full search.
func braceHeavyPlan() []byte {
	var b strings.Builder
	for t := 1; b.Len() < 15_000; t++ {
		fmt.Fprintf(&b, "[[threads]]\nid = %d\nbranch = \"t%d\"\ngoal = \"g\"\nmerge_order = %d\nowns = [\n", t, t, t)
		for p := range 4 {
			fmt.Fprintf(&b, "  \"**/{a,b}{c,d}*/**/{e,f}*{g,h}/**/*{i,j}%d{k,l}*\",\n", p)
		}
		b.WriteString("]\n\n")
	}
	return []byte(b.String())
}

func TestProofBudgetStopsCostlyPlan(t *testing.T) {
	data := braceHeavyPlan()
	if len(data) < 14_000 {
		t.Fatalf("plan is %d bytes, want about 15 KB", len(data))
	}
	_, fs := Parse("heavy.toml", data)
	var budget []Finding
	for _, f := range fs {
		if f.Rule == "proof-budget" {
			budget = append(budget, f)
		}
	}
	if len(budget) != 1 {
		t.Fatalf("want one proof-budget finding, got %d of %d findings: %v", len(budget), len(fs), fs)
	}
	if !strings.Contains(budget[0].Message, "**/{a,b}{c,d}") {
		t.Errorf("the finding does not name the costly pattern: %s", budget[0])
	}
	if Errors(fs) == 0 {
		t.Error("a plan over the budget must be invalid")
	}
}

func TestBudgetSpend(t *testing.T) {
	b := &budget{left: 3}
	if !b.spend(2) || !b.spend(1) {
		t.Fatal("spend within the budget failed")
	}
	if b.spend(1) {
		t.Fatal("spend past the budget succeeded")
	}
	var unlimited *budget
	if !unlimited.spend(1 << 40) {
		t.Fatal("a nil budget is unlimited")
	}
}
