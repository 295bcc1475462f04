// Command naivecheck is the baseline ps-local check is measured against
// (BENCHMARKS.md, "check as a whole process"): the scope check as anyone
// would first write it. It reads the plan with go-toml, and for each path
// of the list loops doublestar.Match over the thread's own patterns and the
// shared ones until one matches, then prints the paths that are out of
// scope. It lives under testdata so `go build ./...` does not ship it.
//
// Usage: naivecheck PLAN THREAD-ID FILE
package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	toml "github.com/pelletier/go-toml/v2"
)

type planFile struct {
	Shared  []string `toml:"shared"`
	Threads []struct {
		ID      int      `toml:"id"`
		Status  string   `toml:"status"`
		Owns    []string `toml:"owns"`
		Forbids []string `toml:"forbids"`
	} `toml:"threads"`
}

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: naivecheck PLAN THREAD-ID FILE")
		os.Exit(2)
	}
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fail(err)
	}
	var p planFile
	if err := toml.Unmarshal(data, &p); err != nil {
		fail(err)
	}
	id, err := strconv.Atoi(os.Args[2])
	if err != nil {
		fail(err)
	}
	var owns, forbids []string
	active := false
	for _, t := range p.Threads {
		if t.ID == id {
			owns, forbids, active = append(globs(t.Owns), globs(p.Shared)...), globs(t.Forbids), t.Status != "dropped"
		}
	}
	f, err := os.Open(os.Args[3])
	if err != nil {
		fail(err)
	}
	defer f.Close()
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	bad := 0
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		path := lines.Text()
		if path == "" {
			continue
		}
		if path == "plan.toml" || !active || matchAny(forbids, path) || !matchAny(owns, path) {
			fmt.Fprintf(out, "%s: out of thread %d's scope\n", path, id)
			bad++
		}
	}
	if err := lines.Err(); err != nil {
		fail(err)
	}
	if bad > 0 {
		out.Flush()
		os.Exit(1)
	}
}

// globs turns plan patterns into doublestar patterns: "dir/" and a literal
// are the path and everything below it.
func globs(patterns []string) []string {
	var out []string
	for _, p := range patterns {
		p = strings.TrimPrefix(p, "./")
		switch {
		case strings.HasSuffix(p, "/"):
			out = append(out, p+"**")
		case !strings.ContainsAny(p, "*?[{"):
			out = append(out, p, p+"/**")
		default:
			out = append(out, p)
		}
	}
	return out
}

func matchAny(globs []string, path string) bool {
	for _, g := range globs {
		if ok, _ := doublestar.Match(g, path); ok {
			return true
		}
	}
	return false
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "naivecheck:", err)
	os.Exit(2)
}
