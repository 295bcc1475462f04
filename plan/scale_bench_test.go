package plan

import (
	"fmt"
	"strings"
	"testing"
)

// globstarPlan writes the plan of issue 13 item 5: threads × patterns owns
// patterns that all start with "**/", so no literal prefix tells pairs
// apart. It is valid: each pattern ends in its thread's own folder.
func globstarPlan(threads, patterns int) []byte {
	var b strings.Builder
	for t := 1; t <= threads; t++ {
		fmt.Fprintf(&b, "[[threads]]\nid = %d\nbranch = \"t%d\"\ngoal = \"g\"\nmerge_order = %d\nowns = [\n", t, t, t)
		for p := range patterns {
			switch p % 3 {
			case 0:
				fmt.Fprintf(&b, "  \"**/t%d/p%d/*.go\",\n", t, p)
			case 1:
				fmt.Fprintf(&b, "  \"**/t%d/p%d/*.md\",\n", t, p)
			default:
				fmt.Fprintf(&b, "  \"**/t%d/*_p%d.txt\",\n", t, p)
			}
		}
		b.WriteString("]\n\n")
	}
	return []byte(b.String())
}

func TestGlobstarPlanIsValid(t *testing.T) {
	for _, n := range []int{10, 200} {
		if _, fs := Parse("bench.toml", globstarPlan(n, 20)); len(fs) > 0 {
			t.Fatalf("%d threads: %v", n, fs[0])
		}
	}
}

// baselineOverlaps is the overlap proof as it was before issue 13, kept as
// the benchmarks' baseline: every pair of owns patterns from different
// threads, skipped only on incompatible literal prefixes, else searched.
func baselineOverlaps(p *Plan) int {
	var pats []Pattern
	var threads []*Thread
	for i := range p.Threads {
		for _, o := range p.Threads[i].Owns {
			pats, threads = append(pats, o), append(threads, &p.Threads[i])
		}
	}
	n := 0
	for j := range pats {
		for i := range j {
			if threads[i] == threads[j] {
				continue
			}
			for _, x := range pats[i].alts {
				for _, y := range pats[j].alts {
					if prefixCompatible(x.prefix, y.prefix) {
						if _, ok := intersect(x, y, nil); ok {
							n++
						}
					}
				}
			}
		}
	}
	return n
}

// BenchmarkGlobstarPlan compares the overlap proof with the baseline on
// "**/" plans. The baseline is run at sizes it finishes in seconds; the
// 50 and 200 thread plans are the targets for the new proof.
func BenchmarkGlobstarPlan(b *testing.B) {
	for _, size := range []int{10, 20} {
		data := globstarPlan(size, 20)
		p, _ := Decode("bench.toml", data, nil)
		b.Run(fmt.Sprintf("baseline/%dx20", size), func(b *testing.B) {
			for b.Loop() {
				if baselineOverlaps(p) != 0 {
					b.Fatal("overlap in a valid plan")
				}
			}
		})
		b.Run(fmt.Sprintf("proof/%dx20", size), func(b *testing.B) {
			for b.Loop() {
				if len(p.Overlaps()) != 0 {
					b.Fatal("overlap in a valid plan")
				}
			}
		})
	}
	for _, size := range []int{50, 200} {
		data := globstarPlan(size, 20)
		b.Run(fmt.Sprintf("parse/%dx20", size), func(b *testing.B) {
			for b.Loop() {
				if _, fs := Parse("bench.toml", data); len(fs) != 0 {
					b.Fatal(fs[0])
				}
			}
		})
	}
}
