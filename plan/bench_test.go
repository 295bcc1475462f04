package plan

import (
	"fmt"
	"strings"
	"testing"
)

// benchPlan writes a valid plan of threads × patterns owns patterns, in the
// shapes real plans use: folders, files, and globs under each thread's area.
func benchPlan(threads, patterns int) []byte {
	var b strings.Builder
	b.WriteString("shared = [\"go.sum\", \"go.mod\"]\n")
	for t := 1; t <= threads; t++ {
		fmt.Fprintf(&b, "\n[[threads]]\nid = %d\nbranch = \"thread-%d\"\ngoal = \"benchmark thread %d\"\nmerge_order = %d\nowns = [\n", t, t, t, t)
		for p := 0; p < patterns; p++ {
			switch p % 4 {
			case 0:
				fmt.Fprintf(&b, "  \"services/svc%d/part%d/\",\n", t, p)
			case 1:
				fmt.Fprintf(&b, "  \"services/svc%d/**/*_%d.go\",\n", t, p)
			case 2:
				fmt.Fprintf(&b, "  \"docs/svc%d/{api,guide}/page%d.md\",\n", t, p)
			default:
				fmt.Fprintf(&b, "  \"tests/svc%d/[a-m]*%d/\",\n", t, p)
			}
		}
		b.WriteString("]\nforbids = [\"vendor/\"]\n")
	}
	return []byte(b.String())
}

func TestBenchPlanIsValid(t *testing.T) {
	_, fs := Parse("bench.toml", benchPlan(50, 20))
	for _, f := range fs {
		t.Error(f)
	}
}

// BenchmarkParse50x20 is the target: decoding and validating a plan
// of 50 threads with 20 owns patterns each, overlap proof included.
func BenchmarkParse50x20(b *testing.B) {
	data := benchPlan(50, 20)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, fs := Parse("bench.toml", data); len(fs) > 0 {
			b.Fatal(fs[0])
		}
	}
}

// BenchmarkDecodeOnly50x20 is the same plan without the overlap proof, to
// show where the time goes.
func BenchmarkDecodeOnly50x20(b *testing.B) {
	data := benchPlan(50, 20)
	for b.Loop() {
		root, err := parseTree(data)
		if err != nil {
			b.Fatal(err.msg)
		}
		d := decoder{fs: &findings{}}
		d.plan(root)
	}
}

// BenchmarkOverlapPair measures one pattern-pair decision of each kind.
func BenchmarkOverlapPair(b *testing.B) {
	pairs := []struct{ name, a, b string }{
		{"disjoint-prefix", "services/auth/", "services/api/**/*.go"},
		{"overlap-glob", "services/**/*.go", "services/auth/"},
		{"disjoint-glob", "**/*.go", "**/*.md"},
		{"braces", "docs/{api,guide}/page*.md", "docs/*/page1.{md,txt}"},
	}
	for _, p := range pairs {
		x, y := mustPattern(b, p.a), mustPattern(b, p.b)
		b.Run(p.name, func(b *testing.B) {
			for b.Loop() {
				Overlap(x, y)
			}
		})
	}
}
