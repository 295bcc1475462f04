package plan

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the expected findings of testdata/invalid/*.out")

// TestGoldenInvalid parses each testdata/invalid/*.toml and compares its
// findings, one per line, with the .out file beside it. Run
// `go test ./plan -run Golden -update` to rewrite them after a deliberate
// change, and read the diff.
func TestGoldenInvalid(t *testing.T) {
	files, err := filepath.Glob("testdata/invalid/*.toml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden inputs: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			_, fs := ParseInTree(filepath.Base(file), data, goldenTree(t, file))
			if len(fs) == 0 {
				t.Fatalf("%s: no findings for an invalid plan", file)
			}
			var b strings.Builder
			for _, f := range fs {
				b.WriteString(f.String() + "\n")
			}
			matchGolden(t, strings.TrimSuffix(file, ".toml")+".out", b.String(), "findings differ")
			checkPositionsInside(t, data, fs)
		})
	}
}

func TestGoldenValid(t *testing.T) {
	files, err := filepath.Glob("testdata/valid/*.toml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no valid plans: %v", err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		p, fs := ParseInTree(filepath.Base(file), data, goldenTree(t, file))
		for _, f := range fs {
			t.Errorf("%s", f)
		}
		if p == nil || len(p.Threads) == 0 {
			t.Errorf("%s: no threads decoded", file)
		}
	}
}

// goldenTree reads the base branch's files for a golden plan from the .tree
// file beside it, one path per line; without one the tree is unknown (nil).
func goldenTree(t *testing.T, file string) *Tree {
	t.Helper()
	data, err := os.ReadFile(strings.TrimSuffix(file, ".toml") + ".tree")
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return NewTree(strings.Fields(string(data)))
}

// checkPositionsInside fails when a finding points outside the file.
func checkPositionsInside(t *testing.T, data []byte, fs []Finding) {
	t.Helper()
	lines := strings.Split(string(data), "\n")
	for _, f := range fs {
		if f.Pos.Line < 1 || f.Pos.Line > len(lines) || f.Pos.Col < 1 || f.Pos.Col > len(lines[f.Pos.Line-1])+1 {
			t.Errorf("finding outside the file (%d lines): %s", len(lines), f)
		}
	}
}

// matchGolden compares got with the golden file, rewriting it first under
// -update; what names the difference and what to do about it.
func matchGolden(t *testing.T, golden, got, what string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s from %s\n--- got\n%s--- want\n%s", what, golden, got, want)
	}
}

// addGoldenPlans seeds f with every golden plan.
func addGoldenPlans(f *testing.F) {
	for _, dir := range []string{"testdata/valid", "testdata/invalid"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.toml"))
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
}
