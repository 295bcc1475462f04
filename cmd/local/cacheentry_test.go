package main

import (
	"errors"
	"math/rand/v2"
	"path"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/parallel-sessions/parallel-sessions/plan"
)

// sampleEntries are a valid plan's entry and an invalid one's.
func sampleEntries() []cachedPlan {
	return []cachedPlan{
		{Base: "main", Valid: true,
			Shared: []cachedPattern{{Text: "go.mod", Glob: "go.mod", File: true}, {Text: "docs/", Glob: "docs/**"}},
			Threads: []cachedThread{
				{ID: 1, Branch: "thread-1", Status: "active", MergeOrder: 2,
					Owns:    []cachedPattern{{Text: "a b/{x,y}/**", Glob: "{a b/x/**,a b/y/**}"}, {Text: "é\n/", Glob: "é\n/**"}},
					Forbids: []cachedPattern{{Text: "vendor/", Glob: "vendor/**"}}},
				{ID: 12, Branch: "feat/x", Status: "dropped", MergeOrder: 1},
			}},
		{Base: "trunk", Findings: []plan.Finding{{Pos: plan.Position{Line: 3, Col: 1}, Message: "overlap", Rule: "overlap"}}},
	}
}

func TestCacheEntryRoundTrips(t *testing.T) {
	for _, e := range sampleEntries() {
		data, err := encodeEntry(e)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := decodeEntry(string(data))
		if !ok || !reflect.DeepEqual(got, e) {
			t.Errorf("decodeEntry(encodeEntry(%+v)) = %+v, %v", e, got, ok)
		}
		// Every shorter prefix is refused, but the one that drops only
		// whole trailing records of a valid plan, which its checksum
		// guards.
		for n := range len(data) {
			if cut, ok := decodeEntry(string(data[:n])); ok && (data[n-1] != 0 || !e.Valid) {
				t.Errorf("the first %d of %d bytes decode: %+v", n, len(data), cut)
			}
		}
	}
}

func TestCacheEntryRefusesNUL(t *testing.T) {
	e := sampleEntries()[0]
	e.Threads[0].Owns[0].Text = "a\x00b"
	if _, err := encodeEntry(e); !errors.Is(err, errEntryField) {
		t.Errorf("encodeEntry with a NUL in a pattern: %v, want errEntryField", err)
	}
}

func TestCacheEntryRefusesMalformed(t *testing.T) {
	for name, data := range map[string]string{
		"empty":                "",
		"no kind":              "base\x00main\x00",
		"unknown kind":         "base\x00main\x00valid\x00other\x00x\x00",
		"owns before a thread": "base\x00main\x00valid\x00owns\x00a/\x00a/**\x000\x00",
		"bad file flag":        "base\x00main\x00valid\x00shared\x00a/\x00a/**\x002\x00",
		"bad id":               "base\x00main\x00valid\x00thread\x00x\x001\x00active\x00t\x00",
		"invalid without":      "base\x00main\x00invalid\x00[]\x00",
		"invalid with threads": "base\x00main\x00invalid\x00[{\"message\":\"x\"}]\x00thread\x001\x001\x00active\x00t\x00",
		"not ended":            "base\x00main\x00valid",
		"JSON":                 `{"base":"main","valid":true}`,
	} {
		if e, ok := decodeEntry(data); ok {
			t.Errorf("%s: decoded as %+v", name, e)
		}
	}
}

// FuzzCacheEntry: no input makes decodeEntry panic, and what it accepts
// reads the same once written again by encodeEntry. Seeds:
// testdata/fuzz/FuzzCacheEntry.
func FuzzCacheEntry(f *testing.F) {
	for _, e := range sampleEntries() {
		data, err := encodeEntry(e)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(data))
	}
	f.Fuzz(func(t *testing.T, data string) {
		e, ok := decodeEntry(data)
		if !ok {
			return
		}
		again, err := encodeEntry(e)
		if err != nil {
			t.Fatalf("decodeEntry(%q) = %+v, which does not encode: %v", data, e, err)
		}
		if e2, ok := decodeEntry(string(again)); !ok || !reflect.DeepEqual(e2, e) {
			t.Fatalf("decodeEntry(%q) = %+v; written again it reads %+v, %v", data, e, e2, ok)
		}
	})
}

// BenchmarkCacheEntry50x20: checking and decoding the cache entry of the
// check benchmark's 50-thread plan, as every cached check does.
func BenchmarkCacheEntry50x20(b *testing.B) {
	data, err := encodeEntry(reducePlan([]byte(checkBenchPlan()), nil))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("checksum", func(b *testing.B) {
		for b.Loop() {
			checksum(data)
		}
	})
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, ok := decodeEntry(data); !ok {
				b.Fatal("no entry")
			}
		}
	})
}

// BenchmarkRestorePlan1000: the plan a cached check of 1,000 paths (sorted,
// as git lists them) builds from the entry: the folders of the list, then
// the patterns they need.
func BenchmarkRestorePlan1000(b *testing.B) {
	e := reducePlan([]byte(checkBenchPlan()), nil)
	paths := checkBenchPaths(1000)
	slices.Sort(paths)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.plan(foldersOf(paths...)); err != nil {
			b.Fatal(err)
		}
	}
}

// TestFoldersHasAgreesWithTheObviousSet holds folders.has, a binary search,
// to the set of every path and folder above one, on paths whose names sort
// around the '/' ("a-b", "a.b", "a/b", "a0"), sorted and not.
func TestFoldersHasAgreesWithTheObviousSet(t *testing.T) {
	names := []string{"a", "a-b", "a.b", "a0", "ab", "b", "é"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		var paths []string
		for range rng.IntN(6) {
			segs := make([]string, 1+rng.IntN(3))
			for i := range segs {
				segs[i] = names[rng.IntN(len(names))]
			}
			paths = append(paths, strings.Join(segs, "/"))
		}
		want := map[string]bool{}
		for _, p := range paths {
			want[""] = true
			for dir := p; dir != ""; dir = path.Dir(dir) {
				want[dir] = true
				if !strings.Contains(dir, "/") {
					break
				}
			}
		}
		f := foldersOf(paths...)
		for _, dir := range append([]string{"", "a/a", "a/a-b", "a-b/a", "a.b/a0/b"}, names...) {
			if got := f.has(dir); got != want[dir] {
				t.Fatalf("paths %q: has(%q) = %v, want %v", paths, dir, got, want[dir])
			}
		}
	}
	if !everyFolder.has("x/y") || (folders{}).has("") {
		t.Error("everyFolder lacks a folder, or the empty set holds the root")
	}
}
