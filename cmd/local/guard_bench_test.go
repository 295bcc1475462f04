package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// guardBenchRepo is a repository with a valid plan of 50 threads × 20 owns
// patterns committed on main, and thread 1's branch checked out.
func guardBenchRepo(b *testing.B) string {
	b.Helper()
	repo := b.TempDir()
	gitIn(b, repo, "init", "-q", "-b", "main")
	os.WriteFile(filepath.Join(repo, "plan.toml"), []byte(guardBenchPlan()), 0o644)
	gitIn(b, repo, "add", "-A")
	gitIn(b, repo, "commit", "-q", "-m", "plan")
	gitIn(b, repo, "checkout", "-q", "-b", "thread-1")
	return repo
}

// guardBenchPlan is a valid plan of 50 threads × 20 owns patterns, in the
// shapes of plan's benchmark: folders, ** globs, braces and classes.
func guardBenchPlan() string {
	return benchPlan50x20("docs/svc%d/{api,guide}/page%d.md")
}

// benchPlan50x20 is a valid plan of 50 threads × 20 owns patterns; docs is
// the format of the docs pattern, given the thread and pattern numbers.
func benchPlan50x20(docs string) string {
	var p strings.Builder
	p.WriteString("shared = [\"go.sum\", \"go.mod\"]\n")
	for t := 1; t <= 50; t++ {
		fmt.Fprintf(&p, "\n[[threads]]\nid = %d\nbranch = \"thread-%d\"\ngoal = \"benchmark\"\nmerge_order = %d\nforbids = [\"vendor/\"]\nowns = [\n", t, t, t)
		for i := 0; i < 20; i++ {
			switch i % 4 {
			case 0:
				fmt.Fprintf(&p, "  \"services/svc%d/part%d/\",\n", t, i)
			case 1:
				fmt.Fprintf(&p, "  \"services/svc%d/**/*_%d.go\",\n", t, i)
			case 2:
				fmt.Fprintf(&p, "  %q,\n", fmt.Sprintf(docs, t, i))
			default:
				fmt.Fprintf(&p, "  \"tests/svc%d/[a-m]*%d/\",\n", t, i)
			}
		}
		p.WriteString("]\n")
	}
	return p.String()
}

// BenchmarkGuard50Threads is one guard decision in process (the git
// processes it starts included): with the plan's cache entry, and without
// it (decode and overlap proof on every call) as the baseline.
func BenchmarkGuard50Threads(b *testing.B) {
	repo := guardBenchRepo(b)
	cacheDir := filepath.Join(repo, ".git", "parallel-sessions")
	for _, path := range []string{"services/svc1/part0/x.go", "services/svc2/part0/x.go"} {
		input := `{"hook_event_name":"PreToolUse","tool_name":"Edit","cwd":"` + repo + `","tool_input":{"file_path":"` + filepath.Join(repo, path) + `"}}`
		for _, cached := range []bool{true, false} {
			name := map[bool]string{true: "cached", false: "uncached"}[cached] + "/" + map[bool]string{true: "allow", false: "deny"}[strings.Contains(path, "svc1/")]
			b.Run(name, func(b *testing.B) {
				for b.Loop() {
					if !cached {
						os.RemoveAll(cacheDir)
					}
					c := &command{stdin: strings.NewReader(input), stdout: io.Discard, stderr: io.Discard, dir: repo, getenv: func(string) string { return "" }}
					if code := c.run([]string{"guard"}); code != exitOK {
						b.Fatalf("exit %d", code)
					}
				}
			})
		}
	}
}
