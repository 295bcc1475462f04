package main

import (
	"strconv"
	"strings"
	"testing"

	"github.com/parallel-sessions/parallel-sessions/plan"
)

// TestTemplatePortsAreUsable renders the template's PORT for threads 1 to
// 99: every port is unprivileged, at most 65535, and no two are equal.
func TestTemplatePortsAreUsable(t *testing.T) {
	p, fs := plan.Parse("template.toml", planTemplate)
	if p == nil || plan.Errors(fs) != 0 {
		t.Fatalf("template does not parse: %v", fs)
	}
	seen := map[int]int{}
	for id := 1; id <= 99; id++ {
		th := plan.Thread{ID: id, Branch: "b"}
		env := renderEnv(p, &th)
		_, rest, ok := strings.Cut(env, "PORT=")
		if !ok {
			t.Fatalf("thread %d: no PORT in %q", id, env)
		}
		line, _, _ := strings.Cut(rest, "\n")
		port, err := strconv.Atoi(line)
		if err != nil || port < 1024 || port > 65535 {
			t.Fatalf("thread %d: PORT=%s is not an unprivileged port", id, line)
		}
		if prev, dup := seen[port]; dup {
			t.Fatalf("threads %d and %d both get port %d", prev, id, port)
		}
		seen[port] = id
	}
}
